"""AVERAGE_POOL_2D / MAX_POOL_2D in the generator: validation messages, activation clamps, MACs."""
from __future__ import annotations

import pytest

from conv_specs import pool_model
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.validate import validate


@pytest.mark.parametrize(("op", "function"), [("AVERAGE_POOL_2D", "tb_avg_pool2d_s8"), ("MAX_POOL_2D", "tb_max_pool2d_s8")])
def test_int8_pool_emits_window_and_clamp(op: str, function: str) -> None:
    model = pool_model(op=op, in_shape=(1, 5, 4, 3), filterHeight=7, filterWidth=3, strideH=2, strideW=3,
                       in_q=(0.05, -20), fusedActivationFunction="RELU6")
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == function and layer.header == "pooling/tb_pooling.h"
    params = dict(layer.structs[0].fields)
    # Filter 7 over 5 rows, stride 2, SAME: 3 outputs, total (3-1)*2+7-5 = 6, 3 before.
    assert params["filter"] == "{.h = 7, .w = 3}"
    assert params["padding"] == "{.h = 3, .w = 1}"
    assert params["activation"] == "{.min = -20, .max = 100}"  # -20 + 6 / 0.05
    assert handlers()[op].macs(model, model.operators[0]) == 0


def test_float_pools() -> None:
    for op, function in (("AVERAGE_POOL_2D", "tb_avg_pool2d_f32"), ("MAX_POOL_2D", "tb_max_pool2d_f32")):
        model = pool_model(op=op, dtype="float32", fusedActivationFunction="RELU")
        validate(model)
        layer = emit_layers(model, plan_arena(model))[0]
        assert layer.function == function
        assert dict(layer.structs[0].fields)["activation"] == "{.min = 0.0f, .max = 3.40282347e+38f}"


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"out_q": (0.2, 0)}, UnsupportedTensorError,
         r"AVERAGE_POOL_2D \(operator #0\) needs the output quantized like the input \(scale 0.100000001, zero point 0\); "
         r"got scale 0.200000003, zero point 0"),
        ({"out_q": (0.1, 3)}, UnsupportedTensorError, r"quantized like the input"),
        ({"filterHeight": 0}, UnsupportedOpError, r"AVERAGE_POOL_2D: filter size 0x2"),
        ({"strideW": 0, "out_shape": (1, 3, 6, 3)}, UnsupportedOpError, r"stride 2x0"),
        ({"padding": "VALID", "filterHeight": 7, "out_shape": (1, 1, 3, 3)}, MalformedModelError,
         r"a 7x2 window .* with VALID padding does not fit the 6x6 input"),
        ({"out_shape": (1, 3, 3, 4)}, MalformedModelError, r"output shape \[1, 3, 3, 4\] should be \[1, 3, 3, 3\]"),
        ({"fusedActivationFunction": "SIGN_BIT"}, UnsupportedOpError, r"fused activation SIGN_BIT"),
        ({"dtype": "int32"}, UnsupportedTensorError, r"needs its input to be int8 or int16 or float32"),
    ],
)
def test_validation_errors_name_the_op_and_the_problem(kwargs, error, pattern) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=pattern):
        validate(pool_model(**kwargs))
