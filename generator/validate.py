"""Check that the built-in runtime can run a model, before any code is generated."""

from __future__ import annotations

import math
from collections.abc import Callable

from .errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from .model import Model, Operator, Tensor

SUPPORTED_OPS: tuple[str, ...] = ("DEQUANTIZE", "FULLY_CONNECTED", "QUANTIZE")
SUPPORTED_FC_ACTIVATIONS: tuple[str, ...] = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
MAX_IO_RANK = 6  # TB_MAX_RANK in tb_runtime.h
IO_DTYPES: tuple[str, ...] = ("int8", "uint8", "float32", "int16", "int32")


def validate(model: Model) -> None:
    """Raise on the first thing the built-in runtime cannot run.

    Raises:
        UnsupportedOpError: an operator outside SUPPORTED_OPS, or an unsupported option.
        UnsupportedTensorError: a tensor type, shape or quantization the kernels lack.
        MalformedModelError: the graph contradicts itself (e.g. a missing input).
    """
    if not model.operators:
        raise MalformedModelError("the subgraph has no operators")
    if not model.inputs or not model.outputs:
        raise MalformedModelError("the subgraph declares no inputs or no outputs")
    for op in model.operators:
        if op.name not in _CHECKS:
            name = op.name
            if name == "CUSTOM":
                name = f"CUSTOM ({op.options.get('custom_code', '?')})"
            raise UnsupportedOpError(name, op.index, SUPPORTED_OPS)
    for op in model.operators:
        _CHECKS[op.name](model, op)
    for index in (*model.inputs, *model.outputs):
        _check_io_tensor(model.tensors[index])


def _check_io_tensor(tensor: Tensor) -> None:
    if tensor.dtype not in IO_DTYPES:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"model inputs/outputs must be one of {', '.join(IO_DTYPES)}",
        )
    if len(tensor.shape) > MAX_IO_RANK:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"rank {len(tensor.shape)} exceeds the runtime's limit of {MAX_IO_RANK}",
        )
    if tensor.quantization is not None and tensor.quantization.per_channel:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype, "model inputs/outputs must be quantized per tensor"
        )
    if tensor.is_constant:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype, "a model input or output cannot be a constant"
        )


def _tensor(
    model: Model, op: Operator, slot: int, role: str, *, optional: bool = False
) -> Tensor | None:
    indices = op.inputs if role != "output" else op.outputs
    if slot >= len(indices) or indices[slot] == -1:
        if optional:
            return None
        raise MalformedModelError(f"operator #{op.index} {op.name} has no {role} tensor")
    return model.tensors[indices[slot]]


def _required(model: Model, op: Operator, slot: int, role: str) -> Tensor:
    tensor = _tensor(model, op, slot, role)
    assert tensor is not None
    return tensor


def _expect_dtype(op: Operator, tensor: Tensor, role: str, allowed: tuple[str, ...]) -> None:
    if tensor.dtype not in allowed:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"{op.name} (operator #{op.index}) needs its {role} to be "
            f"{' or '.join(allowed)}",
        )


def _expect_per_tensor(op: Operator, tensor: Tensor, role: str) -> None:
    q = tensor.quantization
    if q is None:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"{op.name} (operator #{op.index}) needs its {role} to be quantized; "
            "convert with full-integer quantization",
        )
    if q.per_channel:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"{op.name} (operator #{op.index}) needs its {role} quantized per tensor",
        )
    _expect_positive_scales(op, tensor, role)


def _expect_positive_scales(op: Operator, tensor: Tensor, role: str) -> None:
    assert tensor.quantization is not None
    for scale in tensor.quantization.scales:
        if not (math.isfinite(scale) and scale > 0.0):
            raise UnsupportedTensorError(
                tensor.name,
                tensor.dtype,
                f"{op.name} (operator #{op.index}) {role} has quantization scale {scale}; "
                "scales must be finite and positive",
            )


def _expect_not_constant(op: Operator, tensor: Tensor, role: str) -> None:
    if tensor.is_constant:
        raise UnsupportedTensorError(
            tensor.name,
            tensor.dtype,
            f"{op.name} (operator #{op.index}) with a constant {role} is not supported; "
            "let the converter fold it",
        )


