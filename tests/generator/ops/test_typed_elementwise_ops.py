"""Checks, quantization derivations and emission of the comparisons, logical ops, MAXIMUM/MINIMUM,
CAST, DIV/FLOOR_DIV/FLOOR_MOD, SQUARED_DIFFERENCE and the float32 math ops."""
from __future__ import annotations

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.elementwise_quant import QuantParamError
from tflm_bench.generator.errors import UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.compare import comparison_quant
from tflm_bench.generator.ops.squared_difference import squared_difference_quant
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _real(multiplier: int, shift: int) -> float:
    return multiplier * 2.0 ** (shift - 31)


def test_comparison_quant_is_each_scale_as_a_multiplier_below_one() -> None:
    q = comparison_quant(0.05, -3, 0.1, 10)
    assert (q.input1_offset, q.input2_offset, q.left_shift) == (3, -10, 8)
    # frexp(0.05) = 0.8 * 2^-4: Q31 of 0.8, rounded half away from zero.
    assert (q.input1_multiplier, q.input1_shift) == (1717986918, -4)
    assert (q.input2_multiplier, q.input2_shift) == (1717986918, -3)
    assert _real(q.input1_multiplier, q.input1_shift) == pytest.approx(0.05, rel=2**-30)


def test_comparison_quant_refuses_a_scale_of_one_or_more() -> None:
    with pytest.raises(QuantParamError, match="strictly between 0 and 1"):
        comparison_quant(1.5, 0, 0.1, 0)


def test_int8_comparison_with_a_scale_tflm_rejects_names_the_op() -> None:
    b = LayerModel()
    x, c = b.input("x", (4,), "int8", 2.0, 0), b.input("x", (4,), "int8", 0.1, 0)
    b.op("LESS", [x, c], [b.output("y", (4,), "bool")])
    with pytest.raises(UnsupportedOpError) as info:
        validate(read_tflite(build_tflite(b.spec())))
    assert info.value.op_name == "LESS" and "quantization that TFLM rejects" in str(info.value)


def test_squared_difference_quant_int8() -> None:
    q = squared_difference_quant("int8", 0.05, -3, 0.08, 10, 0.5, -128)
    assert (q.input1_offset, q.input2_offset, q.output_offset, q.left_shift) == (3, -10, -128, 7)
    assert _real(q.input1_multiplier, q.input1_shift) == pytest.approx(0.05 / 0.16, rel=2**-30)
    assert (q.input2_multiplier, q.input2_shift) == (2**30, 0)  # 0.08 / 0.16 = 0.5
    assert _real(q.output_multiplier, q.output_shift) == pytest.approx(0.16**2 / (2**14 * 0.5), rel=2**-30)
    assert (q.activation_min, q.activation_max) == (-128, 127)


def test_squared_difference_quant_int16_needs_zero_points_of_zero() -> None:
    q = squared_difference_quant("int16", 0.001, 0, 0.002, 0, 0.05, 0)
    assert q.left_shift == 0 and (q.activation_min, q.activation_max) == (-32768, 32767)
    with pytest.raises(QuantParamError, match="zero points of 0"):
        squared_difference_quant("int16", 0.001, 1, 0.002, 0, 0.05, 0)


@pytest.mark.parametrize("op,dtype,out_dtype", [
    ("LOGICAL_AND", "float32", "bool"), ("CAST", "int8", "bool"), ("LESS", "bool", "bool"), ("DIV", "int16", "int16"),
    ("FLOOR_MOD", "int32", "int32"),
])
def test_types_tflm_does_not_run_are_refused(op: str, dtype: str, out_dtype: str) -> None:
    b = LayerModel()
    scale = 0.1 if dtype in ("int8", "int16") else None
    x = b.input("x", (4,), dtype, scale, 0)
    inputs = [x] if op == "CAST" else [x, b.input("x", (4,), dtype, scale, 0)]
    b.op(op, inputs, [b.output("y", (4,), out_dtype, scale if out_dtype == dtype else None, 0)])
    with pytest.raises(UnsupportedTensorError, match=op):
        validate(read_tflite(build_tflite(b.spec())))


def test_comparison_broadcasting_beyond_4d_is_refused() -> None:
    b = LayerModel()
    x, y = b.input("x", (2, 1, 2, 1, 3), "float32"), b.input("x", (1, 2, 1, 2, 3), "float32")
    b.op("EQUAL", [x, y], [b.output("y", (2, 2, 2, 2, 3), "bool")])
    with pytest.raises(UnsupportedOpError, match="more than 4 dimensions"):
        validate(read_tflite(build_tflite(b.spec())))


