"""The operators the built-in runtime supports, found by scanning this package.

Each module in generator/ops/ that defines `HANDLERS` (a tuple of OpHandler) contributes its
operators; adding an op means adding a module, not editing a shared table.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from ..errors import UnsupportedOpError
from ..model import Model, Operator
from ..options import KernelSet
from ..planner import ArenaPlan
from ..subgraphs import executed_operators
from .layer_plan import LayerPlan, PlanContext, Variant


@dataclass(frozen=True)
class Operands:
    """The operand counts an operator may have; validate() refuses any other before check() runs.

    `optional` lists the input slots that may hold -1 (absent) and still be run by TFLM; an
    optional input can always be left out by listing fewer inputs (down to `min_inputs`).
    """

    min_inputs: int
    max_inputs: int | None  # None: any number (variadic ops check their own limit)
    outputs: int | None = 1  # None: one or more (SPLIT, SPLIT_V, UNPACK check their own count)
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
        outputs = "at least 1 output" if self.outputs is None else _count(self.outputs, "output")
        return f"{inputs} ({', '.join(self.roles)}) and {outputs}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def unary() -> Operands:
    return Operands(1, 1)


@dataclass(frozen=True)
class OpHandler:
    """How one TFLite builtin operator is checked, run (its kernel variants) and counted."""

    name: str  # BuiltinOperator name, e.g. "FULLY_CONNECTED", or "CUSTOM:<custom code>" (Operator.key)
    check: Callable[[Model, Operator], None]  # raises UnsupportedOpError / UnsupportedTensorError
    # Kernel variants in preference order (choose_variant); the last is the reference kernel
    # every validated operator can run.
    variants: tuple[Variant, ...]
    macs: Callable[[Model, Operator], int]  # multiply-accumulates per inference (0 if none)
    types: str  # human-readable list of supported types, for the docs
    operands: Operands
    # Highest operator-code version accepted: at most the highest the BUILTIN_REF resolver of the
    # pinned TFLite interpreter (ai-edge-litert) registers (scripts/probe_op_versions.py prints
    # them; tests/generator/test_validate_graph.py keeps them in step and lists the ops held lower).
    # TFLM ignores versions, but TFLite refuses a model whose version it does not know.
    max_version: int
    # The supported type configurations in tflm_ops.py's vocabulary ("int8", "16x8", "float32->int8",
    # ...), compared with TFLM's by `tflm-bench ops --missing`; None: read from `types` (parse_types).
    type_configs: tuple[str, ...] | None = None
    # The kernel keeps state from one inference to the next outside any tensor (TFLM's persistent
    # buffers, e.g. the signal library's noise estimate): a model with it is stateful like one with
    # variable tensors (keeps_state).
    keeps_state: bool = False
    # False for the builtins TFLM runs that the pinned TFLite interpreter's BUILTIN_REF resolver has
    # no kernel for at any version (CEIL, ROUND, ELU): then max_version is what TFLM and the converter
    # write, and a model with them is compared with TFLM alone, the report saying so (reference_gaps).
    reference_knows: bool = True


_TYPE_WORDS = ("16x8", "8x4", "int8", "int16", "int32", "int64", "uint8", "uint32", "float32", "bool")
_TYPE = "(%s)" % "|".join(_TYPE_WORDS)
_CONFIG = re.compile(rf"^{_TYPE}(?:\s*->\s*{_TYPE})?\b")


def parse_types(text: str) -> tuple[str, ...]:
    """The type configurations a free-text `types` names: its leading comma-separated list (up to
    the first ';'), parenthesised remarks dropped, each item's leading type ("A -> B" becomes "A->B",
    "any ..." is "any"); items not starting with a type are left out ("int8, float32 (broadcasting
    ...)" -> int8, float32; "float32 with a constant pad value" -> float32)."""
    head = text.split(";")[0]
    while (shorter := re.sub(r"\([^()]*\)", "", head)) != head:  # nested remarks too
        head = shorter
    configs: list[str] = []
    for item in head.split(","):
        item = " ".join(item.split())
        if item.startswith("any"):
            config = "any"
        elif (match := _CONFIG.match(item)) is not None:
            config = "->".join(t for t in match.groups() if t)
        else:
            continue
        if config not in configs:
            configs.append(config)
    return tuple(configs)


