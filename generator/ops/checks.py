"""Checks shared by the op modules: tensor roles, types, quantization and constness."""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..quantization import QuantParamError


def tensor(model: Model, op: Operator, slot: int, role: str, *, optional: bool = False) -> Tensor | None:
    """The op's input (or, for role "output", output) at `slot`; None if optional and absent."""
    indices = op.inputs if role != "output" else op.outputs
    if slot >= len(indices) or indices[slot] == -1:
        if optional:
            return None
        raise MalformedModelError(f"operator #{op.index} {op.name} has no {role} tensor")
    return model.tensors[indices[slot]]


def required(model: Model, op: Operator, slot: int, role: str) -> Tensor:
    found = tensor(model, op, slot, role)
    assert found is not None
    return found


def expect_dtype(op: Operator, t: Tensor, role: str, allowed: tuple[str, ...]) -> None:
    if t.dtype not in allowed:
        raise UnsupportedTensorError(
            t.name, t.dtype, f"{op.name} (operator #{op.index}) needs its {role} to be {' or '.join(allowed)}"
        )


def expect_positive_scales(op: Operator, t: Tensor, role: str) -> None:
    assert t.quantization is not None
    for scale in t.quantization.scales:
        if not (math.isfinite(scale) and scale > 0.0):
            raise UnsupportedTensorError(
                t.name, t.dtype,
                f"{op.name} (operator #{op.index}) {role} has quantization scale {scale}; "
                "scales must be finite and positive",
            )


def expect_per_tensor(op: Operator, t: Tensor, role: str) -> None:
    q = t.quantization
    if q is None:
        raise UnsupportedTensorError(
            t.name, t.dtype,
            f"{op.name} (operator #{op.index}) needs its {role} to be quantized; "
            "convert with full-integer quantization",
        )
    if q.per_channel:
        raise UnsupportedTensorError(
            t.name, t.dtype, f"{op.name} (operator #{op.index}) needs its {role} quantized per tensor"
        )
    expect_positive_scales(op, t, role)


def expect_zero_point(op: Operator, t: Tensor, role: str, zero_point: int, who: str) -> None:
    """A quantized operand whose zero point an operator's Prepare fixes (e.g. int16 operands at 0)."""
    actual = t.quantization.zero_points[0] if t.quantization is not None else 0
    if actual != zero_point:
        raise UnsupportedTensorError(
            t.name, t.dtype,
            f"{op.name} (operator #{op.index}) {role} has zero point {actual}; {who} requires {zero_point} "
            f"(TFLM's Prepare refuses the model); re-export with a {t.dtype} {role} quantized with zero point {zero_point}",
        )


def quantization_refused(op: Operator, t: Tensor, error: QuantParamError) -> UnsupportedTensorError:
    """The error for a quantization TFLM's Prepare refuses, on the tensor that carries it."""
    return UnsupportedTensorError(
        t.name, t.dtype, f"{op.name} (operator #{op.index}): {error}; TFLM refuses this quantization"
    )


def expect_not_constant(op: Operator, t: Tensor, role: str) -> None:
    if t.is_constant:
        raise UnsupportedTensorError(
            t.name, t.dtype,
            f"{op.name} (operator #{op.index}) with a constant {role} is not supported; let the converter fold it",
        )


def expect_same_size(op: Operator, inp: Tensor, out: Tensor) -> None:
    if inp.num_elements != out.num_elements:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} maps {inp.num_elements} values to {out.num_elements}"
        )
