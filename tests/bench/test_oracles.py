"""The oracles: TFLM's known crash is refused with a message instead of killing the process."""
from __future__ import annotations

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.errors import BenchError, OracleError
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.oracles import TfliteReferenceOracle, TflmOracle, tflm_crash_reason


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


def test_absent_svdf_bias_is_refused_before_tflm_loads_it() -> None:
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 3), "float32"), TensorSpec("wf", (2, 3), "float32", data=np.ones((2, 3), np.float32)),
                 TensorSpec("wt", (2, 4), "float32", data=np.ones((2, 4), np.float32)),
                 TensorSpec("s", (1, 8), "float32", is_variable=True), TensorSpec("y", (1, 2), "float32")],
        ops=[OpSpec("SVDF", [0, 1, 2, -1, 3], [4], options=("SVDFOptions", {"rank": 1}))], inputs=[0], outputs=[4])
    data = build_tflite(spec)
    with pytest.raises(BenchError, match="SVDF lists its bias as absent.*segfault.*Re-export"):
        TflmOracle(data, 1, read_tflite(data))


def _unknown_custom_op() -> bytes:
    # The generator refuses it (an unsupported operator); standing in for a model only an oracle
    # refuses, it must come back as an OracleError, never as an output mismatch.
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (1, 4), "int8", [0.1], [0])],
        ops=[OpSpec("RELU", [0], [1])], inputs=[0], outputs=[1])
    model = schema.ModelT.InitFromPackedBuf(bytearray(build_tflite(spec)), 0)
    model.operatorCodes[0].builtinCode = model.operatorCodes[0].deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM
    model.operatorCodes[0].customCode = b"NoSuchOp"
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def test_tflm_refusal_is_an_oracle_error_naming_the_validation_gap() -> None:
    with pytest.raises(OracleError) as info:
        TflmOracle(_unknown_custom_op(), 1).run([np.zeros((1, 4), np.int8)])
    message = str(info.value)
    assert message.startswith("TFLM (the tflite-micro package) refused the model while")
    assert "validation gap in tflm-bench" in message and "please report it" in message
    assert isinstance(info.value, BenchError)


def test_tflite_refusal_is_an_oracle_error_naming_the_validation_gap() -> None:
    with pytest.raises(OracleError) as info:
        TfliteReferenceOracle(_unknown_custom_op()).run([np.zeros((1, 4), np.int8)])
    assert str(info.value).startswith("TFLite's reference interpreter (BUILTIN_REF, ai-edge-litert) refused the model while")
    assert info.value.oracle.startswith("TFLite") and "validation gap" in str(info.value)


def test_garbage_is_an_oracle_error_not_a_crash() -> None:
    with pytest.raises(OracleError, match="TFLM .* refused the model while loading"):
        TflmOracle(b"TFL3" * 8, 1)
