/* SVDF int8 with int8 state and time weights, bit-exact with TFLM's EvalIntegerSvdfReference
 * (the loop: svdf_s8_impl.h). */
#include "svdf/svdf_s8_impl.h"

TB_DEFINE_SVDF_S8(tb_svdf_s8, int8_t, -128, 127, tb_svdf_shift_state_ref, tb_svdf_feature_dot_s8, tb_svdf_time_dot_s8)
