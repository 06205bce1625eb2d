"""The pixel-pair im2col CONV_2D (tb_conv2d_pairs_s8_dsp: two receptive fields widened to int16,
the hand-written 4-filter x 2-pixel GEMM, the last 1-3 filters in C) against TFLM: depths 1-64
(whole quads widened while copied, others copied then widened), 8-33 filters (full groups and
1-3 left over), random kernels, strides, dilations, SAME/VALID (padding taps), contiguous fields
(one row high), odd pixel counts (a lone last pixel), two batches, zero points at the rails, a
rescaling outside the packed fast path, and int8 extremes."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact
from support.window_layers import LayerSet, Window, conv_quant
from tflm_bench.session import BenchOptions, BenchSession

LAYERS = 13


def _samples(layers: LayerSet, rng: np.random.Generator) -> list[list[np.ndarray]]:
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 2)
    samples += [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]
    return samples


@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_pairs_bit_exact(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(9500 + seed)
    layers = LayerSet()
    # A first layer with large tensors: the arena room the later layers' pair rows fit in.
    layers.conv(rng, Window((1, 32, 32, 8), (1, 1), padding="VALID"), 8, conv_quant(rng, 8, 8, per_channel=False))
    depths = [4, 17, 8, 3, 12, 16, 5, 24, 32, 7, 48, 64, 33]
    filters = [8, 9, 10, 11, 12, 16, 17, 19, 24, 32, 33]
    pairs = 0
    while len(layers.ops) < LAYERS:
        k = len(layers.ops)
        in_c = depths[(k + seed) % len(depths)]
        out_c = filters[(3 * k + seed) % len(filters)]
        kernel = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        if kernel == (1, 1):
            kernel = (2, 3)
        stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        dilation = (1, 1) if k % 3 else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        contiguous = k % 4 == 3  # one row high, VALID: fields contiguous in the input
        if contiguous:
            kernel, dilation, out_c = (1, kernel[1]), (1, 1), max(out_c, 12)
        if in_c % 4:  # depths off whole quads: undilated 32-byte rows, enough filters (conv2d.pairs_apply)
            kernel, dilation, out_c = (kernel[0], max(kernel[1], -(-32 // in_c))), (dilation[0], 1), max(out_c, 16)
        batches = 2 if k % 5 == 4 else 1
        shape = (batches, int(rng.integers(3, 12)), int(rng.integers(kernel[1], kernel[1] + 9)), in_c)
        padding = "VALID" if contiguous else ("SAME", "VALID")[k % 2]
        w = Window(shape, kernel, stride, dilation, padding, ("NONE", "RELU", "RELU6")[k % 3])
        if not w.fits() or shape[1] * shape[2] * in_c > 3000:
            continue
        taps = kernel[0] * kernel[1] * in_c
        # k == 6: a multiplier above 1 (shift >= 0): the groups run in C, not the packed asm.
        quant = conv_quant(rng, taps, out_c, per_channel=k % 2 == 0, multiplier_log2=-7.5 if k == 6 else None)
        if k % 4 == 0:
            quant.in_zp, quant.out_zp = -128, 127
        elif k % 4 == 1:
            quant.in_zp, quant.out_zp = 127, -128
        layers.conv(rng, w, out_c, quant, bias=k % 5 != 2, weight_bound=2 if k == 6 else 127)
        pairs += 1
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels="optimized")
    with _session(tmp_path, layers, options) as session:
        results = session.run_samples(_samples(layers, rng))
        source = (session.build().build_dir / "generated" / "tb_model.c").read_text()
    assert_bit_exact(results, f"CONV_2D pixel pairs seed {seed}")
    ran = len(re.findall(r"tb_conv2d_pairs_s8_dsp\(", source))
    # Deep layers with many padded taps run the direct form instead (conv2d.IM2COL_PAIRS_MAX_PADDED).
    assert ran >= pairs - 3, f"only {ran} of {pairs} layers ran pixel pairs"


def _session(tmp_path: Path, layers: LayerSet, options: BenchOptions) -> BenchSession:
    path = tmp_path / "pairs.tflite"
    path.write_bytes(layers.spec_bytes())
    return BenchSession(path, options)
