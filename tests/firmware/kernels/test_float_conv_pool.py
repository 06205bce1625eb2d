"""float32 CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D and FULLY_CONNECTED on the
emulated device against TFLM, within MAX_ULP.

The kernels add the products in the order of TFLM's reference kernels (kernel rows, columns,
then channels, from 0.0f; bias last), and the firmware is built as ISO C11, where GCC does not
contract a * b + c into a fused multiply-add; the host TFLM build does plain single-precision
multiplies and adds as well. So the same IEEE operations run in the same order and results are
expected to be identical; MAX_ULP = 4 leaves room only for a compiler on either side that
contracts or reorders a few operations, not for a different summation order (which would show up
as far larger differences on sums that cancel).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.on_device import run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Window

MAX_ULP = 4
POOLS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")


def _layers(rng: np.random.Generator, seed: int) -> LayerSet:
    layers = LayerSet()
    if seed == 1:
        # Edge cases: kernel larger than the input, stride larger than the kernel, dilation,
        # depth multiplier 4, grouped conv, no bias, every activation.
        layers.conv(rng, Window((1, 1, 1, 3), (3, 3), activation="RELU"), 5, None)
        layers.conv(rng, Window((1, 9, 8, 5), (1, 2), (4, 3), padding="VALID", activation="RELU6"), 7, None, bias=False)
        layers.conv(rng, Window((2, 7, 6, 6), (3, 3), (1, 2), (2, 3), "SAME", "RELU_N1_TO_1"), 4, None, groups=2)
        layers.conv(rng, Window((1, 3, 2, 5), (5, 4), (2, 1)), 0, None, depthwise_multiplier=4)
        layers.conv(rng, Window((1, 8, 7, 17), (3, 2), (2, 2), (3, 2), "VALID", "RELU"), 0, None,
                    depthwise_multiplier=1, bias=False)
        layers.pool("AVERAGE_POOL_2D", Window((1, 3, 2, 7), (5, 4), (2, 3), activation="RELU6"), None)
        layers.pool("MAX_POOL_2D", Window((1, 9, 10, 3), (2, 1), (4, 3), padding="VALID", activation="RELU_N1_TO_1"), None)
        layers.pool("AVERAGE_POOL_2D", Window((1, 6, 6, 17), (6, 6), padding="VALID"), None)
        layers.fully_connected_f32(rng, 2, 37, 5, "RELU")
        layers.fully_connected_f32(rng, 1, 200, 3, "NONE", bias=False)
    while len(layers.ops) < 13:
        k = len(layers.ops)
        activation = ACTIVATIONS[k % len(ACTIVATIONS)]
        in_c = int(rng.choice([1, 3, 5, 7, 17]))
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)), in_c),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            str(rng.choice(["SAME", "VALID"])), activation,
        )
        kind = k % 4
        if kind == 3:
            layers.fully_connected_f32(rng, int(rng.integers(1, 4)), int(rng.integers(1, 64)), int(rng.integers(1, 20)),
                                       activation, bias=bool(rng.random() < 0.8))
            continue
        if kind == 2:
            w.dilation = (1, 1)
        if not w.fits():
            continue
        if kind == 0:
            layers.conv(rng, w, int(rng.choice([1, 3, 5, 7, 17])), None, bias=bool(rng.random() < 0.8))
        elif kind == 1:
            layers.conv(rng, w, 0, None, depthwise_multiplier=int(rng.integers(1, 5)), bias=bool(rng.random() < 0.8))
        else:
            layers.pool(POOLS[(k // 4) % 2], w, None)
    return layers


@pytest.mark.parametrize("seed", [1, 2])
def test_float_conv_pool_fc_match_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4000 + seed)
    layers = _layers(rng, seed)
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path, bench_options)
    worst = max((o.vs_tflm.max_diff, r.index, o.index) for r in results for o in r.outputs)
    assert worst[0] <= MAX_ULP, (
        f"float32 seed {seed}: sample {worst[1]} output {worst[2]} ({layers.ops[worst[2]].name}) differs from "
        f"TFLM by {worst[0]} ULP (limit {MAX_ULP})"
    )
