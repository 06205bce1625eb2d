"""DEPTHWISE_CONV_2D int8 with 1-3 output channels from 1-2 input channels
(tb_depthwise_conv2d_few_s8_dsp: one pass per output channel, per row the filter rows inside the
input, per border pixel the filter columns inside, the offset folded through a prefix table, runs
of pixels with every column inside four or two at a time) on the emulated device against host
TFLM: randomized shapes, filters, strides (pixels 1, 2 and more bytes apart), dilations, padding,
zero points and scales, every (input channels, depth multiplier) pair, both kernel sets."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Window, conv_quant
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops.registry import choose_variant

MAX_LAYERS = 14  # INFO describes every model input and output in one 1024-byte reply
PAIRS = ((1, 1), (1, 2), (1, 3), (2, 1))  # (input channels, depth multiplier); 3 x 1 runs the general kernel


def _layers(seed: int) -> tuple[LayerSet, np.random.Generator]:
    rng = np.random.default_rng(4400 + seed)
    layers = LayerSet()
    while len(layers.ops) < MAX_LAYERS:
        k = len(layers.ops)
        in_c, mult = PAIRS[(k + seed) % len(PAIRS)]
        # Mostly small images with large or dilated filters (many border pixels, filters wider
        # than the input), some larger ones with long interior runs; two batches now and then.
        big = k % 4 == 0
        w = Window(
            (1 + (k % 7 == 3), int(rng.integers(1, 24 if big else 9)), int(rng.integers(1, 24 if big else 9)), in_c),
            (int(rng.integers(1, 8)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (1, 1) if k % 3 == 0 else (int(rng.integers(1, 5)), int(rng.integers(1, 5))),
            "SAME" if k % 2 == 0 else str(rng.choice(["SAME", "VALID"])),
            ACTIVATIONS[k % len(ACTIVATIONS)],
        )
        if not w.fits():
            continue
        taps = w.kernel[0] * w.kernel[1]
        q = conv_quant(rng, taps, in_c * mult, per_channel=k % 2 == 0)
        if k % 5 == 1:
            q.in_zp, q.out_zp = -128, 127
        elif k % 5 == 2:
            q.in_zp, q.out_zp = 127, -128
        layers.conv(rng, w, 0, q, depthwise_multiplier=mult, bias=k % 6 != 5)
    return layers, rng


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("seed", [1, 2])
def test_depthwise_few_channels_matches_tflm(seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    layers, rng = _layers(seed)
    model_bytes = layers.spec_bytes()
    model = read_model(model_bytes)
    chosen = [choose_variant(model, op, KernelSet.OPTIMIZED).name for op in model.operators]
    assert chosen == ["dsp few channels"] * MAX_LAYERS, chosen
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 2) + [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(model_bytes, samples, tmp_path, options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 with 1-3 channels, seed {seed} ({kernels} kernels)")
