"""SOFTMAX over the last dimension: int8 (TFLM's gemmlowp fixed-point path, no lookup table;
output zero point -128 and scale 1/256) and float32 (beta, target expf).

MACs: 0.
"""
from __future__ import annotations

import numpy as np

from ..elementwise_quant import QuantParamError, softmax_quant
from ..model import Model, Operator
from .add_sub_common import check_unary, quant_error, quant_field, scale_zp, unary_plan, unsupported
from .c_emit import CStruct, EmitContext, Layer, c_float, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary

HEADER = "softmax/tb_softmax.h"


def _beta(op: Operator) -> float:
    return float(op.options.get("beta", 0.0))


def check(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "float32"))
    if len(inp.shape) < 1 or inp.shape[-1] < 1 or list(inp.shape) != list(out.shape):
        raise unsupported(op, f"input shape {list(inp.shape)} with output shape {list(out.shape)}")
    if not _beta(op) > 0.0:
        raise unsupported(op, f"beta {_beta(op)} (TFLM needs beta > 0)")
    if inp.dtype == "int8":
        out_scale, out_zp = scale_zp(out)
        if out_zp != -128 or np.float32(out_scale) != np.float32(1.0 / 256.0):
            raise unsupported(
                op, f"an int8 output with scale {out_scale} and zero point {out_zp} (TFLM requires 1/256 and -128)"
            )
        try:
            softmax_quant(_beta(op), scale_zp(inp)[0])
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix, q = plan.op, plan.prefix, plan.params
    inp, out = ctx.input(op), ctx.output(op)
    depth = inp.shape[-1]
    outer = inp.num_elements // depth
    if q is None:
        params = CStruct("tb_softmax_f32_params_t", f"{prefix}_params", (("beta", c_float(_beta(op))),), compact=True)
        function = "tb_softmax_f32"
    else:
        params = CStruct("tb_softmax_params_t", f"{prefix}_params", (
            ("input_quant", quant_field(q.input_multiplier, q.input_left_shift)),
            ("diff_min", str(q.diff_min)),
        ))
        function = "tb_softmax_s8"
    args = (f"&{params.name}", str(outer), str(depth),
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params,), HEADER)


VARIANTS = single(emit, unary_plan(lambda op, inp, out: softmax_quant(_beta(op), scale_zp(inp)[0])))
HANDLERS = (OpHandler("SOFTMAX", check, VARIANTS, no_macs,
                      "int8 (output scale 1/256, zero point -128), float32; over the last dimension",
                      unary(), max_version=3),)
