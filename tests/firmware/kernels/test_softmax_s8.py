"""int8 SOFTMAX on the emulated device against TFLM: random (seeded) shapes and depths (1,
odd, not multiples of 4), betas and input scales from tiny to large, zero points at -128 and
127. TFLM's int8 path here is gemmlowp fixed point (no lookup table)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops.registry import choose_variant

CASES = [
    # (shape, beta, input scale, input zero point)
    ((1, 10), 1.0, 0.1, -128),
    ((3, 7), 1.0, 0.0625, 127),
    ((2, 2, 5), 0.5, 0.3, 5),
    ((1, 1), 1.0, 0.05, 0),
    ((4, 33), 2.0, 0.02, -20),
    ((2, 3, 2, 13), 1.0, 1.5, 40),
    ((1, 12), 0.05, 0.2, -1),
    ((5, 3), 1.0, 8.0, 0),
    ((1, 40), 1.0, 2.0**-8, -128),
    ((6,), 1.0, 0.7, 100),
    ((2, 256), 1.0, 0.03, 0),  # a permutation of all 256 values per row: every difference
    ((1, 256), 3.0, 0.5, -128),  # most differences below diff_min
]


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_softmax_matches_tflm(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """The reference kernel, and the optimized set's table kernel (tb_softmax_s8_lut)."""
    b = LayerModel()
    for shape, beta, scale, zp in CASES:
        x = b.input("x", shape, "int8", scale, zp)
        y = b.output("y", shape, "int8", 1.0 / 256.0, -128)
        b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": beta}))
    rng = np.random.default_rng(11)
    samples = b.random_samples(rng, 4)
    for sample in samples[:2]:
        for k, i in enumerate(b.inputs):
            if b.tensors[i].shape[-1] == 256:
                sample[k] = np.stack([rng.permutation(np.arange(-128, 128)) for _ in range(b.tensors[i].shape[0])]).astype(np.int8)
    # Rows with ties and with one dominant value, too.
    samples.append([np.full(b.tensors[i].shape, 17, np.int8) for i in b.inputs])
    spiky = []
    for i in b.inputs:
        values = np.full(b.tensors[i].shape, -128, np.int8)
        values.reshape(-1)[:: max(1, b.tensors[i].shape[-1] - 1)] = 127
        spiky.append(values)
    samples.append(spiky)
    model = build_tflite(b.spec())
    variants = {choose_variant(read_model(model), op, kernels).name for op in read_model(model).operators}
    assert variants == ({"lut"} if kernels == KernelSet.OPTIMIZED else {"reference"})
    results = run_on_device(model, samples, tmp_path, dataclasses.replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"int8 SOFTMAX ({kernels} kernels)")
