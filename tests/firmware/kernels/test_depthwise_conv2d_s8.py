"""DEPTHWISE_CONV_2D int8 on the emulated device against TFLM: randomized shapes, depth
multipliers, geometry and quantization, several independent layers per firmware."""
from __future__ import annotations

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

    # 1x1 input under a 3x3 kernel, SAME: only the centre tap is inside. Multiplier 4.
    layers.conv(rng, Window((1, 1, 1, 3), (3, 3), activation="RELU"), 0, q(1, 12), depthwise_multiplier=4)
    # Kernel larger than the input, SAME, stride 2, multiplier 2.
    layers.conv(rng, Window((1, 2, 3, 5), (4, 5), (2, 2), activation="RELU6"), 0, q(20, 10), depthwise_multiplier=2)
    # Stride larger than the kernel, VALID.
    layers.conv(rng, Window((1, 9, 7, 7), (1, 2), (3, 4), padding="VALID"), 0, q(2, 7), depthwise_multiplier=1)
    # Dilations 2 and 3, SAME and VALID.
    layers.conv(rng, Window((1, 8, 7, 17), (3, 3), (1, 1), (2, 3), "SAME", "RELU_N1_TO_1"), 0, q(9, 17),
                depthwise_multiplier=1)
    layers.conv(rng, Window((2, 9, 8, 1), (3, 2), (2, 1), (3, 2), "VALID"), 0, q(6, 3), depthwise_multiplier=3)
    # Multiplier above 1 (about 1.5, weights in -1..1) and a multiplier flushed to 0.
    above_one = q(1, 6, -7.0)
    above_one.in_zp = 0
    layers.conv(rng, Window((1, 4, 4, 3), (1, 1)), 0, above_one, depthwise_multiplier=2, bias=False, weight_bound=1)
    layers.conv(rng, Window((1, 4, 4, 3), (2, 2)), 0, q(4, 3, 20.0), depthwise_multiplier=1)
    # Zero points at the rails, no bias.
    edge = q(9, 5)
    edge.in_zp, edge.out_zp = -128, -128
    layers.conv(rng, Window((1, 5, 5, 5), (3, 3), activation="RELU"), 0, edge, depthwise_multiplier=1, bias=False)
    edge = q(9, 6)
    edge.in_zp, edge.out_zp = 127, 127
    layers.conv(rng, Window((1, 4, 6, 3), (3, 3)), 0, edge, depthwise_multiplier=2)


def _random_layers(layers: LayerSet, rng: np.random.Generator, count: int) -> None:
    added = 0
    while added < count:
        in_c = int(rng.choice(CHANNELS))
        multiplier = int(rng.integers(1, 5))
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 11)), int(rng.integers(1, 11)), in_c),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            str(rng.choice(["SAME", "VALID"])),
            ACTIVATIONS[added % len(ACTIVATIONS)],
        )
        if not w.fits():
            continue
        out_c = in_c * multiplier
        quant = conv_quant(rng, w.kernel[0] * w.kernel[1], out_c, per_channel=len(layers.ops) % 2 == 0)
        layers.conv(rng, w, 0, quant, depthwise_multiplier=multiplier, bias=bool(rng.random() < 0.8))
        added += 1


@pytest.mark.parametrize("seed", [1, 2])
def test_depthwise_conv2d_s8_matches_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2000 * seed)
    layers = LayerSet()
    if seed == 1:
        _edge_layers(layers, rng)
    _random_layers(layers, rng, MAX_LAYERS - len(layers.ops))
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path, bench_options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 seed {seed}")
