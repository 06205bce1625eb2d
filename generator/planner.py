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
if the arena stays within the budget (largest requests tried first): the plan without any scratch
(`--optimize size`), or a lower bound of TFLM + CMSIS-NN's arena for the model
(generator/arena_budget.py), so asking for scratch never makes the arena larger than TFLM's; a
kernel whose request was refused must use a variant without scratch. `ArenaPlan.scratch_offsets` maps operator index -> offset.

Fused pairs (generator/fusion.py): the conv output of a CONV_2D + MAX_POOL_2D run as one banded
kernel is not planned at all; the band buffer is (mandatory, unlike scratch requests) alive during
the conv's operator, and the pool's output from the conv's operator on (the fused kernel writes it
there while it still reads the conv's input). `ArenaPlan.band_offsets` maps conv operator -> offset.

Placement orders: besides TFLM's (size descending) and first use, the planner tries buffers in
order of their busiest operator (the most bytes alive together at an operator the buffer spans),
then, while the best plan is still above that lower bound, up to RANDOM_ORDERS seeded shuffles of
the largest-first order; it stops as soon as a plan reaches the bound. Deterministic. In TFLM's
order MobileNetV1-0.25 in float32 needs 258,048 B: its 110 KB input takes offset 0, pushing the
first dw conv's output past the pointwise output; the bound (the dw -> pw peak) is 221,184 B.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .fusion import ConvPoolFusion, conv_pool_fusions
from .model import Model
from .ops import slots
from .resources import resolve as resolve_resources
from .resources import uses_resources
from .subgraphs import executed_operators, handle_tensors, has_subgraphs, reachable, timeline

ALIGNMENT = 16
RANDOM_ORDERS = 48  # extra seeded placement orders tried when the heuristic ones are not optimal
RANDOM_ORDER_SEED = 12


@dataclass(frozen=True)
class ArenaPlan:
    """Byte offset of each planned tensor in one arena of `arena_bytes` bytes."""

    offsets: dict[int, int]
    arena_bytes: int
    sizes: dict[int, int] = field(default_factory=dict)  # aligned sizes
    lifetimes: dict[int, tuple[int, int]] = field(default_factory=dict)  # first, last op
    scratch_offsets: dict[int, int] = field(default_factory=dict)  # operator index -> offset
    scratch_sizes: dict[int, int] = field(default_factory=dict)  # operator index -> aligned bytes
    fusions: tuple[ConvPoolFusion, ...] = ()  # conv + pool pairs run banded (generator/fusion.py)
    band_offsets: dict[int, int] = field(default_factory=dict)  # conv operator index -> band offset
    resource_offsets: dict[int, int] = field(default_factory=dict)  # resource variable id -> offset (resources.py)

    def fusion_of(self, op_index: int) -> ConvPoolFusion | None:
        """The fusion `op_index` takes part in (as its conv or its pool), if any."""
        return next((f for f in self.fusions if op_index in (f.conv_op, f.pool_op)), None)

    @property
    def elided(self) -> frozenset[int]:
        """Tensors the fused kernels never materialise (not in `offsets`)."""
        return frozenset(f.intermediate for f in self.fusions)


def align_up(value: int, alignment: int = ALIGNMENT) -> int:
    return (value + alignment - 1) // alignment * alignment


def tensor_lifetimes(model: Model) -> dict[int, tuple[int, int]]:
    """First and last operator index using each non-constant tensor; with subgraphs, first and
    last position of TFLM's planning walk (subgraphs.timeline)."""
    if has_subgraphs(model):
        return dict(timeline(model).lifetimes)  # a copy: callers add scratch and band entries
    last_op = max(len(model.operators) - 1, 0)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    handles = handle_tensors(model)

    def touch(index: int, at: int) -> None:
        if index < 0 or model.tensors[index].is_constant or index in handles:
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


def op_span(model: Model, op_index: int) -> tuple[int, int]:
    """The positions an operator is running at: its index, or its span in TFLM's planning walk
    when the model has subgraphs (a control-flow operator spans the subgraphs it calls)."""
    if has_subgraphs(model):
        return timeline(model).spans[op_index]
    return op_index, op_index


