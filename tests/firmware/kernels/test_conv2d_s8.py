"""CONV_2D int8 on the emulated device against TFLM: randomized shapes, geometry and quantization.

Each firmware holds several independent layers (own input, filter, output), so one build covers
many parameter sets. Every model mixes fixed edge cases with seeded random layers.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Quant, Window, conv_quant

CHANNELS = (1, 3, 5, 7, 17)
# INFO describes every model input and output in one 1024-byte reply: 65 bytes per 4-D layer.
MAX_LAYERS = 14


def _edge_layers(layers: LayerSet, rng: np.random.Generator) -> None:
    def q(taps: int, out_c: int, log2: float | None = None) -> Quant:
        # Per-channel and per-tensor filters alternate from layer to layer.
        return conv_quant(rng, taps, out_c, len(layers.ops) % 2 == 0, log2)

    # 1x1 input under a 3x3 kernel with SAME padding: only the centre tap is inside.
    layers.conv(rng, Window((1, 1, 1, 3), (3, 3), padding="SAME", activation="RELU"), 5, q(3, 5))
    # Kernel larger than the input (5x4 over 3x2), SAME, stride 2.
    layers.conv(rng, Window((1, 3, 2, 5), (5, 4), (2, 2), padding="SAME", activation="RELU6"), 7, q(25, 7))
    # Stride larger than the kernel, VALID.
    layers.conv(rng, Window((1, 9, 8, 1), (2, 1), (4, 3), padding="VALID"), 3, q(2, 3))
    # Dilation 2 and 3 with SAME padding (odd total padding on one side).
    layers.conv(rng, Window((1, 7, 8, 3), (3, 3), (1, 2), (2, 3), "SAME", "RELU_N1_TO_1"), 4, q(27, 4))
    # Dilated VALID.
    layers.conv(rng, Window((1, 8, 7, 2), (2, 3), (2, 1), (3, 2), "VALID"), 17, q(12, 17))
    # Rescaling multiplier above 1 (about 1.5: tiny output scale; weights in -1..1 keep the
    # outputs in range) and a multiplier so tiny that QuantizeMultiplier flushes it to 0.
    above_one = q(2, 3, -7.55)
    above_one.in_zp = 0
    layers.conv(rng, Window((1, 4, 4, 2), (1, 1)), 3, above_one, bias=False, weight_bound=1)
    layers.conv(rng, Window((1, 4, 4, 2), (2, 2)), 3, q(8, 3, 20.0))
    # Zero points at both rails; no bias.
    edge = q(9, 5)
    edge.in_zp, edge.out_zp = -128, -128
    layers.conv(rng, Window((1, 5, 5, 1), (3, 3), activation="RELU"), 5, edge, bias=False)
    edge = q(27, 2)
    edge.in_zp, edge.out_zp = 127, 127
    layers.conv(rng, Window((2, 4, 3, 3), (3, 3), padding="SAME"), 2, edge)
    # Grouped convolution: 6 input channels in 3 groups of 2, 2 filters per group.
    layers.conv(rng, Window((1, 5, 4, 6), (3, 2), activation="RELU"), 6, q(12, 6), groups=3)


def _random_layers(layers: LayerSet, rng: np.random.Generator, count: int) -> None:
    added = 0
    while added < count:
        in_c = int(rng.choice(CHANNELS))
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)), in_c),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            str(rng.choice(["SAME", "VALID"])),
            ACTIVATIONS[added % len(ACTIVATIONS)],
        )
        if not w.fits():
            continue
        out_c = int(rng.choice(CHANNELS))
        taps = w.kernel[0] * w.kernel[1] * in_c
        quant = conv_quant(rng, taps, out_c, per_channel=len(layers.ops) % 2 == 0)
        layers.conv(rng, w, out_c, quant, bias=bool(rng.random() < 0.8))
        added += 1


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_s8_matches_tflm(seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1000 * seed)
    layers = LayerSet()
    if seed == 1:
        _edge_layers(layers, rng)
    _random_layers(layers, rng, MAX_LAYERS - len(layers.ops))
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path, replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"CONV_2D int8 seed {seed} ({kernels} kernels)")
