"""The oracles: TFLM's known crash is refused with a message instead of killing the process."""
from __future__ import annotations

import numpy as np
import pytest

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.errors import BenchError
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.oracles import TflmOracle, tflm_crash_reason


def _depthwise(bias_slot: list[int]) -> bytes:
    spec = ModelSpec(
        tensors=[
            TensorSpec("x", (1, 4, 4, 2), "int8", [0.05], [0]),
            TensorSpec("w", (1, 3, 3, 2), "int8", [0.02, 0.03], [0, 0],
                       np.arange(18, dtype=np.int8).reshape(1, 3, 3, 2), quantized_dimension=3),
            TensorSpec("y", (1, 4, 4, 2), "int8", [0.1], [0]),
        ],
        ops=[OpSpec("DEPTHWISE_CONV_2D", [0, 1, *bias_slot], [2], options=(
            "DepthwiseConv2DOptions", {"padding": "SAME", "strideW": 1, "strideH": 1, "depthMultiplier": 1}))],
        inputs=[0], outputs=[2])
    return build_tflite(spec)


def test_absent_depthwise_bias_is_refused_before_tflm_loads_it() -> None:
    data = _depthwise([-1])
    model = read_tflite(data)
    assert "DEPTHWISE_CONV_2D" in (tflm_crash_reason(model) or "")
    with pytest.raises(BenchError, match="segfault.*Re-export"):
        TflmOracle(data, 1, model)


def test_two_input_depthwise_runs_in_tflm() -> None:
    data = _depthwise([])
    model = read_tflite(data)
    assert tflm_crash_reason(model) is None
    out = TflmOracle(data, 1, model).run([np.ones((1, 4, 4, 2), np.int8)])
    assert out[0].shape == (1, 4, 4, 2)
