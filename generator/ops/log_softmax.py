"""LOG_SOFTMAX: float32 over the last dimension, as TFLM's float reference (libm expf/logf: within
the float32 tolerance of host TFLM). int8 (TFLM's fixed-point LogSoftmax) is not implemented.

MACs: 0.
"""
from __future__ import annotations

import math

from ..model import Model, Operator
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import check_unary_typed

HEADER = "log_softmax/tb_log_softmax.h"


def check(model: Model, op: Operator) -> None:
    check_unary_typed(model, op, ("float32",))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    depth = inp.shape[-1] if inp.shape else 1
    rows = math.prod(inp.shape[:-1]) if inp.shape else 1
    args = (str(rows), str(depth), ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_log_softmax_f32", args, (), HEADER)


HANDLERS = (
    OpHandler("LOG_SOFTMAX", check, single(emit), no_macs, "float32 (over the last dimension)", unary(),
              max_version=2),
)
