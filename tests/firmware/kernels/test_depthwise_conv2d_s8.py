"""DEPTHWISE_CONV_2D int8 on the emulated device against TFLM: randomized shapes, depth
multipliers, geometry and quantization, several independent layers per firmware."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.window_layers import ACTIVATIONS, LayerSet, Quant, Window, conv_quant
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops import depthwise_conv2d
from tflm_bench.generator.ops.layer_plan import PlanContext
from tflm_bench.generator.ops.registry import choose_variant

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


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("seed", [1, 2])
def test_depthwise_conv2d_s8_matches_tflm(seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2000 * seed)
    layers = LayerSet()
    if seed == 1:
        _edge_layers(layers, rng)
    _random_layers(layers, rng, MAX_LAYERS - len(layers.ops))
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 seed {seed} ({kernels} kernels)")


def _stress_layers(layers: LayerSet, rng: np.random.Generator, part: int) -> None:
    """The optimized variants' corners: 3x3 depth multiplier 1 (the fast path) with channel
    counts 1-17 (not multiples of 4), odd widths, strides 1 and 2, SAME and VALID, zero points
    at the rails, full-range weights; and the general path (multiplier > 1, 5x5, dilation)."""
    channels = (1, 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 16, 17) if part == 0 else (8, 12, 10, 14)
    for k, c in enumerate(channels):
        stride = 1 + k % 2
        w = Window((1, 3 + 2 * (k % 4), 1 + 2 * (k % 5), c), (3, 3), (stride, stride), (1, 1),
                   "SAME" if k % 3 else "VALID", ACTIVATIONS[k % len(ACTIVATIONS)])
        if not w.fits():
            w.padding = "SAME"
        q = conv_quant(rng, 9, c, per_channel=k % 2 == 0)
        if k % 4 == 1:
            q.in_zp = -128
        elif k % 4 == 3:
            q.in_zp = 127
        layers.conv(rng, w, 0, q, depthwise_multiplier=1, bias=k % 5 != 4)
    # Whole groups of 4 channels over inputs with interior pixels: the 3x3 variant's routine
    # (other channel counts and inputs without interior pixels run the general kernel, _fast_3x3_pays).
    for k, shape in enumerate(((1, 9, 8, 8), (1, 10, 11, 16), (1, 7, 12, 4))):
        if k == 0 if part == 0 else k > 0:
            w = Window(shape, (3, 3), stride=(1 + k % 2, 1 + (k + part) % 2), padding="SAME" if k != 1 else "VALID",
                       activation=ACTIVATIONS[(k + part) % len(ACTIVATIONS)])
            q = conv_quant(rng, 9, shape[3], per_channel=k != 2)
            layers.conv(rng, w, 0, q, depthwise_multiplier=1, bias=k != 2)
    if part == 1:
        for k, (mult, kernel, dilation) in enumerate(((2, (3, 3), (1, 1)), (3, (5, 5), (1, 1)), (1, (5, 5), (1, 1)),
                                                      (1, (3, 3), (2, 2)), (4, (2, 3), (1, 2)))):
            c = 3 + 2 * k
            w = Window((1, 7, 9, c), kernel, (1 + k % 2, 1), dilation, "SAME", ACTIVATIONS[k % len(ACTIVATIONS)])
            q = conv_quant(rng, kernel[0] * kernel[1], c * mult, per_channel=True)
            layers.conv(rng, w, 0, q, depthwise_multiplier=mult)


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("part", [0, 1])
def test_depthwise_conv2d_s8_fast_path_stress(part: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2100 + part)
    layers = LayerSet()
    _stress_layers(layers, rng, part)
    assert len(layers.ops) <= MAX_LAYERS
    model = read_model(layers.spec_bytes())
    plans = [depthwise_conv2d._plan_dsp(PlanContext(model, None), op).params for op in model.operators  # type: ignore[arg-type]
             if choose_variant(model, op, KernelSet.OPTIMIZED).name == "dsp"]
    assert any(p.fast for p in plans) and any(not p.fast for p in plans)
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 stress part {part} ({kernels} kernels)")


def _one_channel_layers(layers: LayerSet, rng: np.random.Generator) -> None:
    """One input channel, depth multiplier 1-8: the optimized set runs the large multipliers and
    filters as CONV_2D (generator/ops/depthwise_as_conv.py), im2col or contiguous rows, the rest
    on the depthwise kernel."""
    cases = (
        ((1, 49, 40, 1), (10, 8), (2, 2), (1, 1), "SAME", 8),  # micro_speech's front layer
        ((1, 12, 9, 1), (7, 3), (1, 1), (1, 1), "SAME", 8),
        ((1, 10, 6, 1), (3, 1), (1, 1), (1, 1), "VALID", 6),
        ((1, 5, 7, 1), (1, 1), (1, 1), (1, 1), "VALID", 3),  # the depthwise kernel (small multiplier)
        ((1, 1, 16, 1), (1, 4), (1, 2), (1, 1), "VALID", 5),  # the depthwise kernel (small multiplier)
        ((1, 1, 20, 1), (1, 9), (1, 2), (1, 1), "VALID", 8),  # one row high: contiguous rows
        ((1, 9, 9, 1), (3, 3), (1, 2), (2, 2), "SAME", 8),  # dilated
        ((1, 11, 10, 1), (9, 8), (2, 1), (1, 1), "SAME", 2),  # 72 taps: more than the tap-offset paths take
        ((2, 6, 5, 1), (2, 4), (2, 1), (1, 1), "SAME", 2),  # two batches
        ((1, 8, 8, 1), (5, 5), (3, 3), (1, 1), "VALID", 1),
    )
    for k, (shape, kernel, stride, dilation, padding, mult) in enumerate(cases):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % len(ACTIVATIONS)])
        q = conv_quant(rng, kernel[0] * kernel[1], mult, per_channel=k % 2 == 0)
        if k == 2:
            q.in_zp = -128
        elif k == 5:
            q.in_zp = 127
        layers.conv(rng, w, 0, q, depthwise_multiplier=mult, bias=k % 3 != 1)


def test_depthwise_one_input_channel_runs_as_conv_and_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2200)
    layers = LayerSet()
    _one_channel_layers(layers, rng)
    model_bytes = layers.spec_bytes()
    model = read_model(model_bytes)
    chosen = [choose_variant(model, op, KernelSet.OPTIMIZED).name for op in model.operators]
    as_conv = [name for name in chosen if name.endswith("as conv (one input channel)")]
    # Contiguous rows or more taps than the pairs variant takes; multipliers of 4 otherwise run it;
    # 1-3 output channels the few-channel kernel, the rest the general depthwise kernel.
    assert len(as_conv) == 3 and chosen.count("dsp pairs") == 2 and chosen.count("dsp few channels") == 3, chosen
    assert chosen.count("dsp") == len(chosen) - 8, chosen
    assert any(name.startswith("dsp rows") for name in chosen) and any(name.startswith("dsp general") for name in chosen)
    options = dataclasses.replace(bench_options, kernels=KernelSet.OPTIMIZED)
    results = run_on_device(model_bytes, layers.samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, "DEPTHWISE_CONV_2D int8 with one input channel (run as CONV_2D)")


def _tap_offset_layers(layers: LayerSet, rng: np.random.Generator, part: int) -> None:
    """The general dsp kernel's tap-offset paths (depthwise_conv2d_s8_dsp.c; layers of 1-3 output
    channels run the few-channel kernel, test_depthwise_few_s8.py): depth multiplier 1
    with every channel count mod 4 (tail groups of 1-3), multipliers 2-8 (blocks of 4, 2 and 1;
    packed 4-output requantization for multiples of 4), border pixels in both forms (padded: most
    taps inside; compact: filters much larger than the input, SAME, dilated), right shifts of 0
    (no packed table), two batches, and a filter over the 64 taps those paths take."""
    cases = (  # shape, kernel, stride, dilation, padding, multiplier
        ((1, 9, 11, 8), (5, 2), (1, 1), (1, 1), "SAME", 1),
        ((1, 7, 6, 13), (4, 4), (1, 2), (1, 1), "VALID", 1),
        ((1, 6, 5, 6), (2, 5), (2, 1), (1, 1), "SAME", 1),
        ((2, 5, 7, 7), (3, 4), (1, 1), (2, 1), "SAME", 1),
        ((1, 1, 4, 5), (4, 5), (1, 1), (1, 1), "SAME", 8),
        ((1, 9, 1, 3), (6, 5), (1, 1), (1, 1), "SAME", 4),
        ((1, 8, 9, 2), (3, 1), (2, 1), (1, 3), "SAME", 5),
        ((1, 6, 7, 4), (2, 3), (1, 2), (1, 1), "VALID", 3),
        ((1, 5, 8, 9), (2, 4), (2, 2), (1, 3), "SAME", 1),
        ((1, 7, 5, 2), (5, 3), (1, 1), (2, 2), "SAME", 2),
        ((1, 11, 10, 6), (9, 8), (1, 1), (1, 1), "SAME", 1),  # 72 taps: the bounds-checked paths
        ((1, 6, 6, 7), (3, 2), (1, 1), (1, 1), "SAME", 6),
    )
    for k, (shape, kernel, stride, dilation, padding, mult) in enumerate(cases):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[(k + part) % len(ACTIVATIONS)])
        taps = kernel[0] * kernel[1]
        # Part 1, even layers: one rescaling multiplier of about 0.7 (right shift 0): no packed table.
        shift0 = part == 1 and k % 2 == 0
        spread = 73.0 * 110.0 * np.sqrt(taps) / 64.0  # conv_quant's
        q = conv_quant(rng, taps, shape[3] * mult, per_channel=(k + part) % 2 == 0 and not shift0,
                       multiplier_log2=-float(np.log2(spread * 0.7)) if shift0 else None)
        if k % 3 == 1:
            q.in_zp = -128 if part == 0 else 127
        layers.conv(rng, w, 0, q, depthwise_multiplier=mult, bias=k % 4 != 3,
                    weight_bound=2 if part == 1 and k % 2 == 0 else 127)


@pytest.mark.parametrize("part", [0, 1])
def test_depthwise_conv2d_s8_tap_offset_paths(part: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2300 + part)
    layers = LayerSet()
    _tap_offset_layers(layers, rng, part)
    model_bytes = layers.spec_bytes()
    model = read_model(model_bytes)
    chosen = [choose_variant(model, op, KernelSet.OPTIMIZED).name for op in model.operators]
    # Multipliers of 4 with every right shift >= 1 run the pairs variant (below).
    assert set(chosen) <= {"dsp", "dsp pairs"} and chosen.count("dsp") >= len(chosen) - 2, chosen
    options = dataclasses.replace(bench_options, kernels=KernelSet.OPTIMIZED)
    results = run_on_device(model_bytes, layers.samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 tap-offset paths part {part}")


def _pairs_layers(layers: LayerSet, rng: np.random.Generator, part: int) -> None:
    """The pairs variant (depthwise_conv2d_mult_s8_dsp.c): multipliers 4, 8 and 12 over 1-8 input
    channels, odd and even tap counts (a zero-weighted last pair), up to the 64 taps it takes,
    SAME on small inputs (border pixels whose first inside tap is odd or even, rows above and
    below the input skipped), strides, dilations, VALID windows, two batches, zero points at the
    rails; then random layers."""
    cases = (  # shape, kernel, stride, dilation, padding, multiplier
        ((1, 12, 4, 4), (6, 4), (1, 2), (1, 1), "SAME", 4),
        ((1, 1, 3, 2), (4, 5), (1, 1), (1, 1), "SAME", 4),
        ((1, 9, 6, 1), (5, 3), (1, 2), (1, 1), "SAME", 8),
        ((2, 5, 7, 3), (3, 3), (2, 1), (1, 2), "SAME", 4),
        ((1, 6, 9, 5), (2, 5), (1, 1), (2, 1), "VALID", 8),
        ((1, 8, 8, 2), (8, 8), (1, 1), (1, 1), "SAME", 4),
        ((1, 3, 13, 8), (5, 3), (1, 1), (1, 1), "SAME", 8),
        ((1, 7, 5, 7), (1, 3), (2, 2), (1, 1), "SAME", 12),
    )
    for k, (shape, kernel, stride, dilation, padding, mult) in enumerate(cases):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[(k + part) % len(ACTIVATIONS)])
        q = conv_quant(rng, kernel[0] * kernel[1], shape[3] * mult, per_channel=(k + part) % 2 == 0)
        if k % 3 == 1:
            q.in_zp = -128 if part == 0 else 127
        layers.conv(rng, w, 0, q, depthwise_multiplier=mult, bias=k % 4 != 3)
    while len(layers.ops) < MAX_LAYERS:
        in_c = int(rng.integers(1, 9))
        w = Window((1, int(rng.integers(1, 12)), int(rng.integers(1, 12)), in_c),
                   (int(rng.integers(1, 8)), int(rng.integers(1, 6))),
                   (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
                   (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if rng.random() < 0.3 else (1, 1),
                   str(rng.choice(["SAME", "VALID"])), ACTIVATIONS[len(layers.ops) % len(ACTIVATIONS)])
        mult = int(rng.choice((4, 8)))
        if not w.fits() or in_c * mult * w.kernel[0] * w.kernel[1] > 4096:
            continue
        q = conv_quant(rng, w.kernel[0] * w.kernel[1], in_c * mult, per_channel=len(layers.ops) % 2 == 0)
        layers.conv(rng, w, 0, q, depthwise_multiplier=mult, bias=bool(rng.random() < 0.8))


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("part", [0, 1])
def test_depthwise_conv2d_s8_pairs_variant(part: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2400 + part)
    layers = LayerSet()
    _pairs_layers(layers, rng, part)
    model_bytes = layers.spec_bytes()
    model = read_model(model_bytes)
    chosen = [choose_variant(model, op, KernelSet.OPTIMIZED).name for op in model.operators]
    assert chosen.count("dsp pairs") >= len(chosen) - 2, chosen  # a random one may take another
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(model_bytes, layers.samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"DEPTHWISE_CONV_2D int8 pairs variant part {part} ({kernels} kernels)")
