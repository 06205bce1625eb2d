"""MUL int8 on the optimized kernel set: same-shape operands, or one operand a single value.

TFLM's reference rescales each product (x1 + o1)(x2 + o2) with a 64-bit rounding multiply. The
product is at most 255 x 255 in magnitude, so the folded requantization of the DSP kernels
(common/tb_requant.h: SMMLAR, shift, saturate) gives the same int8 for every product whenever
dsp_requant.requant_words accepts the multiplier; other MULs (broadcasting, a left shift) keep
the reference kernel. No HANDLERS here: mul.py lists the variant first.
"""
from __future__ import annotations

import math
from collections.abc import Callable

from ..elementwise_quant import MulQuant
from ..model import Model, Operator
from ..options import KernelSet
from . import dsp_requant, slots
from .add_sub_common import activation_field, operand_constants, operand_pointers
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant

HEADER = "elementwise/tb_elementwise_dsp.h"
PRODUCT_BOUND = 255 * 255  # |(x1 + o1)(x2 + o2)| for int8 values and offsets
QuantOf = Callable[[Model, Operator], MulQuant]


def _words(q: MulQuant) -> list[list[int]] | None:
    return dsp_requant.requant_words([q.multiplier], [q.shift], q.output_offset, [0], [0], [PRODUCT_BOUND])


def _scalar_slot(model: Model, op: Operator) -> int | None:
    """INPUT1 or INPUT2 when that operand holds one value and the other the output's shape;
    None when both have the output's shape."""
    out = slots.output_tensor(model, op)
    shapes = {slot: slots.required_input(model, op, slot) for slot in (slots.INPUT1, slots.INPUT2)}
    if all(tuple(t.shape) == tuple(out.shape) for t in shapes.values()):
        return None
    for slot, other in ((slots.INPUT2, slots.INPUT1), (slots.INPUT1, slots.INPUT2)):
        if math.prod(shapes[slot].shape) == 1 and tuple(shapes[other].shape) == tuple(out.shape):
            return slot
    return -1


def applies(quant: QuantOf) -> Callable[[Model, Operator], bool]:
    def check(model: Model, op: Operator) -> bool:
        out = slots.output_tensor(model, op)
        if out.dtype != "int8" or slots.required_input(model, op, slots.INPUT1).dtype != "int8":
            return False
        if _scalar_slot(model, op) == -1:
            return False
        return _words(quant(model, op)) is not None
    return check


def plan(quant: QuantOf) -> Callable[[PlanContext, Operator], Planned]:
    def planned(ctx: PlanContext, op: Operator) -> Planned:
        q = quant(ctx.model, op)
        words = _words(q)
        assert words is not None
        where = f"Layer {op.index}: {op.name}"
        requant = int_constant(f"tb_l{op.index}_requant", "int32_t", words[0], f"{where} output requantization words",
                               6, 11)
        return Planned((q, _scalar_slot(ctx.model, op)), (requant, *operand_constants(ctx.model, op)))
    return planned


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    q, scalar = plan.params
    op, prefix = plan.op, plan.prefix
    clamp = q.activation_min > -128 or q.activation_max < 127
    pointer1, pointer2 = operand_pointers(ctx, op)
    offset1, offset2 = q.input1_offset, q.input2_offset
    if scalar == slots.INPUT1:  # multiplication commutes: the single value goes second
        pointer1, pointer2, offset1, offset2 = pointer2, pointer1, offset2, offset1
    params = CStruct("tb_mul_dsp_params_t", f"{prefix}_params", (
        ("input1_offset", str(offset1)),
        ("input2_offset", str(offset2)),
        ("output_requant", f"{prefix}_requant"),
        ("activation", activation_field(q.activation_min, q.activation_max)),
        ("clamp", "1" if clamp else "0"),
    ))
    out = ctx.output(op)
    function = "tb_mul_s8_dsp" if scalar is None else "tb_mul_scalar_s8_dsp"
    args = (f"&{params.name}", str(out.num_elements), pointer1, pointer2, ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params,), HEADER)


def variant(quant: QuantOf) -> Variant:
    return Variant("dsp", KernelSet.OPTIMIZED, plan(quant), emit, applies=applies(quant))
