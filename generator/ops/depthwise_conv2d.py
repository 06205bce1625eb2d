"""DEPTHWISE_CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none) and float32.

Any depth multiplier (output channel m + in_channel x depth_multiplier), paddings SAME/VALID,
strides, dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, as TFLM's reference kernels compute them.
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import conv_common, window
from .c_emit import CStruct, EmitContext, Layer, dims_fields
from .registry import OpHandler

HEADER = "depthwise_conv2d/tb_depthwise_conv2d.h"
FILTER_CHANNEL_DIM = 3  # filter [1, kh, kw, out_c], quantized along out_c


def check(model: Model, op: Operator) -> None:
    activation = window.check_activation(op)
    t = conv_common.check_tensors(model, op)
    _, _, _, in_c = t.inp.shape
    one, k_h, k_w, out_c = t.filt.shape
    if one != 1:
        raise MalformedModelError(
            f"operator #{op.index} DEPTHWISE_CONV_2D filter shape {list(t.filt.shape)} should be [1, kh, kw, channels]"
        )
    multiplier = int(op.options.get("depth_multiplier", 0))
    if multiplier < 1 or out_c != in_c * multiplier:
        raise MalformedModelError(
            f"operator #{op.index} DEPTHWISE_CONV_2D has {out_c} filter channels for {in_c} input channels "
            f"and depth multiplier {multiplier}; expected input channels x depth multiplier"
        )
    geometry = window.model_window(model, op, k_h, k_w)
    window.expect_output_shape(op, t.inp, t.out, geometry, out_c)
    conv_common.check_bias(op, t.bias, out_c)
    conv_common.check_quantization(op, t, out_c, FILTER_CHANNEL_DIM, activation)


def macs(model: Model, op: Operator) -> int:
    """Output elements x kernel height x kernel width: each output reads one input channel."""
    out = model.tensors[op.outputs[0]]
    _, k_h, k_w, _ = model.tensors[op.inputs[1]].shape
    return out.num_elements * k_h * k_w


def emit(ctx: EmitContext, op: Operator) -> Layer:
    inp, filt, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    bias_index = op.inputs[2] if len(op.inputs) > 2 else -1
    t = conv_common.ConvTensors(inp, filt, ctx.tensor(bias_index) if bias_index != -1 else None, out)
    activation = op.options.get("fused_activation_function", "NONE")
    _, k_h, k_w, out_c = filt.shape
    multiplier = int(op.options["depth_multiplier"])
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    prefix = f"tb_l{op.index}"
    arrays, bias_arg = conv_common.constant_arrays(ctx, op, t, prefix)
    structs: list[CStruct] = []
    if inp.dtype == "int8":
        quant = conv_common.derive_quant(t, activation, out_c)
        structs.append(CStruct("tb_depthwise_conv_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("output_offset", str(quant.output_offset)),
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(geometry),
            ("activation", f"{{.min = {quant.activation_min}, .max = {quant.activation_max}}}"),
        )))
        quant_arrays, quant_struct = conv_common.quant_constants(op, quant, prefix)
        arrays += quant_arrays
        structs.append(quant_struct)
        function, quant_args = "tb_depthwise_conv2d_s8", (f"&{prefix}_quant",)
    else:
        structs.append(CStruct("tb_depthwise_conv_f32_params_t", f"{prefix}_params", (
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(geometry),
            conv_common.float_activation_fields(activation),
        )))
        function, quant_args = "tb_depthwise_conv2d_f32", ()
    for role, shape in (("input", inp.shape), ("filter", filt.shape), ("bias", (1, 1, 1, out_c)), ("output", out.shape)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(*shape), True))
    args = (
        f"&{prefix}_params", *quant_args,
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        f"&{prefix}_bias_dims", bias_arg,
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, function, args, tuple(structs), tuple(arrays), HEADER)


HANDLERS = (
    OpHandler(
        "DEPTHWISE_CONV_2D", check, emit, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), float32; any depth multiplier, "
        "SAME/VALID, strides, dilations",
    ),
)
