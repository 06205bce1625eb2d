"""AVERAGE_POOL_2D and MAX_POOL_2D int8 on the emulated device against TFLM: randomized shapes,
filter sizes (also larger than the input), strides, paddings, activations and quantization,
several independent layers per firmware."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Quant, Window, zero_point
from tflm_bench.generator import KernelSet

CHANNELS = (1, 3, 5, 7, 17)
# INFO describes every model input and output in one 1024-byte reply: 65 bytes per 4-D layer.
MAX_LAYERS = 14
POOLS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")


def _quant(rng: np.random.Generator, zp: int | None = None, scale: float | None = None) -> Quant:
    """A pool's output shares the input's quantization; the scale only moves the activation clamps."""
    s = float(2.0 ** rng.uniform(-12, 4)) if scale is None else scale
    z = zero_point(rng) if zp is None else zp
    return Quant(s, z, s, z)


def _edge_layers(layers: LayerSet, rng: np.random.Generator, names: tuple[str, str]) -> None:
    """Each edge case twice: once per pool."""
    for name in names:
        _edge_cases(layers, rng, name)


def _edge_cases(layers: LayerSet, rng: np.random.Generator, name: str) -> None:
    # Filter larger than the input (only SAME fits): a 1x1 input, and 5x4 over 3x2.
    layers.pool(name, Window((1, 1, 1, 3), (3, 3), padding="SAME"), _quant(rng))
    layers.pool(name, Window((2, 3, 2, 5), (5, 4), (2, 3), padding="SAME", activation="RELU"), _quant(rng))
    # Stride larger than the filter.
    layers.pool(name, Window((1, 9, 10, 7), (2, 1), (4, 3), padding="VALID", activation="RELU6"), _quant(rng, scale=0.03))
    layers.pool(name, Window((1, 8, 9, 17), (1, 2), (3, 4), padding="SAME", activation="RELU_N1_TO_1"),
                _quant(rng, scale=0.01))
    # Zero points at the rails (RELU6 and RELU_N1_TO_1 clamp inside the range).
    layers.pool(name, Window((1, 5, 6, 3), (3, 3), (2, 2), padding="SAME", activation="RELU6"), _quant(rng, -128, 0.02))
    layers.pool(name, Window((1, 6, 5, 5), (2, 3), (1, 2), padding="SAME", activation="RELU_N1_TO_1"),
                _quant(rng, 127, 0.004))
    # Full-window global pool (the classic model head).
    layers.pool(name, Window((1, 6, 6, 17), (6, 6), padding="VALID"), _quant(rng))


def _random_layers(layers: LayerSet, rng: np.random.Generator, count: int) -> None:
    added = 0
    while added < count:
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 11)), int(rng.integers(1, 11)), int(rng.choice(CHANNELS))),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 5)), int(rng.integers(1, 5))),
            padding=str(rng.choice(["SAME", "VALID"])),
            activation=ACTIVATIONS[(added // 2) % len(ACTIVATIONS)],
        )
        if w.fits():
            layers.pool(POOLS[added % 2], w, _quant(rng))
            added += 1


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("seed", [1, 2])
def test_pool2d_s8_matches_tflm(seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Average and max pools side by side in one firmware."""
    rng = np.random.default_rng(3000 * seed)
    layers = LayerSet()
    if seed == 1:
        _edge_layers(layers, rng, POOLS)
    _random_layers(layers, rng, MAX_LAYERS - len(layers.ops))
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 4), tmp_path, options)
    assert_bit_exact(results, f"AVERAGE_POOL_2D / MAX_POOL_2D int8 seed {seed} ({kernels} kernels)")


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_pool2d_s8_fast_path_stress(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Four-channel steps with channel counts 1-17 (not multiples of 4), odd widths, zero points
    at the rails, clamping activations, a 15x17 window (255 taps, the DSP path's most, at the
    rails' sums too) and a 16x16 one (256 taps: the reference path)."""
    rng = np.random.default_rng(3100)
    layers = LayerSet()
    for k, c in enumerate((1, 2, 3, 4, 5, 6, 7, 9, 13, 16, 17)):
        zp = (-128, 127, None)[k % 3]
        w = Window((1, 3 + 2 * (k % 3), 5 + 2 * (k % 4), c), (2 + k % 2, 3), (1 + k % 2, 2), padding="SAME",
                   activation=ACTIVATIONS[k % len(ACTIVATIONS)])
        layers.pool(POOLS[k % 2], w, _quant(rng, zp, 0.02 if k % 2 else None))
    layers.pool("AVERAGE_POOL_2D", Window((1, 16, 16, 5), (16, 16), padding="VALID"), _quant(rng))
    layers.pool("MAX_POOL_2D", Window((1, 16, 16, 6), (16, 16), padding="VALID"), _quant(rng, -128))
    # 255 taps, the most the DSP path takes: its division by a multiply at the largest sums.
    layers.pool("AVERAGE_POOL_2D", Window((1, 15, 18, 8), (15, 17), padding="SAME"), _quant(rng))
    assert len(layers.ops) <= MAX_LAYERS
    options = dataclasses.replace(bench_options, kernels=kernels)
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 3) + [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]
    results = run_on_device(layers.spec_bytes(), samples, tmp_path, options)
    assert_bit_exact(results, f"pool stress ({kernels} kernels)")


# Depths of the optimized kernels' paths: below 4 (one word per tap, read forward or backward),
# whole groups, whole groups and 1, 2 or 3 more channels.
PATH_DEPTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 24)


