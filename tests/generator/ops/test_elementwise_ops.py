"""Validation and emission of ADD/SUB/MUL, activations, SOFTMAX and MEAN."""
from __future__ import annotations

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import GeneratorError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.add_sub_common import broadcast_layout
from tflm_bench.generator.ops.reduce import reduce_layout, resolve_axes
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _validate(b: LayerModel) -> None:
    validate(read_tflite(build_tflite(b.spec())))


def _unary(op: str, in_q: tuple[float, int], out_q: tuple[float, int], dtype: str = "int8",
           options: tuple[str, dict] | None = None) -> LayerModel:
    b = LayerModel()
    if dtype == "int8":
        x = b.input("x", (4,), dtype, *in_q)
        y = b.output("y", (4,), dtype, *out_q)
    else:
        x, y = b.input("x", (4,), dtype), b.output("y", (4,), dtype)
    b.op(op, [x], [y], options)
    return b


def test_broadcast_layout_strides() -> None:
    dims, s1, s2 = broadcast_layout((2, 3, 4), (2, 1, 4), (3, 1))
    assert dims == [1, 1, 1, 2, 3, 4]
    assert s1 == [0, 0, 0, 4, 0, 1]
    assert s2 == [0, 0, 0, 0, 1, 0]
    assert broadcast_layout((2, 5), (2, 5), (2, 5)) == ([1] * 5 + [10], [0] * 5 + [1], [0] * 5 + [1])
    assert broadcast_layout((3,), (3,), ())[2] == [0] * 6
    with pytest.raises(ValueError, match="do not broadcast"):
        broadcast_layout((2, 3), (2, 3), (2, 2))
    with pytest.raises(ValueError, match="rank 7"):
        broadcast_layout((1,) * 7, (1,), (1,))


def test_mean_axes_and_layout() -> None:
    assert resolve_axes(np.array([2, -3, 1]), 4) == [2, 1]
    with pytest.raises(ValueError, match="outside"):
        resolve_axes(np.array([4]), 4)
    outer_dims, outer_strides, inner_dims, inner_strides = reduce_layout((2, 3, 4, 5), [1, 2])
    assert outer_dims[-2:] == [2, 5] and outer_strides[-2:] == [60, 1]
    assert inner_dims[-2:] == [3, 4] and inner_strides[-2:] == [20, 5]


def test_mul_counts_one_mac_per_output() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int8", 0.1, 0)
    y = b.output("y", (2, 3), "int8", 0.1, 0)
    b.op("MUL", [x, x], [y])
    model = read_tflite(build_tflite(b.spec()))
    assert handlers()["MUL"].macs(model, model.operators[0]) == 6
    assert handlers()["ADD"].macs(model, model.operators[0]) == 0


def test_constant_operand_becomes_a_flash_array() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int8", 0.1, 0)
    c = b.tensor("c", (3,), "int8", 0.2, 1, data=np.array([1, -2, 3], np.int8))
    y = b.output("y", (2, 3), "int8", 0.3, 0)
    b.op("ADD", [x, c], [y], ("AddOptions", {"fusedActivationFunction": "RELU"}))
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    (layer,) = emit_layers(model, plan_arena(model))
    assert layer.function == "tb_add_s8"
    (array,) = layer.arrays
    assert array.ctype == "int8_t" and array.length == 3 and layer.args[3] == array.name
    assert "   1,   -2,    3," in array.rows[0]


@pytest.mark.parametrize("op,in_q,out_q,expected", [
    ("LOGISTIC", (0.1, 0), (1 / 256, 0), "zero point 0 (TFLM requires -128)"),
    ("SOFTMAX", (0.1, 0), (1 / 128, -128), "TFLM requires 1/256 and -128"),
    ("HARD_SWISH", (1.0, 0), (1e-4, 0), "output multiplier exponent"),
])
def test_quantization_tflm_rejects_names_op_and_problem(op, in_q, out_q, expected) -> None:  # type: ignore[no-untyped-def]
    options = ("SoftmaxOptions", {"beta": 1.0}) if op == "SOFTMAX" else None
    with pytest.raises(UnsupportedOpError) as info:
        _validate(_unary(op, in_q, out_q, options=options))
    assert info.value.op_name == op and expected in str(info.value)


def test_softmax_without_beta_is_rejected() -> None:
    with pytest.raises(UnsupportedOpError, match="beta 0.0"):
        _validate(_unary("SOFTMAX", (0.1, 0), (1 / 256, -128)))


def test_uint8_leaky_relu_is_rejected_by_type() -> None:
    # float32, int8 and int16 run (TFLM's types); uint8 is no type TFLM's LEAKY_RELU takes.
    with pytest.raises(UnsupportedTensorError, match="LEAKY_RELU .* float32 or int8 or int16"):
        _validate(_unary("LEAKY_RELU", (0.1, 3), (0.1, 3), dtype="uint8", options=("LeakyReluOptions", {"alpha": 0.1})))


def test_add_with_shapes_that_do_not_broadcast() -> None:
    b = LayerModel()
    x1 = b.input("a", (2, 3), "int8", 0.1, 0)
    x2 = b.input("b", (2, 2), "int8", 0.1, 0)
    y = b.output("y", (2, 3), "int8", 0.1, 0)
    b.op("ADD", [x1, x2], [y])
    with pytest.raises(UnsupportedOpError, match=r"operator #0 ADD: input shapes \[2, 3\] and \[2, 2\]"):
        _validate(b)


def test_mean_needs_a_constant_axis() -> None:
    b = LayerModel()
    x = b.input("x", (1, 3, 3, 2), "int8", 0.1, 0)
    axis = b.input("axis", (2,), "int32")
    y = b.output("y", (1, 1, 1, 2), "int8", 0.1, 0)
    b.op("MEAN", [x, axis], [y], ("ReducerOptions", {"keepDims": True}))
    with pytest.raises(UnsupportedTensorError, match="MEAN .* constant int32 axis"):
        _validate(b)


def test_mean_output_size_mismatch_is_malformed() -> None:
    b = LayerModel()
    x = b.input("x", (1, 3, 3, 2), "int8", 0.1, 0)
    axis = b.tensor("axis", (1,), "int32", data=np.array([3], np.int32))
    y = b.output("y", (1, 1, 1, 2), "int8", 0.1, 0)
    b.op("MEAN", [x, axis], [y], ("ReducerOptions", {"keepDims": True}))
    with pytest.raises(GeneratorError, match="MEAN over axes"):
        _validate(b)