def test_bool_constant_is_a_byte_array_passed_as_bool() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "bool")
    c = b.tensor("c", (3,), "bool", data=np.array([1, 0, 1], np.bool_))
    b.op("LOGICAL_OR", [x, c], [b.output("y", (2, 3), "bool")])
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    (layer,) = emit_layers(model, plan_arena(model))
    assert layer.function == "tb_logical_or_bool"
    (array,) = layer.arrays
    assert array.ctype == "uint8_t" and layer.args[2] == f"(const bool *){array.name}"


def test_int8_comparison_emits_its_rescaling() -> None:
    b = LayerModel()
    x, y = b.input("x", (4,), "int8", 0.05, -3), b.input("x", (4,), "int8", 0.1, 10)
    b.op("GREATER_EQUAL", [x, y], [b.output("y", (4,), "bool")])
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    (layer,) = emit_layers(model, plan_arena(model))
    assert layer.function == "tb_greater_equal_s8"
    fields = dict(layer.structs[0].fields)
    assert fields["left_shift"] == "8" and fields["input1_offset"] == "3"
    # The file stores the scale as float32 (0.05f), whose Q31 multiplier TFLM uses.
    q = comparison_quant(float(np.float32(0.05)), -3, float(np.float32(0.1)), 10)
    assert fields["input1_quant"] == f"{{.multiplier = {q.input1_multiplier}, .shift = -4}}"
    assert q.input1_multiplier == 1717986944


def test_cast_picks_the_kernel_of_its_type_pair() -> None:
    b = LayerModel()
    x = b.input("x", (4,), "bool")
    b.op("CAST", [x], [b.output("y", (4,), "uint32")])
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    (layer,) = emit_layers(model, plan_arena(model))
    assert layer.function == "tb_cast_bool_u32"


def test_add_n_quant_halves_the_input_and_rescales_by_2_to_the_20() -> None:
    from tflm_bench.generator.ops.add_n import add_n_quant
    q = add_n_quant(0.05, -3, 0.1, 5)
    assert (q.input_offset, q.output_offset, q.left_shift) == (3, 5, 20)
    assert (q.input_multiplier, q.input_shift) == (2**30, 0)  # exactly 1/2
    assert _real(q.output_multiplier, q.output_shift) == pytest.approx(0.1 / (2**20 * 0.1), rel=2**-30)
    with pytest.raises(QuantParamError):
        add_n_quant(2**20, 0, 1.0, 0)  # output multiplier 2: TFLM's Prepare aborts


def test_prelu_quant_two_multipliers() -> None:
    from tflm_bench.generator.ops.prelu import prelu_quant
    q = prelu_quant(0.05, -10, 0.01, 3, 0.04, -20)
    assert (q.input_offset, q.alpha_offset, q.output_offset) == (10, -3, -20)
    assert _real(q.identity_multiplier, q.identity_shift) == pytest.approx(1.25, rel=2**-30)
    assert _real(q.alpha_multiplier, q.alpha_shift) == pytest.approx(0.0125, rel=2**-30)


@pytest.mark.parametrize("value", [2, 3, 4, 100, 12345, 2**29 + 7, 2**31 - 1])
def test_inv_sqrt_multiplier_exp_approximates_one_over_sqrt(value: int) -> None:
    from tflm_bench.generator.ops.abs_rsqrt import inv_sqrt_multiplier_exp
    multiplier, shift = inv_sqrt_multiplier_exp(value)
    assert 0 < multiplier < 2**31 and shift <= 0
    assert multiplier * 2.0 ** (shift - 31) == pytest.approx(value ** -0.5, rel=1e-5)


def test_abs_table_clamps_and_rescales() -> None:
    from tflm_bench.generator.ops.abs_rsqrt import abs_multiplier, abs_table
    assert abs_multiplier(0.05, 0.05) is None
    same = abs_table(-20, -128, None)  # |q + 20| - 128
    assert (same[0], same[128 - 20], same[255]) == (-20, -128, 19)
    clamped = abs_table(0, 100, None)  # |q| + 100, saturated at 127
    assert (clamped[128], clamped[128 + 27], clamped[0]) == (100, 127, 127)
    halved = abs_table(0, 0, abs_multiplier(0.05, 0.1))
    assert halved[128 + 10] == 5 and halved[128 - 10] == 5 and halved[0] == 64
