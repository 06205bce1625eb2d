"""Build-time derivations and refusals: the reductions (MEAN, SUM, REDUCE_MAX / MIN), ARG_MAX /
ARG_MIN, the RESIZE tables, CUMSUM's rescaling and BATCH_MATMUL's strides."""
from __future__ import annotations

import math

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.errors import GeneratorError, UnsupportedTensorError
from tflm_bench.generator.ops.arg_min_max import arg_sizes
from tflm_bench.generator.ops.batch_matmul import matmul_layout
from tflm_bench.generator.ops.cumsum import cumsum_quant
from tflm_bench.generator.ops.reduce import sum_quant
from tflm_bench.generator.ops.resize import bilinear_float_table, bilinear_int_table, nearest_indices
from tflm_bench.generator.quantization import quantize_multiplier
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _validate(b: LayerModel) -> None:
    validate(read_tflite(build_tflite(b.spec())))


def _single_op(b: LayerModel, x: int, op: str, out_shape: tuple[int, ...], dtype: str,
               scale: float | None, zp: int | None, axes: tuple[int, ...] = (1,)) -> bytes:
    axis = b.tensor("axis", (len(axes),), "int32", data=np.array(axes, np.int32))
    y = b.output("y", out_shape, dtype, scale, zp)
    b.op(op, [x, axis], [y], ("ReducerOptions", {"keepDims": False}))
    return build_tflite(b.spec())


def _io(s_in: float, z_in: int, s_out: float, z_out: int, dtype: str = "int16"):  # type: ignore[no-untyped-def]
    b = LayerModel()
    x = b.input("x", (2, 3), dtype, s_in, z_in)
    model = read_tflite(_single_op(b, x, "SUM", (2,), dtype, s_out, z_out))
    return model.tensors[model.operators[0].inputs[0]], model.tensors[model.operators[0].outputs[0]]


def test_sum_rescales_by_the_scale_ratio_only() -> None:
    inp, out = _io(0.02, 5, 0.5, -3)
    q = sum_quant(inp, out, 3, divides=False)
    assert (q.multiplier, q.shift) == quantize_multiplier(float(np.float32(0.02)) / float(np.float32(0.5)))
    assert (q.input_zero_point, q.output_zero_point, q.count) == (5, -3, 3)


def test_mean_divides_the_multiplier_by_the_count() -> None:
    inp, out = _io(0.02, 0, 0.02, 0)
    q = sum_quant(inp, out, 3, divides=True)
    multiplier, shift = quantize_multiplier(1.0)
    extra = min(63 - (64 - (3).bit_length()), 32, 31 + shift)  # TFLM: 63 - clz64(count), clamped
    assert q.multiplier == (multiplier << extra) // 3 and q.shift == shift - extra
    # The derived factor is 1/3 to within the Q31 rounding.
    assert math.isclose(q.multiplier * 2.0 ** (q.shift - 31), 1 / 3, rel_tol=1e-8)


def test_sum_with_scales_too_far_apart_is_refused() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int8", 1000.0, 0)
    with pytest.raises(GeneratorError, match="SUM"):
        validate(read_tflite(_single_op(b, x, "SUM", (2,), "int8", 1e-8, 0)))


def test_int8_reduce_max_needs_the_input_quantization_on_the_output() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int8", 0.1, 4)
    with pytest.raises(UnsupportedTensorError, match="REDUCE_MAX .* TFLM's Eval requires them equal"):
        validate(read_tflite(_single_op(b, x, "REDUCE_MAX", (2,), "int8", 0.1, 5)))


def test_reduce_min_int16_is_refused_by_type() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int16", 0.1, 0)
    with pytest.raises(GeneratorError, match="int16"):
        validate(read_tflite(_single_op(b, x, "REDUCE_MIN", (2,), "int16", 0.1, 0)))


@pytest.mark.parametrize("shape, axis, expected", [
    ((2, 3, 4), 0, (1, 2, 12)),
    ((2, 3, 4), 1, (2, 3, 4)),
    ((2, 3, 4), 2, (6, 4, 1)),
    ((7,), 0, (1, 7, 1)),
])
def test_arg_sizes_split_outer_axis_inner(shape, axis, expected) -> None:  # type: ignore[no-untyped-def]
    assert arg_sizes(shape, axis) == expected


def _arg_model(out_dtype: str, axis: int = -1) -> LayerModel:
    b = LayerModel()
    x = b.input("x", (2, 3, 4), "float32")
    a = b.tensor("axis", (1,), "int32", data=np.array([axis], np.int32))
    y = b.output("y", (2, 3), out_dtype)
    b.op("ARG_MAX", [x, a], [y], ("ArgMaxOptions", {"outputType": out_dtype.upper()}))
    return b


