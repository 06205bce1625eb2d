"""CONV_2D and FULLY_CONNECTED int8 with few filters (tb_dsp_gemm_few: the last 1-3 channels of
the GEMM blocked over rows, two lanes x two rows and one lane x four rows, with every remainder of
rows and of the reduction length), deep whole-quad depths that take im2col when the filter count
is not whole groups of 4 or little of the field is padding (the 4-quad GEMM loop entered at each
of its four points), one-column dilated filters (im2col's one-copy rows) and 1-3 channel
filters dilated along the width (im2col's taps copied as words); both kernel sets,
against host TFLM."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from support.window_layers import LayerSet, Window, conv_quant
from tflm_bench.session import BenchOptions, BenchSession

MAX_LAYERS = 12
FEW = (1, 2, 3, 5, 6, 7, 9, 10, 11)


def _samples(layers: LayerSet, rng: np.random.Generator) -> list[list[np.ndarray]]:
    shapes = [layers.tensors[i].shape for i in layers.inputs]
    return layers.samples(rng, 2) + [[np.full(s, v, np.int8) for s in shapes] for v in (-128, 127)]


def _few_filter_layers(seed: int) -> tuple[LayerSet, np.random.Generator]:
    rng = np.random.default_rng(9500 + seed)
    layers = LayerSet()
    # A first layer with large tensors frees arena space for the later layers' im2col rows.
    layers.conv(rng, Window((1, 24, 24, 8), (1, 1), padding="VALID"), 8, conv_quant(rng, 8, 8, per_channel=False))
    while len(layers.ops) < MAX_LAYERS:
        k = len(layers.ops)
        out_c = int(FEW[(k * 5 + seed) % len(FEW)])
        kind = k % 4
        if kind == 0:  # deep whole quads (36..64, 9..16 quads: every loop entry), mostly inside
            depth = 4 * int(rng.integers(9, 17))
            w = Window((1, int(rng.integers(3, 7)), int(rng.integers(3, 7)), depth),
                       (int(rng.integers(1, 4)), int(rng.integers(1, 3))), (1, 1 + k % 2), padding="VALID")
        elif kind == 1 and k % 8 == 5:  # 1-3 channels, dilated along the width, SAME (taps as words)
            w = Window((1, int(rng.integers(4, 12)), int(rng.integers(5, 14)), int(rng.integers(1, 4))),
                       (int(rng.integers(1, 4)), int(rng.integers(2, 5))), (1, 1 + k % 2),
                       (int(rng.integers(1, 3)), int(rng.integers(2, 4))), "SAME")
        elif kind == 1:  # a one-column filter, dilated both ways, SAME
            w = Window((1, int(rng.integers(6, 14)), int(rng.integers(3, 10)), int(rng.integers(1, 9))),
                       (int(rng.integers(2, 6)), 1), (1 + k % 2, 2), (int(rng.integers(2, 4)), 3), "SAME",
                       "RELU")
        elif kind == 2:  # contiguous fields (one row high): rows with no copy, length off quads
            w = Window((1, int(rng.integers(1, 4)), int(rng.integers(5, 20)), int(rng.integers(1, 10))),
                       (1, int(rng.integers(1, 5))), (1, int(rng.integers(1, 3))), padding="VALID")
        else:  # im2col with padding, any depth
            w = Window((1, int(rng.integers(3, 9)), int(rng.integers(3, 9)), int(rng.integers(1, 20))),
                       (int(rng.integers(2, 5)), int(rng.integers(2, 4))), (1 + k % 2, 1), padding="SAME",
                       activation="RELU6")
        if not w.fits():
            continue
        taps = w.kernel[0] * w.kernel[1] * w.in_shape[3]
        quant = conv_quant(rng, taps, out_c, per_channel=k % 2 == 1)
        if k % 3 == 0:
            quant.in_zp, quant.out_zp = -128, 127
        elif k % 3 == 1:
            quant.in_zp, quant.out_zp = 127, -128
        layers.conv(rng, w, out_c, quant, bias=k % 5 != 2)
    return layers, rng


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("seed", [1, 2])
def test_conv2d_few_filters(kernels: str, seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    layers, rng = _few_filter_layers(seed)
    path = tmp_path / "few_filters.tflite"
    path.write_bytes(layers.spec_bytes())
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels=kernels)
    with BenchSession(path, options) as session:
        results = session.run_samples(_samples(layers, rng))
        source = (session.build().build_dir / "generated" / "tb_model.c").read_text()
    assert_bit_exact(results, f"CONV_2D few filters {kernels} seed {seed}")
    if kernels == "optimized":
        batched = re.findall(r"tb_conv2d_s8_dsp\(\s*\(int8_t \*\)&tb_arena\[\d+\],\s*(\d+),", source)
        assert sum(1 for rows in batched if int(rows) >= 4) >= 3, "few im2col layers got 4 rows or more"
        assert "tb_conv2d_rows_s8_dsp(" in source


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
def test_fully_connected_few_units(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """1-3 units past whole groups of 4 (1, 2, 3, 6, 7, 9 units), 1-6 batches (every remainder of
    the row blocks), depths on and off whole quads."""
    rng = np.random.default_rng(9600)
    tensors: list[TensorSpec] = []
    ops: list[OpSpec] = []
    inputs, outputs = [], []
    cases = ((256, 2, 1), (100, 2, 3), (13, 1, 5), (7, 3, 6), (64, 1, 4), (33, 6, 2), (40, 7, 1), (9, 9, 5),
             (2, 3, 2), (512, 10, 1))
    for k, (depth, units, batches) in enumerate(cases):
        in_zp, out_zp = ((-128, 127), (127, -128), (0, 0), (-5, 3))[k % 4]
        per_channel = k % 2 == 1
        scales = [float(2.0 ** rng.uniform(-10, -6)) for _ in range(units if per_channel else 1)]
        base = len(tensors)
        tensors += [
            TensorSpec(f"in{k}", (batches, depth), "int8", [0.05], [in_zp]),
            TensorSpec(f"w{k}", (units, depth), "int8", scales, [0] * len(scales),
                       rng.integers(-127, 128, (units, depth)).astype(np.int8)),
            TensorSpec(f"b{k}", (units,), "int32", [0.05 * s for s in scales], [0] * len(scales),
                       rng.integers(-30000, 30000, units).astype(np.int32)),
            TensorSpec(f"out{k}", (batches, units), "int8", [float(2.0 ** rng.uniform(-9, -3))], [out_zp]),
        ]
        ops.append(OpSpec("FULLY_CONNECTED", [base, base + 1, base + 2], [base + 3],
                          activation=("NONE", "RELU", "RELU6", "RELU_N1_TO_1")[k % 4]))
        inputs.append(base)
        outputs.append(base + 3)
    samples = [[rng.integers(-128, 128, tensors[i].shape).astype(np.int8) for i in inputs] for _ in range(2)]
    samples += [[np.full(tensors[i].shape, v, np.int8) for i in inputs] for v in (-128, 127)]
    results = run_on_device(build_tflite(ModelSpec(tensors, ops, inputs, outputs)), samples, tmp_path,
                            replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"FULLY_CONNECTED few units {kernels}")
