"""CONV_2D in the generator: validation messages, MAC count, folded constants, emitted C."""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from conv_specs import conv_model
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, MalformedTensorError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.quantization import quantize_multiplier
from tflm_bench.generator.validate import validate


def _layer(model):  # type: ignore[no-untyped-def]
    return emit_layers(model, plan_arena(model))[0]


def _ints(layer, array_suffix: str) -> list[int]:  # type: ignore[no-untyped-def]
    array = next(a for a in layer.arrays if a.name.endswith(array_suffix))
    return [int(v) for row in array.rows for v in row.split(",") if v.strip()]


def _fields(layer, struct_suffix: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    struct = next(s for s in layer.structs if s.name.endswith(struct_suffix))
    return dict(struct.fields)


def test_int8_per_channel_is_accepted_and_emitted() -> None:
    model = conv_model(filter_scales=[0.01, 0.02, 0.03, 0.04], strideH=2, strideW=1, dilationHFactor=2,
                       out_shape=(1, 3, 5, 4), fusedActivationFunction="RELU6")
    validate(model)
    layer = _layer(model)
    assert layer.function == "tb_conv2d_s8" and layer.header == "conv2d/tb_conv2d.h"
    params = _fields(layer, "_params")
    # SAME, in 5, kernel 3 dilated 2 (effective 5), stride 2: out 3, total (3-1)*2+5-5 = 4, 2 before.
    assert params["stride"] == "{.h = 2, .w = 1}"
    assert params["padding"] == "{.h = 2, .w = 1}"
    assert params["dilation"] == "{.h = 2, .w = 1}"
    assert params["activation"] == "{.min = 0, .max = 60}"  # 6 / 0.1
    # The file stores float32 scales; TFLM widens each to double before multiplying.
    f32 = lambda x: float(np.float32(x))  # noqa: E731
    expected = [quantize_multiplier(f32(0.05) * f32(s) / f32(0.1)) for s in (0.01, 0.02, 0.03, 0.04)]
    assert _ints(layer, "_multipliers") == [m for m, _ in expected]
    assert _ints(layer, "_shifts") == [s for _, s in expected]


def test_per_tensor_filter_repeats_the_multiplier() -> None:
    layer = _layer(conv_model(filter_scales=[0.02]))
    values = _ints(layer, "_multipliers")
    assert len(values) == 4 and len(set(values)) == 1


def test_float_conv_emits_float_kernel() -> None:
    model = conv_model(dtype="float32", fusedActivationFunction="RELU_N1_TO_1")
    validate(model)
    layer = _layer(model)
    assert layer.function == "tb_conv2d_f32"
    assert _fields(layer, "_params")["activation"] == "{.min = -1.0f, .max = 1.0f}"
    assert next(a for a in layer.arrays if a.name.endswith("_filter")).ctype == "float"
    assert next(a for a in layer.arrays if a.name.endswith("_bias")).ctype == "float"


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_conv_without_bias_is_accepted_as_tflm_runs_it(dtype: str) -> None:
    # TFLite's reference CONV_2D refuses it; the session then compares with TFLM only and says so.
    validate(conv_model(dtype=dtype, bias=False))


def test_macs_count_filter_depth() -> None:
    grouped = conv_model(in_shape=(1, 4, 4, 6), filter_shape=(4, 3, 2, 3), out_shape=(1, 4, 4, 4))
    validate(grouped)
    assert handlers()["CONV_2D"].macs(grouped, grouped.operators[0]) == 4 * 4 * 4 * 3 * 2 * 3


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"fusedActivationFunction": "TANH"}, UnsupportedOpError,
         r"operator #0 CONV_2D: fused activation TANH \(supported: NONE, RELU, RELU6, RELU_N1_TO_1\)"),
        ({"strideH": 0}, UnsupportedOpError, r"CONV_2D: stride 0x1 \(strides must be at least 1\)"),
        ({"dilationWFactor": 0}, UnsupportedOpError, r"CONV_2D: dilation 1x0"),
        ({"out_shape": (1, 5, 4, 4)}, MalformedModelError, r"CONV_2D output shape \[1, 5, 4, 4\] should be \[1, 5, 5, 4\]"),
        ({"padding": "VALID", "in_shape": (1, 2, 2, 3)}, MalformedModelError, r"does not fit the 2x2 input"),
        ({"filter_zps": [5]}, UnsupportedTensorError, r"int8 filters must have zero points 0"),
        ({"filter_scales": [0.1] * 4, "quantized_dimension": 3, "filter_shape": (4, 3, 3, 4),
          "in_shape": (1, 5, 5, 4)}, UnsupportedTensorError, r"along dimension 0, got 4 along dimension 3"),
        ({"filter_shape": (4, 3, 3, 2)}, UnsupportedOpError, r"filter depth 2 with 3 input channels"),
        ({"in_shape": (1, 5, 5, 6), "filter_shape": (5, 3, 3, 2), "out_shape": (1, 5, 5, 5)}, MalformedModelError,
         r"5 filters for 3 groups"),
        ({"dtype": "float32", "filter_dtype": "int8"}, UnsupportedTensorError, r"needs its filter to be float32"),
        # 16x8 runs (test_conv_fc_16x8.py); uint8 does not: TFLM has no uint8 convolution.
        ({"dtype": "uint8", "filter_dtype": "int8"}, UnsupportedTensorError,
         r"needs its input to be int8 or int16 or float32"),
        ({"in_scale": 1000.0, "out_scale": 1e-9}, UnsupportedTensorError, r"rescaling multiplier of 2\^"),
    ],
)
def test_validation_errors_name_the_op_and_the_problem(kwargs, error, pattern) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=pattern) as info:
        validate(conv_model(**kwargs))
    assert re.search(r"CONV_2D|operator #0", str(info.value))


