/* RESHAPE / SQUEEZE / EXPAND_DIMS, byte-wise for every element type. */
#include <stddef.h>
#include <string.h>

#include "reshape/tb_reshape.h"

tb_status_t tb_reshape_x8(const void *input, void *output, int32_t bytes)
{
    if (input == NULL || output == NULL || bytes < 0) {
        return TB_ERR_ARG;
    }
    if (input != output) {
        memmove(output, input, (size_t)bytes);
    }
    return TB_OK;
}
