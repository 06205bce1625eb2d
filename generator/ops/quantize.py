"""QUANTIZE (float32 -> int8; int8 -> int8, uint8 -> int8, int8 -> uint8, int16 -> int8 and
int16 -> int32 requantize) and DEQUANTIZE (int8 -> float32)."""
from __future__ import annotations

from ..model import Model, Operator
from ..quantization import requantize_multiplier
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, c_float
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary

HEADER = "quantize/tb_quantize.h"
DEQUANTIZE_HEADER = "dequantize/tb_dequantize.h"


_OUTPUTS: dict[str, tuple[str, ...]] = {
    "float32": ("int8",), "int8": ("int8", "uint8"), "uint8": ("int8",), "int16": ("int8", "int32"),
}
_REQUANTIZE: dict[tuple[str, str], str] = {
    ("int8", "int8"): "tb_requantize_s8_s8", ("uint8", "int8"): "tb_requantize_u8_s8",
    ("int8", "uint8"): "tb_requantize_s8_u8", ("int16", "int8"): "tb_requantize_s16_s8",
    ("int16", "int32"): "tb_requantize_s16_s32",
}


def check_quantize(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("float32", "int8", "uint8", "int16"))
    checks.expect_dtype(op, out, "output", _OUTPUTS[inp.dtype])
    checks.expect_not_constant(op, inp, "input")
    checks.expect_per_tensor(op, out, "output")
    if inp.dtype in ("int8", "uint8", "int16"):
        checks.expect_per_tensor(op, inp, "input")
    checks.expect_same_size(op, inp, out)


def check_dequantize(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("int8",))
    checks.expect_dtype(op, out, "output", ("float32",))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_per_tensor(op, inp, "input")
    checks.expect_same_size(op, inp, out)


def _affine(prefix: str, scale: float, zero_point: int) -> CStruct:
    return CStruct("tb_affine_params_t", f"{prefix}_params", (("scale", c_float(scale)), ("zero_point", str(zero_point))))


def emit_quantize(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    assert out.quantization is not None
    prefix = f"tb_l{op.index}"
    size = str(out.num_elements)
    source, dest = ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False)
    if inp.dtype == "float32":
        params = _affine(prefix, out.quantization.scales[0], out.quantization.zero_points[0])
        return Layer(op.index, op.name, op.index, "tb_quantize_f32_s8", (f"&{prefix}_params", size, source, dest),
                     (params,), header=HEADER)
    assert inp.quantization is not None
    multiplier, shift = requantize_multiplier(inp.quantization.scales[0], out.quantization.scales[0])
    structs = (
        CStruct("tb_requantize_params_t", f"{prefix}_params", (
            ("input_offset", str(-inp.quantization.zero_points[0])),
            ("output_offset", str(out.quantization.zero_points[0])),
        )),
        CStruct("tb_quant_t", f"{prefix}_quant", (("multiplier", str(multiplier)), ("shift", str(shift))), compact=True),
    )
    function = _REQUANTIZE[(inp.dtype, out.dtype)]
    return Layer(op.index, op.name, op.index, function,
                 (f"&{prefix}_params", f"&{prefix}_quant", size, source, dest), structs, header=HEADER)


def emit_dequantize(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    assert inp.quantization is not None
    prefix = f"tb_l{op.index}"
    params = _affine(prefix, inp.quantization.scales[0], inp.quantization.zero_points[0])
    args = (f"&{prefix}_params", str(out.num_elements),
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, "tb_dequantize_s8_f32", args, (params,), header=DEQUANTIZE_HEADER)


HANDLERS = (
    OpHandler("QUANTIZE", check_quantize, single(emit_quantize), no_macs, "float32 -> int8, int8 -> int8, uint8 -> int8, int8 -> uint8, int16 -> int8, int16 -> int32",
              unary(), max_version=4),
    OpHandler("DEQUANTIZE", check_dequantize, single(emit_dequantize), no_macs, "int8 -> float32", unary(), max_version=7),
)