def test_per_channel_scale_count_must_match_the_channel_dimension() -> None:
    # Two scales for four filters is refused while reading: no per-channel tensor may do that.
    with pytest.raises(MalformedTensorError, match=r"'filter' \(shape \[4, 3, 3, 3\]\) has 2 per-channel scales "
                       r"along dimension 0 of size 4") as info:
        conv_model(filter_scales=[0.1, 0.2])
    assert info.value.tensor_name == "filter"


def _optimized_layer(model):  # type: ignore[no-untyped-def]
    from tflm_bench.generator.ops.registry import scratch_requests

    return emit_layers(model, plan_arena(model, scratch=scratch_requests(model, "optimized")), "optimized")[0]


@pytest.mark.parametrize(
    ("in_shape", "filter_shape", "options", "function"),
    [
        # The filter as wide as the input (an accelerometer window): every field is k_h rows.
        ((1, 32, 3, 1), (8, 4, 3, 1), {"padding": "VALID"}, "tb_conv2d_rows_s8_dsp"),
        # One row high (a 1-D signal along the width), stride 2.
        ((1, 1, 30, 6), (5, 1, 4, 6), {"padding": "VALID", "strideW": 2}, "tb_conv2d_rows_s8_dsp"),
        # SAME padding makes the border fields leave the input: the general kernel.
        ((1, 32, 3, 1), (8, 4, 3, 1), {"padding": "SAME"}, "tb_conv2d_s8_dsp"),
        # Dilation breaks the run.
        ((1, 1, 30, 6), (5, 1, 4, 6), {"padding": "VALID", "dilationWFactor": 2}, "tb_conv2d_s8_dsp"),
        # 1x1 is a one-row filter: the same copy-free GEMM.
        ((1, 6, 6, 8), (4, 1, 1, 8), {"padding": "VALID"}, "tb_conv2d_rows_s8_dsp"),
    ],
)
def test_optimized_variant_follows_the_receptive_fields(in_shape, filter_shape, options, function) -> None:  # type: ignore[no-untyped-def]
    layer = _optimized_layer(conv_model(in_shape=in_shape, filter_shape=filter_shape, **options))
    assert layer.function == function


def test_im2col_asks_for_rows_and_takes_what_fits() -> None:
    from tflm_bench.generator.ops.registry import scratch_requests

    # 7 filters: below the pixel pairs (test_pixel_pairs_ask_first_and_run_where_granted)
    model = conv_model(in_shape=(1, 12, 12, 3), filter_shape=(7, 3, 3, 3), padding="SAME")
    assert scratch_requests(model, "optimized") == {0: (8 * 28, 4 * 28, 2 * 28, 28)}  # 27-byte fields in whole quads
    # A lone layer's input and output fill the arena: no size fits, the kernel runs direct.
    layer = _optimized_layer(model)
    assert layer.function == "tb_conv2d_s8_dsp" and layer.args[:2] == ("NULL", "0")
    assert scratch_requests(model, "reference") == {}
    # Depths of whole quads above IM2COL_MAX_QUAD_DEPTH run direct without asking.
    deep = conv_model(in_shape=(1, 6, 6, 64), filter_shape=(8, 3, 3, 64), padding="SAME")
    assert scratch_requests(deep, "optimized") == {}


