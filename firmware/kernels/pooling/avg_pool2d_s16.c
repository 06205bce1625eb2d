/* int16 AVERAGE_POOL_2D (TFLM reference arithmetic; the loop: pool2d_int_impl.h). */
#include "pooling/pool2d_int_impl.h"

TB_DEFINE_AVG_POOL2D(tb_avg_pool2d_s16, int16_t)
