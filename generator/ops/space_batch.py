"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: int8 and float32 (the types TFLM's kernels run),
3-D (NHC) or 4-D (NHWC), constant int32 block shape and paddings / crops.

Both move whole pixels, so the kernels (firmware/kernels/space_batch/) only need the element
width. TFLM runs on the shapes stored in the file and never checks them, so the checks here
refuse any output shape the operator does not produce: a Keras model converted with an unknown
batch size stores batch 1 where SPACE_TO_BATCH_ND makes block_h x block_w batches, and TFLM then
computes a part of the output and leaves the rest as whatever the arena held.

SPACE_TO_BATCH_ND with padding is refused: TFLM pads with SpaceToBatchParams.output_offset, which
its kernel never sets (the value is whatever the persistent arena held: 84 for int8 in one run
where TFLite pads with the zero point), so that output cannot be checked.
"""
from __future__ import annotations

import numpy as np

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import DTYPE_BYTES, Model, Operator, Tensor
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, dims_fields, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import expect_same_type, plan_input, source_pointer

HEADER = "space_batch/tb_space_batch.h"
BLOCK_SHAPE = 1
PADDINGS = 2  # SPACE_TO_BATCH_ND: paddings; BATCH_TO_SPACE_ND: crops
DTYPES = ("int8", "float32")  # TFLM's kernels run these two only
RANKS = (3, 4)


def _role(op: Operator) -> str:
    return "paddings" if op.name == "SPACE_TO_BATCH_ND" else "crops"


def _constant_int32(model: Model, op: Operator, slot: int, role: str, shape: tuple[int, ...]) -> np.ndarray:
    tensor = checks.required(model, op, slot, role)
    if not tensor.is_constant or tensor.dtype != "int32":
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype,
            f"{op.name} (operator #{op.index}) needs a constant int32 {role} (TFLM reads it as int32); "
            "export with static shapes so the converter folds it",
        )
    assert tensor.data is not None
    values = np.asarray(tensor.data, dtype=np.int64).reshape(-1)
    if values.size != int(np.prod(shape)):
        raise MalformedModelError(
            f"operator #{op.index} {op.name} needs its {role} shaped {list(shape)} for its "
            f"{shape[0] + 2}-D input, got {list(tensor.shape)}"
        )
    return values.reshape(shape)


def _geometry(model: Model, op: Operator) -> tuple[tuple[int, int], np.ndarray]:
    """(block h, block w) and [[before, after] for h, w] (w is (1, [0, 0]) for a 3-D input)."""
    inp = checks.required(model, op, slots.INPUT, "input")
    spatial = len(inp.shape) - 2
    block = _constant_int32(model, op, BLOCK_SHAPE, "block shape", (spatial,))
    edges = _constant_int32(model, op, PADDINGS, _role(op), (spatial, 2))
    if spatial == 1:
        block = np.array([block[0], 1])
        edges = np.vstack([edges, [[0, 0]]])
    return (int(block[0]), int(block[1])), edges


def _nhwc(tensor: Tensor) -> tuple[int, int, int, int]:
    """TFLM's ExtendShapeSpaceToBatch / BatchToSpace: [n, h, c] -> [n, h, 1, c]."""
    s = tensor.shape
    return (s[0], s[1], 1, s[2]) if len(s) == 3 else (s[0], s[1], s[2], s[3])


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", DTYPES)
    expect_same_type(op, inp, out)
    if len(inp.shape) not in RANKS or len(out.shape) != len(inp.shape):
        raise UnsupportedTensorError(
            inp.name, inp.dtype,
            f"{op.name} (operator #{op.index}) needs 3-D or 4-D input and output of the same rank (as TFLM "
            f"does), got {list(inp.shape)} -> {list(out.shape)}",
        )
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        iq, oq = inp.quantization, out.quantization
        assert iq is not None and oq is not None
        if iq.zero_points[0] != oq.zero_points[0] or np.float32(iq.scales[0]) != np.float32(oq.scales[0]):
            raise UnsupportedTensorError(
                out.name, out.dtype,
                f"{op.name} (operator #{op.index}) copies int8 values, so its output needs the input's "
                f"quantization (scale {iq.scales[0]:g}, zero point {iq.zero_points[0]}); re-convert the model",
            )
    (bh, bw), edges = _geometry(model, op)
    if bh < 1 or bw < 1:
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail=f"block shape {bh}x{bw} (must be at least 1)")
    if np.any(edges < 0):
        raise UnsupportedOpError(op.name, op.index, supported_ops(),
                                 detail=f"negative {_role(op)} {edges.tolist()}")
    n, h, w, c = _nhwc(inp)
    if op.name == "SPACE_TO_BATCH_ND":
        padded_h, padded_w = h + int(edges[0].sum()), w + int(edges[1].sum())
        if padded_h % bh or padded_w % bw:
            raise MalformedModelError(
                f"operator #{op.index} SPACE_TO_BATCH_ND: the padded input {padded_h}x{padded_w} is not a multiple "
                f"of the block shape {bh}x{bw}"
            )
        expected = (n * bh * bw, padded_h // bh, padded_w // bw, c)
    else:
        expected = (n // (bh * bw), h * bh - int(edges[0].sum()), w * bw - int(edges[1].sum()), c)
        if n % (bh * bw):
            raise MalformedModelError(
                f"operator #{op.index} BATCH_TO_SPACE_ND: input batch {n} is not a multiple of the block "
                f"shape's {bh * bw} positions"
            )
    if _nhwc(out) != expected:
        shown = list(expected) if len(out.shape) == 4 else [expected[0], expected[1], expected[3]]
        raise UnsupportedTensorError(
            out.name, out.dtype,
            f"{op.name} (operator #{op.index}) makes {shown} from input {list(inp.shape)} with block shape "
            f"{[bh, bw][:len(inp.shape) - 2]} and {_role(op)} {edges[:len(inp.shape) - 2].tolist()}, but its output "
            f"tensor is {list(out.shape)}; TFLM would run on the stored shape and leave part of the output "
            "unset. A Keras model converted with an unknown batch size does this: give keras.Input a fixed "
            "batch_size=1 (the converter then folds the dilation into the convolution) and convert again"
        )
    if op.name == "SPACE_TO_BATCH_ND" and np.any(edges != 0):
        raise UnsupportedOpError(
            op.name, op.index, supported_ops(),
            detail=(f"padding {edges[:len(inp.shape) - 2].tolist()} (TFLM pads with a value its kernel never "
                    "initialises, SpaceToBatchParams.output_offset, so the padded output is undefined and "
                    "cannot be checked; give the model input sizes that are multiples of the block shape, or "
                    "a fixed batch size so the converter folds the dilated convolution into CONV_2D)"),
        )


def _emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    (bh, bw), edges = _geometry(ctx.model, op)
    prefix = plan.prefix
    pad_byte = 0
    if inp.dtype == "int8" and out.quantization is not None:
        pad_byte = out.quantization.zero_points[0] & 0xFF  # TFLite's value (only reached without padding)
    params = CStruct("tb_space_batch_params_t", f"{prefix}_params", (
        ("input", "{" + ", ".join(f".{k} = {v}" for k, v in dims_fields(*_nhwc(inp))) + "}"),
        ("output", "{" + ", ".join(f".{k} = {v}" for k, v in dims_fields(*_nhwc(out))) + "}"),
        ("block", f"{{.h = {bh}, .w = {bw}}}"),
        ("before", f"{{.h = {int(edges[0, 0])}, .w = {int(edges[1, 0])}}}"),
        ("element_bytes", str(DTYPE_BYTES[inp.dtype])),
        ("pad_byte", f"0x{pad_byte:02x}u"),
    ))
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    function = "tb_space_to_batch_nd" if op.name == "SPACE_TO_BATCH_ND" else "tb_batch_to_space_nd"
    return layer(plan, function, (f"&{prefix}_params", source, ctx.arena_pointer(out.index, const=False)),
                 (params,), HEADER)


VARIANTS = single(_emit, plan_input)
HANDLERS = (
    OpHandler("SPACE_TO_BATCH_ND", check, VARIANTS, no_macs,
              "int8, float32; 3-D or 4-D, constant block shape, no padding (TFLM's pad value is uninitialised)",
              Operands(3, 3, roles=("input", "block shape", "paddings")), max_version=4),
    OpHandler("BATCH_TO_SPACE_ND", check, VARIANTS, no_macs, "int8, float32; 3-D or 4-D, constant block shape and crops",
              Operands(3, 3, roles=("input", "block shape", "crops")), max_version=4),
)
