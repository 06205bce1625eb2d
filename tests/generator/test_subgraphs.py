"""Multi-subgraph models in the generator: reading, TFLM's planning walk, the arena plan against
host TFLM's, the calls between subgraphs, resource variables and the generated C.

The models come from TensorFlow's converter (tests/support/control_flow_models.py), converted once
per module; no firmware is built here (tests/firmware/kernels/test_control_flow.py runs them)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from support.control_flow_models import BUILDERS

pytest.importorskip("tensorflow", reason="TensorFlow makes these models (tf.cond, tf.while_loop, tf.Variable)")

from tflm_bench.generator.codegen import generate_c  # noqa: E402
from tflm_bench.generator.errors import MalformedGraphError  # noqa: E402
from tflm_bench.generator.model import Model  # noqa: E402
from tflm_bench.generator.ops.registry import keeps_state  # noqa: E402
from tflm_bench.generator.planner import align_up, plan_arena  # noqa: E402
from tflm_bench.generator.resources import resolve  # noqa: E402
from tflm_bench.generator.subgraphs import callees, reachable, timeline  # noqa: E402
from tflm_bench.generator.tflite_reader import read_tflite  # noqa: E402
from tflm_bench.generator.validate import validate  # noqa: E402


@pytest.fixture(scope="module", params=["float32", "int8"])
def converted(request: pytest.FixtureRequest) -> tuple[bytes, Model]:
    data = BUILDERS["combined"]((1, 3, 4), request.param, 4)
    return data, read_tflite(data)


def test_reader_keeps_every_subgraph_with_global_indices(converted: tuple[bytes, Model]) -> None:
    _, model = converted
    assert model.subgraphs, "tf.cond and tf.while_loop make subgraphs"
    end = len(model.operators)
    for sg in model.subgraphs:
        assert sg.first_tensor == (model.subgraphs[sg.index - 2].first_tensor + model.subgraphs[sg.index - 2].num_tensors
                                   if sg.index > 1 else sg.first_tensor)
        for op in sg.operators:
            assert op.index == end and op.subgraph == sg.index and model.operator(op.index) is op
            end += 1
            for t in (*op.inputs, *op.outputs):
                assert t == -1 or sg.first_tensor <= t < sg.first_tensor + sg.num_tensors
    assert [op.index for op in model.all_operators] == list(range(end))
    validate(model)
    assert keeps_state(model)


def test_called_subgraphs_live_inside_their_callers_span(converted: tuple[bytes, Model]) -> None:
    _, model = converted
    walk = timeline(model)
    for op in model.all_operators:
        if not callees(op):
            continue
        start, end = walk.spans[op.index]
        for t in (*op.inputs, *op.outputs):
            if t in walk.lifetimes:  # the caller's operands are alive over all of it
                first, last = walk.lifetimes[t]
                assert first <= start and last >= end, (op.name, t)
        for number in callees(op):
            sg = model.subgraph(number)
            for t in range(sg.first_tensor, sg.first_tensor + sg.num_tensors):
                if t in walk.lifetimes and not model.tensors[t].is_variable:
                    first, last = walk.lifetimes[t]
                    assert start < first and last <= end, (op.name, number, t)


def test_plan_never_overlaps_live_buffers_and_stays_within_tflm(converted: tuple[bytes, Model]) -> None:
    data, model = converted
    plan = plan_arena(model)
    live = list(plan.offsets)
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            (fa, la), (fb, lb) = plan.lifetimes[a], plan.lifetimes[b]
            if fa <= lb and fb <= la:
                assert (plan.offsets[a] + plan.sizes[a] <= plan.offsets[b]
                        or plan.offsets[b] + plan.sizes[b] <= plan.offsets[a]), (a, b)
    variables = resolve(model).variables
    tops = sorted(plan.resource_offsets.values())
    assert len(tops) == len(variables) and all(t >= max((plan.offsets[i] + plan.sizes[i] for i in live), default=0)
                                               for t in tops)
    resource_bytes = sum(align_up(v.bytes) for v in variables)
    from tflm_bench.memory import tflm_arena

    tflm = tflm_arena(data)
    # Our tensors against TFLM's planned head; the resource buffers are in TFLM's tail.
    assert plan.arena_bytes - resource_bytes <= tflm.head, (plan.arena_bytes, tflm)
    assert plan.arena_bytes <= tflm.total


def test_resource_ids_follow_tflm_prepare_order(converted: tuple[bytes, Model]) -> None:
    _, model = converted
    resources = resolve(model)
    names = {v.shared_name for v in resources.variables}
    assert len(names) == len(resources.variables)
    by_name: dict[str, set[int]] = {}
    for op in model.all_operators:
        if op.name == "VAR_HANDLE":
            by_name.setdefault(op.options["shared_name"].decode(), set()).add(resources.handle_ids[op.index])
    assert all(len(ids) == 1 for ids in by_name.values())  # one id per shared_name, wherever the handle is
    first = [resources.handle_ids[op.index] for op in model.all_operators if op.name == "VAR_HANDLE"]
    assert sorted(set(first), key=first.index) == list(range(len(resources.variables)))  # ids in Prepare order
    for v in resources.variables:
        assert v.bytes > 0 and model.operator(v.allocated_by).name == "ASSIGN_VARIABLE"
        value = model.tensors[model.operator(v.allocated_by).inputs[1]]
        assert v.bytes == value.num_bytes
        assert v.fill == ((value.quantization.zero_points[0] & 0xFF) if value.quantization else 0)


def test_generated_c_has_a_function_per_called_subgraph(converted: tuple[bytes, Model], tmp_path: Path) -> None:
    _, model = converted
    plan = plan_arena(model)
    generate_c(model, plan, tmp_path)
    text = (tmp_path / "tb_model.c").read_text()
    for number in reachable(model):
        assert f"static tb_status_t tb_subgraph_{number}(void)\n{{" in text
        for op in model.subgraph(number).operators:
            assert f"(operator #{op.index}, subgraph {number})" in text
    assert "static const tb_resource_table_t tb_resources" in text
    assert ".n_layers = %d," % len(model.operators) in text


def _with_option(model: Model, op_index: int, **options: object) -> Model:
    op = model.operator(op_index)
    changed = dataclasses.replace(op, options={**op.options, **options})
    if op.subgraph == 0:
        ops = tuple(changed if o.index == op_index else o for o in model.operators)
        return dataclasses.replace(model, operators=ops)
    subgraphs = tuple(
        dataclasses.replace(sg, operators=tuple(changed if o.index == op_index else o for o in sg.operators))
        for sg in model.subgraphs)
    return dataclasses.replace(model, subgraphs=subgraphs)


def test_calls_to_missing_or_running_subgraphs_are_refused(converted: tuple[bytes, Model]) -> None:
    _, model = converted
    while_op = next(op for op in model.all_operators if op.name == "WHILE")
    with pytest.raises(MalformedGraphError, match="body_subgraph_index is 99"):
        validate(_with_option(model, while_op.index, body_subgraph_index=99))
    with pytest.raises(MalformedGraphError, match="subgraph 0 is the model's entry"):
        validate(_with_option(model, while_op.index, cond_subgraph_index=0))
    # The body calling itself: recursion TFLM's planner cannot plan.
    body = int(while_op.options["body_subgraph_index"])
    inner = model.subgraph(body).operators[0]
    looped = dataclasses.replace(model, subgraphs=tuple(
        dataclasses.replace(sg, operators=(dataclasses.replace(while_op, index=inner.index, subgraph=body,
                                                               inputs=sg.inputs, outputs=sg.outputs),
                                           *sg.operators[1:]))
        if sg.index == body else sg for sg in model.subgraphs))
    with pytest.raises(MalformedGraphError, match="recursive subgraphs are not supported"):
        validate(looped)


def test_while_with_mismatched_body_is_refused(converted: tuple[bytes, Model]) -> None:
    _, model = converted
    while_op = next(op for op in model.all_operators if op.name == "WHILE")
    cond = int(while_op.options["cond_subgraph_index"])
    # The cond subgraph as the body: its one bool output cannot feed the loop's variables.
    with pytest.raises(MalformedGraphError, match="TFLM's Prepare refuses that"):
        validate(_with_option(model, while_op.index, body_subgraph_index=cond))
