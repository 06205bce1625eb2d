"""AVERAGE_POOL_2D and MAX_POOL_2D, int8, int16 and float32; L2_POOL_2D, float32 (as TFLM).

Paddings SAME/VALID, any strides and filter sizes (also larger than the input), fused
NONE/RELU/RELU6/RELU_N1_TO_1. int8 and int16 pools keep the input's quantization (TFLM requires the same
scale, within 1e-6, and zero point on input and output), so the kernels do no rescaling.
MAC count: 0 (a pool multiplies nothing).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..conv_quant import pool_scales_match
from ..errors import UnsupportedTensorError
from ..model import Model, Operator
from ..options import KernelSet
from ..quantization import QuantParamError, calculate_activation_range_quantized
from . import checks, conv_common, fused_conv_pool, slots, window
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant
from .registry import OpHandler, no_macs, unary

HEADER = "pooling/tb_pooling.h"
DSP_HEADER = "pooling/tb_pooling_dsp.h"
DSP_MAX_TAPS = 255  # SXTAB16 sums a window in 16-bit lanes: 255 x 128 < 2^15
FUNCTIONS = {
    ("AVERAGE_POOL_2D", "int8"): "tb_avg_pool2d_s8",
    ("AVERAGE_POOL_2D", "float32"): "tb_avg_pool2d_f32",
    ("MAX_POOL_2D", "int8"): "tb_max_pool2d_s8",
    ("MAX_POOL_2D", "float32"): "tb_max_pool2d_f32",
    ("AVERAGE_POOL_2D", "int16"): "tb_avg_pool2d_s16",
    ("MAX_POOL_2D", "int16"): "tb_max_pool2d_s16",
    ("L2_POOL_2D", "float32"): "tb_l2_pool2d_f32",
}


def _filter(op: Operator) -> tuple[int, int]:
    return int(op.options.get("filter_height", 0)), int(op.options.get("filter_width", 0))


def check(model: Model, op: Operator) -> None:
    window.check_activation(op)
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    dtypes = ("float32",) if op.name == "L2_POOL_2D" else ("int8", "int16", "float32")
    checks.expect_dtype(op, inp, "input", dtypes)
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    window.expect_rank4(op, inp, "input")
    window.expect_rank4(op, out, "output")
    checks.expect_not_constant(op, inp, "input")
    filter_h, filter_w = _filter(op)
    geometry = window.model_window(model, op, filter_h, filter_w, dilated=False)
    window.expect_output_shape(op, inp, out, geometry, inp.shape[3])
    if inp.dtype != "float32":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        assert inp.quantization and out.quantization
        try:
            calculate_activation_range_quantized(
                str(op.options.get("fused_activation_function", "NONE")), out.quantization.scales[0],
                out.quantization.zero_points[0], out.dtype,
            )
        except QuantParamError as exc:
            raise checks.quantization_refused(op, out, exc) from None
        if not pool_scales_match(inp.quantization, out.quantization):
            raise UnsupportedTensorError(
                out.name, out.dtype,
                f"{op.name} (operator #{op.index}) needs the output quantized like the input "
                f"(scale {inp.quantization.scales[0]:.9g}, zero point {inp.quantization.zero_points[0]}); "
                f"got scale {out.quantization.scales[0]:.9g}, zero point {out.quantization.zero_points[0]}",
            )


@dataclass(frozen=True)
class Pool:
    geometry: window.Window
    activation: tuple[int, int] | None  # int8 / int16 clamp; None: float32 (the fused activation's range)


def _plan(ctx: PlanContext, op: Operator) -> Planned:
    inp, out = ctx.input(op), ctx.output(op)
    activation = str(op.options.get("fused_activation_function", "NONE"))
    geometry = window.model_window(ctx.model, op, *_filter(op), dilated=False)
    if inp.dtype == "float32":
        return Planned(Pool(geometry, None))
    assert out.quantization is not None
    return Planned(Pool(geometry, calculate_activation_range_quantized(
        activation, out.quantization.scales[0], out.quantization.zero_points[0], out.dtype)))


def _emit(ctx: EmitContext, plan: LayerPlan, dsp: bool) -> Layer:
    """Both kernel sets take the same parameters; the DSP kernels step four channels at once."""
    p: Pool = plan.params
    op, prefix = plan.op, plan.prefix
    inp, out = ctx.input(op), ctx.output(op)
    if p.activation is not None:
        params = CStruct("tb_pool_params_t", f"{prefix}_params", (
            *window.window_fields(p.geometry, dilated=False),
            ("activation", f"{{.min = {p.activation[0]}, .max = {p.activation[1]}}}"),
        ))
    else:
        params = CStruct("tb_pool_f32_params_t", f"{prefix}_params", (
            *window.window_fields(p.geometry, dilated=False),
            conv_common.float_activation_fields(str(op.options.get("fused_activation_function", "NONE"))),
        ))
    structs = (params, *conv_common.dims_structs(prefix, (("input", inp.shape), ("output", out.shape))))
    args = (
        f"&{prefix}_params",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    function = FUNCTIONS[(op.name, inp.dtype)]
    return layer(plan, f"{function}_dsp" if dsp else function, args, structs, DSP_HEADER if dsp else HEADER)


def _dsp_applies(model: Model, op: Operator) -> bool:
    filter_h, filter_w = _filter(op)
    return slots.required_input(model, op, slots.INPUT).dtype == "int8" and filter_h * filter_w <= DSP_MAX_TAPS


VARIANTS = (
    fused_conv_pool.FUSED_POOL,
    Variant("dsp", KernelSet.OPTIMIZED, _plan, partial(_emit, dsp=True), applies=_dsp_applies),
    Variant("reference", KernelSet.REFERENCE, _plan, partial(_emit, dsp=False)),
)

TYPES = "int8, int16 (output quantized like the input), float32; SAME/VALID, strides, any filter size"
L2_VARIANTS = (Variant("reference", KernelSet.REFERENCE, _plan, partial(_emit, dsp=False)),)
HANDLERS = (
    OpHandler("AVERAGE_POOL_2D", check, VARIANTS, no_macs, TYPES, unary(), max_version=3),
    OpHandler("MAX_POOL_2D", check, VARIANTS, no_macs, TYPES, unary(), max_version=3),
    OpHandler("L2_POOL_2D", check, L2_VARIANTS, no_macs,
              "float32 (TFLM's only type); SAME/VALID, strides, any filter size", unary(), max_version=1),
)
