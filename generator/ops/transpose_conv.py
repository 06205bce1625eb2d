"""TRANSPOSE_CONV: int8 (per-channel or per-tensor int8 filter, int32 bias), 16x8 (int16
activations, int8 filter, int64 or int16 bias) and float32, with or without a bias.

Operands as TFLM names them: output_shape (0), filter (1), input (2), optional bias (3). TFLM
never reads output_shape's values (the output tensor's static shape rules), so it may be a
constant matching the output or a run-time tensor (a graph input, or computed by SHAPE / PACK).
Padding is TFLM's: that of the forward convolution from the output's size to the input's
(ComputePaddingHeightWidth on the output height and width, dilation 1). Fused NONE / RELU /
RELU6 / RELU_N1_TO_1 (version 4 on; earlier versions carry NONE).

TFLM scatters into an accumulator buffer as large as the output (int32 for int8, int64 for
16x8) that it requests from the arena; the kernels here gather into the output directly with
the same terms (and, for float32, the same order), so no scratch is planned and the arena is
smaller than TFLM's by that buffer. The optimized kernel set runs the same loops with the
channel sums four at a time (SMLAD for int8, SMLALD for 16x8).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..conv_quant import ConvQuant, conv_quant
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..quantization import QuantParamError
from . import checks, window
from .c_emit import CStruct, EmitContext, Layer, comment_text, layer, shape_text
from .conv_common import channel_quant_constants, dims_structs, float_activation_fields
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, Variant, float_constant, int_constant, single
from .registry import OpHandler, Operands

HEADER = "transpose_conv/tb_transpose_conv.h"

# Operand slots (TFLM's kTransposeConv*Tensor).
OUTPUT_SHAPE = 0
FILTER = 1
INPUT = 2
BIAS = 3
OUTPUT = 0
FILTER_CHANNEL_DIM = 0  # filter [out_c, kh, kw, in_c], quantized along out_c

# input type -> (filter type, bias types TFLM reads correctly, output type)
KERNEL_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "int8": ("int8", ("int32",), "int8"),
    "int16": ("int8", ("int64", "int16"), "int16"),
    "float32": ("float32", ("float32",), "float32"),
}
SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}
S16_MAX_SHIFT = 7  # TFLM's 64-bit MultiplyByQuantizedMultiplier takes shifts -31..7


@dataclass(frozen=True)
class Tensors:
    inp: Tensor
    filt: Tensor
    bias: Tensor | None
    out: Tensor
    output_shape: Tensor


def _tensors(model: Model, op: Operator) -> Tensors:
    return Tensors(
        checks.required(model, op, INPUT, "input"),
        checks.required(model, op, FILTER, "filter"),
        checks.tensor(model, op, BIAS, "bias", optional=True),
        checks.required(model, op, OUTPUT, "output"),
        checks.required(model, op, OUTPUT_SHAPE, "output_shape"),
    )


def _c_trunc_div(a: int, b: int) -> int:
    """C's integer division (toward zero), as TFLM's padding code divides."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def tflm_padding(padding: str, out_h: int, out_w: int, k_h: int, k_w: int, s_h: int, s_w: int) -> tuple[int, int]:
    """TFLM's ComputePaddingHeightWidth(stride, dilation 1, output size, filter size, padding):
    the padding (height, width) before the first row/column of the forward convolution that
    maps the transposed convolution's output back to its input; both 0 when either size it
    computes on the way is negative (TFLM's checked variant fails and leaves zeros)."""

    def conv_out(size: int, k: int, s: int) -> int:
        return _c_trunc_div(size + s - 1 if padding == "SAME" else size + s - k, s)

    conv_w, conv_h = conv_out(out_w, k_w, s_w), conv_out(out_h, k_h, s_h)
    if conv_w < 0 or conv_h < 0:
        return 0, 0

    def before(size: int, k: int, s: int, conv: int) -> int:
        return max((conv - 1) * s + k - size, 0) // 2

    return before(out_h, k_h, s_h, conv_h), before(out_w, k_w, s_w, conv_w)


def _strides(op: Operator) -> tuple[int, int]:
    stride_h, stride_w = int(op.options.get("stride_h", 0)), int(op.options.get("stride_w", 0))
    if stride_h < 1 or stride_w < 1:
        raise window.unsupported(op, f"stride {stride_h}x{stride_w} (strides must be at least 1)")
    return stride_h, stride_w


