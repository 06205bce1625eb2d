/* Optimized SVDF int8 with int16 state, the state a ring advanced by one slot per inference
 * instead of shifted (svdf_ring_impl.h). Outputs bit-exact with tb_svdf_s8_s16. */
#include "svdf/svdf_ring_impl.h"

TB_DEFINE_SVDF_RING(tb_svdf_s8_s16_ring_dsp, int16_t, 2)
