/* Optimized SVDF int8 with int8 state: the state moved a word at a time, the feature dot product
 * on SMLAD (svdf_dsp_common.h). Bit-exact with tb_svdf_s8. */
#include "svdf/svdf_dsp_common.h"
#include "svdf/svdf_s8_impl.h"

TB_DEFINE_SVDF_S8(tb_svdf_s8_dsp, int8_t, -128, 127, tb_svdf_shift_state, tb_svdf_feature_dot_s8_dsp, tb_svdf_time_dot_s8)