def alias_groups(model: Model, in_place: bool = True) -> dict[int, int]:
    """tensor -> representative tensor, for outputs that may share their input's buffer.

    RESHAPE-like ops always qualify; with `in_place`, IN_PLACE_OPS qualify when no later
    operator (nor the model's outputs or inputs) reads any tensor of the input's group.
    """
    parent: dict[int, int] = {}
    lifetimes = tensor_lifetimes(model)
    pinned = set(model.inputs) | set(model.outputs)
    # The inputs and outputs of called subgraphs are copied to and from by their callers: each keeps
    # a buffer of its own.
    called_io = {t for n in reachable(model) for t in (*model.subgraph(n).inputs, *model.subgraph(n).outputs)}

    def find(index: int) -> int:
        while parent.get(index, index) != index:
            index = parent[index]
        return index

    for op in executed_operators(model):
        reinterpret = op.name in ALIASING_OPS
        if not (reinterpret or (in_place and op.name in IN_PLACE_OPS)) or not op.inputs or not op.outputs:
            continue
        source, dest = slots.input_index(op, slots.INPUT), op.outputs[slots.OUTPUT]
        if source < 0 or dest < 0:
            continue
        src, dst = model.tensors[source], model.tensors[dest]
        if src.is_constant or dst.is_constant or src.is_variable or dst.is_variable:
            continue
        if dest in model.inputs or src.num_bytes != dst.num_bytes or dest in called_io or source in called_io:
            continue
        if not reinterpret:
            root = find(source)
            group = [t for t in lifetimes if find(t) == root]
            if any(t in pinned or lifetimes[t][1] > op_span(model, op.index)[1] for t in group):
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
    pressure = _pressure(group_sizes, group_lives)
    bound = max(pressure.values(), default=0)  # no placement can be smaller than the busiest operator
    orders: list[list[int]] = [
        sorted(groups, key=lambda g: (-group_sizes[g], -g)),  # TFLM's GreedyMemoryPlanner
        sorted(groups, key=lambda g: (-group_sizes[g], group_lives[g][0], g)),
        sorted(groups, key=lambda g: (-pressure[g], -group_lives[g][1], -group_sizes[g], g)),
    ]
    best: tuple[int, dict[int, int]] | None = None
    rng = random.Random(RANDOM_ORDER_SEED)
    tried = 0
    while orders:
        placed = _place(orders.pop(0), group_sizes, group_lives)
        arena = max((placed[g] + group_sizes[g] for g in placed), default=0)
        if best is None or arena < best[0]:
            best = (arena, placed)
        if best[0] <= bound:
            break  # optimal: nothing to gain from more orders
        if not orders and tried < RANDOM_ORDERS:
            # Seeded shuffles of the largest-first order (a stable sort on jittered sizes): a
            # deterministic search that only runs when the heuristic orders leave a gap.
            tried += 1
            jitter = {g: group_sizes[g] * rng.uniform(0.5, 1.0) for g in groups}
            orders.append(sorted(groups, key=lambda g: (-jitter[g], g)))
    assert best is not None
    arena, placed = best
    return arena, {index: placed[aliases.get(index, index)] for index in lifetimes}


def planned_bytes(model: Model, scratch: Mapping[int, int]) -> int:
    """The arena of a plan in which every tensor has a buffer of its own (no aliasing, no fused
    pairs) and each operator in `scratch` holds that many bytes while it runs: TFLM's way."""
    return _plan_with(model, False, scratch)[0]


