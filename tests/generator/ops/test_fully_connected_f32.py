"""float32 FULLY_CONNECTED in the generator (the int8 paths are covered in tests/generator/)."""
from __future__ import annotations

import numpy as np
import pytest

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import UnsupportedTensorError
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _model(weights_dtype: str = "float32", bias: bool = True, activation: str = "RELU6"):  # type: ignore[no-untyped-def]
    weights = np.ones((2, 4), np.float32 if weights_dtype == "float32" else np.int8)
    tensors = [TensorSpec("x", (3, 4), "float32"),
               TensorSpec("w", (2, 4), weights_dtype, [0.1] if weights_dtype == "int8" else None, [0] if weights_dtype == "int8" else None, weights),
               TensorSpec("y", (3, 2), "float32")]
    inputs = [0, 1, -1]
    if bias:
        tensors.append(TensorSpec("b", (2,), "float32", data=np.array([0.5, -0.5], np.float32)))
        inputs = [0, 1, 3]
    spec = ModelSpec(tensors, [OpSpec("FULLY_CONNECTED", inputs, [2], activation)], [0], [2])
    return read_tflite(build_tflite(spec))


@pytest.mark.parametrize("bias", [True, False])
def test_float_fully_connected_emits_float_kernel(bias: bool) -> None:
    model = _model(bias=bias)
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == "tb_fully_connected_f32"
    assert dict(layer.structs[0].fields)["activation"] == "{.min = 0.0f, .max = 6.0f}"
    assert [a.ctype for a in layer.arrays] == ["float"] * (2 if bias else 1)
    assert ("tb_l0_bias" in layer.args) == bias


def test_hybrid_float_input_int8_weights_is_rejected() -> None:
    with pytest.raises(UnsupportedTensorError, match=r"FULLY_CONNECTED \(operator #0\) needs its weights to be float32"):
        validate(_model(weights_dtype="int8"))
