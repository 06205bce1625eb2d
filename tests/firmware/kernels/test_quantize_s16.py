"""QUANTIZE from and to int16 (int16 -> int8, int16 -> int32, int16 -> int16, int8 -> int16, and
int8 -> int8; TFLM's reference Requantize; the keyword models' first and last layers) on the
emulated device against TFLM, with the reference kernels and the optimized set's
(requantize_*_dsp.c, between int8 and int16): random scales (rescales above and below 1, so
left and right shifts), int16 zero points 0 and the -32768 SOFTMAX writes, full-range inputs."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops.quantize import DSP_PAIRS
from tflm_bench.generator.ops.registry import choose_variant

SHAPES = [(1, 96), (1, 2), (3, 5), (2, 2, 7), (1, 37)]


PAIRS = [("int16", "int8"), ("int16", "int32"), ("int16", "int16"), ("int8", "int16"), ("int8", "int8"),
         ("int16", "int8"), ("int16", "int16"), ("int8", "int16")]


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_quantize_from_int16_matches_tflm(kernels: str, tmp_path: Path,
                                          bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(23)
    b = LayerModel()
    layers = [("int16", "int8", 0.000625, 0, 0.059208333, -128),  # keyword_scrambled's input QUANTIZE
              ("int16", "int32", 1.5259022e-05, -32768, 3.051851e-05, 0)]  # and its output QUANTIZE
    for in_dtype, out_dtype in PAIRS:
        in_scale = float(2.0 ** rng.uniform(-16, -2))
        spread = {"int8": (-4, 9), "int32": (-6, 3), "int16": (-9, 4)}[out_dtype]
        out_scale = float(in_scale * 2.0 ** rng.uniform(*spread))
        info = np.iinfo(in_dtype)
        in_zp = int(rng.choice([0, int(info.min), int(rng.integers(info.min, info.max + 1))]))
        out_zp = {"int8": int(rng.integers(-128, 128)), "int32": int(rng.integers(-1000, 1000)),
                  "int16": int(rng.choice([0, int(rng.integers(-32768, 32768))]))}[out_dtype]
        layers.append((in_dtype, out_dtype, in_scale, in_zp, out_scale, out_zp))
    for k, (in_dtype, out_dtype, in_scale, in_zp, out_scale, out_zp) in enumerate(layers):
        shape = SHAPES[k % len(SHAPES)]
        x = b.input("x", shape, in_dtype, in_scale, in_zp)
        y = b.output("y", shape, out_dtype, out_scale, out_zp)
        b.op("QUANTIZE", [x], [y])
    model = build_tflite(b.spec())
    m = read_model(model)
    for op in m.operators:
        pair = (m.tensors[op.inputs[0]].dtype, m.tensors[op.outputs[0]].dtype)
        expected = "dsp" if kernels == KernelSet.OPTIMIZED and pair in DSP_PAIRS else "reference"
        assert choose_variant(m, op, kernels).name == expected, f"operator {op.index} {pair}"
    results = run_on_device(model, b.random_samples(rng, 4), tmp_path, dataclasses.replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"QUANTIZE from and to int16 ({kernels} kernels)")
