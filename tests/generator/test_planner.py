"""The greedy arena planner."""

from __future__ import annotations

import numpy as np

from gen_helpers import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.planner import ALIGNMENT, alias_groups, plan_arena, tensor_lifetimes
from tflm_bench.generator.tflite_reader import read_tflite


def _chain_model(widths: list[int]) -> bytes:
    """QUANTIZE-requantize chain: tensor i feeds op i; widths are element counts."""
    tensors = [TensorSpec(f"t{i}", (1, w), "int8", [0.1], [0]) for i, w in enumerate(widths)]
    ops = [OpSpec("QUANTIZE", [i], [i + 1]) for i in range(len(widths) - 1)]
    return build_tflite(ModelSpec(tensors, ops, [0], [len(widths) - 1]))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _check_no_conflicts(plan) -> None:
    for i in plan.offsets:
        assert plan.offsets[i] % ALIGNMENT == 0
        assert plan.sizes[i] % ALIGNMENT == 0
        assert plan.offsets[i] + plan.sizes[i] <= plan.arena_bytes
        for j in plan.offsets:
            if i < j and _overlaps(plan.lifetimes[i], plan.lifetimes[j]):
                a = (plan.offsets[i], plan.offsets[i] + plan.sizes[i])
                b = (plan.offsets[j], plan.offsets[j] + plan.sizes[j])
                assert a[1] <= b[0] or b[1] <= a[0], f"tensors {i} and {j} collide"


def test_lifetimes_of_a_chain():
    model = read_tflite(_chain_model([16, 32, 48, 16]))
    assert tensor_lifetimes(model) == {0: (0, 0), 1: (0, 1), 2: (1, 2), 3: (2, 2)}


def test_chain_reuses_memory():
    model = read_tflite(_chain_model([64, 64, 64, 64, 64, 64]))
    plan = plan_arena(model)
    _check_no_conflicts(plan)
    # at most two tensors are alive at once: two slots suffice
    assert plan.arena_bytes == 128
    assert len(set(plan.offsets.values())) == 2


