"""Named operand slots, as TFLM's kernels name them (kInputTensor, kFilterTensor, kBiasTensor, ...).

An operator lists its operands by position; these names say which position is which, so op
modules never index `op.inputs` with a bare number. No HANDLERS here.
"""
from __future__ import annotations

from ..model import Model, Operator, Tensor

ABSENT = -1  # an optional input the file leaves out

# Every operator: the data input and the (first) output.
INPUT = 0
OUTPUT = 0
# CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED.
FILTER = 1  # the weights
BIAS = 2  # optional
# ADD, SUB, MUL.
INPUT1 = 0
INPUT2 = 1
# MEAN and EXPAND_DIMS.
AXIS = 1
# RESHAPE (not read: the output shape in the file is static).
NEW_SHAPE = 1
# PAD and PADV2.
PADDINGS = 1
PAD_VALUE = 2  # PADV2 only, optional
# TRANSPOSE.
PERMUTATION = 1
# STRIDED_SLICE.
BEGIN = 1
END = 2
STRIDES = 3


def input_index(op: Operator, slot: int) -> int:
    """The tensor index in input `slot`, or ABSENT when the op lists fewer inputs or -1 there."""
    return op.inputs[slot] if slot < len(op.inputs) else ABSENT


def input_tensor(model: Model, op: Operator, slot: int) -> Tensor | None:
    """The tensor in input `slot`, or None when it is absent."""
    index = input_index(op, slot)
    return None if index == ABSENT else model.tensors[index]


def required_input(model: Model, op: Operator, slot: int) -> Tensor:
    """The tensor in input `slot` of a validated op, where validation guarantees one."""
    tensor = input_tensor(model, op, slot)
    assert tensor is not None, f"operator #{op.index} {op.name} has no input {slot}; validate() first"
    return tensor


def output_tensor(model: Model, op: Operator, slot: int = OUTPUT) -> Tensor:
    return model.tensors[op.outputs[slot]]