def _padding(op: Operator) -> str:
    padding = str(op.options.get("padding", "SAME"))
    if padding not in window.PADDINGS:
        raise window.unsupported(op, f"padding {padding} (supported: SAME, VALID)")
    return padding


def check(model: Model, op: Operator) -> None:
    activation = window.check_activation(op)
    _strides(op)
    _padding(op)
    t = _tensors(model, op)
    checks.expect_dtype(op, t.inp, "input", tuple(KERNEL_TYPES))
    filter_dtype, bias_dtypes, out_dtype = KERNEL_TYPES[t.inp.dtype]
    checks.expect_dtype(op, t.filt, "filter", (filter_dtype,))
    checks.expect_dtype(op, t.out, "output", (out_dtype,))
    if t.bias is not None and t.bias.dtype not in bias_dtypes:
        why = {
            "int16": "TFLM reads a 16x8 bias as int64 (an int32 bias would be read as garbage)",
            "int8": "TFLM reads an int8 bias as int32",
            "float32": "TFLM reads a float32 bias",
        }[t.inp.dtype]
        raise UnsupportedTensorError(
            t.bias.name, t.bias.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) with {t.inp.dtype} input needs a {' or '.join(bias_dtypes)} "
            f"bias: {why}; re-convert the model with the TFLite converter's default bias type",
        )
    for tensor, role in ((t.inp, "input"), (t.filt, "filter"), (t.out, "output")):
        window.expect_rank4(op, tensor, role)
    checks.expect_not_constant(op, t.inp, "input")
    if not t.filt.is_constant:
        raise UnsupportedTensorError(t.filt.name, t.filt.dtype,
                                     f"TRANSPOSE_CONV (operator #{op.index}) needs a constant filter; "
                                     "export the model with its weights frozen")
    out_c, _, _, k_c = t.filt.shape
    if t.inp.shape[0] != t.out.shape[0] or t.inp.shape[3] != k_c or t.out.shape[3] != out_c:
        raise MalformedModelError(
            f"operator #{op.index} TRANSPOSE_CONV: input {list(t.inp.shape)}, filter {list(t.filt.shape)} "
            f"and output {list(t.out.shape)} disagree (the filter is [output channels, kh, kw, input channels] "
            "and batches must match)"
        )
    _check_output_shape(op, t)
    if t.bias is not None and (not t.bias.is_constant or t.bias.num_elements != out_c):
        raise UnsupportedTensorError(
            t.bias.name, t.bias.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) needs a constant bias of {out_c} values (one per output "
            f"channel), got shape {list(t.bias.shape)}{'' if t.bias.is_constant else ' computed at run time'}",
        )
    if t.inp.dtype != "float32":
        _check_quantization(op, t, activation)


def _check_output_shape(op: Operator, t: Tensors) -> None:
    shape_tensor = t.output_shape
    if shape_tensor.dtype != "int32" or shape_tensor.num_elements != 4:
        raise UnsupportedTensorError(
            shape_tensor.name, shape_tensor.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) needs output_shape as 4 int32 values (N, H, W, C), "
            f"got {shape_tensor.dtype} {list(shape_tensor.shape)}",
        )
    if shape_tensor.is_constant:
        assert shape_tensor.data is not None
        values = tuple(int(v) for v in np.asarray(shape_tensor.data).reshape(-1))
        if values != tuple(t.out.shape):
            raise MalformedModelError(
                f"operator #{op.index} TRANSPOSE_CONV: output_shape {list(values)} differs from its output "
                f"tensor's shape {list(t.out.shape)}"
            )


