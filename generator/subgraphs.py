"""Subgraphs: which operators call which, and the timeline the arena planner places tensors on.

TFLM plans every subgraph a control-flow operator reaches in one arena (AllocationInfoBuilder in
micro_allocation_info.cc): it walks subgraph 0's operators in order and, at an IF, WHILE or
CALL_ONCE, walks the called subgraphs right there (IF: then, else; WHILE: cond, body), each in
its own scopes. So a called subgraph's tensors live inside the span of the operator that calls
it, the caller's inputs and outputs live over the whole span, and a subgraph called from two
places keeps its tensors from the first call to the last. `timeline()` builds those positions;
for a model of one subgraph the planner keeps operator indices as positions (planner.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import MalformedGraphError
from .model import Model, Operator

T = TypeVar("T")

# The option naming each subgraph a control-flow operator runs, in TFLM's planning order.
CALLS: dict[str, tuple[str, ...]] = {
    "IF": ("then_subgraph_index", "else_subgraph_index"),
    "WHILE": ("cond_subgraph_index", "body_subgraph_index"),
    "CALL_ONCE": ("init_subgraph_index",),
}


def callees(op: Operator) -> tuple[int, ...]:
    """The subgraphs `op` runs, in TFLM's planning order (none for other operators)."""
    return tuple(int(op.options.get(name, -1)) for name in CALLS.get(op.name, ()))


def check_calls(model: Model) -> None:
    """Every subgraph index a control-flow operator names exists and is not 0, and no subgraph
    calls itself, directly or through others (TFLM's planner would recurse without end).

    Raises:
        MalformedGraphError: naming the operator, the index and the fix.
    """
    count = len(model.subgraphs) + 1
    for op in model.all_operators:
        for option, index in zip(CALLS.get(op.name, ()), callees(op)):
            if not 1 <= index < count:
                raise MalformedGraphError(
                    op.index, op.name,
                    f"its {option} is {index}, but the model has subgraphs 0..{count - 1} and subgraph 0 is "
                    "the model's entry; the file is corrupted: re-convert the model",
                )

    def visit(number: int, path: tuple[int, ...]) -> None:
        for op in operators_of(model, number):
            for index in callees(op):
                if index in path:
                    raise MalformedGraphError(
                        op.index, op.name,
                        f"calls subgraph {index}, which is already running ({' -> '.join(map(str, path))} -> {index}): "
                        "recursive subgraphs are not supported (TFLM's memory planner cannot plan them either); "
                        "unroll the recursion before converting",
                    )
                visit(index, (*path, index))

    visit(0, (0,))


def operators_of(model: Model, number: int) -> tuple[Operator, ...]:
    return model.operators if number == 0 else model.subgraph(number).operators


def io_of(model: Model, number: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(inputs, outputs) of subgraph `number`."""
    if number == 0:
        return model.inputs, model.outputs
    sg = model.subgraph(number)
    return sg.inputs, sg.outputs


# Results per model object (not per equal model: Operator.options take no part in equality), a few
# kept: the planner asks for the walk once per placement it tries.
_MEMO: dict[tuple[str, int], tuple[Model, object]] = {}
_MEMO_SIZE = 16


def _memo(kind: str, model: Model, compute: Callable[[Model], T]) -> T:
    key = (kind, id(model))
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is model:
        return hit[1]  # type: ignore[return-value]
    value = compute(model)
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = (model, value)
    return value


def reachable(model: Model) -> tuple[int, ...]:
    """The subgraphs other than 0 that an inference can run, in first-call order."""
    return _memo("reachable", model, _reachable)


def _reachable(model: Model) -> tuple[int, ...]:
    found: list[int] = []

    def visit(number: int) -> None:
        for op in operators_of(model, number):
            for index in callees(op):
                if index not in found and 1 <= index <= len(model.subgraphs):
                    found.append(index)
                    visit(index)

    visit(0)
    return tuple(found)


def has_subgraphs(model: Model) -> bool:
    """True when an inference runs subgraphs other than 0."""
    return bool(model.subgraphs) and bool(reachable(model))


def executed_operators(model: Model) -> tuple[Operator, ...]:
    """Subgraph 0's operators, then those of each reachable subgraph (in subgraph order)."""
    called = sorted(reachable(model))
    return model.operators + tuple(op for n in called for op in model.subgraph(n).operators)


@dataclass(frozen=True)
class Timeline:
    """Positions in TFLM's planning walk: each operator's span (first to last position it is
    running at; a control-flow operator spans the subgraphs it calls) and each planned tensor's
    first and last position."""

    spans: dict[int, tuple[int, int]]  # global operator index -> (start, end)
    lifetimes: dict[int, tuple[int, int]]  # global tensor index -> (first, last)
    length: int  # positions 0..length-1


def handle_tensors(model: Model) -> frozenset[int]:
    """The outputs of VAR_HANDLE operators: TFLM's VAR_HANDLE Prepare points them at the kernel's own
    data before the memory plan is made, so the planner leaves them out (a tensor with data needs
    no arena); the generated code keeps the ids in a table of its own (tb_resource_ids)."""
    return frozenset(t for op in model.all_operators if op.name == "VAR_HANDLE" for t in op.outputs)


def timeline(model: Model) -> Timeline:
    """TFLM's walk (micro_allocation_info.cc MarkAllocationLifetimes), with one position per scope."""
    return _memo("timeline", model, _timeline)


def _timeline(model: Model) -> Timeline:
    spans: dict[int, tuple[int, int]] = {}
    handles = handle_tensors(model)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    position = -1

    def touch(index: int, at: int) -> None:
        if index < 0 or model.tensors[index].is_constant or index in handles:
            return
        first[index] = min(first.get(index, at), at)
        last[index] = max(last.get(index, at), at)

    def walk(number: int) -> None:
        nonlocal position
        inputs, outputs = io_of(model, number)
        position += 1  # entering the subgraph: its inputs are created
        for index in inputs:
            touch(index, position)
        for op in operators_of(model, number):
            position += 1
            start = position
            for index in op.outputs:
                touch(index, start)
            for index in op.inputs:
                touch(index, start)
            for callee in callees(op):
                walk(callee)
            for index in (*op.inputs, *op.outputs):
                touch(index, position)
            old = spans.get(op.index, (start, position))
            spans[op.index] = (min(old[0], start), max(old[1], position))
        for index in outputs:  # alive to the end of the subgraph's run
            touch(index, position)

    walk(0)
    length = position + 1
    for tensor in model.tensors:  # variable tensors keep state across invocations: alive throughout
        if tensor.is_variable and tensor.index in first:
            first[tensor.index], last[tensor.index] = 0, length - 1
    return Timeline(spans, {i: (first[i], last[i]) for i in sorted(first)}, length)
