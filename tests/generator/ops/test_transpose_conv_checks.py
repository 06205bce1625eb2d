"""TRANSPOSE_CONV in the generator: TFLM's padding, the emitted call per type, refusals, the
output_shape graph input and the arena (no accumulator scratch)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator import fixed_input_values
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.model import Model
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.ops.transpose_conv import tflm_padding
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def tconv_model(
    *,
    dtype: str = "int8",
    in_shape: tuple[int, ...] = (1, 3, 4, 2),
    filter_shape: tuple[int, ...] = (5, 3, 3, 2),
    out_shape: tuple[int, ...] = (1, 6, 8, 5),
    bias: str | None = "default",
    filter_scales: list[float] | None = None,
    filter_zps: list[int] | None = None,
    in_scale: float = 0.05,
    out_scale: float = 0.1,
    shape_values: tuple[int, ...] | None = None,
    shape_input: bool = False,
    quantized_dimension: int = 0,
    **options: Any,
) -> Model:
    opts: dict[str, Any] = {"padding": "SAME", "strideH": 2, "strideW": 2}
    opts.update(options)
    quantized = dtype != "float32"
    rng = np.random.default_rng(0)
    scales = filter_scales or [0.02]
    if dtype == "float32":
        weights = rng.normal(size=filter_shape).astype(np.float32)
    else:
        weights = rng.integers(-127, 128, filter_shape).astype(np.int8)
    shape_data = None if shape_input else np.asarray(shape_values or out_shape, np.int32)
    tensors = [
        TensorSpec("output_shape", (4,), "int32", data=shape_data),
        TensorSpec("filter", filter_shape, "float32" if dtype == "float32" else "int8",
                   scales if quantized else None, filter_zps or [0] * len(scales) if quantized else None, weights,
                   quantized_dimension=quantized_dimension),
        TensorSpec("input", in_shape, dtype, [in_scale] if quantized else None, [0] if quantized else None),
        TensorSpec("output", out_shape, dtype, [out_scale] if quantized else None, [0] if quantized else None),
    ]
    inputs = [0, 1, 2]
    if bias is not None:
        bias_dtype = {"int8": "int32", "int16": "int64", "float32": "float32"}[dtype] if bias == "default" else bias
        data = np.arange(filter_shape[0]).astype(bias_dtype)
        bias_scales = [in_scale * s for s in scales] if len(scales) in (1, filter_shape[0]) else [in_scale * scales[0]]
        tensors.append(TensorSpec("bias", (filter_shape[0],), bias_dtype, bias_scales if quantized else None,
                                  [0] * len(bias_scales) if quantized else None, data))
        inputs.append(4)
    op = OpSpec("TRANSPOSE_CONV", inputs, [3], options=("TransposeConvOptions", opts))
    return read_tflite(build_tflite(ModelSpec(tensors, [op], [0, 2] if shape_input else [2], [3])))


def test_padding_is_tflms_forward_conv_padding() -> None:
    # SEANet's decoder: 3x4 kernel, stride 1x2, VALID, output 3x12 from 1x5: no padding.
    assert tflm_padding("VALID", 3, 12, 3, 4, 1, 2) == (0, 0)
    # SAME, output 7 from kernel 5 stride 1: total 4, 2 before; output 10, kernel 3, stride 2:
    # forward conv 5 rows, total 1, 0 before.
    assert tflm_padding("SAME", 7, 10, 5, 3, 1, 2) == (2, 0)
    # A forward size below zero (VALID, 1 row under a 5-row kernel): TFLM leaves both paddings 0.
    assert tflm_padding("VALID", 1, 9, 5, 1, 1, 1) == (0, 0)
    # C's division truncates: VALID, size 1, kernel 6, stride 3 gives forward size (1+3-6)/3 = 0
    # (not -1), so total (0-1)*3+6-1 = 2: 1 before.
    assert tflm_padding("VALID", 1, 1, 6, 6, 3, 3) == (1, 1)


@pytest.mark.parametrize(("dtype", "function", "bias_type"), [
    ("int8", "tb_transpose_conv_s8", "int32_t"),
    ("int16", "tb_transpose_conv_s16", "int64_t"),
    ("float32", "tb_transpose_conv_f32", "float"),
])
def test_emits_the_kernel_of_each_type(dtype: str, function: str, bias_type: str) -> None:
    model = tconv_model(dtype=dtype, fusedActivationFunction="RELU")
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == function and layer.header == "transpose_conv/tb_transpose_conv.h"
    params = dict(layer.structs[0].fields)
    # Output 6x8, kernel 3x3, stride 2, SAME: forward conv 3x4, total (3-1)*2+3-6 = 1 -> 0 before.
    assert params["stride"] == "{.h = 2, .w = 2}" and params["padding"] == "{.h = 0, .w = 0}"
    arrays = {a.name: a for a in layer.arrays}
    assert arrays["tb_l0_bias"].ctype == bias_type
    assert layer.args[-3] == "tb_l0_bias"
    if dtype != "float32":
        assert params["activation"].startswith("{.min = 0,")
    # MACs as TFLM's scatter multiplies: input elements x kernel taps x output channels.
    assert handlers()["TRANSPOSE_CONV"].macs(model, model.operators[0]) == 1 * 3 * 4 * 2 * 3 * 3 * 5


def test_16x8_int16_bias_is_widened_and_no_bias_is_null() -> None:
    model = tconv_model(dtype="int16", bias="int16")
    validate(model)
    bias = {a.name: a for a in emit_layers(model, plan_arena(model))[0].arrays}["tb_l0_bias"]
    assert bias.ctype == "int64_t" and bias.length == 5 and "as int64" in bias.comment
    model = tconv_model(dtype="int16", bias=None)
    validate(model)
    assert emit_layers(model, plan_arena(model))[0].args[-3] == "NULL"


def test_no_accumulator_scratch_in_the_arena() -> None:
    """TFLM asks for output-sized int32 / int64 accumulators; the gathering kernels need none."""
    model = tconv_model(dtype="int16", in_shape=(1, 1, 5, 64), filter_shape=(64, 3, 4, 64), out_shape=(1, 3, 12, 64),
                        padding="VALID", strideH=1, strideW=2)
    validate(model)
    plan = plan_arena(model)
    assert plan.arena_bytes == 5 * 64 * 2 + 3 * 12 * 64 * 2
    assert plan.scratch_offsets == {}


def test_output_shape_from_a_graph_input_is_fixed_for_the_bench() -> None:
    model = tconv_model(shape_input=True)
    validate(model)
    fixed = fixed_input_values(model)
    assert list(fixed) == [0] and fixed[0].tolist() == [1, 6, 8, 5]
    assert fixed_input_values(tconv_model()) == {}


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"dtype": "int16", "bias": "int32"}, UnsupportedTensorError,
         r"with int16 input needs a int64 or int16 bias: TFLM reads a 16x8 bias as int64"),
        ({"bias": "int64"}, UnsupportedTensorError, r"with int8 input needs a int32 bias"),
        ({"shape_values": (1, 6, 9, 5)}, MalformedModelError, r"output_shape \[1, 6, 9, 5\] differs from its output"),
        ({"filter_zps": [3]}, UnsupportedTensorError, r"needs filter zero points 0"),
        ({"filter_scales": [0.02, 0.03], "quantized_dimension": 3}, UnsupportedTensorError,
         r"per-channel filter needs 5 scales along dimension 0 \(as TFLM requires\), got 2 along dimension 3"),
        ({"dtype": "int16", "in_scale": 1.0, "out_scale": 1e-4}, UnsupportedTensorError,
         r"TFLM's int16 rescaling supports less than 2\^7: re-quantize with a larger output scale"),
        ({"out_shape": (1, 6, 8, 4)}, MalformedModelError, r"input \[1, 3, 4, 2\], filter \[5, 3, 3, 2\] and output"),
        ({"fusedActivationFunction": "TANH"}, UnsupportedOpError, r"fused activation TANH"),
        ({"strideW": 0}, UnsupportedOpError, r"stride 2x0"),
    ],
)
def test_refusals_name_the_problem_and_the_fix(kwargs, error, pattern) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=pattern):
        validate(tconv_model(**kwargs))


@pytest.mark.parametrize(("dtype", "function"), [
    ("int8", "tb_transpose_conv_s8_dsp"), ("int16", "tb_transpose_conv_s16_dsp"), ("float32", "tb_transpose_conv_f32"),
])
def test_optimized_set_runs_the_dsp_kernels_on_the_same_constants(dtype: str, function: str) -> None:
    model = tconv_model(dtype=dtype)
    validate(model)
    optimized = emit_layers(model, plan_arena(model), kernels="optimized")[0]
    reference = emit_layers(model, plan_arena(model))[0]
    assert optimized.function == function
    assert optimized.args == reference.args
    if dtype != "int16":  # 16x8 reorders its filter (test below)
        assert optimized.arrays == reference.arrays


def test_16x8_optimized_filter_is_quad_interleaved() -> None:
    model = tconv_model(dtype="int16", in_shape=(1, 3, 4, 6), filter_shape=(5, 3, 3, 6))
    validate(model)
    optimized = {a.name: a for a in emit_layers(model, plan_arena(model), kernels="optimized")[0].arrays}
    reference = {a.name: a for a in emit_layers(model, plan_arena(model))[0].arrays}
    flat = [int(v) for row in reference["tb_l0_filter"].rows for v in row.rstrip(",").split(",")]
    moved = [int(v) for row in optimized["tb_l0_filter"].rows for v in row.rstrip(",").split(",")]
    for start in range(0, len(flat), 6):  # each tap's 6 channels: one quad reordered, 2 kept
        a = flat[start:start + 6]
        assert moved[start:start + 6] == [a[0], a[2], a[1], a[3], a[4], a[5]]
