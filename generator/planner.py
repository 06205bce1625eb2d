"""Greedy arena planner in the manner of TFLM's GreedyMemoryPlanner.

Every non-constant tensor that the graph touches gets a buffer alive from the first
operator that uses it to the last (model inputs from operator 0, model outputs to the
last operator). Buffers are placed largest first, each at the lowest 16-byte aligned
offset that does not collide with an already placed buffer alive at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Model

ALIGNMENT = 16


@dataclass(frozen=True)
class ArenaPlan:
    """Byte offset of each planned tensor in one arena of `arena_bytes` bytes."""

    offsets: dict[int, int]
    arena_bytes: int
    sizes: dict[int, int] = field(default_factory=dict)  # aligned sizes
    lifetimes: dict[int, tuple[int, int]] = field(default_factory=dict)  # first, last op


def align_up(value: int, alignment: int = ALIGNMENT) -> int:
    return (value + alignment - 1) // alignment * alignment


def tensor_lifetimes(model: Model) -> dict[int, tuple[int, int]]:
    """First and last operator index using each non-constant tensor."""
    last_op = max(len(model.operators) - 1, 0)
    first: dict[int, int] = {}
    last: dict[int, int] = {}

    def touch(index: int, at: int) -> None:
        if index < 0 or model.tensors[index].is_constant:
            return
        first[index] = min(first.get(index, at), at)
        last[index] = max(last.get(index, at), at)

    for index in model.inputs:
        touch(index, 0)
    for op in model.operators:
        for index in (*op.inputs, *op.outputs):
            touch(index, op.index)
    for index in model.outputs:
        touch(index, last_op)
    # Variable tensors keep state across invocations: alive throughout.
    for tensor in model.tensors:
        if tensor.is_variable and tensor.index in first:
            first[tensor.index], last[tensor.index] = 0, last_op
    return {index: (first[index], last[index]) for index in sorted(first)}


def plan_arena(model: Model) -> ArenaPlan:
    """Place every non-constant tensor in one arena; deterministic for a given model."""
    lifetimes = tensor_lifetimes(model)
    sizes = {index: align_up(model.tensors[index].num_bytes) for index in lifetimes}
    order = sorted(lifetimes, key=lambda i: (-sizes[i], lifetimes[i][0], i))

    offsets: dict[int, int] = {}
    for index in order:
        start, end = lifetimes[index]
        live = sorted(
            (offsets[other], sizes[other])
            for other in offsets
            if lifetimes[other][0] <= end and start <= lifetimes[other][1]
        )
        offset = 0
        for other_offset, other_size in live:
            if other_offset >= offset + sizes[index]:
                break
            offset = max(offset, other_offset + other_size)
        offsets[index] = offset

    arena_bytes = max((offsets[i] + sizes[i] for i in offsets), default=0)
    return ArenaPlan(
        offsets=dict(sorted(offsets.items())),
        arena_bytes=arena_bytes,
        sizes=sizes,
        lifetimes=lifetimes,
    )
