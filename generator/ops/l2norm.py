"""L2_NORMALIZATION over the last dimension, float32 and int8, as TFLM's reference kernels.

float32: x / max(sqrtf(sum of squares), 1e-6). int8: TFLM's integer kernel, whose output is in
1/128 steps around 0 whatever the output tensor's quantization says (TFLM's Prepare checks none),
so the generated code does the same. TFLM needs rank <= 4 and no fused activation.
MACs: 0.
"""
from __future__ import annotations

from ..errors import UnsupportedTensorError
from ..model import Model, Operator
from . import checks, slots
from .add_sub_common import unsupported
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary

HEADER = "l2norm/tb_l2norm.h"


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("float32", "int8"))
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_same_size(op, inp, out)
    if not 1 <= len(inp.shape) <= 4 or any(d < 1 for d in inp.shape):
        raise UnsupportedTensorError(
            inp.name, inp.dtype,
            f"{op.name} (operator #{op.index}) input shape {list(inp.shape)}: TFLM needs rank 1 to 4 without "
            "empty dimensions; reshape the input",
        )
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, inp, "input")
    activation = str(op.options.get("fused_activation_function", "NONE"))
    if activation != "NONE":
        raise unsupported(op, f"fused activation {activation}: TFLM's Prepare requires NONE; "
                              "apply the activation as its own operator")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    depth = inp.shape[-1]
    outer = inp.num_elements // depth
    data = (ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    if inp.dtype == "float32":
        return Layer(op.index, op.name, op.index, "tb_l2_norm_f32", (str(outer), str(depth), *data), (), header=HEADER)
    assert inp.quantization is not None
    zero_point = inp.quantization.zero_points[0]
    return Layer(op.index, op.name, op.index, "tb_l2_norm_s8", (str(outer), str(depth), str(zero_point), *data), (),
                 header=HEADER)


HANDLERS = (OpHandler("L2_NORMALIZATION", check, single(emit), no_macs,
                      "float32, int8 (output in 1/128 steps as TFLM's kernel; over the last dimension, rank up to 4)",
                      unary(), max_version=2),)
