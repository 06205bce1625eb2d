"""Validation and emission of the int16 and int32 elementwise types and of QUANTIZE/DEQUANTIZE's
type pairs: the kernel each layer calls, its parameters, and the refusals (reason and fix)."""
from __future__ import annotations

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.c_emit import Layer
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate

OPTIONS = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions"}


def _layer(b: LayerModel) -> Layer:
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    (layer,) = emit_layers(model, plan_arena(model))
    return layer


def _fields(layer: Layer) -> dict[str, str]:
    return {name: value for struct in layer.structs for name, value in struct.fields}


def _binary(op: str, dtype: str, activation: str = "NONE", quantized: bool = True,
            constant: np.ndarray | None = None) -> LayerModel:
    b = LayerModel()
    q = (0.002, 0) if quantized else ()
    x1 = b.input("a", (2, 3), dtype, *q)
    if constant is not None:
        x2 = b.tensor("c", constant.shape, dtype, *q, data=constant)
    else:
        x2 = b.input("b", (3,), dtype, *q)
    y = b.output("y", (2, 3), dtype, *((0.004, 0) if quantized else ()))
    b.op(op, [x1, x2], [y], (OPTIONS[op], {"fusedActivationFunction": activation}))
    return b


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_int16_binary_ops_call_the_s16_kernels(op: str) -> None:
    layer = _layer(_binary(op, "int16", "RELU"))
    assert layer.function == f"tb_{op.lower()}_s16"
    fields = _fields(layer)
    if op != "MUL":
        assert fields["left_shift"] == "15"
    assert fields["activation"] == "{.min = 0, .max = 32767}"


def test_int16_constant_operand_is_an_int16_array() -> None:
    layer = _layer(_binary("ADD", "int16", constant=np.array([-32768, 5, 32767], np.int16)))
    (array,) = layer.arrays
    assert array.ctype == "int16_t" and array.length == 3
    assert "-32768" in array.rows[0] and "32767" in array.rows[0]


@pytest.mark.parametrize("op,activation,bounds", [
    ("ADD", "RELU6", ("INT32_MIN", "INT32_MAX")),  # TFLM's int32 ADD ignores the activation
    ("SUB", "RELU6", ("0", "6")),
    ("MUL", "RELU", ("0", "INT32_MAX")),
])
def test_int32_binary_ops_clamp_as_tflm(op: str, activation: str, bounds: tuple[str, str]) -> None:
    layer = _layer(_binary(op, "int32", activation, quantized=False))
    assert layer.function == f"tb_{op.lower()}_s32"
    fields = _fields(layer)
    assert (fields["min"], fields["max"]) == bounds


def test_int32_constant_operand_is_an_int32_array() -> None:
    layer = _layer(_binary("MUL", "int32", quantized=False, constant=np.array([-(2**31), 0, 2**31 - 1], np.int32)))
    (array,) = layer.arrays
    assert array.ctype == "int32_t" and "-2147483648" in array.rows[0]


@pytest.mark.parametrize("op", ["ADD", "SUB"])
def test_quantized_int32_operands_are_refused_with_the_fix(op: str) -> None:
    b = LayerModel()
    x1 = b.input("a", (3,), "int32", 0.5, 0)
    x2 = b.input("b", (3,), "int32")
    y = b.output("y", (3,), "int32")
    b.op(op, [x1, x2], [y], (OPTIONS[op], {"fusedActivationFunction": "NONE"}))
    with pytest.raises(UnsupportedTensorError, match="needs its first input unquantized .* remove them"):
        _layer(b)


def test_quantized_int32_mul_is_accepted_as_tflm_does() -> None:
    b = LayerModel()
    x1 = b.input("a", (3,), "int32", 0.5, 0)
    y = b.output("y", (3,), "int32", 0.25, 0)
    b.op("MUL", [x1, x1], [y], ("MulOptions", {"fusedActivationFunction": "NONE"}))
    assert _layer(b).function == "tb_mul_s32"


def test_int16_leaky_relu_calls_the_s16_kernel() -> None:
    b = LayerModel()
    x = b.input("x", (7,), "int16", 0.001, 0)
    y = b.output("y", (7,), "int16", 0.0008, 0)
    b.op("LEAKY_RELU", [x], [y], ("LeakyReluOptions", {"alpha": 0.3}))
    assert _layer(b).function == "tb_leaky_relu_s16"


def test_leaky_relu_shift_refusal_names_the_fix() -> None:
    b = LayerModel()
    x = b.input("x", (7,), "int16", 1.0, 0)
    y = b.output("y", (7,), "int16", 1e-12, 0)
    b.op("LEAKY_RELU", [x], [y], ("LeakyReluOptions", {"alpha": 0.3}))
    with pytest.raises(UnsupportedOpError, match="outside -31..31; run it with --runtime tflm"):
        _layer(b)


@pytest.mark.parametrize("src,dst,function", [
    ("float32", "int16", "tb_quantize_f32_s16"),
    ("int16", "int8", "tb_requantize_s16_s8"),
    ("int16", "int16", "tb_requantize_s16_s16"),
    ("int16", "int32", "tb_requantize_s16_s32"),
    ("int8", "int16", "tb_requantize_s8_s16"),
    ("int8", "int32", "tb_requantize_s8_s32"),
    ("int32", "int8", "tb_requantize_s32_s8"),
    ("int32", "int16", "tb_requantize_s32_s16"),
    ("int16", "float32", "tb_dequantize_s16_f32"),
])
def test_quantize_pairs_call_their_kernels(src: str, dst: str, function: str) -> None:
    b = LayerModel()
    x = b.input("x", (5,), src, *(() if src == "float32" else (0.001, 0)))
    y = b.output("y", (5,), dst, *(() if dst == "float32" else (0.5 if dst == "int32" else 0.002, 0)))
    b.op("DEQUANTIZE" if dst == "float32" else "QUANTIZE", [x], [y])
    layer = _layer(b)
    assert layer.function == function
    if src != "float32" and dst != "float32":
        fields = _fields(layer)
        assert fields["input_offset"] == "0" and int(fields["multiplier"]) > 0


@pytest.mark.parametrize("src,dst", [("int32", "uint8"), ("uint8", "int16"), ("float32", "int32")])
def test_quantize_pairs_tflm_lacks_are_refused(src: str, dst: str) -> None:
    b = LayerModel()
    x = b.input("x", (5,), src, *(() if src == "float32" else (0.001, 0)))
    y = b.output("y", (5,), dst, 0.002, 0)
    b.op("QUANTIZE", [x], [y])
    with pytest.raises(UnsupportedTensorError, match="QUANTIZE .* needs its output to be"):
        _layer(b)


def test_requantize_shift_refusal_names_the_fix() -> None:
    b = LayerModel()
    x = b.input("x", (5,), "int16", 1e6, 0)
    y = b.output("y", (5,), "int32", 1e-6, 0)
    b.op("QUANTIZE", [x], [y])
    with pytest.raises(UnsupportedTensorError, match="outside -31..31.*--runtime tflm"):
        _layer(b)
