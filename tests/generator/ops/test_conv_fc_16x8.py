"""16x8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED in the generator: which kernel (64- or
32-bit accumulator) each bias selects, the folded multipliers and clamp range, and the refusals."""
from __future__ import annotations

import numpy as np
import pytest

from conv_specs import conv_model
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import UnsupportedTensorError
from tflm_bench.generator.model import Model
from tflm_bench.generator.ops.conv2d import dsp_s16_weights, narrow_s16
from tflm_bench.generator.ops.registry import choose_variant
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.quantization import quantize_multiplier
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def f32(x: float) -> float:
    return float(np.float32(x))


def _layer(model):  # type: ignore[no-untyped-def]
    return emit_layers(model, plan_arena(model))[0]


def _ints(layer, array_suffix: str) -> list[int]:  # type: ignore[no-untyped-def]
    array = next(a for a in layer.arrays if a.name.endswith(array_suffix))
    return [int(v) for row in array.rows for v in row.split(",") if v.strip()]


def _fields(layer, struct_suffix: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    struct = next(s for s in layer.structs if s.name.endswith(struct_suffix))
    return dict(struct.fields)


def test_conv_int64_bias_runs_the_64_bit_kernel_with_int16_clamps() -> None:
    model = conv_model(dtype="int16", filter_dtype="int8", filter_scales=[0.01, 0.02, 0.03, 0.04],
                       fusedActivationFunction="RELU6")
    validate(model)
    layer = _layer(model)
    assert layer.function == "tb_conv2d_s16"
    params = _fields(layer, "_params")
    assert params["input_offset"] == "0" and params["output_offset"] == "0"
    assert params["activation"] == "{.min = 0, .max = 60}"  # 6 / 0.1, in int16
    expected = [quantize_multiplier(f32(0.05) * f32(s) / f32(0.1)) for s in (0.01, 0.02, 0.03, 0.04)]
    assert _ints(layer, "_multipliers") == [m for m, _ in expected]
    assert _ints(layer, "_shifts") == [s for _, s in expected]
    bias = next(a for a in layer.arrays if a.name.endswith("_bias"))
    assert bias.ctype == "int64_t"


def test_conv_without_activation_clamps_to_the_int16_range() -> None:
    layer = _layer(conv_model(dtype="int16", filter_dtype="int8"))
    assert _fields(layer, "_params")["activation"] == "{.min = -32768, .max = 32767}"


@pytest.mark.parametrize(("bias", "options", "function"), [
    ("int32", {}, "tb_conv2d_s16_acc32"),
    ("int64", {}, "tb_conv2d_s16"),
    (None, {}, "tb_conv2d_s16"),
    (None, {"quantizedBiasType": "INT32"}, "tb_conv2d_s16_acc32"),
])
def test_conv_bias_type_picks_tflm_accumulator(bias: str | None, options: dict[str, str], function: str) -> None:
    model = conv_model(dtype="int16", filter_dtype="int8", bias=bias is not None, bias_dtype=bias, **options)
    validate(model)
    assert _layer(model).function == function


def test_depthwise_int64_bias_and_int32_refused() -> None:
    model = conv_model(op="DEPTHWISE_CONV_2D", dtype="int16", filter_dtype="int8", filter_shape=(1, 3, 3, 6),
                       filter_scales=[0.01] * 6)
    validate(model)
    assert _layer(model).function == "tb_depthwise_conv2d_s16"
    bad = conv_model(op="DEPTHWISE_CONV_2D", dtype="int16", filter_dtype="int8", filter_shape=(1, 3, 3, 6),
                     bias_dtype="int32")
    with pytest.raises(UnsupportedTensorError, match="needs an int64 bias.*re-export"):
        validate(bad)


def test_rescaling_above_2_pow_7_is_refused_for_the_64_bit_kernel_only() -> None:
    # 0.05 x 0.02 / 5e-6 = 200: shift 8, beyond TFLM's 64-bit rescaling (shifts up to 7).
    with pytest.raises(UnsupportedTensorError, match=r"less than 2\^7 \(raise the output scale\)"):
        validate(conv_model(dtype="int16", filter_dtype="int8", out_scale=5e-6))
    validate(conv_model(dtype="int16", filter_dtype="int8", out_scale=5e-6, bias_dtype="int32"))


def test_int16_conv_refuses_a_float_bias() -> None:
    with pytest.raises(UnsupportedTensorError, match="bias to be int64 or int32"):
        validate(conv_model(dtype="int16", filter_dtype="int8", bias_dtype="float32"))


def test_optimized_set_picks_the_smlad_kernel_for_ungrouped_16x8_conv() -> None:
    model = conv_model(dtype="int16", filter_dtype="int8", bias_dtype="int32")
    assert choose_variant(model, model.operators[0], "optimized").name == "dsp s16"
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == "tb_conv2d_s16_dsp"
    assert _fields(layer, "_params")["acc32"] == "1"
    bias = next(a for a in layer.arrays if a.name.endswith("_bias"))
    assert bias.ctype == "int64_t"  # the int32 bias widened: only the sum's low 32 bits count
    grouped = conv_model(dtype="int16", filter_dtype="int8", in_shape=(1, 5, 5, 6), filter_shape=(4, 3, 3, 3))
    assert choose_variant(grouped, grouped.operators[0], "optimized").name == "reference"
    deep = conv_model(dtype="int16", filter_dtype="int8", in_shape=(1, 1, 1, 512), filter_shape=(2, 1, 1, 512),
                      padding="VALID")
    assert choose_variant(deep, deep.operators[0], "optimized").name == "reference"
    depthwise = conv_model(op="DEPTHWISE_CONV_2D", dtype="int16", filter_dtype="int8", filter_shape=(1, 3, 3, 6))
    assert choose_variant(depthwise, depthwise.operators[0], "optimized").name == "reference"


def test_smlad_weight_layout() -> None:
    """Per group of 4 output channels (zero-padded), per tap: channel pairs of the 4 channels,
    then the odd depth's last weights."""
    w = np.arange(5 * 2 * 1 * 3).reshape(5, 2, 1, 3)  # 5 channels, 2 taps, depth 3
    expected: list[int] = []
    for g in range(2):
        for tap in range(2):
            for j in range(4):
                c = 4 * g + j
                expected += [int(w[c, tap, 0, 0]), int(w[c, tap, 0, 1])] if c < 5 else [0, 0]
            expected += [int(w[4 * g + j, tap, 0, 2]) if 4 * g + j < 5 else 0 for j in range(4)]
    assert dsp_s16_weights(w).tolist() == expected


def _fc_model(*, per_channel: bool, bias: str | None, filter_zp: int = 0, options: dict[str, str] | None = None,
              out_scale: float = 0.5) -> Model:
    rng = np.random.default_rng(0)
    units, depth = 3, 6
    scales = [0.01, 0.02, 0.03] if per_channel else [0.02]
    tensors = [
        TensorSpec("input", (2, depth), "int16", [0.05], [0]),
        TensorSpec("weights", (units, depth), "int8", scales, [0] * 3 if per_channel else [filter_zp],
                   rng.integers(-127, 128, (units, depth)).astype(np.int8)),
        TensorSpec("output", (2, units), "int16", [out_scale], [0]),
    ]
    inputs = [0, 1, -1]
    if bias is not None:
        bias_scales = [0.05 * s for s in scales]
        tensors.append(TensorSpec("bias", (units,), bias, bias_scales, [0] * len(bias_scales),
                                  np.arange(units).astype(np.int64 if bias == "int64" else np.int32)))
        inputs = [0, 1, 3]
    fields: dict[str, object] = {"fusedActivationFunction": "RELU"}
    fields.update(options or {})
    op = OpSpec("FULLY_CONNECTED", inputs, [2], options=("FullyConnectedOptions", fields))
    return read_tflite(build_tflite(ModelSpec(tensors, [op], [0], [2])))


def test_fully_connected_per_tensor_repeats_its_pair_and_keeps_the_filter_offset() -> None:
    model = _fc_model(per_channel=False, bias="int64", filter_zp=-3)
    validate(model)
    layer = _layer(model)
    assert layer.function == "tb_fully_connected_s16"
    m, s = quantize_multiplier(f32(0.05) * f32(0.02) / f32(0.5))
    assert _ints(layer, "_multipliers") == [m] * 3 and _ints(layer, "_shifts") == [s] * 3
    params = _fields(layer, "_params")
    assert params["filter_offset"] == "3" and params["activation"] == "{.min = 0, .max = 32767}"


@pytest.mark.parametrize(("per_channel", "bias", "options", "function"), [
    (True, "int64", {}, "tb_fully_connected_s16"),
    (True, "int32", {}, "tb_fully_connected_s16_acc32"),
    (False, None, {}, "tb_fully_connected_s16"),
    (False, None, {"quantizedBiasType": "INT32"}, "tb_fully_connected_s16_acc32"),
])
def test_fully_connected_bias_type_picks_tflm_accumulator(per_channel: bool, bias: str | None,
                                                          options: dict[str, str], function: str) -> None:
    model = _fc_model(per_channel=per_channel, bias=bias, options=options)
    validate(model)
    layer = _layer(model)
    assert layer.function == function
    scales = [0.01, 0.02, 0.03] if per_channel else [0.02] * 3
    assert _ints(layer, "_multipliers") == [quantize_multiplier(f32(0.05) * f32(x) / f32(0.5))[0] for x in scales]


def test_fully_connected_64_bit_shift_limit() -> None:
    with pytest.raises(UnsupportedTensorError, match=r"less than 2\^7"):
        validate(_fc_model(per_channel=True, bias="int64", out_scale=1e-6))
    validate(_fc_model(per_channel=True, bias="int32", out_scale=1e-6))


def test_int64_bias_extremes_are_valid_c_literals() -> None:
    from tflm_bench.generator.ops.c_emit import rows

    assert rows(np.array([-(2**63), 2**63 - 1, -5], dtype=np.int64), 8, 11) == (
        "  INT64_MIN, 9223372036854775807,          -5,",
    )


def test_narrow_sum_bound() -> None:
    """The optimized 16x8 kernel sums a whole field in 32 bits only if 2^15 x sum |w| < 2^31
    (or with TFLM's wrapping 32-bit accumulator)."""
    w = np.full((2, 1, 1, 65535), -1, dtype=np.int64)
    assert narrow_s16(w, acc32=False)
    w[1, 0, 0, 0] = -2  # channel 1: sum |w| = 65536, 2^15 x 65536 = 2^31
    assert not narrow_s16(w, acc32=False)
    assert narrow_s16(w, acc32=True)
