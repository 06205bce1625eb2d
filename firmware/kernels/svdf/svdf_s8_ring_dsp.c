/* Optimized SVDF int8 with int8 state, the state a ring advanced by one slot per inference
 * instead of shifted (svdf_ring_impl.h). Outputs bit-exact with tb_svdf_s8. */
#include "svdf/svdf_ring_impl.h"

tb_status_t tb_svdf_s8_ring_dsp(const tb_svdf_ring_params_t *params,
                                const int8_t *input,
                                const int16_t *feature_weights,
                                const int32_t *feature_bias,
                                const int8_t *time_weights,
                                const int32_t *unit_bias,
                                int8_t *state,
                                int32_t *ring,
                                int8_t *output)
{
    return tb_svdf_ring_run(params, input, feature_weights, feature_bias, time_weights, unit_bias, state, ring,
                            output, 1);
}
