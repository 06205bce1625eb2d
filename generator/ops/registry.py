"""The operators the built-in runtime supports, found by scanning this package.

Each module in generator/ops/ that defines `HANDLERS` (a tuple of OpHandler) contributes its
operators; adding an op means adding a module, not editing a shared table.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..model import Model, Operator
from .c_emit import EmitContext, Layer


@dataclass(frozen=True)
class Operands:
    """The operand counts an operator may have; validate() refuses any other before check() runs.

    `optional` lists the input slots that may hold -1 (absent) and still be run by TFLM; an
    optional input can always be left out by listing fewer inputs (down to `min_inputs`).
    """

    min_inputs: int
    max_inputs: int | None  # None: any number (variadic ops check their own limit)
    outputs: int = 1
    optional: frozenset[int] = frozenset()
    roles: tuple[str, ...] = ("input",)  # names of the input slots, for messages
    absent_note: str = ""  # why a required slot cannot be -1, when there is more to say

    def role(self, slot: int) -> str:
        return self.roles[slot] if slot < len(self.roles) else f"input {slot}"

    def counts_text(self) -> str:
        if self.max_inputs is None:
            inputs = f"at least {_count(self.min_inputs, 'input')}"
        elif self.min_inputs == self.max_inputs:
            inputs = _count(self.min_inputs, "input")
        else:
            inputs = f"{self.min_inputs} to {self.max_inputs} inputs"
        return f"{inputs} ({', '.join(self.roles)}) and {_count(self.outputs, 'output')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def unary() -> Operands:
    return Operands(1, 1)


@dataclass(frozen=True)
class OpHandler:
    """How one TFLite builtin operator is checked, emitted and counted."""

    name: str  # BuiltinOperator name, e.g. "FULLY_CONNECTED"
    check: Callable[[Model, Operator], None]  # raises UnsupportedOpError / UnsupportedTensorError
    emit: Callable[[EmitContext, Operator], Layer]
    macs: Callable[[Model, Operator], int]  # multiply-accumulates per inference (0 if none)
    types: str  # human-readable list of supported types, for the docs
    operands: Operands
    # Highest operator-code version accepted: the highest the pinned TensorFlow's BUILTIN_REF
    # resolver registers (scripts/probe_op_versions.py prints them; a test keeps them in step).
    # TFLM ignores versions, but TFLite refuses a model whose version it does not know.
    max_version: int
    # Bytes of arena scratch the op's kernel in a kernel set can use, most wanted first (empty:
    # none); optional, the planner may refuse it (ArenaPlan.scratch_offsets), and emit must then
    # do without.
    scratch: Callable[[Model, Operator, str], tuple[int, ...]] | None = None


def no_macs(model: Model, op: Operator) -> int:
    return 0


@cache
def handlers() -> dict[str, OpHandler]:
    found: dict[str, OpHandler] = {}
    package = importlib.import_module(__package__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__package__}.{info.name}")
        for handler in getattr(module, "HANDLERS", ()):
            if handler.name in found:
                raise RuntimeError(f"operator {handler.name} is registered twice (second in {info.name})")
            found[handler.name] = handler
    return found


def scratch_requests(model: Model, kernels: str) -> dict[int, tuple[int, ...]]:
    """Operator index -> scratch sizes its kernel can use in kernel set `kernels`, most wanted first."""
    table = handlers()
    requests = {}
    for op in model.operators:
        handler = table.get(op.name)
        if handler is not None and handler.scratch is not None:
            sizes = handler.scratch(model, op, kernels)
            if sizes:
                requests[op.index] = sizes
    return requests


def supported_ops() -> tuple[str, ...]:
    return tuple(sorted(handlers()))
