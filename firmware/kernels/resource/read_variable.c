#include <string.h>

#include "tb_resource.h"

tb_status_t tb_read_variable(const tb_resource_table_t *table, const int32_t *handle, void *output,
                             uint32_t bytes)
{
    const int32_t id = *handle;
    if (id < 0 || id >= table->count || table->bytes[id] == 0u || table->bytes[id] != bytes) {
        return TB_ERR_ARG;
    }
    memcpy(output, table->data[id], bytes);
    return TB_OK;
}
