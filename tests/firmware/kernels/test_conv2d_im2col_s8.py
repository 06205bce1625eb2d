"""CONV_2D int8 im2col copies (firmware/kernels/conv2d/conv2d_im2col_s8.h): filters dilated along
the width over every pixel-size class of the tap loop (16, 8 and 4 bytes, 1-3 bytes as words
while 4 bytes of taps remain, other sizes), with taps in the left, right, top and bottom padding,
and strides; few filters (4k+1..4k+3 and 1-3: the GEMM's blocked tail). Random shapes and quantization, both kernel sets, against host TFLM."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact
from support.window_layers import LayerSet, Window, conv_quant
from tflm_bench.session import BenchOptions, BenchSession

MAX_LAYERS = 12
DEPTHS = (16, 8, 4, 1, 2, 3, 5, 12, 20, 7, 24, 6)  # one per layer: every tap-copy class
FILTERS = (7, 3, 5, 1, 6, 2, 9, 7, 3, 11, 5, 2)


def _im2col_layers(seed: int) -> tuple[LayerSet, np.random.Generator]:
    rng = np.random.default_rng(9700 + seed)
    layers = LayerSet()
    # A first layer with large tensors frees arena space for the later layers' im2col rows.
    layers.conv(rng, Window((1, 24, 24, 8), (1, 1), padding="VALID"), 8, conv_quant(rng, 8, 8, per_channel=False))
    k = 0
    while len(layers.ops) < MAX_LAYERS:
        depth, out_c = DEPTHS[k % len(DEPTHS)], FILTERS[(k + seed) % len(FILTERS)]
        k += 1
        padding = ("SAME", "VALID")[k % 2]
        w = Window((1, int(rng.integers(3, 10)), int(rng.integers(6, 16)), depth),
                   (int(rng.integers(1, 4)), int(rng.integers(2, 6))),
                   (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
                   (int(rng.integers(1, 3)), int(rng.integers(2, 4))), padding, ("NONE", "RELU")[k % 2])
        if not w.fits():
            continue
        quant = conv_quant(rng, w.kernel[0] * w.kernel[1] * depth, out_c, per_channel=k % 2 == 1)
        quant.in_zp = (-128, 127, 3)[k % 3]
        layers.conv(rng, w, out_c, quant, bias=k % 4 != 1)
    return layers, rng


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
def test_conv2d_im2col_dilated_taps(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    layers, rng = _im2col_layers(1)
    path = tmp_path / "im2col.tflite"
    path.write_bytes(layers.spec_bytes())
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels=kernels)
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    samples = layers.samples(rng, 2) + [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]
    with BenchSession(path, options) as session:
        results = session.run_samples(samples)
        source = (session.build().build_dir / "generated" / "tb_model.c").read_text()
    assert_bit_exact(results, f"CONV_2D im2col dilated taps {kernels}")
    if kernels == "optimized":
        batched = re.findall(r"tb_conv2d_s8_dsp\(\s*\(int8_t \*\)&tb_arena\[\d+\],\s*(\d+),", source)
        assert len(batched) >= 8, f"only {len(batched)} of the dilated layers ran im2col"
