/* Optimized SVDF int8 with int16 state: the state moved a word at a time, the feature and time
 * dot products on SMLAD (svdf_dsp_common.h). Bit-exact with tb_svdf_s8_s16. */
#include "svdf/svdf_dsp_common.h"
#include "svdf/svdf_s8_impl.h"

TB_DEFINE_SVDF_S8(tb_svdf_s8_s16_dsp, int16_t, -32768, 32767, tb_svdf_shift_state, tb_svdf_feature_dot_s8_dsp,
                  tb_svdf_time_dot_s16_dsp)
