"""The generated runtime as a pipeline part: its arena plan survives the manifest unchanged."""
from __future__ import annotations

import json

import pytest

from support.fused_models import conv_pool_conv
from support.model_files import MODELS_DIR
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.build.generated import plan_from_record, plan_record
from tflm_bench.generator.ops.registry import scratch_requests
from tflm_bench.generator.planner import plan_arena


@pytest.mark.parametrize("name", ["fused conv+pool", "kws_dscnn_int8"])
def test_the_arena_plan_round_trips_through_json(name: str) -> None:
    data = conv_pool_conv() if name == "fused conv+pool" else (MODELS_DIR / f"{name}.tflite").read_bytes()
    model = read_model(data)
    plan = plan_arena(model, scratch=scratch_requests(model, KernelSet.OPTIMIZED))
    assert plan.fusions or plan.scratch_offsets  # the parts a plain tensor map would lose
    assert plan_from_record(json.loads(json.dumps(plan_record(plan)))) == plan
