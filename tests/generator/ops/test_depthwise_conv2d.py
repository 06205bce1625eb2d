"""DEPTHWISE_CONV_2D in the generator: validation messages, MAC count, emitted constants."""
from __future__ import annotations

import pytest

from conv_specs import conv_model
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, MalformedTensorError, UnsupportedTensorError
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
