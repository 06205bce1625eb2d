"""Intake checks of the operators and types added for parity with TFLM (CEIL, ROUND, ELU,
LEAKY_RELU float32, DEQUANTIZE uint8, REDUCE_ALL, LOG_SOFTMAX int8) and the refusals of the two
types TFLM registers but leaves undefined (DIV int8, GREATER int16)."""
from __future__ import annotations

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import read_model, validate_model
from tflm_bench.generator.errors import GeneratorError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.elu import elu_table
from tflm_bench.generator.ops.log_softmax import log_softmax_quant
from tflm_bench.ops_doc import missing_text


def _validate(b: LayerModel) -> None:
    validate_model(read_model(build_tflite(b.spec())))


def _refusal(b: LayerModel) -> GeneratorError:
    with pytest.raises(GeneratorError) as info:
        _validate(b)
    return info.value


def test_the_new_types_pass_the_intake() -> None:
    b = LayerModel()
    for op in ("CEIL", "ROUND", "ELU", "LEAKY_RELU"):
        b.op(op, [b.input("x", (2, 3), "float32")], [b.output("y", (2, 3), "float32")])
    b.op("ELU", [b.input("q", (4,), "int8", 0.1, 0)], [b.output("r", (4,), "int8", 0.05, 20)])
    b.op("DEQUANTIZE", [b.input("u", (4,), "uint8", 0.1, 128)], [b.output("f", (4,), "float32")])
    axis = b.tensor("axis", (1,), "int32", data=np.array([1], np.int32))
    b.op("REDUCE_ALL", [b.input("b", (2, 3), "bool"), axis], [b.output("a", (2,), "bool")])
    b.op("LOG_SOFTMAX", [b.input("l", (2, 5), "int8", 0.1, 0)], [b.output("m", (2, 5), "int8", 16 / 256, 127)])
    _validate(b)


@pytest.mark.parametrize(("op", "dtype"), [("DIV", "int8"), ("GREATER", "int16")])
def test_types_tflm_leaves_undefined_are_refused_naming_why(op: str, dtype: str) -> None:
    b = LayerModel()
    out = "bool" if op == "GREATER" else dtype
    b.op(op, [b.input("a", (1, 8), dtype, 0.05, 0), b.input("b", (1, 8), dtype, 0.05, 0)],
         [b.output("y", (1, 8), out, None if out == "bool" else 0.05, 0)])
    error = _refusal(b)
    assert isinstance(error, UnsupportedTensorError)
    message = str(error)
    assert f"TFLM's {dtype} {op} is undefined behaviour" in message and "float32" in message
    assert "--runtime tflm" not in message  # TFLM's answer is no better
    assert f"{dtype} (undefined in TFLM: " in missing_text()


def test_log_softmax_int8_needs_tflm_s_output_quantization() -> None:
    b = LayerModel()
    b.op("LOG_SOFTMAX", [b.input("l", (2, 5), "int8", 0.1, 0)], [b.output("m", (2, 5), "int8", 0.1, 127)])
    message = str(_refusal(b))
    assert "requires scale 16/256 and zero point 127" in message


@pytest.mark.parametrize("op", ["LOG_SOFTMAX", "CEIL", "ROUND"])
def test_the_output_needs_the_input_s_shape(op: str) -> None:
    b = LayerModel()
    b.op(op, [b.input("l", (2, 5), "float32")], [b.output("m", (10,), "float32")])
    assert "requires the same" in str(_refusal(b))


def test_log_softmax_constants_follow_tflm_s_prepare() -> None:
    # input scale 1/8: 2^-3 * 2^26 = 0.5 * 2^24 -> multiplier 2^30, left shift 24; the reverse divisor
    # 2^(31 - 24) / 2^30 = 2^-23 = 0.5 * 2^-22 -> 2^30, right shift 22; diff_min -floor(31 * 2^26 / 2^24).
    q = log_softmax_quant(0.125)
    assert (q.input_multiplier, q.input_left_shift) == (1 << 30, 24)
    assert (q.reverse_scaling_divisor, q.reverse_scaling_right_shift) == (1 << 30, 22)
    assert q.diff_min == -124


def test_elu_table_matches_hand_values() -> None:
    # scale 0.5 in, 0.25 out, zero points 0: q >= 0 doubles (clamped), q = -2 is exp(-1) - 1 = -0.632
    # -> -2.528 steps -> -3.
    table = elu_table(0.5, 0, 0.25, 0)
    assert table[128 + 10] == 20 and table[128 + 100] == 127 and table[128 - 2] == -3
    assert table[0] == -4  # exp(-64) - 1 = -1 -> -4 steps


def test_elu_refuses_a_table_beyond_int32() -> None:
    b = LayerModel()
    b.op("ELU", [b.input("q", (4,), "int8", 1e6, 0)], [b.output("r", (4,), "int8", 1e-6, 0)])
    error = _refusal(b)
    assert isinstance(error, UnsupportedOpError) and "undefined behaviour" in str(error)


# ---- int4 weights ------------------------------------------------------------------------------


def _fc(in_dtype: str, weight_scales: list[float], weights_dtype: str = "int4") -> LayerModel:
    b = LayerModel()
    x = b.input("x", (1, 3), in_dtype, 0.1, 0)
    w = b.tensor("w", (2, 3), weights_dtype, data=np.array([[1, -8, 7], [0, 3, -1]], np.int8))
    b.tensors[w].scales, b.tensors[w].zero_points = weight_scales, [0] * len(weight_scales)
    b.op("FULLY_CONNECTED", [x, w], [b.output("y", (1, 2), in_dtype, 0.2, 0)])
    return b


def test_int4_weights_are_unpacked_as_tflm_unpacks_them() -> None:
    model = read_model(build_tflite(_fc("int8", [0.01]).spec()))
    weights = model.tensors[1]
    assert weights.packed_int4 and weights.dtype == "int8"
    assert weights.data is not None and weights.data.tolist() == [[1, -8, 7], [0, 3, -1]]
    validate_model(model)


@pytest.mark.parametrize(("b", "expected"), [
    (_fc("int8", [0.01, 0.02]), "quantized per channel"),
    (_fc("int16", [0.01]), "with int16 input"),
])
def test_int4_weights_tflm_refuses_are_refused(b: LayerModel, expected: str) -> None:
    message = str(_refusal(b))
    assert expected in message and "TFLM takes int4 only as the constant weights" in message


def test_int4_outside_the_weights_is_refused() -> None:
    b = LayerModel()
    c = b.tensor("c", (4,), "int4", 0.1, 0, data=np.array([1, 2, 3, 4], np.int8))
    b.op("ADD", [b.input("x", (4,), "int8", 0.1, 0), c], [b.output("y", (4,), "int8", 0.1, 0)])
    assert "input 1 of operator #0 ADD" in str(_refusal(b))


def test_an_int4_buffer_of_the_wrong_size_is_malformed() -> None:
    from tflm_bench.generator.errors import MalformedModelError
    from tflm_bench.generator.tflite_reader import unpack_int4

    with pytest.raises(MalformedModelError, match=r"needs 3 bytes, but buffer #4 holds 2"):
        unpack_int4(b"\x12\x34", "w", (5,), 4)