def _check_quantization(op: Operator, t: Tensors, activation: str) -> None:
    checks.expect_per_tensor(op, t.inp, "input")
    checks.expect_per_tensor(op, t.out, "output")
    out_c = t.filt.shape[0]
    fq = t.filt.quantization
    if fq is None:
        raise UnsupportedTensorError(t.filt.name, t.filt.dtype,
                                     f"TRANSPOSE_CONV (operator #{op.index}) filter is not quantized; "
                                     "convert with full-integer quantization")
    checks.expect_positive_scales(op, t.filt, "filter")
    if fq.per_channel and (len(fq.scales) != out_c or fq.quantized_dimension != FILTER_CHANNEL_DIM):
        raise UnsupportedTensorError(
            t.filt.name, t.filt.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) per-channel filter needs {out_c} scales along dimension "
            f"{FILTER_CHANNEL_DIM} (as TFLM requires), got {len(fq.scales)} along dimension {fq.quantized_dimension}",
        )
    if any(z != 0 for z in fq.zero_points):
        raise UnsupportedTensorError(
            t.filt.name, t.filt.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) needs filter zero points 0 (TFLM's kernel ignores them, "
            f"so other values would compute something else); got {sorted(set(fq.zero_points))}; quantize the "
            "weights symmetrically",
        )
    try:
        quant = _quant(t, activation)
    except QuantParamError as exc:
        raise checks.quantization_refused(op, t.out, exc) from None
    limit = S16_MAX_SHIFT if t.inp.dtype == "int16" else 31
    bad = [c for c, s in enumerate(quant.shifts) if s > limit]
    if bad:
        raise UnsupportedTensorError(
            t.out.name, t.out.dtype,
            f"TRANSPOSE_CONV (operator #{op.index}) output channel {bad[0]} needs a rescaling multiplier of "
            f"2^{quant.shifts[bad[0]] - 1} or more (input scale x filter scale / output scale); TFLM's "
            f"{t.inp.dtype} rescaling supports less than 2^{limit}: re-quantize with a larger output scale",
        )


def _quant(t: Tensors, activation: str) -> ConvQuant:
    assert t.inp.quantization and t.filt.quantization and t.out.quantization
    return conv_quant(t.inp.quantization, t.filt.quantization, t.out.quantization, activation,
                      t.filt.shape[0], t.out.dtype)


def macs(model: Model, op: Operator) -> int:
    """Input elements x kernel height x kernel width x output channels (what TFLM's scatter
    multiplies; taps falling outside the output included)."""
    inp = model.tensors[op.inputs[INPUT]]
    out_c, k_h, k_w, _ = model.tensors[op.inputs[FILTER]].shape
    return inp.num_elements * k_h * k_w * out_c


@dataclass(frozen=True)
class TransposeConvPlan:
    t: Tensors
    stride: tuple[int, int]
    padding: tuple[int, int]
    activation: str
    quant: ConvQuant | None  # int8 and 16x8


def _plan(ctx: PlanContext, op: Operator) -> Planned:
    t = _tensors(ctx.model, op)
    out_c, k_h, k_w, _ = t.filt.shape
    stride = _strides(op)
    padding = tflm_padding(_padding(op), t.out.shape[1], t.out.shape[2], k_h, k_w, *stride)
    activation = str(op.options.get("fused_activation_function", "NONE"))
    quant = _quant(t, activation) if t.inp.dtype != "float32" else None
    where = f"Layer {op.index}: TRANSPOSE_CONV"
    prefix = f"tb_l{op.index}"
    constants: list[Constant] = [_values(f"{prefix}_filter", t.filt, f"{where} filter", t.filt.dtype, 16, 4)]
    if t.bias is not None:
        # An int16 bias of a 16x8 layer is widened to int64 here, as TFLM widens it at run time.
        bias_type = "int64" if t.inp.dtype == "int16" else t.bias.dtype
        constants.append(_values(f"{prefix}_bias", t.bias, f"{where} bias", bias_type, 8, 11))
    if quant is not None:
        constants += channel_quant_constants(where, prefix, quant.multipliers, quant.shifts)
    return Planned(TransposeConvPlan(t, stride, padding, activation, quant), tuple(constants))


CTYPES = {"int8": "int8_t", "int32": "int32_t", "int64": "int64_t", "float32": "float"}


def _values(name: str, tensor: Tensor, what: str, dtype: str, per_line: int, width: int) -> Constant:
    assert tensor.data is not None
    comment = comment_text(f"{what} '{tensor.name}' {shape_text(tensor)}"
                           + (f" as {dtype}" if dtype != tensor.dtype else ""))
    if dtype == "float32":
        return float_constant(name, tensor.data, comment)
    return int_constant(name, CTYPES[dtype], tensor.data, comment, per_line, width)


