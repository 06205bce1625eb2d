/* Optimized SVDF int8 with int8 state, the state a ring advanced by one slot per inference
 * instead of shifted (svdf_ring_impl.h). Outputs bit-exact with tb_svdf_s8. */
#include "svdf/svdf_ring_impl.h"

TB_DEFINE_SVDF_RING(tb_svdf_s8_ring_dsp, int8_t, 1)
