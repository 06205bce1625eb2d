"""DIV (float32, int32; fused activations), FLOOR_DIV and FLOOR_MOD (float32), with
broadcasting (DIV up to 5-D, the others up to 4-D, as TFLM's kernels) and constant operands.

As TFLM's reference kernels: DIV is one IEEE division (float32) or C's truncating division
(int32) then the activation clamp; FLOOR_DIV floors the double-precision quotient; FLOOR_MOD moves
fmod's result into the divisor's sign. An int32 division by zero is undefined, as in TFLM.
int8 DIV is refused: TFLM's own int8 arithmetic is undefined behaviour for ordinary values
(tflm_ops.TFLM_UNDEFINED; host TFLM answers 0 / 100 with one output step, -1 / 100 with -128).
MACs: 0.
"""
from __future__ import annotations

from ..errors import UnsupportedTensorError
from ..model import Model, Operator
from .add_sub import float_activation_struct
from .add_sub_common import check_fused_activation, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .tflm_ops import undefined_in_tflm
from . import slots
from .typed_elementwise import BINARY_ROLES, check_binary_typed, emit_broadcast, kernel_name, operand_constants

HEADER = "arith/tb_arith.h"
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
# CalculateActivationRange<int32_t>
INT32_ACTIVATION_RANGES = {"NONE": (INT32_MIN, INT32_MAX), "RELU": (0, INT32_MAX), "RELU6": (0, 6),
                           "RELU_N1_TO_1": (-1, 1)}


def check_div(model: Model, op: Operator) -> None:
    check_fused_activation(op)
    first = slots.required_input(model, op, slots.INPUT1)
    if (undefined := undefined_in_tflm(op.name, first.dtype)) is not None:
        raise UnsupportedTensorError(first.name, first.dtype, f"{op.name} (operator #{op.index}) first input {undefined}")
    in1, in2, _ = check_binary_typed(model, op, ("float32", "int32"), None, 5)
    if in1.dtype == "int32":
        for t, role in ((in1, "first input"), (in2, "second input")):
            if t.quantization is not None:
                raise unsupported(op, f"a quantized int32 {role} '{t.name}' (TFLM's DIV needs int32 operands "
                                      "without quantization)")


def check_floor(model: Model, op: Operator) -> None:
    check_binary_typed(model, op, ("float32",), None, 4)


def plan(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit_div(ctx: EmitContext, plan: LayerPlan) -> Layer:
    activation = str(plan.op.options.get("fused_activation_function", "NONE"))
    dtype = ctx.input(plan.op).dtype
    if dtype == "float32":
        params = float_activation_struct(plan.prefix, activation)
    else:
        params = CStruct("tb_activation_t", f"{plan.prefix}_activation",
                         (("min", str(INT32_ACTIVATION_RANGES[activation][0])),
                          ("max", str(INT32_ACTIVATION_RANGES[activation][1]))), compact=True)
    return emit_broadcast(ctx, plan, kernel_name(plan.op, dtype), HEADER, params)


def emit_floor(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_broadcast(ctx, plan, kernel_name(plan.op, "float32"), HEADER)


_OPERANDS = Operands(2, 2, roles=("first input", "second input"))
_TAIL = "broadcasting up to {}-D, constant operands"
HANDLERS = (
    OpHandler("DIV", check_div, single(emit_div, plan), no_macs,
              f"float32, int32 (fused NONE/RELU/RELU6/RELU_N1_TO_1, {_TAIL.format(5)})", _OPERANDS, max_version=2),
    OpHandler("FLOOR_DIV", check_floor, single(emit_floor, plan), no_macs, f"float32 ({_TAIL.format(4)})", _OPERANDS,
              max_version=3),
    OpHandler("FLOOR_MOD", check_floor, single(emit_floor, plan), no_macs, f"float32 ({_TAIL.format(4)})", _OPERANDS,
              max_version=2),
)
