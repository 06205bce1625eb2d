/* LOGICAL_NOT: !x. */
#include "common/tb_broadcast_ops.h"
#include "logical/tb_logical.h"

TB_DEFINE_UNARY_OP(tb_logical_not_bool, bool, bool, !x)
