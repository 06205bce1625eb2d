/* PACK, byte-wise (any element type): the concatenation loop with equal block sizes. */
#include "pack/tb_pack.h"

tb_status_t tb_pack_x8(const tb_pack_params_t *params, void *output)
{
    return tb_concatenation_x8(params, output);
}
