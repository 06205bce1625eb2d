"""CONCATENATION along any axis (no fused activation), and the block-copy layout PACK shares.

int8 inputs must share the output's scale and zero point: TFLM's kernel requires it (it does
not requantize), so a model with differing scales is rejected as TFLM would reject it.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import DTYPE_BYTES, Model, Operator
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import c_list, expect_movable, expect_same_type, normalized_axis, plan_inputs, source_pointer

HEADER = "concatenation/tb_concatenation.h"
MAX_INPUTS = 10  # TFLM's kMaxInputNum for CONCATENATION
MAX_BLOCKS = 16  # TB_CONCAT_MAX_INPUTS
CONCAT_DTYPES = ("int8", "int16", "int32", "float32", "int64", "bool")  # TFLM's
PACK_DTYPES = ("int8", "int16", "int32", "float32", "int64")  # TFLM's


def check(model: Model, op: Operator) -> None:
    activation = op.options.get("fused_activation_function", "NONE")
    if activation != "NONE":
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail=f"fused activation {activation} (TFLM allows NONE only)")
    out = checks.required(model, op, slots.OUTPUT, "output")
    if not op.inputs or len(op.inputs) > MAX_INPUTS:
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail=f"{len(op.inputs)} inputs (TFLM allows 1 to {MAX_INPUTS})")
    expect_movable(op, out, "output", CONCAT_DTYPES)
    rank = len(out.shape)
    axis = normalized_axis(op, int(op.options.get("axis", 0)), rank)
    total = 0
    for slot in range(len(op.inputs)):
        inp = checks.required(model, op, slot, f"input {slot}")
        expect_same_type(op, inp, out)
        if len(inp.shape) != rank or any(inp.shape[d] != out.shape[d] for d in range(rank) if d != axis):
            raise MalformedModelError(
                f"operator #{op.index} CONCATENATION input {slot} shape {list(inp.shape)} does not match "
                f"the output {list(out.shape)} outside axis {axis}"
            )
        total += inp.shape[axis] if rank else 1
        if out.dtype == "int8":
            checks.expect_per_tensor(op, inp, f"input {slot}")
            iq, oq = inp.quantization, out.quantization
            assert iq is not None
            if oq is None or iq.scales[0] != oq.scales[0] or iq.zero_points[0] != oq.zero_points[0]:
                raise UnsupportedTensorError(
                    inp.name, inp.dtype,
                    f"CONCATENATION (operator #{op.index}) int8 inputs must share the output's scale and zero point "
                    "(TFLM does not requantize them)",
                )
    if out.dtype == "int16":  # TFLM's Prepare: int16 inputs and output have zero point 0
        for index in (*op.inputs, *op.outputs):
            checks.expect_zero_point(op, model.tensors[index], "operand", 0, "TFLM's int16 CONCATENATION")
    if rank and total != out.shape[axis]:
        raise MalformedModelError(f"operator #{op.index} CONCATENATION inputs add up to {total} along axis {axis}, output has {out.shape[axis]}")


def block_params(ctx: EmitContext, op: Operator, outer: int, block_bytes: list[int], kind: str) -> CStruct:
    """The block copy of CONCATENATION and PACK; constant inputs are shape_common.plan_inputs' arrays."""
    prefix = f"tb_l{op.index}"
    pointers = [source_pointer(ctx, index, f"{prefix}_input{slot}") for slot, index in enumerate(op.inputs)]
    return CStruct(kind, f"{prefix}_params", (
        ("outer", str(outer)),
        ("count", str(len(op.inputs))),
        ("bytes", c_list(block_bytes)),
        ("inputs", "{" + ", ".join(pointers) + "}"),
    ))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    out = ctx.output(op)
    rank = len(out.shape)
    axis = normalized_axis(op, int(op.options.get("axis", 0)), rank)
    outer = math.prod(out.shape[:axis])
    width = DTYPE_BYTES[out.dtype]
    blocks = [math.prod(ctx.tensor(i).shape[axis:]) * width for i in op.inputs]
    params = block_params(ctx, op, outer, blocks, "tb_concatenation_params_t")
    args = (f"&{params.name}", ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_concatenation_x8", args, (params,), HEADER)


HANDLERS = (OpHandler("CONCATENATION", check, single(emit, plan_inputs), no_macs,
                      "int8 (inputs quantized like the output), int16, int32, float32, int64, bool; any axis, no fused activation",
                      Operands(1, None, roles=("values",)), max_version=5),)
