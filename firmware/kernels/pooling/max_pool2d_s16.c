/* int16 MAX_POOL_2D (TFLM reference arithmetic; the loop: pool2d_int_impl.h). */
#include "pooling/pool2d_int_impl.h"

TB_DEFINE_MAX_POOL2D(tb_max_pool2d_s16, int16_t, -32768, 32767)