def supported_configs(handler: OpHandler) -> tuple[str, ...]:
    """The handler's type configurations: declared in `type_configs`, else parsed from `types`."""
    return handler.type_configs if handler.type_configs is not None else parse_types(handler.types)


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


def choose_variant(model: Model, op: Operator, kernels: KernelSet | str,
                   int8_layout: frozenset[int] = frozenset(), fused: bool = False) -> Variant:
    """The kernel-set choice, made here only: the first applicable variant of `kernels`' set or
    the reference set, skipping weight-expanding variants for operators kept in the int8 layout;
    the fused variant exactly when the arena plan fused the operator.

    Raises:
        UnsupportedOpError: an operator without a kernel (validate() says more).
    """
    handler = handlers().get(op.key)
    if handler is None:
        raise UnsupportedOpError(op.key, op.index, supported_ops())
    kernel_set = KernelSet.parse(kernels)
    for variant in handler.variants:
        if variant.fused != fused:
            continue
        if variant.kernels is not KernelSet.REFERENCE and variant.kernels is not kernel_set:
            continue
        if variant.expands_weights and op.index in int8_layout:
            continue
        if variant.applies(model, op):
            return variant
    raise UnsupportedOpError(op.name, op.index, supported_ops(), detail="no kernel variant applies; validate() first")


def plan_layers(model: Model, arena: ArenaPlan, kernels: KernelSet | str = KernelSet.REFERENCE,
                int8_layout: frozenset[int] = frozenset()) -> list[LayerPlan]:
    """One LayerPlan per operator, subgraph 0's in execution order, then those of the subgraphs its
    control-flow operators call (subgraphs.executed_operators); no C is formatted."""
    ctx = PlanContext(model, arena)
    plans = []
    for op in executed_operators(model):
        variant = choose_variant(model, op, kernels, int8_layout, fused=arena.fusion_of(op.index) is not None)
        planned = variant.plan(ctx, op)
        plans.append(LayerPlan(op, variant, planned.params, planned.constants))
    return plans


def scratch_requests(model: Model, kernels: str) -> dict[int, tuple[int, ...]]:
    """Operator index -> scratch sizes the variant chosen in kernel set `kernels` can use, most
    wanted first (the arena planner grants one or none)."""
    requests = {}
    for op in executed_operators(model):
        if op.key not in handlers():
            continue
        variant = choose_variant(model, op, kernels)
        sizes = variant.scratch(model, op) if variant.scratch is not None else ()
        if sizes:
            requests[op.index] = sizes
    return requests


def keeps_state(model: Model) -> bool:
    """True when an inference depends on the ones before it: a variable tensor, or an operator
    whose kernel keeps state of its own (OpHandler.keeps_state: resource variables, CALL_ONCE)."""
    if any(t.is_variable for t in model.tensors):
        return True
    table = handlers()
    return any(table[op.key].keeps_state for op in model.all_operators if op.key in table)


def reference_gaps(model: Model) -> tuple[str, ...]:
    """The builtin operators of `model` that TFLite's reference interpreter (the second oracle)
    knows at no version (OpHandler.reference_knows), in first-use order."""
    table = handlers()
    gaps: list[str] = []
    for op in model.all_operators:
        handler = table.get(op.key)
        if handler is not None and not handler.reference_knows and op.name not in gaps:
            gaps.append(op.name)
    return tuple(gaps)


def supported_ops() -> tuple[str, ...]:
    return tuple(sorted(handlers()))
