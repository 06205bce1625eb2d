"""DEPTHWISE_CONV_2D in the generator: validation messages, MAC count, emitted constants."""
from __future__ import annotations

import numpy as np
import pytest

from conv_specs import conv_model
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, MalformedTensorError, UnsupportedTensorError
from tflm_bench.generator.ops import depthwise_conv2d
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.validate import validate

DW = {"op": "DEPTHWISE_CONV_2D", "in_shape": (1, 5, 5, 3), "filter_shape": (1, 3, 3, 6)}


def test_depth_multiplier_two_per_channel() -> None:
    model = conv_model(**DW, filter_scales=[0.01 * (c + 1) for c in range(6)], strideH=2, strideW=2,
                       out_shape=(1, 3, 3, 6))
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == "tb_depthwise_conv2d_s8"
    params = dict(layer.structs[0].fields)
    assert params["depth_multiplier"] == "2"
    assert params["padding"] == "{.h = 1, .w = 1}"
    assert handlers()["DEPTHWISE_CONV_2D"].macs(model, model.operators[0]) == 3 * 3 * 6 * 3 * 3


def test_float_depthwise() -> None:
    model = conv_model(**DW, dtype="float32", bias=False)
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == "tb_depthwise_conv2d_f32"
    assert dict(layer.structs[0].fields)["activation"] == "{.min = -3.40282347e+38f, .max = 3.40282347e+38f}"


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"depthMultiplier": 3}, MalformedModelError,
         r"DEPTHWISE_CONV_2D has 6 filter channels for 3 input channels and depth multiplier 3"),
        ({"depthMultiplier": 0}, MalformedModelError, r"depth multiplier 0"),
        ({"filter_shape": (2, 3, 3, 3)}, MalformedModelError, r"filter shape \[2, 3, 3, 3\] should be \[1, kh, kw, channels\]"),
        ({"filter_zps": [1]}, UnsupportedTensorError, r"zero points 0"),
        ({"out_shape": (1, 5, 5, 3)}, MalformedModelError, r"output shape \[1, 5, 5, 3\] should be \[1, 5, 5, 6\]"),
    ],
)
def test_validation_errors_name_the_op_and_the_problem(kwargs, error, pattern) -> None:  # type: ignore[no-untyped-def]
    args = {**DW, **kwargs}
    with pytest.raises(error, match=pattern) as info:
        validate(conv_model(**args))
    assert "DEPTHWISE_CONV_2D" in str(info.value)


def test_per_channel_scales_along_the_wrong_dimension_are_refused_while_reading() -> None:
    with pytest.raises(MalformedTensorError, match=r"6 per-channel scales along dimension 0 of size 1"):
        conv_model(**DW, filter_scales=[0.1] * 6, quantized_dimension=0)


def _ints(layer, suffix: str) -> list[int]:  # type: ignore[no-untyped-def]
    array = next(a for a in layer.arrays if a.name.endswith(suffix))
    return [int(v) for row in array.rows for v in row.split(",") if v.strip()]


@pytest.mark.parametrize(("in_shape", "function"), [
    ((1, 8, 8, 8), "tb_depthwise_conv2d_3x3_s8_dsp"),  # whole groups of 4 with interior outputs
    ((1, 4, 3, 8), "tb_depthwise_conv2d_3x3_s8_dsp"),
    ((1, 6, 6, 5), "tb_depthwise_conv2d_s8_dsp"),  # a partial group: the general kernel
    ((1, 1, 9, 8), "tb_depthwise_conv2d_s8_dsp"),  # one row: only border outputs
])
def test_3x3_variant_runs_where_its_routine_pays(in_shape: tuple[int, ...], function: str) -> None:
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=in_shape, filter_shape=(1, 3, 3, in_shape[3]))
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == function
    assert dict(layer.structs[0].fields)["pad_pixel"] == "tb_l0_pad_pixel"


@pytest.mark.parametrize(("filter_shape", "multiplier", "packed", "function"), [
    ((1, 2, 5, 6), 1, True, "tb_depthwise_conv2d_s8_dsp"), ((1, 4, 2, 12), 4, True, "tb_depthwise_conv2d_mult_s8_dsp"),
    ((1, 3, 3, 6), 2, False, "tb_depthwise_conv2d_s8_dsp")])
def test_general_kernel_packs_whole_groups_of_outputs(filter_shape: tuple[int, ...], multiplier: int,
                                                      packed: bool, function: str) -> None:
    in_c = filter_shape[3] // multiplier
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=(1, 6, 6, in_c), filter_shape=filter_shape,
                       depthMultiplier=multiplier)
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == function
    assert (dict(layer.structs[0].fields)["packed"] == "tb_l0_requant4") == packed


