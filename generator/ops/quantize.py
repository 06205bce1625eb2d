"""QUANTIZE and DEQUANTIZE, with the type pairs TFLM's reference kernels run.

QUANTIZE: float32 -> int8 or int16 (AffineQuantize), and the requantizations of
quantize_common.cc: int8 -> int8/uint8/int16/int32, uint8 -> int8, int16 -> int8/int16/int32,
int32 -> int8/int16 (one multiplier of double(s_in) / double(s_out)).
DEQUANTIZE: int8, int16 and uint8 -> float32 (every input type dequantize_common.cc accepts).
"""
from __future__ import annotations

from ..elementwise_quant import QuantParamError, RequantizeQuant, requantize_quant
from ..errors import UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from . import checks, slots
from .add_sub_common import RUN_WITH_TFLM, scale_zp
from .c_emit import CStruct, EmitContext, Layer, c_float
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, single
from .registry import OpHandler, no_macs, unary

HEADER = "quantize/tb_quantize.h"
DEQUANTIZE_HEADER = "dequantize/tb_dequantize.h"

_SUFFIX = {"float32": "f32", "int8": "s8", "uint8": "u8", "int16": "s16", "int32": "s32"}
# Output types per input type, as PrepareQuantizeReference and EvalQuantizeReference accept them.
QUANTIZE_PAIRS: dict[str, tuple[str, ...]] = {
    "float32": ("int8", "int16"),
    "int8": ("int8", "uint8", "int16", "int32"),
    "uint8": ("int8",),
    "int16": ("int8", "int16", "int32"),
    "int32": ("int8", "int16"),
}
DEQUANTIZE_INPUTS = ("int8", "int16", "uint8")


def check_quantize(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", tuple(QUANTIZE_PAIRS))
    checks.expect_dtype(op, out, "output", QUANTIZE_PAIRS[inp.dtype])
    checks.expect_not_constant(op, inp, "input")
    checks.expect_per_tensor(op, out, "output")
    if inp.dtype != "float32":
        checks.expect_per_tensor(op, inp, "input")
    checks.expect_same_size(op, inp, out)
    if inp.dtype != "float32":
        try:
            requantize_quant(*scale_zp(inp), *scale_zp(out))
        except QuantParamError as exc:
            raise UnsupportedTensorError(
                out.name, out.dtype,
                f"QUANTIZE (operator #{op.index}): {exc}; TFLM's requantization cannot apply it. "
                f"give the output a scale within 2^31 of the input's, or {RUN_WITH_TFLM}",
            ) from None


def check_dequantize(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", DEQUANTIZE_INPUTS)
    checks.expect_dtype(op, out, "output", ("float32",))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_per_tensor(op, inp, "input")
    checks.expect_same_size(op, inp, out)


def _affine(prefix: str, scale: float, zero_point: int) -> CStruct:
    return CStruct("tb_affine_params_t", f"{prefix}_params", (("scale", c_float(scale)), ("zero_point", str(zero_point))))


def plan_quantize(ctx: PlanContext, op: Operator) -> Planned:
    """The requantization constants (None for float32 input, which needs only the output's)."""
    inp, out = ctx.input(op), ctx.output(op)
    return Planned(None if inp.dtype == "float32" else requantize_quant(*scale_zp(inp), *scale_zp(out)))


def _pointers(ctx: EmitContext, inp: Tensor, out: Tensor) -> tuple[str, str]:
    return ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False)


def emit_quantize(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    size = str(out.num_elements)
    source, dest = _pointers(ctx, inp, out)
    if inp.dtype == "float32":
        params = _affine(prefix, *scale_zp(out))
        return Layer(op.index, op.name, op.index, f"tb_quantize_f32_{_SUFFIX[out.dtype]}",
                     (f"&{prefix}_params", size, source, dest), (params,), header=HEADER)
    q: RequantizeQuant = plan.params
    structs = (
        CStruct("tb_requantize_params_t", f"{prefix}_params", (
            ("input_offset", str(q.input_offset)),
            ("output_offset", str(q.output_offset)),
        )),
        CStruct("tb_quant_t", f"{prefix}_quant", (("multiplier", str(q.multiplier)), ("shift", str(q.shift))),
                compact=True),
    )
    function = f"tb_requantize_{_SUFFIX[inp.dtype]}_{_SUFFIX[out.dtype]}"
    return Layer(op.index, op.name, op.index, function,
                 (f"&{prefix}_params", f"&{prefix}_quant", size, source, dest), structs, header=HEADER)


# The optimized set's requantizations (requantize_*_dsp.c): between int8 and int16, where the
# rescaling is common/tb_rescale_exact.h's (one SMLAL per value instead of the reference's 64-bit
# rounding divisions); bit-exact with the reference kernels.
DSP_PAIRS = {("int16", "int8"), ("int8", "int8"), ("int8", "int16"), ("int16", "int16")}


def _dsp_applies(model: Model, op: Operator) -> bool:
    inp, out = slots.required_input(model, op, slots.INPUT), slots.output_tensor(model, op)
    if (inp.dtype, out.dtype) not in DSP_PAIRS:
        return False
    q = requantize_quant(*scale_zp(inp), *scale_zp(out))
    return (q.multiplier == 0 or q.multiplier >= 2**30) and -31 <= q.shift <= 31  # tb_rescale_exact_valid


def emit_quantize_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    made = emit_quantize(ctx, plan)
    return Layer(made.index, made.op_name, made.op_index, made.function + "_dsp", made.args, made.structs,
                 header=made.header)


def emit_dequantize(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    params = _affine(prefix, *scale_zp(inp))
    args = (f"&{prefix}_params", str(out.num_elements), *_pointers(ctx, inp, out))
    return Layer(op.index, op.name, op.index, f"tb_dequantize_{_SUFFIX[inp.dtype]}_f32", args, (params,),
                 header=DEQUANTIZE_HEADER)


def _pairs_text() -> str:
    return ", ".join(f"{src} -> {dst}" for src, outs in QUANTIZE_PAIRS.items() for dst in outs)


HANDLERS = (
    OpHandler("QUANTIZE", check_quantize,
              (Variant("dsp", KernelSet.OPTIMIZED, plan_quantize, emit_quantize_dsp, applies=_dsp_applies),
               *single(emit_quantize, plan_quantize)), no_macs, _pairs_text(),
              unary(), max_version=4),
    OpHandler("DEQUANTIZE", check_dequantize, single(emit_dequantize), no_macs, "int8 -> float32, int16 -> float32, uint8 -> float32",
              unary(), max_version=7),
)
