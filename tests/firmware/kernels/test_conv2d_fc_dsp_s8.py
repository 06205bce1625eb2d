"""The optimized (DSP) CONV_2D and FULLY_CONNECTED kernels against TFLM on shapes that stress
their fast paths: channel counts 1-17 (not multiples of 4: partial quads and channel groups),
odd widths, 1x1 with stride, im2col (depth not a multiple of 4) and direct (padding corrections)
forms, zero points at both rails, rescaling outside the SMMULR fast path, and int8 extremes."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from tflm_bench.session import BenchOptions, BenchSession
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from support.window_layers import LayerSet, Window, conv_quant

MAX_LAYERS = 14


def _extreme_samples(layers: LayerSet, rng: np.random.Generator) -> list[list[np.ndarray]]:
    """Random samples plus all -128 and all 127 (largest accumulators)."""
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 2)
    samples.append([np.full(s, -128, np.int8) for s in shapes])
    samples.append([np.full(s, 127, np.int8) for s in shapes])
    return samples


@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_dsp_stress_shapes(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7000 + seed)
    layers = LayerSet()
    channels = list(range(1, 18))
    rng.shuffle(channels)
    while len(layers.ops) < MAX_LAYERS - 1:
        k = len(layers.ops)
        in_c, out_c = channels[k % 17], channels[(k * 7 + seed) % 17]
        kind = k % 4
        if kind == 0:  # 1x1 GEMM, odd width, stride 1 or 2
            w = Window((1, int(rng.integers(1, 5)), int(rng.choice([1, 3, 5, 7])), in_c), (1, 1),
                       (1 + k % 2, 1 + k % 2))
        elif kind == 1:  # im2col or direct with SAME padding, stride 2
            w = Window((1, 5, int(rng.choice([3, 5, 7])), in_c), (3, 3), (2, 2), padding="SAME", activation="RELU")
        elif kind == 2:  # direct form when the depth is a multiple of 4
            w = Window((1, 4, 5, 4 * (1 + k % 3)), (3, 2), padding="SAME", activation="RELU6")
        else:  # dilated VALID, odd kernel
            w = Window((1, 7, 7, in_c), (2, 3), (1, 1), (2, 2), "VALID")
        if not w.fits():
            continue
        taps = w.kernel[0] * w.kernel[1] * w.in_shape[3]
        quant = conv_quant(rng, taps, out_c, per_channel=k % 2 == 0)
        if k % 5 == 0:
            quant.in_zp, quant.out_zp = -128, 127
        elif k % 5 == 1:
            quant.in_zp, quant.out_zp = 127, -128
        layers.conv(rng, w, out_c, quant, bias=k % 3 != 0)
    # A rescaling multiplier above 0.5 (shift >= 0): the exact, not the SMMULR, rescaling.
    big = conv_quant(rng, 2, 5, True, -7.55)
    big.in_zp = 0
    layers.conv(rng, Window((1, 3, 3, 2), (1, 1)), 5, big, bias=False, weight_bound=1)
    results = run_on_device(layers.spec_bytes(), _extreme_samples(layers, rng), tmp_path,
                            replace(bench_options, kernels="optimized"))
    assert_bit_exact(results, f"CONV_2D optimized stress seed {seed}")


def test_fully_connected_dsp_stress_shapes(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(77)
    tensors: list[TensorSpec] = []
    ops: list[OpSpec] = []
    inputs, outputs = [], []
    cases = [(d, u) for d, u in zip((1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33), (17, 1, 5, 4, 3, 16, 9, 2, 12, 7, 13, 6))]
    for k, (depth, units) in enumerate(cases):
        batches = 1 + k % 3
        in_zp, out_zp = ((-128, 127), (127, -128), (0, 0), (-5, 3))[k % 4]
        per_channel = k % 2 == 1
        scales = [float(2.0 ** rng.uniform(-10, -6)) for _ in range(units if per_channel else 1)]
        base = len(tensors)
        tensors += [
            TensorSpec(f"in{k}", (batches, depth), "int8", [0.05], [in_zp]),
            TensorSpec(f"w{k}", (units, depth), "int8", scales, [0] * len(scales),
                       rng.choice([-128, -127, 127, *rng.integers(-127, 128, 4)], (units, depth)).astype(np.int8)),
            TensorSpec(f"b{k}", (units,), "int32", [0.05 * s for s in scales], [0] * len(scales),
                       rng.integers(-30000, 30000, units).astype(np.int32)),
            TensorSpec(f"out{k}", (batches, units), "int8", [float(2.0 ** rng.uniform(-9, -3))], [out_zp]),
        ]
        ops.append(OpSpec("FULLY_CONNECTED", [base, base + 1, base + 2], [base + 3],
                          activation=("NONE", "RELU", "RELU6", "RELU_N1_TO_1")[k % 4]))
        inputs.append(base)
        outputs.append(base + 3)
    spec = ModelSpec(tensors, ops, inputs, outputs)
    samples = [[rng.integers(-128, 128, tensors[i].shape).astype(np.int8) for i in inputs] for _ in range(2)]
    samples += [[np.full(tensors[i].shape, v, np.int8) for i in inputs] for v in (-128, 127)]
    results = run_on_device(build_tflite(spec), samples, tmp_path, replace(bench_options, kernels="optimized"))
    assert_bit_exact(results, "FULLY_CONNECTED optimized stress")


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_low_channel_first_layers(kernels: str, seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """First convolutions over 1-3 input channels (the optimized int16 im2col kernel): random
    filter sizes, strides, dilations, SAME/VALID, odd and even pixel and filter counts,
    per-tensor and per-channel scales, zero points at the rails; both kernel sets."""
    rng = np.random.default_rng(9100 + seed)
    layers = LayerSet()
    while len(layers.ops) < MAX_LAYERS - 2:
        k = len(layers.ops)
        in_c = 1 + k % 3
        kernel = (int(rng.integers(1, 11)), int(rng.integers(1, 9)))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dilation = (2, 1) if k % 7 == 3 else (1, 1)
        shape = (1, int(rng.integers(kernel[0], 14)), int(rng.integers(kernel[1], 12)), in_c)
        w = Window(shape, kernel, stride, dilation, "SAME" if k % 2 == 0 else "VALID",
                   ("NONE", "RELU", "RELU6")[k % 3])
        if not w.fits():
            continue
        out_c = int(rng.choice([1, 2, 3, 5, 8, 9, 16]))
        quant = conv_quant(rng, kernel[0] * kernel[1] * in_c, out_c, per_channel=k % 2 == 1)
        if k % 4 == 0:
            quant.in_zp, quant.out_zp = -128, 127
        elif k % 4 == 1:
            quant.in_zp, quant.out_zp = 127, -128
        layers.conv(rng, w, out_c, quant, bias=k % 5 != 2)
    results = run_on_device(layers.spec_bytes(), _extreme_samples(layers, rng), tmp_path,
                            replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"CONV_2D 1-3 channels {kernels} seed {seed}")


@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_dsp_gemm_paths(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """The paths through the hand-written GEMM (tb_dsp_gemm_rows_s8): convolutions whose fields
    are contiguous runs of the input (filters as wide as the input, one row high, VALID, random
    strides: tb_conv2d_rows_s8_dsp) and im2col in batches of rows (depths off whole quads or up to
    32, SAME and VALID, fields padded to whole quads). A first layer with large tensors frees
    arena space the later layers' im2col rows fit in. Checks the generated code took those paths."""
    rng = np.random.default_rng(9300 + seed)
    layers = LayerSet()
    big = conv_quant(rng, 8, 8, per_channel=False)
    layers.conv(rng, Window((1, 24, 24, 8), (1, 1), padding="VALID"), 8, big)
    out_cs = [1, 3, 4, 5, 8, 12, 17]
    for k in range(1, MAX_LAYERS):
        in_c = int(rng.integers(1, 10))
        out_c = out_cs[(k + seed) % len(out_cs)]
        kind = k % 3
        if kind == 0:  # as wide as the input: one pixel per output row
            width = int(rng.integers(1, 5))
            w = Window((1, int(rng.integers(6, 20)), width, in_c), (int(rng.integers(1, 6)), width),
                       (int(rng.integers(1, 4)), 1), padding="VALID", activation=("NONE", "RELU")[k % 2])
        elif kind == 1:  # one row high: a 1-D signal along the width
            w = Window((1, int(rng.integers(1, 4)), int(rng.integers(6, 24)), in_c), (1, int(rng.integers(2, 6))),
                       (int(rng.integers(1, 3)), int(rng.integers(1, 4))), padding="VALID",
                       activation=("RELU6", "NONE")[k % 2])
        else:  # im2col: any small depth, both paddings
            w = Window((1, int(rng.integers(3, 9)), int(rng.integers(3, 9)), in_c), (3, int(rng.integers(2, 4))),
                       (1 + k % 2, 1), padding=("SAME", "VALID")[k % 2])
        if not w.fits():
            continue
        taps = w.kernel[0] * w.kernel[1] * in_c
        quant = conv_quant(rng, taps, out_c, per_channel=k % 2 == 1)
        if k % 4 == 0:
            quant.in_zp, quant.out_zp = -128, 127
        layers.conv(rng, w, out_c, quant, bias=k % 5 != 2)
    path = tmp_path / "gemm_paths.tflite"
    path.write_bytes(layers.spec_bytes())
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels="optimized")
    with BenchSession(path, options) as session:
        results = session.run_samples(_extreme_samples(layers, rng))
        source = (session.build().build_dir / "generated" / "tb_model.c").read_text()
    assert_bit_exact(results, f"CONV_2D GEMM paths seed {seed}")
    assert "tb_conv2d_rows_s8_dsp(" in source
    batched = re.findall(r"tb_conv2d_s8_dsp\(\s*\(int8_t \*\)&tb_arena\[\d+\],\s*(\d+),", source)
    assert any(int(rows) > 1 for rows in batched), "no im2col layer got more than one row"
