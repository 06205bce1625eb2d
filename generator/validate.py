"""Check that the built-in runtime can run a model, before any code is generated."""

from __future__ import annotations

from .errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from .model import Model, Tensor
from .ops.registry import handlers, supported_ops

MAX_IO_RANK = 6  # TB_MAX_RANK in tb_runtime.h
IO_DTYPES: tuple[str, ...] = ("int8", "uint8", "float32", "int16", "int32")


def __getattr__(name: str) -> object:
    # SUPPORTED_OPS is derived from the op modules, so it is computed on first use.
    if name == "SUPPORTED_OPS":
        return supported_ops()
    raise AttributeError(name)


def validate(model: Model) -> None:
    """Raise on the first thing the built-in runtime cannot run.

    Raises:
        UnsupportedOpError: an operator without a kernel, or an unsupported option.
        UnsupportedTensorError: a tensor type, shape or quantization the kernels lack.
        MalformedModelError: the graph contradicts itself (e.g. a missing input).
    """
    _check_structure(model)
    table = handlers()
    for op in model.operators:
        if op.name not in table:
            name = op.name
            if name == "CUSTOM":
                name = f"CUSTOM ({op.options.get('custom_code', '?')})"
            raise UnsupportedOpError(name, op.index, supported_ops())
    for op in model.operators:
        table[op.name].check(model, op)
    _check_io(model)


def check_graph(model: Model) -> None:
    """The checks that do not depend on a runtime's operators: a graph with operators, inputs
    and outputs the bench protocol can carry. All the TFLM runtime needs (its library has the
    kernels).

    Raises:
        MalformedModelError, UnsupportedTensorError: as validate().
    """
    _check_structure(model)
    _check_io(model)


def _check_structure(model: Model) -> None:
    if not model.operators:
        raise MalformedModelError("the subgraph has no operators")
    if not model.inputs or not model.outputs:
        raise MalformedModelError("the subgraph declares no inputs or no outputs")


def _check_io(model: Model) -> None:
    for index in (*model.inputs, *model.outputs):
        _check_io_tensor(model.tensors[index])


def _check_io_tensor(tensor: Tensor) -> None:
    if tensor.dtype not in IO_DTYPES:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype, f"model inputs/outputs must be one of {', '.join(IO_DTYPES)}"
        )
    if len(tensor.shape) > MAX_IO_RANK:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype, f"rank {len(tensor.shape)} exceeds the runtime's limit of {MAX_IO_RANK}"
        )
    if tensor.quantization is not None and tensor.quantization.per_channel:
        raise UnsupportedTensorError(tensor.name, tensor.dtype, "model inputs/outputs must be quantized per tensor")
    if tensor.is_constant:
        raise UnsupportedTensorError(tensor.name, tensor.dtype, "a model input or output cannot be a constant")
