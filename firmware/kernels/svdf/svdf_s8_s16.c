/* SVDF int8 with int16 state and time weights (TFLM's keyword models), bit-exact with TFLM's
 * EvalIntegerSvdfReference (the loop: svdf_s8_impl.h). */
#include "svdf/svdf_s8_impl.h"

TB_DEFINE_SVDF_S8(tb_svdf_s8_s16, int16_t, -32768, 32767, tb_svdf_shift_state_ref, tb_svdf_feature_dot_s8,
                  tb_svdf_time_dot_s16)
