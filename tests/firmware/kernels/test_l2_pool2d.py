"""L2_POOL_2D (float32, TFLM's only type) on the emulated device against TFLM: randomized shapes,
filter sizes (also larger than the input), strides, paddings and fused activations, several
layers per firmware. Expected exact (0 ULP): the squares are added in TFLM's order and sqrtf is
correctly rounded on both sides."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.on_device import run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Window

MAX_LAYERS = 12


def test_l2_pool2d_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(909)
    layers = LayerSet()
    layers.pool("L2_POOL_2D", Window((1, 2, 3, 3), (4, 5), padding="SAME"), None)  # filter over the edges
    layers.pool("L2_POOL_2D", Window((1, 6, 6, 4), (6, 6), padding="VALID"), None)  # global
    while len(layers.ops) < MAX_LAYERS:
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 5)), int(rng.integers(1, 5))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            padding=str(rng.choice(["SAME", "VALID"])),
            activation=ACTIVATIONS[len(layers.ops) % len(ACTIVATIONS)],
        )
        if w.fits():
            layers.pool("L2_POOL_2D", w, None)
    samples = layers.samples(rng, 3)
    samples.append([np.full(s.shape, 0.0, np.float32) for s in samples[0]])
    results = run_on_device(layers.spec_bytes(), samples, tmp_path, bench_options)
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "L2_POOL_2D differs from TFLM: " + "; ".join(bad[:8])
