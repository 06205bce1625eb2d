/* Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) as TFLM's
 * MicroResourceVariables keeps them: an id per (container, shared_name), one buffer per id,
 * sized by the first ASSIGN_VARIABLE. The generator resolves ids and sizes; the buffers are
 * arena bytes alive throughout, filled before the first inference. */
#ifndef TB_RESOURCE_H
#define TB_RESOURCE_H

#include <stdint.h>

#include "tb_kernel_types.h"

typedef struct {
    uint8_t *const *data;  /* buffer of each id */
    const uint32_t *bytes; /* its size (0: never assigned, so never allocated) */
    int32_t count;         /* ids 0..count-1 */
} tb_resource_table_t;

/* VAR_HANDLE: the resource tensor holds the variable's id. */
tb_status_t tb_var_handle(int32_t *handle, int32_t id);

/* READ_VARIABLE: copy the variable named by *handle into `output` of `bytes` bytes; TB_ERR_ARG
 * for an id out of range, a variable never allocated or of another size (TFLM refuses or
 * DCHECKs these). */
tb_status_t tb_read_variable(const tb_resource_table_t *table, const int32_t *handle, void *output,
                             uint32_t bytes);

/* ASSIGN_VARIABLE: copy `bytes` bytes of `value` into the variable named by *handle. */
tb_status_t tb_assign_variable(const tb_resource_table_t *table, const int32_t *handle, const void *value,
                               uint32_t bytes);

#endif /* TB_RESOURCE_H */