def test_pairs_variant_lays_out_tap_pairs_per_group_of_outputs() -> None:
    # 3 taps (an odd count: the last pair's second value is 0), 2 input channels x multiplier 4.
    doubled = np.arange(1, 3 * 8 + 1, dtype=np.int64).reshape(3, 8)  # [tap][output channel]
    words = depthwise_conv2d.pairs_layout(doubled, 4).reshape(2, 2, 4, 2)  # [in ch][pair][output][2 taps]
    for ic in range(2):
        for j in range(2):
            for m in range(4):
                oc = 4 * ic + m
                second = doubled[2 * j + 1, oc] if 2 * j + 1 < 3 else 0
                assert list(words[ic, j, m]) == [doubled[2 * j, oc], second]
    assert depthwise_conv2d.pair_groups(8) == [4, 4] and depthwise_conv2d.pair_groups(5) == [3, 2]
    assert depthwise_conv2d.pair_groups(7) == [4, 3] and depthwise_conv2d.pair_groups(2) == [2]


def test_3x3_packs_its_constants_per_group_of_4() -> None:
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=(1, 6, 6, 5), filter_shape=(1, 3, 3, 5))
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == "tb_depthwise_conv2d_s8_dsp"  # 5 channels: the general kernel, same table
    params = dict(layer.structs[0].fields)
    assert params["packed"] == "tb_l0_requant4"
    words = _ints(layer, "_requant")  # per channel: bias2, raw bias2, multiplier, round, sign, shift
    packed = _ints(layer, "_requant4")
    assert len(packed) == 2 * 16
    for c in range(5):
        group, lane = divmod(c, 4)
        row = words[6 * c:6 * c + 6]
        assert [packed[group * 16 + 4 * k + lane] for k in range(4)] == [row[0], row[2], row[3], row[5]]


def test_a_shift_of_zero_keeps_the_per_channel_path() -> None:
    # Rescale 0.05 x 0.2 / 0.0125 = 0.8: TFLM shift 0 (e = 0), where the packed form's sign term
    # does not hold; the per-channel words handle it.
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=(1, 8, 8, 4), filter_shape=(1, 3, 3, 4),
                       filter_scales=[0.2], out_scale=0.0125)
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == "tb_depthwise_conv2d_3x3_s8_dsp"
    assert dict(layer.structs[0].fields)["packed"] == "NULL"
    assert _ints(layer, "_requant")[5] == 0


@pytest.mark.parametrize(("in_shape", "filter_hw", "tile", "padding"), [
    ((1, 1, 9, 8), (3, 3), "{.h = 1, .w = 3}", "{.h = 0, .w = 1}"),  # one row: its filter row only
    ((1, 7, 1, 4), (4, 5), "{.h = 4, .w = 1}", "{.h = 1, .w = 0}"),  # one column
    ((1, 1, 1, 4), (2, 2), "{.h = 1, .w = 1}", "{.h = 0, .w = 0}"),  # both
])
def test_one_row_or_column_inputs_keep_the_filter_taps_that_touch_them(
        in_shape: tuple[int, ...], filter_hw: tuple[int, int], tile: str, padding: str) -> None:
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=in_shape, filter_shape=(1, *filter_hw, in_shape[3]))
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == "tb_depthwise_conv2d_s8_dsp"
    fields = dict(layer.structs[0].fields)
    assert (fields["filter"], fields["padding"]) == (tile, padding)


@pytest.mark.parametrize(("in_c", "multiplier", "function"), [
    (1, 1, "tb_depthwise_conv2d_few_s8_dsp"), (1, 3, "tb_depthwise_conv2d_few_s8_dsp"),
    (2, 1, "tb_depthwise_conv2d_few_s8_dsp"),
    (3, 1, "tb_depthwise_conv2d_s8_dsp"),  # three input channels: one word load serves all three there
    (2, 2, "tb_depthwise_conv2d_s8_dsp"),  # four outputs: groups of 4
])
def test_few_output_channels_take_the_few_channel_kernel(in_c: int, multiplier: int, function: str) -> None:
    model = conv_model(op="DEPTHWISE_CONV_2D", in_shape=(1, 6, 6, in_c), filter_shape=(1, 3, 2, in_c * multiplier),
                       depthMultiplier=multiplier)
    layer = emit_layers(model, plan_arena(model), "optimized")[0]
    assert layer.function == function
    if function.endswith("few_s8_dsp"):
        assert len(_ints(layer, "_prefix")) == in_c * multiplier * 4 * 3  # (kh + 1) x (kw + 1) per channel
        assert len(_ints(layer, "_filter_dsp")) == in_c * multiplier * 6  # 6 taps, an even count


def test_few_channel_prefix_table_sums_every_rectangle_of_taps() -> None:
    rng = np.random.default_rng(5)
    filt = rng.integers(-127, 128, (1, 4, 3, 2))
    prefix = depthwise_conv2d.few_prefix(filt, -37)
    assert prefix.shape == (2, 5, 4)
    for c in range(2):
        for ky0 in range(5):
            for ky1 in range(ky0, 5):
                for kx0 in range(4):
                    for kx1 in range(kx0, 4):
                        p = prefix[c]
                        total = p[ky1, kx1] - p[ky0, kx1] - p[ky1, kx0] + p[ky0, kx0]
                        assert total == 2 * -37 * int(filt[0, ky0:ky1, kx0:kx1, c].sum())