def test_granted_scratch_runs_im2col_without_tap_corrections() -> None:
    from tflm_bench.generator.ops.registry import plan_layers

    model = conv_model(in_shape=(1, 12, 12, 3), filter_shape=(8, 3, 3, 3), padding="SAME")
    plan = plan_arena(model)
    granted = replace(plan, scratch_offsets={0: plan.arena_bytes}, scratch_sizes={0: 2 * 28})
    direct, im2col = (plan_layers(model, p, "optimized")[0] for p in (plan, granted))
    assert direct.variant.name == im2col.variant.name == "dsp general"
    assert im2col.params.im2col == (plan.arena_bytes, 2) and direct.params.im2col is None
    # Direct runs one quad-padded run per tap (9 x 4 values), im2col the whole field (28).
    assert direct.constant_bytes - im2col.constant_bytes == 8 * (9 * 4 - 28) * 2
    layer = emit_layers(model, granted, "optimized")[0]
    assert layer.args[:2] == (f"(int8_t *)&tb_arena[{plan.arena_bytes}]", "2")


def test_packed_requant_holds_bias_multiplier_addend_and_shift_per_group() -> None:
    model = conv_model(in_shape=(1, 4, 4, 8), filter_shape=(6, 1, 1, 8), padding="VALID")
    layer = _optimized_layer(model)
    packed = _ints(layer, "_requant4")
    assert len(packed) == 2 * 16  # 6 channels: two groups, the second padded
    bias, mult, shifts = _ints(layer, "_bias_folded"), _ints(layer, "_multipliers"), _ints(layer, "_shifts")
    for c in range(6):
        group, lane = divmod(c, 4)
        e = -shifts[c]
        assert packed[group * 16 + lane] == bias[c]
        assert packed[group * 16 + 4 + lane] == mult[c]
        assert packed[group * 16 + 12 + lane] == e
        # 2^(e-1) + output zero point x 2^e (conv_model's output zero point is 0)
        assert packed[group * 16 + 8 + lane] == 1 << (e - 1)
    assert packed[16 + 6:16 + 8] == [0, 0] and packed[16 + 12 + 2:16 + 16] == [1, 1]


def test_padded_tap_fraction_counts_taps_outside_the_input() -> None:
    """The im2col-or-direct choice of deep layers: the share of all pixels' taps in the padding."""
    from tflm_bench.generator.ops.conv2d import padded_tap_fraction
    from tflm_bench.generator.ops.window import Window

    valid = Window(3, 3, 1, 1, 1, 1, 0, 0, 4, 4)  # 6x6 input, VALID: no tap outside
    assert padded_tap_fraction(valid, 6, 6, 3, 3) == 0.0
    # 3x1 SAME over 3 rows, stride 1: the first and last row each lose one of their 3 taps.
    same = Window(3, 1, 1, 1, 1, 1, 1, 0, 3, 5)
    assert padded_tap_fraction(same, 3, 5, 3, 1) == pytest.approx(2 / 9)
    # 1x15x24 k3x4 s2 SAME (8x12 outputs, padding 1 and 1): 1 - (22 x 46) / (24 x 48).
    wide = Window(3, 4, 2, 2, 1, 1, 1, 1, 8, 12)
    assert padded_tap_fraction(wide, 15, 24, 3, 4) == pytest.approx(1 - 22 * 46 / (24 * 48))


