"""Check that the built-in runtime can run a model, before any code is generated.

The reader (tflite_reader.py) has already refused what a single record cannot hold (bad
offsets, indices out of range, impossible shapes and quantization). Here, in this order:
the graph's data flow, the operators the runtime knows, each operator's operand counts and
version, each operator's own checks, and the model's inputs and outputs.
"""

from __future__ import annotations

from .errors import (CustomOpError, MalformedGraphError, MalformedModelError, UnsupportedOpError,
                     UnsupportedTensorError, add_fix)
from .model import Model, Operator, Tensor
from .ops.registry import OpHandler, handlers, supported_ops
from .ops.slots import ABSENT
from .refusal_fixes import custom_op_problem, runtime_fix
from .resources import resolve as resolve_resources
from .subgraphs import check_calls

MAX_IO_RANK = 6  # TB_MAX_RANK in tb_runtime.h
IO_DTYPES: tuple[str, ...] = ("int8", "uint8", "float32", "int16", "int32", "bool", "int64", "uint32")


def __getattr__(name: str) -> object:
    # SUPPORTED_OPS is derived from the op modules, so it is computed on first use.
    if name == "SUPPORTED_OPS":
        return supported_ops()
    raise AttributeError(name)


def validate(model: Model) -> None:
    """Raise on the first thing the built-in runtime cannot run.

    Raises:
        MalformedGraphError: the graph contradicts itself (a tensor read before anything writes
            it, written twice, an operand count or version the operator cannot have).
        UnsupportedOpError: an operator without a kernel, or an unsupported option.
        UnsupportedTensorError: a tensor type, shape or quantization the kernels lack.
        MalformedModelError: other contradictions found by an operator's checks.
        CustomOpError: a CUSTOM operator (first: its operands often break the graph checks).
    Every refusal of an operator or type the built-in runtime lacks names the fix (the tflm
    runtime when TFLM has the operator).
    """
    table = handlers()
    check_custom_ops(model, frozenset(name for name in table if name.startswith("CUSTOM:")))
    # Operators without a kernel first: an operator no CPU runs (an NPU's command stream) reads
    # tensors nothing on the CPU writes, and that is not the model's fault.
    for op in model.all_operators:
        if op.key not in table:
            raise _with_runtime_fix(UnsupportedOpError(op.key, op.index, supported_ops()), op)
    _check_structure(model)
    for op in model.all_operators:
        check_operands(op, table[op.key])
        check_version(op, table[op.key])
    check_int4(model)
    resolve_resources(model)  # the resource variables' ids and sizes, as TFLM's Prepare sets them
    for op in model.all_operators:
        try:
            table[op.key].check(model, op)
        except (UnsupportedOpError, UnsupportedTensorError) as refusal:
            raise _with_runtime_fix(refusal, op) from None
    _check_io(model)


def _with_runtime_fix(refusal: UnsupportedOpError | UnsupportedTensorError, op: Operator) -> Exception:
    fix = runtime_fix(op.name, str(refusal))
    return add_fix(refusal, fix) if fix is not None else refusal


def check_custom_ops(model: Model, claimed: frozenset[str] = frozenset()) -> None:
    """A CUSTOM operator runs in neither runtime (the tflm runtime resolves builtins only) unless
    an op handler claims its custom code (`claimed`: "CUSTOM:<code>" keys, e.g. TFLM's signal
    library in the built-in runtime): named for what it is before the graph checks, which its
    opaque operands (an NPU's scratch areas, say) would fail with a misleading message."""
    for op in model.all_operators:
        if op.name == "CUSTOM" and op.key not in claimed:
            code = str(op.options.get("custom_code", "?"))
            raise CustomOpError(op.index, code, custom_op_problem(op.index, code))


def check_graph(model: Model) -> None:
    """The checks that do not depend on a runtime's operators: a graph with operators, inputs
    and outputs the bench protocol can carry. All the TFLM runtime needs (its library has the
    kernels).

    Raises:
        MalformedModelError, UnsupportedTensorError, CustomOpError: as validate().
    """
    check_custom_ops(model)
    _check_structure(model)
    _check_io(model)


def _check_structure(model: Model) -> None:
    if not model.operators:
        raise MalformedModelError("the subgraph has no operators")
    if not model.inputs or not model.outputs:
        raise MalformedModelError("the subgraph declares no inputs or no outputs")
    check_calls(model)  # control-flow operators name existing subgraphs, without recursion
    check_data_flow(model)  # any runtime needs each tensor written once, before it is read


# The operators whose weights (input 1) TFLM takes as int4 with int8 activations; FULLY_CONNECTED
# only per tensor (its Prepare refuses per-channel int4 weights).
INT4_WEIGHT_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
_INT4_RULE = ("TFLM takes int4 only as the constant weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED "
              "with int8 activations (FULLY_CONNECTED's quantized per tensor)")


def check_int4(model: Model) -> None:
    """int4 tensors only where TFLM's kernels unpack them: constant weights (the reader unpacked
    them, Tensor.packed_int4) of the operators in INT4_WEIGHT_OPS with an int8 input."""
    for tensor in model.tensors:
        if tensor.dtype == "int4":
            raise UnsupportedTensorError(tensor.name, "int4", f"an int4 tensor that is not constant; {_INT4_RULE}")
    for op in model.all_operators:
        for slot, index in enumerate(op.inputs):
            if index == ABSENT or not model.tensors[index].packed_int4:
                continue
            tensor = model.tensors[index]
            first = model.tensors[op.inputs[0]] if op.inputs and op.inputs[0] != ABSENT else None
            per_channel = tensor.quantization is not None and len(tensor.quantization.scales) > 1
            if (op.name not in INT4_WEIGHT_OPS or slot != 1 or first is None or first.dtype != "int8"
                    or (op.name == "FULLY_CONNECTED" and per_channel)):
                raise UnsupportedTensorError(
                    tensor.name, "int4",
                    f"input {slot} of operator #{op.index} {op.name}"
                    + (f" with {first.dtype} input" if first is not None and slot == 1 else "")
                    + (", quantized per channel" if per_channel and op.name == "FULLY_CONNECTED" else "")
                    + f"; {_INT4_RULE}")