def test_arg_max_int32_output_validates() -> None:
    _validate(_arg_model("int32"))


def test_arg_max_int64_output_is_refused_with_the_fix() -> None:
    with pytest.raises(UnsupportedTensorError, match="int32 indices only.*output_type int32"):
        _validate(_arg_model("int64"))


def test_arg_max_output_that_does_not_fit_the_axis_is_malformed() -> None:
    with pytest.raises(GeneratorError, match="over axis 1"):
        _validate(_arg_model("int32", axis=1))


# ---------------------------------------------------------------- RESIZE tables



def test_nearest_indices_follow_tflm_for_each_option() -> None:
    assert nearest_indices(4, 8, False, False) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert nearest_indices(3, 5, True, False) == [0, 1, 1, 2, 2]  # round((x * 0.5)): 0.5 -> 1, 1.5 -> 2
    assert nearest_indices(4, 2, False, True) == [1, 3]  # floor((x + 0.5) * 2)
    assert nearest_indices(5, 1, True, True) == [3]  # output size 1: scale 5 / 1; 2.5 rounds away from 0


def test_bilinear_int_table_uses_1024ths_and_clamps_the_half_pixel_edge() -> None:
    # 2 -> 4, half pixel: scale 512; first row lies half a step before input row 0.
    assert bilinear_int_table(2, 4, False, True)[:3] == [0, 0, -256]
    # 2 -> 3, align corners: scale 512, rows 0, 0.5, 1.
    assert bilinear_int_table(2, 3, True, False) == [0, 0, 0, 0, 1, 512, 1, 1, 0]


def test_bilinear_float_weights_sum_to_one() -> None:
    indices, weights = bilinear_float_table(3, 7, False, True)
    assert all(0 <= i < 3 for i in indices)
    assert all(abs(weights[k] + weights[k + 1] - 1.0) < 1e-6 for k in range(0, len(weights), 2))


# ---------------------------------------------------------------- CUMSUM and BATCH_MATMUL



def _cumsum_tensors(s_in: float, z_in: int, s_out: float, z_out: int):  # type: ignore[no-untyped-def]
    b = LayerModel()
    x = b.input("x", (4,), "int8", s_in, z_in)
    a = b.tensor("axis", (1,), "int32", data=np.array([0], np.int32))
    y = b.output("y", (4,), "int8", s_out, z_out)
    b.op("CUMSUM", [x, a], [y], ("CumsumOptions", {"exclusive": False, "reverse": False}))
    model = read_tflite(build_tflite(b.spec()))
    return model.tensors[model.operators[0].inputs[0]], model.tensors[model.operators[0].outputs[0]]


def test_cumsum_quant_is_tflm_prepare() -> None:
    inp, out = _cumsum_tensors(0.1, 3, 0.4, -2)
    q = cumsum_quant(inp, out)
    assert (q.input_offset, q.output_offset) == (-3, -2)
    assert (q.input_multiplier, q.input_shift) == (1 << 30, 0)  # s / 2s = 0.5
    expected = 2 * float(np.float32(0.1)) / ((1 << 20) * float(np.float32(0.4)))
    assert (q.output_multiplier, q.output_shift) == quantize_multiplier(expected)


def test_cumsum_output_ratio_of_one_or_more_is_refused() -> None:
    # 2 s_in / (2^20 s_out) = 2 / (2^20 x 1e-7) > 1: TFLM's CHECK would abort.
    with pytest.raises(GeneratorError, match="CUMSUM"):
        b = LayerModel()
        x = b.input("x", (4,), "int8", 1.0, 0)
        a = b.tensor("axis", (1,), "int32", data=np.array([0], np.int32))
        y = b.output("y", (4,), "int8", 1e-7, 0)
        b.op("CUMSUM", [x, a], [y], ("CumsumOptions", {"exclusive": False, "reverse": False}))
        _validate(b)


def test_matmul_layout_folds_adjoints_and_broadcasts() -> None:
    layout = matmul_layout((2, 1, 3, 4), (5, 4, 6), adj_x=False, adj_y=False)
    assert layout.batches == (1, 2, 5) and (layout.rows, layout.depth, layout.cols) == (3, 4, 6)
    assert layout.lhs_batch_strides == (0, 12, 0) and layout.rhs_batch_strides == (0, 0, 24)
    adj = matmul_layout((4, 3), (6, 4), adj_x=True, adj_y=True)
    assert (adj.rows, adj.depth, adj.cols) == (3, 4, 6)
    assert (adj.lhs_row_stride, adj.lhs_depth_stride, adj.rhs_depth_stride, adj.rhs_col_stride) == (1, 3, 1, 4)
    with pytest.raises(ValueError, match="sums over"):
        matmul_layout((3, 4), (5, 6), adj_x=False, adj_y=False)
