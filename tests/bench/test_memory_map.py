"""The arena map in reports: the firmware's plan, per tensor, with names and lifetimes."""
from __future__ import annotations

from pathlib import Path

from tflm_bench.generator import BuildConfig, build_firmware
from tflm_bench.generator.ops.registry import scratch_requests
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.memory_map import arena_map, layer_outputs, short_name

ROOT = Path(__file__).resolve().parents[2]


def test_the_map_is_the_planners_plan_with_names_and_no_overlaps() -> None:
    model = read_tflite((ROOT / "models" / "kws_dscnn_int8.tflite").read_bytes())
    plan = plan_arena(model, scratch=scratch_requests(model, "optimized"))
    placements = arena_map(model, plan)
    tensors = [p for p in placements if p.kind == "tensor"]
    assert {p.tensor: p.offset for p in tensors} == plan.offsets
    assert {p.tensor: (p.first_layer, p.last_layer) for p in tensors} == plan.lifetimes
    assert all(p.name == model.tensors[p.tensor].name for p in tensors)
    assert len([p for p in placements if p.kind == "scratch"]) == len(plan.scratch_offsets)
    assert max(p.end for p in placements) <= plan.arena_bytes
    assert [p.offset for p in placements] == sorted(p.offset for p in placements)
    for a in placements:  # buffers alive at the same time never share bytes
        for b in placements:
            if a is not b and a.first_layer <= b.last_layer and b.first_layer <= a.last_layer:
                assert a.end <= b.offset or b.end <= a.offset, (a, b)


def test_the_map_is_the_plan_the_firmware_was_built_with(tmp_path: Path) -> None:
    path = ROOT / "models" / "sine_int8.tflite"
    image = build_firmware(BuildConfig(path, tmp_path))
    placements = arena_map(read_tflite(path.read_bytes()), image.plan)
    assert max(p.end for p in placements) == image.memory.arena_bytes == 32


def test_layer_outputs_and_short_names() -> None:
    model = read_tflite((ROOT / "models" / "sine_int8.tflite").read_bytes())
    outputs = layer_outputs(model)
    assert len(outputs) == 3 and outputs[-1] == "StatefulPartitionedCall_1:0"
    assert short_name(outputs[0]) == "sequential_1/dense_1/MatMul"
