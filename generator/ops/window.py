"""Sliding-window geometry and checks shared by the convolution and pooling op modules.

Padding follows TFLM (tensorflow/lite/kernels/padding.h): SAME gives ceil(in / stride) outputs
and pads (out - 1) * stride + effective_filter - in in total, half of it (rounded down) before
the first row/column and the rest after the last; VALID gives
(in + stride - effective_filter) / stride outputs and no padding. Taps in the padding are
skipped by the kernels, not read as zeros.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import slots
from .registry import supported_ops

ACTIVATIONS: tuple[str, ...] = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
PADDINGS: tuple[str, ...] = ("SAME", "VALID")


def effective_filter_size(filter_size: int, dilation: int) -> int:
    return (filter_size - 1) * dilation + 1


def output_size(padding: str, in_size: int, filter_size: int, stride: int, dilation: int = 1) -> int:
    """Output rows (or columns) of a window sliding over `in_size` positions; may be <= 0 for VALID."""
    if padding == "SAME":
        return (in_size + stride - 1) // stride
    if padding == "VALID":
        return (in_size + stride - effective_filter_size(filter_size, dilation)) // stride
    raise ValueError(f"padding {padding}")


def padding_before(stride: int, dilation: int, in_size: int, filter_size: int, out_size: int) -> int:
    """Rows (or columns) of padding before the first input row; an odd total puts the extra one after."""
    total = (out_size - 1) * stride + effective_filter_size(filter_size, dilation) - in_size
    return max(total, 0) // 2


@dataclass(frozen=True)
class Window:
    """The folded geometry of one conv/pool layer."""

    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    pad_h: int
    pad_w: int
    out_h: int
    out_w: int


def unsupported(op: Operator, detail: str) -> UnsupportedOpError:
    return UnsupportedOpError(op.name, op.index, supported_ops(), detail=detail)


def check_activation(op: Operator) -> str:
    activation = op.options.get("fused_activation_function", "NONE")
    if activation not in ACTIVATIONS:
        raise unsupported(op, f"fused activation {activation} (supported: {', '.join(ACTIVATIONS)})")
    return str(activation)


def window_of(op: Operator, in_h: int, in_w: int, filter_h: int, filter_w: int, *, dilated: bool = True) -> Window:
    """Geometry from the op's options; raises on an unknown padding or a stride/dilation below 1."""
    padding = op.options.get("padding", "SAME")
    if padding not in PADDINGS:
        raise unsupported(op, f"padding {padding} (supported: SAME, VALID)")
    stride_h, stride_w = int(op.options.get("stride_h", 0)), int(op.options.get("stride_w", 0))
    dilation_h = int(op.options.get("dilation_hfactor", 1)) if dilated else 1
    dilation_w = int(op.options.get("dilation_wfactor", 1)) if dilated else 1
    if stride_h < 1 or stride_w < 1:
        raise unsupported(op, f"stride {stride_h}x{stride_w} (strides must be at least 1)")
    if dilation_h < 1 or dilation_w < 1:
        raise unsupported(op, f"dilation {dilation_h}x{dilation_w} (dilations must be at least 1)")
    if filter_h < 1 or filter_w < 1:
        raise unsupported(op, f"filter size {filter_h}x{filter_w} (filter sizes must be at least 1)")
    out_h = output_size(padding, in_h, filter_h, stride_h, dilation_h)
    out_w = output_size(padding, in_w, filter_w, stride_w, dilation_w)
    if out_h < 1 or out_w < 1:
        raise MalformedModelError(
            f"operator #{op.index} {op.name}: a {filter_h}x{filter_w} window (dilation "
            f"{dilation_h}x{dilation_w}) with VALID padding does not fit the {in_h}x{in_w} input"
        )
    return Window(
        filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w,
        padding_before(stride_h, dilation_h, in_h, filter_h, out_h),
        padding_before(stride_w, dilation_w, in_w, filter_w, out_w),
        out_h, out_w,
    )


def expect_rank4(op: Operator, t: Tensor, role: str) -> None:
    if len(t.shape) != 4 or any(d < 1 for d in t.shape):
        raise UnsupportedTensorError(
            t.name, t.dtype,
            f"{op.name} (operator #{op.index}) needs its {role} to be 4-D NHWC with no empty dimension, "
            f"got {list(t.shape)}",
        )


def expect_output_shape(op: Operator, inp: Tensor, out: Tensor, window: Window, channels: int) -> None:
    expected = (inp.shape[0], window.out_h, window.out_w, channels)
    if tuple(out.shape) != expected:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} output shape {list(out.shape)} should be {list(expected)} "
            f"for input {list(inp.shape)}, a {window.filter_h}x{window.filter_w} window, stride "
            f"{window.stride_h}x{window.stride_w}, dilation {window.dilation_h}x{window.dilation_w} "
            f"and {op.options.get('padding', 'SAME')} padding"
        )


def tile(h: int, w: int) -> str:
    return f"{{.h = {h}, .w = {w}}}"


def window_fields(window: Window, *, dilated: bool = True) -> tuple[tuple[str, str], ...]:
    fields = [
        ("stride", tile(window.stride_h, window.stride_w)),
        ("padding", tile(window.pad_h, window.pad_w)),
    ]
    if dilated:
        fields.append(("dilation", tile(window.dilation_h, window.dilation_w)))
    else:
        fields.append(("filter", tile(window.filter_h, window.filter_w)))
    return tuple(fields)


def model_window(model: Model, op: Operator, filter_h: int, filter_w: int, *, dilated: bool = True) -> Window:
    inp = slots.required_input(model, op, slots.INPUT)
    return window_of(op, inp.shape[1], inp.shape[2], filter_h, filter_w, dilated=dilated)
