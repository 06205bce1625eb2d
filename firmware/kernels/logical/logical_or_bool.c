/* LOGICAL_OR with broadcasting: a || b. */
#include "common/tb_broadcast_ops.h"
#include "logical/tb_logical.h"

TB_DEFINE_BROADCAST_OP(tb_logical_or_bool, bool, bool, a || b)