def _check_fully_connected(model: Model, op: Operator) -> None:
    activation = op.options.get("fused_activation_function", "NONE")
    if activation not in SUPPORTED_FC_ACTIVATIONS:
        raise UnsupportedOpError(
            op.name, op.index, SUPPORTED_OPS,
            detail=f"fused activation {activation} "
            f"(supported: {', '.join(SUPPORTED_FC_ACTIVATIONS)})",
        )
    weights_format = op.options.get("weights_format", "DEFAULT")
    if weights_format != "DEFAULT":
        raise UnsupportedOpError(
            op.name, op.index, SUPPORTED_OPS, detail=f"weights format {weights_format}"
        )
    inp = _required(model, op, 0, "input")
    weights = _required(model, op, 1, "weights")
    bias = _tensor(model, op, 2, "bias", optional=True)
    out = _required(model, op, 0, "output")

    _expect_dtype(op, inp, "input", ("int8",))
    _expect_dtype(op, out, "output", ("int8",))
    _expect_dtype(op, weights, "weights", ("int8",))
    _expect_not_constant(op, inp, "input")
    _expect_per_tensor(op, inp, "input")
    _expect_per_tensor(op, out, "output")
    if not weights.is_constant:
        raise UnsupportedTensorError(
            weights.name, weights.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) needs constant weights",
        )
    if len(weights.shape) != 2:
        raise UnsupportedTensorError(
            weights.name, weights.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) weights must be 2-D [units, depth], "
            f"got {list(weights.shape)}",
        )
    units, depth = weights.shape
    wq = weights.quantization
    if wq is None:
        raise UnsupportedTensorError(
            weights.name, weights.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) weights are not quantized",
        )
    _expect_positive_scales(op, weights, "weights")
    if wq.per_channel:
        if len(wq.scales) != units or wq.quantized_dimension != 0:
            raise UnsupportedTensorError(
                weights.name, weights.dtype,
                f"per-channel weights need {units} scales along dimension 0, got "
                f"{len(wq.scales)} along dimension {wq.quantized_dimension}",
            )
        if any(z != 0 for z in wq.zero_points):
            raise UnsupportedTensorError(
                weights.name, weights.dtype, "per-channel weights must have zero points 0"
            )

    if bias is not None:
        _expect_dtype(op, bias, "bias", ("int32",))
        if not bias.is_constant or bias.num_elements != units:
            raise UnsupportedTensorError(
                bias.name, bias.dtype,
                f"FULLY_CONNECTED (operator #{op.index}) needs a constant bias of {units} values",
            )

    out_elements = out.num_elements
    if units == 0 or out_elements % units != 0 or (out.shape and out.shape[-1] != units):
        raise MalformedModelError(
            f"operator #{op.index} FULLY_CONNECTED output shape {list(out.shape)} does not "
            f"end in {units} units"
        )
    batches = out_elements // units
    if inp.num_elements != batches * depth:
        raise MalformedModelError(
            f"operator #{op.index} FULLY_CONNECTED input shape {list(inp.shape)} holds "
            f"{inp.num_elements} values, expected {batches} batches x {depth}"
        )


def _check_quantize(model: Model, op: Operator) -> None:
    inp = _required(model, op, 0, "input")
    out = _required(model, op, 0, "output")
    _expect_dtype(op, inp, "input", ("float32", "int8"))
    _expect_dtype(op, out, "output", ("int8",))
    _expect_not_constant(op, inp, "input")
    _expect_per_tensor(op, out, "output")
    if inp.dtype == "int8":
        _expect_per_tensor(op, inp, "input")
    _expect_same_size(op, inp, out)


def _check_dequantize(model: Model, op: Operator) -> None:
    inp = _required(model, op, 0, "input")
    out = _required(model, op, 0, "output")
    _expect_dtype(op, inp, "input", ("int8",))
    _expect_dtype(op, out, "output", ("float32",))
    _expect_not_constant(op, inp, "input")
    _expect_per_tensor(op, inp, "input")
    _expect_same_size(op, inp, out)


def _expect_same_size(op: Operator, inp: Tensor, out: Tensor) -> None:
    if inp.num_elements != out.num_elements:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} maps {inp.num_elements} values to "
            f"{out.num_elements}"
        )


_CHECKS: dict[str, Callable[[Model, Operator], None]] = {
    "FULLY_CONNECTED": _check_fully_connected,
    "QUANTIZE": _check_quantize,
    "DEQUANTIZE": _check_dequantize,
}