def _one_by_one_layers(layers: LayerSet, rng: np.random.Generator, count: int) -> None:
    """1 x 1 windows (a strided copy with the activation's clamp): strides 1-3, SAME and VALID."""
    for k in range(count):
        w = Window((int(rng.integers(1, 3)), int(rng.integers(1, 9)), int(rng.integers(1, 9)),
                    int(PATH_DEPTHS[k % len(PATH_DEPTHS)])),
                   (1, 1), (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                   padding=("SAME", "VALID")[k % 2], activation=ACTIVATIONS[(k // 2) % len(ACTIVATIONS)])
        layers.pool(POOLS[k % 2], w, _quant(rng))


def _small_depth_layers(layers: LayerSet, rng: np.random.Generator, count: int) -> None:
    """Depths 1-7 under random windows and strides (single rows and columns among them), and
    inputs of a few bytes, where a window's words fit neither forward nor backward."""
    for name in POOLS:
        layers.pool(name, Window((1, 1, 2, 2), (2, 2), padding="SAME", activation="RELU"), _quant(rng))
        layers.pool(name, Window((1, 2, 1, 3), (2, 3), padding="SAME"), _quant(rng))
    added = 0
    while added < count - 4:
        w = Window(
            (1, int(rng.integers(1, 8)), int(rng.integers(1, 9)), int(rng.integers(1, 8))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
            padding=("SAME", "VALID")[added % 2],
            activation=ACTIVATIONS[(added // 2) % len(ACTIVATIONS)],
        )
        if w.fits() and w.kernel != (1, 1):
            layers.pool(POOLS[(added // 2) % 2], w, _quant(rng))
            added += 1


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("case", ["one_by_one", "small_depth"])
def test_pool2d_s8_paths(case: str, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """The optimized kernels' special paths: 1 x 1 windows, and depths 1-7 (whole words read
    forward or backward per window, the byte-by-byte fallback), with samples at the rails."""
    rng = np.random.default_rng(3200 + (case == "small_depth"))
    layers = LayerSet()
    (_one_by_one_layers if case == "one_by_one" else _small_depth_layers)(layers, rng, MAX_LAYERS)
    assert len(layers.ops) <= MAX_LAYERS
    options = dataclasses.replace(bench_options, kernels=kernels)
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 3) + [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]
    results = run_on_device(layers.spec_bytes(), samples, tmp_path, options)
    assert_bit_exact(results, f"pool paths {case} ({kernels} kernels)")