def _check_io(model: Model) -> None:
    for index in (*model.inputs, *model.outputs):
        _check_io_tensor(model.tensors[index])


def _label(tensor: Tensor) -> str:
    return f"tensor {tensor.index} '{tensor.name}'"


def _readable_without_writer(tensor: Tensor) -> bool:
    # Constants and variables (state) hold data before the first operator runs; an empty tensor
    # (e.g. RESHAPE's shape operand for a scalar result) has nothing to read.
    return tensor.is_constant or tensor.is_variable or tensor.num_elements == 0


def check_data_flow(model: Model) -> None:
    """Operators run in file order: each reads only constants, graph inputs or the outputs of
    earlier operators, and each tensor is written at most once, never a constant or an input.
    Each subgraph is checked on its own, its inputs taking the graph inputs' part."""
    _check_flow(model, model.operators, model.inputs, model.outputs, "")
    for sg in model.subgraphs:
        _check_flow(model, sg.operators, sg.inputs, sg.outputs, f"subgraph {sg.index} '{sg.name}': ")


def _check_flow(model: Model, operators: tuple[Operator, ...], inputs: tuple[int, ...], outputs: tuple[int, ...],
                where: str) -> None:
    if len(set(inputs)) != len(inputs):
        raise MalformedGraphError(None, None, f"{where}the subgraph lists an input twice ({list(inputs)})")
    graph_inputs = set(inputs)
    writer: dict[int, int] = {}  # tensor -> the operator that writes it
    for op in operators:
        for slot, index in enumerate(op.inputs):
            if index == ABSENT:
                continue  # whether this slot may be absent depends on the op: check_operands
            tensor = model.tensors[index]
            if index not in graph_inputs and index not in writer and not _readable_without_writer(tensor):
                later = next((o.index for o in operators if index in o.outputs), None)
                cause = (f"only the later operator #{later} writes it; the operators are out of order" if later is not None
                         else "no operator writes it and it is neither a constant nor a graph input")
                raise MalformedGraphError(op.index, op.name, f"input {slot} reads {_label(tensor)}, but {cause}")
        for slot, index in enumerate(op.outputs):
            _check_output(model, op, slot, index, graph_inputs, writer)
            writer[index] = op.index
    for index in outputs:
        tensor = model.tensors[index]
        if index not in writer and index not in graph_inputs and not tensor.is_constant:
            raise MalformedGraphError(None, None, f"{where}the subgraph output {_label(tensor)} is written by no operator")


def _check_output(
    model: Model, op: Operator, slot: int, index: int, graph_inputs: set[int], writer: dict[int, int]
) -> None:
    if index == ABSENT:
        raise MalformedGraphError(op.index, op.name, f"output {slot} is -1 (absent); every output must name a tensor")
    tensor = model.tensors[index]
    if tensor.is_constant:
        raise MalformedGraphError(op.index, op.name, f"output {slot} writes the constant {_label(tensor)}")
    if index in graph_inputs:
        raise MalformedGraphError(op.index, op.name, f"output {slot} writes the graph input {_label(tensor)}")
    if index in writer:
        raise MalformedGraphError(
            op.index, op.name, f"output {slot} writes {_label(tensor)}, which operator #{writer[index]} already writes"
        )


def check_operands(op: Operator, handler: OpHandler) -> None:
    """The input and output counts the op type takes, and -1 only in its optional slots."""
    operands = handler.operands
    n_in, n_out = len(op.inputs), len(op.outputs)
    too_many = operands.max_inputs is not None and n_in > operands.max_inputs
    wrong_outputs = n_out < 1 if operands.outputs is None else n_out != operands.outputs
    if n_in < operands.min_inputs or too_many or wrong_outputs:
        note = f" ({operands.absent_note})" if operands.absent_note and n_in < operands.min_inputs else ""
        raise MalformedGraphError(
            op.index, op.name, f"has {n_in} inputs and {n_out} outputs; {op.name} takes {operands.counts_text()}{note}"
        )
    for slot, index in enumerate(op.inputs):
        if index != ABSENT or slot in operands.optional:
            continue
        fix = "list a tensor there"
        if slot >= operands.min_inputs:
            fix += f" or leave the input out (list {slot} inputs)"
        note = f" ({operands.absent_note})" if operands.absent_note else ""
        raise MalformedGraphError(
            op.index, op.name,
            f"its {operands.role(slot)} (input {slot}) is -1 (absent), which {op.name} does not allow{note}; {fix}",
        )


def check_version(op: Operator, handler: OpHandler) -> None:
    if op.version > handler.max_version:
        knows = ("TFLite's reference interpreter, or tflm-bench's checks of this operator, know no later one"
                 if handler.reference_knows else
                 "TFLite's schema and converter have no later one; TFLite's reference interpreter knows none")
        raise MalformedGraphError(
            op.index, op.name,
            f"has operator version {op.version}, above {handler.max_version}, the highest {op.name} version "
            f"tflm-bench checks ({knows}); the file is corrupted or was written by a newer converter: convert "
            "it with the pinned tensorflow-cpu",
        )


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
