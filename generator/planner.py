"""Greedy arena planner in the manner of TFLM's GreedyMemoryPlanner.

Every non-constant tensor that the graph touches gets a buffer alive from the first
operator that uses it to the last (model inputs from operator 0, model outputs to the
last operator). Buffers are placed largest first, each at the lowest 16-byte aligned
offset that does not collide with an already placed buffer alive at the same time.

Two refinements keep the arena no larger than TFLM's for the same model:
- The placement is tried in TFLM's own order (size descending, ties by descending tensor
  index: GreedyMemoryPlanner fills its sort array from the tail, then bubble-sorts) and in
  a first-use order; the smaller plan wins, so the result is never larger than TFLM's.
- Operators that only reinterpret their input (RESHAPE, SQUEEZE, EXPAND_DIMS) may share the
  input's buffer: the output is byte-identical and no operator writes either tensor in
  place, so one buffer alive over both lifetimes serves both. Their kernels skip the copy
  when source and destination coincide. The aliased plan is used only when it is smaller.
- Element-wise operators (IN_PLACE_OPS: activations, QUANTIZE/DEQUANTIZE) may write their
  output over their input when the two have the same byte size and the input's buffer (its
  whole alias group) has no reader after that operator. Their kernels read element i before
  writing element i, so output == input gives the same bytes. The merged buffer is alive
  over the union of the members' lifetimes.

Scratch buffers: an operator may ask for a temporary buffer (an optimized kernel's im2col row,
say) that lives only while that operator runs. Requests are optional: each one is granted only
if the arena stays as small as the plan without any scratch (largest requests tried first), so
asking for scratch never makes the arena larger; a kernel whose request was refused must use a
variant without scratch. `ArenaPlan.scratch_offsets` maps operator index -> offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Model
from .ops import slots

ALIGNMENT = 16


@dataclass(frozen=True)
class ArenaPlan:
    """Byte offset of each planned tensor in one arena of `arena_bytes` bytes."""

    offsets: dict[int, int]
    arena_bytes: int
    sizes: dict[int, int] = field(default_factory=dict)  # aligned sizes
    lifetimes: dict[int, tuple[int, int]] = field(default_factory=dict)  # first, last op
    scratch_offsets: dict[int, int] = field(default_factory=dict)  # operator index -> offset
    scratch_sizes: dict[int, int] = field(default_factory=dict)  # operator index -> aligned bytes


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


ALIASING_OPS: frozenset[str] = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})


# Element-wise kernels that read element i before writing element i (output may equal input).
IN_PLACE_OPS: frozenset[str] = frozenset(
    {"RELU", "RELU6", "RELU_N1_TO_1", "LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU", "QUANTIZE", "DEQUANTIZE"}
)


def alias_groups(model: Model, in_place: bool = True) -> dict[int, int]:
    """tensor -> representative tensor, for outputs that may share their input's buffer.

    RESHAPE-like ops always qualify; with `in_place`, IN_PLACE_OPS qualify when no later
    operator (nor the model's outputs or inputs) reads any tensor of the input's group.
    """
    parent: dict[int, int] = {}
    lifetimes = tensor_lifetimes(model)
    pinned = set(model.inputs) | set(model.outputs)

    def find(index: int) -> int:
        while parent.get(index, index) != index:
            index = parent[index]
        return index

    for op in model.operators:
        reinterpret = op.name in ALIASING_OPS
        if not (reinterpret or (in_place and op.name in IN_PLACE_OPS)) or not op.inputs or not op.outputs:
            continue
        source, dest = slots.input_index(op, slots.INPUT), op.outputs[slots.OUTPUT]
        if source < 0 or dest < 0:
            continue
        src, dst = model.tensors[source], model.tensors[dest]
        if src.is_constant or dst.is_constant or src.is_variable or dst.is_variable:
            continue
        if dest in model.inputs or src.num_bytes != dst.num_bytes:
            continue
        if not reinterpret:
            root = find(source)
            group = [t for t in lifetimes if find(t) == root]
            if any(t in pinned or lifetimes[t][1] > op.index for t in group):
                continue  # someone still reads the input's bytes after this operator
        parent[find(dest)] = find(source)
    return {index: find(index) for index in parent}


def _place(order: list[int], sizes: dict[int, int], lifetimes: dict[int, tuple[int, int]]) -> dict[int, int]:
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
    return offsets


def _plan(sizes: dict[int, int], lifetimes: dict[int, tuple[int, int]], aliases: dict[int, int]) -> tuple[int, dict[int, int]]:
    """Smallest greedy placement over the candidate orders; buffers of an alias group are merged."""
    groups: dict[int, list[int]] = {}
    for index in lifetimes:
        groups.setdefault(aliases.get(index, index), []).append(index)
    group_sizes = {g: max(sizes[m] for m in members) for g, members in groups.items()}
    group_lives = {
        g: (min(lifetimes[m][0] for m in members), max(lifetimes[m][1] for m in members))
        for g, members in groups.items()
    }
    orders = (
        sorted(groups, key=lambda g: (-group_sizes[g], -g)),  # TFLM's GreedyMemoryPlanner
        sorted(groups, key=lambda g: (-group_sizes[g], group_lives[g][0], g)),
    )
    best: tuple[int, dict[int, int]] | None = None
    for order in orders:
        placed = _place(order, group_sizes, group_lives)
        arena = max((placed[g] + group_sizes[g] for g in placed), default=0)
        if best is None or arena < best[0]:
            best = (arena, placed)
    assert best is not None
    arena, placed = best
    return arena, {index: placed[aliases.get(index, index)] for index in lifetimes}


def _scratch_key(op_index: int) -> int:
    """Buffer key of an operator's scratch: negative, so it never collides with a tensor index."""
    return -1 - op_index


def _plan_with(
    model: Model, allow_aliasing: bool, scratch: Mapping[int, int]
) -> tuple[int, dict[int, int], dict[int, int], dict[int, tuple[int, int]]]:
    lifetimes = tensor_lifetimes(model)
    sizes = {index: align_up(model.tensors[index].num_bytes) for index in lifetimes}
    for op_index, size in scratch.items():
        key = _scratch_key(op_index)
        lifetimes[key] = (op_index, op_index)
        sizes[key] = align_up(size)
    arena_bytes, offsets = _plan(sizes, lifetimes, {})
    if allow_aliasing:
        aliases = {i: g for i, g in alias_groups(model).items() if i in lifetimes and g in lifetimes}
        if aliases:
            aliased_bytes, aliased = _plan(sizes, lifetimes, aliases)
            if aliased_bytes < arena_bytes:
                arena_bytes, offsets = aliased_bytes, aliased
    return arena_bytes, offsets, sizes, lifetimes


def plan_arena(model: Model, allow_aliasing: bool = True, scratch: Mapping[int, int] | None = None) -> ArenaPlan:
    """Place every non-constant tensor in one arena; deterministic for a given model.

    Args:
        scratch: operator index -> bytes of a temporary buffer that operator would like; granted
            requests appear in `scratch_offsets`, refused ones (they would grow the arena) do not.
    """
    arena_bytes, offsets, sizes, lifetimes = _plan_with(model, allow_aliasing, {})
    granted: dict[int, int] = {}
    requests = sorted(((size, op) for op, size in (scratch or {}).items() if size > 0), key=lambda r: (-r[0], r[1]))
    for size, op_index in requests:
        trial = {**granted, op_index: size}
        trial_bytes, trial_offsets, trial_sizes, trial_lives = _plan_with(model, allow_aliasing, trial)
        if trial_bytes <= arena_bytes:
            granted = trial
            offsets, sizes, lifetimes = trial_offsets, trial_sizes, trial_lives
    scratch_offsets = {op: offsets.pop(_scratch_key(op)) for op in sorted(granted)}
    scratch_sizes = {op: sizes.pop(_scratch_key(op)) for op in sorted(granted)}
    for op in granted:
        lifetimes.pop(_scratch_key(op))
    return ArenaPlan(
        offsets=dict(sorted(offsets.items())),
        arena_bytes=arena_bytes,
        sizes=sizes,
        lifetimes=lifetimes,
        scratch_offsets=scratch_offsets,
        scratch_sizes=scratch_sizes,
    )
