"""Values of small integer tensors that are known at generation time: constants, and what SHAPE,
STRIDED_SLICE and PACK compute from known values (the SHAPE -> STRIDED_SLICE -> PACK chain
Keras exports feed to RESHAPE). No HANDLERS here.

The firmware never needs these values (its shapes are static); the checks do, because TFLite's
reference RESHAPE reads its shape input at run time and refuses one that does not fit.
"""
from __future__ import annotations

import numpy as np

from ..model import Model, Operator
from . import slots, strided_slice
from .shape_common import extend

MAX_ELEMENTS = 64  # shape-like tensors only; anything bigger is data, not worth folding


def known_value(model: Model, index: int, depth: int = 0) -> np.ndarray | None:
    """The int64 value of tensor `index` if it can be known without running the model."""
    tensor = model.tensors[index]
    if tensor.num_elements > MAX_ELEMENTS or tensor.dtype not in ("int32", "int64") or depth > len(model.operators):
        return None
    if tensor.data is not None:
        return np.asarray(tensor.data, dtype=np.int64).reshape(tensor.shape)
    writer = next((op for op in model.operators if index in op.outputs), None)
    if writer is None:
        return None
    try:
        value = _evaluate(model, writer, depth + 1)
    except (ValueError, IndexError):  # a malformed op: its own checks report it
        return None
    if value is None or value.size != tensor.num_elements:
        return None
    return value.reshape(tensor.shape)


def _evaluate(model: Model, op: Operator, depth: int) -> np.ndarray | None:
    if op.name == "SHAPE":
        return np.asarray(slots.required_input(model, op, slots.INPUT).shape, dtype=np.int64)
    inputs = [known_value(model, i, depth) if i != slots.ABSENT else None for i in op.inputs]
    if any(v is None for v in inputs):
        return None
    values: list[np.ndarray] = [v for v in inputs if v is not None]
    if op.name == "PACK":
        axis = int(op.options.get("axis", 0))
        return np.stack(values, axis=axis if axis >= 0 else axis + values[0].ndim + 1)
    if op.name == "STRIDED_SLICE" and len(values) == 4:
        return _slice(op, *values)
    return None


def _slice(op: Operator, data: np.ndarray, begin: np.ndarray, end: np.ndarray, strides: np.ndarray) -> np.ndarray | None:
    if not (begin.size == end.size == strides.size == data.ndim) or np.any(strides == 0):
        return None
    masks = (int(op.options.get(name, 0)) for name in ("begin_mask", "end_mask", "shrink_axis_mask"))
    starts, counts, steps = strided_slice.fold(
        tuple(data.shape), *(v.reshape(-1).tolist() for v in (begin, end, strides)), *masks)
    grid = [np.arange(count, dtype=np.int64) * step + start for start, count, step in zip(starts, counts, steps)]
    return data.reshape(extend(tuple(data.shape)))[np.ix_(*grid)].reshape(-1)