def _pressure(sizes: dict[int, int], lives: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Each buffer's busiest operator: the most bytes alive together at any operator it spans."""
    per_op: dict[int, int] = {}
    for key, (start, end) in lives.items():
        for at in range(start, end + 1):
            per_op[at] = per_op.get(at, 0) + sizes[key]
    return {key: max(per_op[at] for at in range(start, end + 1)) for key, (start, end) in lives.items()}


def _scratch_key(op_index: int) -> int:
    """Buffer key of an operator's scratch: negative, so it never collides with a tensor index."""
    return -1 - op_index


def _band_key(op_index: int) -> int:
    """Buffer key of a fused conv's band: negative and apart from the scratch keys."""
    return -(1 << 20) - op_index


def _plan_with(
    model: Model, allow_aliasing: bool, scratch: Mapping[int, int], fusions: tuple[ConvPoolFusion, ...] = ()
) -> tuple[int, dict[int, int], dict[int, int], dict[int, tuple[int, int]]]:
    lifetimes = tensor_lifetimes(model)
    sizes = {index: align_up(model.tensors[index].num_bytes) for index in lifetimes}
    for fusion in fusions:
        lifetimes.pop(fusion.intermediate, None)
        sizes.pop(fusion.intermediate, None)
        pooled = model.operators[fusion.pool_op].outputs[slots.OUTPUT]
        first, last = lifetimes[pooled]
        lifetimes[pooled] = (min(first, fusion.conv_op), last)
        key = _band_key(fusion.conv_op)
        lifetimes[key] = (fusion.conv_op, fusion.conv_op)
        sizes[key] = align_up(fusion.band_bytes)
    for op_index, size in scratch.items():
        key = _scratch_key(op_index)
        lifetimes[key] = op_span(model, op_index)
        sizes[key] = align_up(size)
    arena_bytes, offsets = _plan(sizes, lifetimes, {})
    if allow_aliasing:
        aliases = {i: g for i, g in alias_groups(model).items() if i in lifetimes and g in lifetimes}
        if aliases:
            aliased_bytes, aliased = _plan(sizes, lifetimes, aliases)
            if aliased_bytes < arena_bytes:
                arena_bytes, offsets = aliased_bytes, aliased
    return arena_bytes, offsets, sizes, lifetimes


def _sizes(request: int | Sequence[int]) -> tuple[int, ...]:
    """A scratch request's acceptable sizes, most wanted first (an int: that size only)."""
    sizes = (request,) if isinstance(request, int) else tuple(request)
    return tuple(s for s in sizes if s > 0)


def plan_arena(
    model: Model, allow_aliasing: bool = True, scratch: Mapping[int, int | Sequence[int]] | None = None,
    fuse: bool = True, budget: int | None = None,
) -> ArenaPlan:
    """Place every non-constant tensor in one arena; deterministic for a given model.

    Args:
        scratch: operator index -> bytes of a temporary buffer that operator would like, or the
            sizes it can use, most wanted first (the first that keeps the arena within the
            budget is granted); granted requests appear in `scratch_offsets` and `scratch_sizes`,
            refused ones (every size would exceed the budget) do not.
        budget: the arena the scratch may grow the plan to (generator/arena_budget.py gives
            TFLM's lower bound); None, or less than the plan without scratch: no growth at all.
        fuse: run eligible CONV_2D + MAX_POOL_2D pairs banded (generator/fusion.py); False plans
            every tensor, as the unfused kernels need.
    """
    fusions = conv_pool_fusions(model) if fuse and not has_subgraphs(model) else ()
    fused_ops = {f.conv_op for f in fusions} | {f.pool_op for f in fusions}
    arena_bytes, offsets, sizes, lifetimes = _plan_with(model, allow_aliasing, {}, fusions)
    # Resource variables are alive throughout, so they go on top of the plan at no loss.
    variables = resolve_resources(model).variables if uses_resources(model) else ()
    resource_bytes = sum(align_up(v.bytes) for v in variables)
    limit = max(arena_bytes, (budget or 0) - resource_bytes)
    granted: dict[int, int] = {}
    choices = {op: _sizes(request) for op, request in (scratch or {}).items() if op not in fused_ops}
    requests = sorted(((options[0], op) for op, options in choices.items() if options), key=lambda r: (-r[0], r[1]))
    for _, op_index in requests:
        for size in choices[op_index]:  # the operator's preference first, then smaller ones
            trial = {**granted, op_index: size}
            trial_bytes, trial_offsets, trial_sizes, trial_lives = _plan_with(model, allow_aliasing, trial, fusions)
            if trial_bytes <= limit:
                granted = trial
                arena_bytes, offsets, sizes, lifetimes = trial_bytes, trial_offsets, trial_sizes, trial_lives
                break
    scratch_offsets = {op: offsets.pop(_scratch_key(op)) for op in sorted(granted)}
    scratch_sizes = {op: sizes.pop(_scratch_key(op)) for op in sorted(granted)}
    for op in granted:
        lifetimes.pop(_scratch_key(op))
    band_offsets = {f.conv_op: offsets.pop(_band_key(f.conv_op)) for f in fusions}
    for f in fusions:
        sizes.pop(_band_key(f.conv_op))
        lifetimes.pop(_band_key(f.conv_op))
    resource_offsets: dict[int, int] = {}
    top = align_up(arena_bytes)
    for variable in variables:
        resource_offsets[variable.id] = top
        top += align_up(variable.bytes)
    if variables:
        arena_bytes = top
    return ArenaPlan(
        offsets=dict(sorted(offsets.items())),
        arena_bytes=arena_bytes,
        resource_offsets=resource_offsets,
        sizes=sizes,
        lifetimes=lifetimes,
        scratch_offsets=scratch_offsets,
        scratch_sizes=scratch_sizes,
        fusions=fusions,
        band_offsets=band_offsets,
    )
