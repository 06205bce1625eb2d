#include "tb_resource.h"

tb_status_t tb_var_handle(int32_t *handle, int32_t id)
{
    *handle = id;
    return TB_OK;
}