def test_sizes_round_up_to_16_and_constants_are_not_planned(keras_models):
    model = read_tflite(keras_models["dense_int8"])
    plan = plan_arena(model)
    _check_no_conflicts(plan)
    for index, size in plan.sizes.items():
        assert size == -(-model.tensors[index].num_bytes // 16) * 16
        assert not model.tensors[index].is_constant
    assert all(not t.is_constant for t in model.tensors if t.index in plan.offsets)
    assert all(t.index not in plan.offsets for t in model.tensors if t.is_constant)


def test_random_chains_never_collide_and_are_deterministic():
    rng = np.random.default_rng(5)
    for _ in range(20):
        widths = [int(w) for w in rng.integers(1, 300, size=int(rng.integers(2, 9)))]
        data = _chain_model(widths)
        plan = plan_arena(read_tflite(data))
        _check_no_conflicts(plan)
        assert plan == plan_arena(read_tflite(data))
        # never worse than the two largest neighbours side by side, never better than one
        aligned = [-(-w // 16) * 16 for w in widths]
        assert plan.arena_bytes >= max(aligned)
        assert plan.arena_bytes <= sum(aligned)


def test_largest_buffer_placed_first_at_offset_zero():
    model = read_tflite(_chain_model([16, 200, 16]))
    plan = plan_arena(model)
    assert plan.offsets[1] == 0
    assert plan.offsets[0] == plan.offsets[2] == 208


def _check_scratch(plan) -> None:
    """Each granted scratch lies in the arena and overlaps no tensor alive during its operator."""
    for op_index, offset in plan.scratch_offsets.items():
        size = plan.scratch_sizes[op_index]
        assert offset % ALIGNMENT == 0 and size % ALIGNMENT == 0 and offset + size <= plan.arena_bytes
        for i, (first, last) in plan.lifetimes.items():
            if first <= op_index <= last:
                a, b = (offset, offset + size), (plan.offsets[i], plan.offsets[i] + plan.sizes[i])
                assert a[1] <= b[0] or b[1] <= a[0], f"scratch of op {op_index} collides with tensor {i}"


def test_scratch_is_granted_only_without_growing_the_arena():
    # Op 0 keeps 512 bytes alive, op 1 only 272: a 208-byte scratch fits beside op 1 without
    # growing the arena, a 10,000-byte one never fits.
    model = read_tflite(_chain_model([256, 256, 16, 16]))
    base = plan_arena(model)
    plan = plan_arena(model, scratch={1: 200, 0: 10_000})
    _check_no_conflicts(plan)
    _check_scratch(plan)
    assert plan.arena_bytes == base.arena_bytes
    assert 0 not in plan.scratch_offsets  # 10,000 bytes would grow the arena: refused
    assert plan.scratch_sizes.get(1) == 208  # fits beside op 1's tensors: granted, rounded to 16
    assert plan.offsets == {i: plan.offsets[i] for i in base.offsets}  # every tensor still planned


def test_scratch_alternatives_take_the_largest_that_fits():
    # Op 1 can use 10,000, 1,000 or 200 bytes: only 200 (208 aligned) fits without growing the
    # arena; op 0 has no size that fits and is refused.
    model = read_tflite(_chain_model([256, 256, 16, 16]))
    base = plan_arena(model)
    plan = plan_arena(model, scratch={1: (10_000, 1_000, 200), 0: (10_000, 5_000)})
    _check_no_conflicts(plan)
    _check_scratch(plan)
    assert plan.arena_bytes == base.arena_bytes
    assert plan.scratch_sizes.get(1) == 208 and 0 not in plan.scratch_offsets



def test_a_budget_lets_scratch_grow_the_arena_up_to_it_and_no_further():
    # Without a budget neither request fits; a budget of base + 1,000 takes op 1's 1,000-byte
    # size (the arena grows, but stays within the budget) and still refuses op 0's 10,000.
    model = read_tflite(_chain_model([256, 256, 16, 16]))
    base = plan_arena(model)
    budget = base.arena_bytes + 1_000
    plan = plan_arena(model, scratch={1: (10_000, 1_000, 200), 0: (10_000, 5_000)}, budget=budget)
    _check_no_conflicts(plan)
    _check_scratch(plan)
    assert plan.scratch_sizes.get(1) == 1_008 and 0 not in plan.scratch_offsets
    assert base.arena_bytes < plan.arena_bytes <= budget


def test_a_budget_below_the_plain_plan_grows_nothing():
    model = read_tflite(_chain_model([256, 256, 16, 16]))
    base = plan_arena(model)
    scratch = {1: (10_000, 1_000, 200)}
    assert plan_arena(model, scratch=scratch, budget=16) == plan_arena(model, scratch=scratch)
    assert plan_arena(model, scratch=scratch, budget=16).arena_bytes == base.arena_bytes

def test_no_scratch_requests_give_the_plain_plan():
    model = read_tflite(_chain_model([64, 32, 64]))
    assert plan_arena(model, scratch={}) == plan_arena(model)


def _in_place_model(widths: list[int], ops: list[tuple[int, int]], outputs: list[int]) -> bytes:
    tensors = [TensorSpec(f"t{i}", (1, w), "int8", [0.1], [0]) for i, w in enumerate(widths)]
    specs = [OpSpec("QUANTIZE", [src], [dst]) for src, dst in ops]
    return build_tflite(ModelSpec(tensors, specs, [0], outputs))


def test_element_wise_op_writes_over_a_dying_input():
    # t0 -> t1 (256) -> t2 (256) -> t3: t1 dies at op 1, so t2 may take t1's buffer.
    model = read_tflite(_in_place_model([16, 256, 256, 16], [(0, 1), (1, 2), (2, 3)], [3]))
    assert alias_groups(model) == {2: 1}
    assert 2 not in alias_groups(model, in_place=False)
    plain = plan_arena(model, allow_aliasing=False)
    plan = plan_arena(model)
    assert plain.arena_bytes == 512
    assert plan.arena_bytes == 256 + 16
    assert plan.offsets[1] == plan.offsets[2]
    # the shared buffer is alive over the union: nothing else may sit in it during ops 0..2
    for index in (0, 3):
        a = (plan.offsets[index], plan.offsets[index] + plan.sizes[index])
        assert a[1] <= plan.offsets[1] or plan.offsets[1] + plan.sizes[1] <= a[0]


def test_input_with_a_later_reader_is_not_overwritten():
    # t1 is read by op 1 and op 2: op 1 may not write over it, op 2 (its last reader) may.
    model = read_tflite(_in_place_model([16, 64, 64, 64], [(0, 1), (1, 2), (1, 3)], [2, 3]))
    groups = alias_groups(model)
    assert 2 not in groups  # t2 is also a model output
    model = read_tflite(_in_place_model([16, 64, 64, 64, 16], [(0, 1), (1, 2), (1, 3), (3, 4)], [2, 4]))
    groups = alias_groups(model)
    assert 2 not in groups and groups.get(3) == 1


def test_model_inputs_and_outputs_are_never_written_over():
    model = read_tflite(_in_place_model([64, 64], [(0, 1)], [1]))
    assert alias_groups(model) == {}

