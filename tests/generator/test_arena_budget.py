"""The speed plans' arena budget: a lower bound of TFLM + CMSIS-NN's arena for the model."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gen_helpers import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.board import load_board
from tflm_bench.generator.arena_budget import (EVAL_TENSOR_BYTES, cmsis_nn_scratch_bytes, persistent_bytes,
                                                tflm_arena_lower_bound)
from tflm_bench.generator.build.generated import GeneratedRuntime
from tflm_bench.generator.options import KernelSet, Optimize
from tflm_bench.generator.planner import planned_bytes
from tflm_bench.generator.tflite_reader import read_tflite

MODELS = Path(__file__).resolve().parents[2] / "models"


def _conv(in_shape: tuple[int, ...], kernel: tuple[int, int], out_c: int, *, depthwise: bool = False,
          padding: str = "SAME", stride: int = 1, dilation: int = 1) -> bytes:
    n, h, w, c = in_shape
    filt_shape = (1, *kernel, out_c) if depthwise else (out_c, *kernel, c)
    out_h = -(-h // stride) if padding == "SAME" else (h - (kernel[0] - 1) * dilation - 1) // stride + 1
    out_w = -(-w // stride) if padding == "SAME" else (w - (kernel[1] - 1) * dilation - 1) // stride + 1
    tensors = [
        TensorSpec("in", in_shape, "int8", [0.1], [0]),
        TensorSpec("f", filt_shape, "int8", [0.02] * out_c, [0] * out_c,
                   np.ones(filt_shape, dtype=np.int8), quantized_dimension=3 if depthwise else 0),
        TensorSpec("b", (out_c,), "int32", [0.002] * out_c, [0] * out_c, np.zeros(out_c, dtype=np.int32)),
        TensorSpec("out", (n, out_h, out_w, out_c), "int8", [0.1], [0]),
    ]
    options = {"padding": padding, "strideH": stride, "strideW": stride,
               "dilationHFactor": dilation, "dilationWFactor": dilation}
    if depthwise:
        op = OpSpec("DEPTHWISE_CONV_2D", [0, 1, 2], [3], options=("DepthwiseConv2DOptions",
                                                                    {**options, "depthMultiplier": out_c // c}))
    else:
        op = OpSpec("CONV_2D", [0, 1, 2], [3], options=("Conv2DOptions", options))
    return build_tflite(ModelSpec(tensors, [op], [0], [3]))


@pytest.mark.parametrize(("model", "expected"), [
    # General conv: two int16 im2col columns, each rounded up to whole quads (3x3x3 = 27 -> 28).
    (_conv((1, 8, 8, 3), (3, 3), 4), 2 * 28 * 2),
    # 1x1 without padding: no buffer in GCC builds, stride 1 or 2.
    (_conv((1, 8, 8, 16), (1, 1), 8), 0),
    (_conv((1, 8, 8, 16), (1, 1), 8, stride=2), 0),
    # Depthwise, multiplier 1: the 3x3 kernel with padding <= 1 takes none, 5x5 one int16 column.
    (_conv((1, 8, 8, 8), (3, 3), 8, depthwise=True), 0),
    (_conv((1, 8, 8, 8), (5, 5), 8, depthwise=True), 8 * 25 * 2),
    # Depthwise with a multiplier above 1 or a dilation: CMSIS-NN's generic kernel, no buffer.
    (_conv((1, 8, 8, 1), (3, 3), 8, depthwise=True), 0),
    (_conv((1, 8, 8, 8), (5, 5), 8, depthwise=True, dilation=2), 0),
])
def test_cmsis_nn_scratch_sizes(model: bytes, expected: int) -> None:
    m = read_tflite(model)
    assert cmsis_nn_scratch_bytes(m, m.operators[0]) == expected


def test_the_bound_adds_tflm_persistent_data_to_a_plan_without_aliasing() -> None:
    m = read_tflite(_conv((1, 8, 8, 3), (3, 3), 4))
    assert persistent_bytes(m) == EVAL_TENSOR_BYTES * 4 + 8 * 4  # four eval tensors, four channels
    assert tflm_arena_lower_bound(m) == planned_bytes(m, {0: 112}) + persistent_bytes(m)


def test_speed_plans_stay_within_the_bound_and_size_plans_grant_no_growth(tmp_path: Path) -> None:
    # micro_speech's one-channel 10x8 depthwise runs as a conv with im2col rows: granted only
    # because TFLM would need more arena for the model than our plan without scratch.
    model = read_tflite(MODELS / "micro_speech_int8.tflite")
    bound = tflm_arena_lower_bound(model)

    def plan(optimize: Optimize):  # type: ignore[no-untyped-def]
        return GeneratedRuntime(KernelSet.OPTIMIZED, optimize, tmp_path).plan(model, load_board(), None).plan

    speed, size = plan(Optimize.SPEED), plan(Optimize.SIZE)
    assert speed.scratch_sizes and speed.arena_bytes <= bound
    assert size.arena_bytes < speed.arena_bytes and not size.scratch_sizes
