"""AVERAGE_POOL_2D and MAX_POOL_2D int16 on the emulated device against TFLM: randomized shapes,
filter sizes (also larger than the input), strides, paddings, activations and quantization
(zero points anywhere: TFLM's int16 pools only need the output quantized like the input), with
full-range int16 inputs; several independent layers per firmware."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Quant, Window

CHANNELS = (1, 3, 5, 8)
MAX_LAYERS = 14  # INFO describes every model input and output in one 1024-byte reply
POOLS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")


def _quant(rng: np.random.Generator) -> Quant:
    scale = float(2.0 ** rng.uniform(-14, -4))  # the RELU6 / RELU_N1_TO_1 clamps fall inside int16
    zp = int(rng.choice([0, int(rng.integers(-2000, 2000)), -32768, 32767]))
    return Quant(scale, zp, scale, zp)


@pytest.mark.parametrize("seed", [1, 2])
def test_pool2d_s16_matches_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4100 + seed)
    layers = LayerSet()
    if seed == 1:  # filter larger than the input (SAME only), and a global pool
        for name in POOLS:
            layers.pool(name, Window((1, 2, 3, 3), (4, 5), padding="SAME", activation="RELU"), _quant(rng), "int16")
            layers.pool(name, Window((1, 5, 5, 8), (5, 5), padding="VALID"), _quant(rng), "int16")
    while len(layers.ops) < MAX_LAYERS:
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)), int(rng.choice(CHANNELS))),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 5)), int(rng.integers(1, 5))),
            padding=str(rng.choice(["SAME", "VALID"])),
            activation=ACTIVATIONS[len(layers.ops) % len(ACTIVATIONS)],
        )
        if w.fits():
            layers.pool(POOLS[len(layers.ops) % 2], w, _quant(rng), "int16")
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 4), tmp_path, bench_options)
    assert_bit_exact(results, f"AVERAGE_POOL_2D / MAX_POOL_2D int16 seed {seed}")
