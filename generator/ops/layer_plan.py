"""What a layer will run, decided before any C is written: the variant, its parameters, its flash
constants. No HANDLERS here.

Each operator lists its kernel variants in preference order (OpHandler.variants); registry.py
picks one per operator, the variant's `plan` turns the operator into a LayerPlan (plain data:
folded constants as numpy arrays, quantization, geometry), and only its `emit` formats C. So the
flash layout (layout.py) and the arena planner read plans and never render a model.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..planner import ArenaPlan
from . import slots

# A variant's emit: (c_emit.EmitContext, LayerPlan) -> c_emit.Layer. Typed loosely on purpose:
# plans never depend on the C side, so this module imports nothing of c_emit (c_emit imports it).
Emit = Callable[[Any, "LayerPlan"], Any]

C_SIZES = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "int32_t": 4, "uint32_t": 4, "int64_t": 8, "uint16_t": 2, "uint64_t": 8, "float": 4, "bool": 1}
FLOAT_LINE = 8  # float literals per line


@dataclass(frozen=True, eq=False)
class Constant:
    """A constant array the layer puts in flash, as values; emit formats it (c_emit.c_array)."""

    name: str
    ctype: str
    values: np.ndarray  # flat
    comment: str
    per_line: int = FLOAT_LINE
    width: int = 0  # digits per integer; 0 for float literals
    length: int | None = None  # declared elements when not values.size (an empty tensor declares 1)

    @property
    def num_elements(self) -> int:
        return int(self.values.size) if self.length is None else self.length

    @property
    def num_bytes(self) -> int:
        return self.num_elements * C_SIZES[self.ctype]


def int_constant(name: str, ctype: str, values: Any, comment: str, per_line: int, width: int,
                 length: int | None = None) -> Constant:
    return Constant(name, ctype, np.asarray(values, dtype=np.int64).reshape(-1), comment, per_line, width, length)


def float_constant(name: str, values: Any, comment: str, length: int | None = None) -> Constant:
    return Constant(name, "float", np.asarray(values, dtype=np.float32).reshape(-1), comment, length=length)


@dataclass(frozen=True)
class PlanContext:
    """What a variant may read while planning: the model and the arena plan (tensor offsets,
    granted scratch, fusions); nothing that formats C."""

    model: Model
    plan: ArenaPlan

    def tensor(self, index: int) -> Tensor:
        return self.model.tensors[index]

    def input(self, op: Operator, slot: int = slots.INPUT) -> Tensor:
        """A required input (see ops/slots.py for the slot names)."""
        return slots.required_input(self.model, op, slot)

    def optional_input(self, op: Operator, slot: int) -> Tensor | None:
        return slots.input_tensor(self.model, op, slot)

    def output(self, op: Operator, slot: int = slots.OUTPUT) -> Tensor:
        return slots.output_tensor(self.model, op, slot)


def always(model: Model, op: Operator) -> bool:
    return True


@dataclass(frozen=True)
class Planned:
    """What a variant's plan decides: its parameters (plain data) and flash constants."""

    params: Any = None  # the variant's own dataclass, None when the call needs none
    constants: tuple[Constant, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One kernel an operator can run, and how to plan and emit its call."""

    name: str  # e.g. "dsp rows", "reference"
    kernels: KernelSet  # the set it belongs to; reference variants also serve the optimized set
    plan: Callable[[PlanContext, Operator], Planned]
    emit: Emit
    applies: Callable[[Model, Operator], bool] = always
    # Bytes of arena scratch it can use, most wanted first; the planner may refuse (then the
    # plan reads no grant from ArenaPlan.scratch_offsets and the variant must do without).
    scratch: Callable[[Model, Operator], tuple[int, ...]] | None = None
    # Its constants are weights expanded for speed: operators kept in the int8 layout
    # (layout.py) skip it.
    expands_weights: bool = False
    # Runs an operator the arena plan fused with its neighbour (fusion.py); chosen exactly then.
    fused: bool = False


@dataclass(frozen=True)
class LayerPlan:
    """One operator's call as data: the variant, its parameters and the constants it puts in flash."""

    op: Operator
    variant: Variant
    params: Any = None  # Planned.params
    constants: tuple[Constant, ...] = ()

    @property
    def constant_bytes(self) -> int:
        return sum(c.num_bytes for c in self.constants)

    @property
    def prefix(self) -> str:
        """The stem of every C name of this layer."""
        return f"tb_l{self.op.index}"


def no_params(ctx: PlanContext, op: Operator) -> Planned:
    return Planned()


def single(emit: Emit,
           plan: Callable[[PlanContext, Operator], Planned] = no_params) -> tuple[Variant, ...]:
    """The variants of an operator with one kernel (per type, chosen inside its emit)."""
    return (Variant("reference", KernelSet.REFERENCE, plan, emit),)
