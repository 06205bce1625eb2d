/* PACK: stack `values_count` equally shaped inputs along a new axis. */
#ifndef TB_PACK_H
#define TB_PACK_H

#include <stdint.h>

#include "concatenation/tb_concatenation.h"
#include "tb_kernel_types.h"

/* PACK is a concatenation whose blocks all have the size of the dimensions after the axis. */
typedef tb_concatenation_params_t tb_pack_params_t;

/* Byte-wise: int8, uint8, int16, int32, float32. */
tb_status_t tb_pack_x8(const tb_pack_params_t *params, void *output);

#endif /* TB_PACK_H */
