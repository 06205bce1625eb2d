"""CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none) and float32.

Paddings SAME/VALID, any strides and dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, and grouped
convolution (filter depth dividing the input depth), as TFLM's reference kernels compute them.
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import conv_common, window
from .c_emit import CStruct, EmitContext, Layer, dims_fields
from .registry import OpHandler

HEADER = "conv2d/tb_conv2d.h"
FILTER_CHANNEL_DIM = 0  # filter [out_c, kh, kw, filter depth], quantized along out_c


def check(model: Model, op: Operator) -> None:
    activation = window.check_activation(op)
    t = conv_common.check_tensors(model, op)
    batches, _, _, in_c = t.inp.shape
    out_c, k_h, k_w, k_c = t.filt.shape
    geometry = window.model_window(model, op, k_h, k_w)
    if in_c % k_c != 0:
        raise window.unsupported(
            op, f"filter depth {k_c} with {in_c} input channels (the filter depth must divide the input depth)"
        )
    groups = in_c // k_c
    if out_c % groups != 0:
        raise MalformedModelError(
            f"operator #{op.index} CONV_2D has {out_c} filters for {groups} groups; "
            "the group count must divide the filter count"
        )
    window.expect_output_shape(op, t.inp, t.out, geometry, out_c)
    conv_common.check_bias(op, t.bias, out_c)
    conv_common.check_quantization(op, t, out_c, FILTER_CHANNEL_DIM, activation)


def macs(model: Model, op: Operator) -> int:
    """Output elements x kernel height x kernel width x filter depth (input channels / groups)."""
    out = model.tensors[op.outputs[0]]
    _, k_h, k_w, k_c = model.tensors[op.inputs[1]].shape
    return out.num_elements * k_h * k_w * k_c


def emit(ctx: EmitContext, op: Operator) -> Layer:
    inp, filt, out = ctx.tensor(op.inputs[0]), ctx.tensor(op.inputs[1]), ctx.tensor(op.outputs[0])
    bias_index = op.inputs[2] if len(op.inputs) > 2 else -1
    t = conv_common.ConvTensors(inp, filt, ctx.tensor(bias_index) if bias_index != -1 else None, out)
    activation = op.options.get("fused_activation_function", "NONE")
    out_c, k_h, k_w, k_c = filt.shape
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    prefix = f"tb_l{op.index}"
    arrays, bias_arg = conv_common.constant_arrays(ctx, op, t, prefix)
    structs: list[CStruct] = []
    if inp.dtype == "int8":
        quant = conv_common.derive_quant(t, activation, out_c)
        structs.append(CStruct("tb_conv_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("output_offset", str(quant.output_offset)),
            *window.window_fields(geometry),
            ("activation", f"{{.min = {quant.activation_min}, .max = {quant.activation_max}}}"),
        )))
        quant_arrays, quant_struct = conv_common.quant_constants(op, quant, prefix)
        arrays += quant_arrays
        structs.append(quant_struct)
        function, quant_args = "tb_conv2d_s8", (f"&{prefix}_quant",)
    else:
        structs.append(CStruct("tb_conv_f32_params_t", f"{prefix}_params", (
            *window.window_fields(geometry),
            conv_common.float_activation_fields(activation),
        )))
        function, quant_args = "tb_conv2d_f32", ()
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
        "CONV_2D", check, emit, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), float32; SAME/VALID, strides, "
        "dilations, groups",
    ),
)