def test_pixel_pairs_ask_first_and_run_where_granted() -> None:
    """tb_conv2d_pairs_s8_dsp: its scratch (two fields in whole quads as int16) is the first request
    of an im2col layer with enough filters (PAIRS_MIN_FILTERS for whole-quad depths,
    PAIRS_MIN_FILTERS_OFF_QUADS else), of a contiguous-field layer (PAIRS_MIN_FILTERS_CONTIGUOUS),
    and of a deep layer with a few padded taps; granted, the layer emits the pairs kernel with the
    im2col form's constants."""
    from tflm_bench.generator.ops import conv2d
    from tflm_bench.generator.ops.registry import plan_layers, scratch_requests

    general = conv_model(in_shape=(1, 12, 12, 4), filter_shape=(8, 3, 3, 4), padding="SAME")
    assert scratch_requests(general, "optimized") == {0: (4 * 36, 2 * 36, 36)}
    few = conv_model(in_shape=(1, 12, 12, 4), filter_shape=(7, 3, 3, 4), padding="SAME")
    assert scratch_requests(few, "optimized")[0][0] == 8 * 36  # int8 rows: too few filters to repay widening
    # Other depths: 16 filters and filter rows of 32 bytes (99-byte fields in whole quads).
    off = conv_model(in_shape=(1, 12, 12, 11), filter_shape=(16, 3, 3, 11), padding="SAME")
    assert scratch_requests(off, "optimized")[0][0] == 4 * 100
    off_few = conv_model(in_shape=(1, 12, 12, 11), filter_shape=(15, 3, 3, 11), padding="SAME")
    assert scratch_requests(off_few, "optimized")[0][0] == 8 * 100
    off_short = conv_model(in_shape=(1, 12, 12, 3), filter_shape=(16, 3, 3, 3), padding="SAME")
    assert scratch_requests(off_short, "optimized")[0][0] == 8 * 28  # 9-byte rows: bytes copied one by one
    off_whole_rows = conv_model(in_shape=(1, 12, 12, 1), filter_shape=(16, 3, 4, 1), padding="SAME")
    assert scratch_requests(off_whole_rows, "optimized")[0][0] == 4 * 12  # 4-byte rows: word copies
    # Contiguous fields (one row high, VALID): nothing below 12 filters, the pair scratch from 12.
    rows = conv_model(in_shape=(1, 1, 12, 8), filter_shape=(12, 1, 3, 8), padding="VALID", out_shape=(1, 1, 10, 12))
    assert scratch_requests(rows, "optimized") == {0: (4 * 24,)}
    narrow = conv_model(in_shape=(1, 1, 12, 8), filter_shape=(11, 1, 3, 8), padding="VALID", out_shape=(1, 1, 10, 11))
    assert scratch_requests(narrow, "optimized") == {}
    # A dilated depth off whole quads copies byte runs too short for pairs: int8 rows.
    dilated = conv_model(in_shape=(1, 9, 9, 5), filter_shape=(16, 2, 3, 5), padding="VALID", dilationWFactor=2,
                         out_shape=(1, 8, 5, 16))
    assert scratch_requests(dilated, "optimized")[0][0] == 8 * 32
    # Deep, 1x8 SAME over 16 columns (14% of the taps padded): direct before pairs, pairs now.
    deep = conv_model(in_shape=(1, 8, 16, 64), filter_shape=(8, 1, 8, 64), padding="SAME")
    padded = conv2d.padded_tap_fraction(conv2d.window.model_window(deep, deep.operators[0], 1, 8), 8, 16, 1, 8)
    assert conv2d.IM2COL_MAX_PADDED < padded <= conv2d.IM2COL_PAIRS_MAX_PADDED
    assert scratch_requests(deep, "optimized") == {0: (4 * 8 * 64,)}

    plan = plan_arena(general)
    granted = replace(plan, scratch_offsets={0: plan.arena_bytes}, scratch_sizes={0: 4 * 36})
    planned = plan_layers(general, granted, "optimized")[0]
    assert planned.params.pairs and planned.params.im2col == (plan.arena_bytes, 2)
    assert not planned.params.tap_correction
    layer = emit_layers(general, granted, "optimized")[0]
    assert layer.function == "tb_conv2d_pairs_s8_dsp"
    assert layer.args[0] == f"(uint32_t *)&tb_arena[{plan.arena_bytes}]"
    # Less than the pair scratch: the int8 rows of tb_conv2d_s8_dsp.
    smaller = replace(plan, scratch_offsets={0: plan.arena_bytes}, scratch_sizes={0: 2 * 36})
    assert emit_layers(general, smaller, "optimized")[0].function == "tb_conv2d_s8_dsp"
    # Contiguous fields granted the pair scratch run the pairs kernel, without it the rows GEMM.
    plan = plan_arena(rows)
    assert emit_layers(rows, plan, "optimized")[0].function == "tb_conv2d_rows_s8_dsp"
    granted = replace(plan, scratch_offsets={0: plan.arena_bytes}, scratch_sizes={0: 4 * 24})
    assert emit_layers(rows, granted, "optimized")[0].function == "tb_conv2d_pairs_s8_dsp"