def _emit(ctx: EmitContext, plan: LayerPlan, dsp: bool = False) -> Layer:
    p: TransposeConvPlan = plan.params
    t, prefix = p.t, plan.prefix
    geometry = (("stride", window.tile(*p.stride)), ("padding", window.tile(*p.padding)))
    structs: list[CStruct] = []
    if p.quant is not None:
        structs.append(CStruct("tb_transpose_conv_params_t", f"{prefix}_params", (
            ("input_offset", str(p.quant.input_offset)),
            ("output_offset", str(p.quant.output_offset)),
            *geometry,
            ("activation", f"{{.min = {p.quant.activation_min}, .max = {p.quant.activation_max}}}"),
        )))
        structs.append(CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                               (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts"))))
        quant_args: tuple[str, ...] = (f"&{prefix}_quant",)
    else:
        structs.append(CStruct("tb_transpose_conv_f32_params_t", f"{prefix}_params",
                               (*geometry, float_activation_fields(p.activation))))
        quant_args = ()
    structs += dims_structs(prefix, (("input", t.inp.shape), ("filter", t.filt.shape), ("output", t.out.shape)))
    args = (
        f"&{prefix}_params", *quant_args,
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        "NULL" if t.bias is None else f"{prefix}_bias",
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, f"tb_transpose_conv_{SUFFIX[t.inp.dtype]}{'_dsp' if dsp else ''}", args, structs, HEADER)


def _quantized(model: Model, op: Operator) -> bool:
    return model.tensors[op.inputs[INPUT]].dtype in ("int8", "int16")


def quad_interleaved(weights: np.ndarray) -> np.ndarray:
    """16x8 optimized layout: in each whole quad of input channels the weights stored as
    (w0, w2, w1, w3), so SXTB16 unpacks (w0, w1) and, rotated, (w2, w3), the pairs the int16
    input words hold; the channels after the last whole quad keep their order."""
    w = np.array(weights, copy=True)
    whole = w.shape[-1] // 4 * 4
    quads = w[..., :whole].reshape(*w.shape[:-1], whole // 4, 4)
    w[..., :whole] = quads[..., [0, 2, 1, 3]].reshape(*w.shape[:-1], whole)
    return w


def _plan_dsp(ctx: PlanContext, op: Operator) -> Planned:
    """The reference plan; for 16x8 the filter in quad_interleaved order (same size)."""
    planned = _plan(ctx, op)
    p: TransposeConvPlan = planned.params
    if p.t.inp.dtype != "int16":
        return planned
    assert p.t.filt.data is not None
    filt = planned.constants[0]
    values = quad_interleaved(np.asarray(p.t.filt.data).reshape(p.t.filt.shape))
    reordered = int_constant(filt.name, filt.ctype, values, filt.comment + ", channels of each quad as 0, 2, 1, 3",
                             filt.per_line, filt.width)
    return Planned(p, (reordered, *planned.constants[1:]))


VARIANTS = (
    # int8 filters as in the file (16x8: reordered within quads, no larger): nothing expanded.
    Variant("dsp", KernelSet.OPTIMIZED, _plan_dsp, partial(_emit, dsp=True), applies=_quantized),
    *single(_emit, _plan),
)


def fixed_input_values(model: Model) -> dict[int, np.ndarray]:
    """Graph inputs whose values the model fixes: position in model.inputs -> the values.

    A TRANSPOSE_CONV's output_shape fed by a graph input (SEANet's exported layers do this) must
    hold the output's static shape: TFLM ignores it, but TFLite resizes the output to whatever it
    holds, so random values would make the second reference refuse the model."""
    fixed: dict[int, np.ndarray] = {}
    for op in model.operators:
        if op.name != "TRANSPOSE_CONV" or len(op.inputs) <= OUTPUT or op.inputs[OUTPUT_SHAPE] not in model.inputs:
            continue
        out = model.tensors[op.outputs[OUTPUT]]
        fixed[model.inputs.index(op.inputs[OUTPUT_SHAPE])] = np.asarray(out.shape, dtype=np.int32)
    return fixed


HANDLERS = (
    OpHandler(
        "TRANSPOSE_CONV", check, VARIANTS, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), 16x8 (int16 activations, int8 filter, "
        "int64 or int16 bias), float32; bias optional; SAME/VALID, strides, fused RELU/RELU6/RELU_N1_TO_1",
        Operands(3, 4, optional=frozenset({BIAS}), roles=("output_shape", "filter", "input", "bias")),
        max_version=5,
    ),
)
