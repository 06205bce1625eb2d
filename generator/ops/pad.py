"""PAD and PADV2 up to 5-D with constant paddings.

Pad value as TFLM: int8 PAD pads with the output zero point, float32 / int16 / int32 PAD with
zero, PADV2 with its constant scalar (for int8 it must share the output's quantization).
"""
from __future__ import annotations

import struct

import numpy as np

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import (
    KERNEL_DIMS, c_list, constant_ints, expect_movable, expect_rank, expect_same_type, extend,
    plan_input, source_pointer, width_suffix,
)

HEADER = "pad/tb_pad.h"
PAD_DTYPES = ("int8", "int16", "int32", "float32")


def _paddings(model: Model, op: Operator) -> np.ndarray:
    return constant_ints(model, op, slots.PADDINGS, "paddings")


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", PAD_DTYPES)
    expect_same_type(op, inp, out)
    expect_rank(op, inp, "input", KERNEL_DIMS)
    paddings = _paddings(model, op)
    rank = len(out.shape)
    if paddings.size != 2 * rank or len(inp.shape) != rank:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} needs {rank} pairs of paddings for a {rank}-D output, "
            f"got shape {list(paddings.shape)} for a {len(inp.shape)}-D input"
        )
    pairs = paddings.reshape(rank, 2)
    if np.any(pairs < 0):
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail="negative paddings (cropping)")
    for axis in range(rank):
        if inp.shape[axis] + pairs[axis, 0] + pairs[axis, 1] != out.shape[axis]:
            raise MalformedModelError(
                f"operator #{op.index} {op.name}: input {list(inp.shape)} padded by {pairs.tolist()} "
                f"does not give the output {list(out.shape)}"
            )
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, out, "output")
    constant = checks.tensor(model, op, slots.PAD_VALUE, "constant value", optional=True) if op.name == "PADV2" else None
    if constant is not None:
        if not constant.is_constant or constant.num_elements != 1 or constant.dtype != inp.dtype:
            raise UnsupportedTensorError(
                constant.name, constant.dtype,
                f"PADV2 (operator #{op.index}) needs a constant scalar pad value of the input's type ({inp.dtype})",
            )
        if inp.dtype == "int8":
            cq, oq = constant.quantization, out.quantization
            if cq is None or oq is None or cq.zero_points[0] != oq.zero_points[0] or cq.scales[0] != oq.scales[0]:
                raise UnsupportedTensorError(
                    constant.name, constant.dtype,
                    f"PADV2 (operator #{op.index}) needs the pad value quantized like the output (as TFLM does)",
                )


def _pad_bits(ctx: EmitContext, op: Operator) -> str:
    inp, out = ctx.input(op), ctx.output(op)
    constant = ctx.optional_input(op, slots.PAD_VALUE) if op.name == "PADV2" else None
    if constant is not None:
        assert constant.data is not None
        value = np.asarray(constant.data).reshape(-1)[0]
    elif inp.dtype == "int8":
        assert out.quantization is not None
        value = out.quantization.zero_points[0]
    else:
        value = 0
    if inp.dtype == "float32":
        bits = struct.unpack("<I", struct.pack("<f", float(np.float32(value))))[0]
        return f"0x{bits:08x}u"
    width = {"int8": 8, "int16": 16, "int32": 32}[inp.dtype]
    return f"0x{int(value) & ((1 << width) - 1):0{width // 4}x}u"


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    pairs = _paddings(ctx.model, op).reshape(len(out.shape), 2)
    prefix = f"tb_l{op.index}"
    left = (0,) * (KERNEL_DIMS - len(out.shape)) + tuple(int(v) for v in pairs[:, 0])
    params = CStruct("tb_pad_params_t", f"{prefix}_params", (
        ("input_dims", c_list(extend(inp.shape))),
        ("output_dims", c_list(extend(out.shape))),
        ("left", c_list(left)),
    ))
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    args = (f"&{prefix}_params", _pad_bits(ctx, op), source, ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_pad_{width_suffix(inp)}", args, (params,), HEADER)


VARIANTS = single(emit, plan_input)
HANDLERS = (
    OpHandler("PAD", check, VARIANTS, no_macs, "int8 (pads with the output zero point), int16, int32, float32 (pads with 0); up to 5-D",
              Operands(2, 2, roles=("input", "paddings")), max_version=4),
    OpHandler("PADV2", check, VARIANTS, no_macs, "int8, int16, int32, float32 with a constant pad value; up to 5-D",
              Operands(2, 3, optional=frozenset({slots.PAD_VALUE}), roles=("input", "paddings", "constant value")),
              max_version=4),
)
