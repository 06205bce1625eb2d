"""SOFTMAX with int16 outputs on the emulated device against TFLM: int8 -> int16 (TFLM's
gemmlowp path with a 16-bit final shift; output zero point -32768, scale 1/65536) and int16 ->
int16 (TFLM's exp and 1/(1+x) tables, which the generator makes at build time: any entry made
differently shows up as a differing output). Seeded random shapes, depths, betas and input
scales; rows with ties, one dominant value, and the full int16 range."""
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

S8_CASES = [
    # (shape, beta, input scale, input zero point)
    ((1, 2), 1.0, 0.06996273, 2),  # keyword_scrambled's last layer
    ((3, 7), 1.0, 0.0625, 127),
    ((2, 2, 5), 0.5, 0.3, 5),
    ((1, 1), 1.0, 0.05, 0),
    ((4, 33), 2.0, 0.02, -20),
    ((1, 12), 0.05, 0.2, -1),
    ((5, 3), 1.0, 8.0, -128),
]
S16_CASES = [
    # (shape, beta, input scale)
    ((1, 10), 1.0, 1.0 / 32768.0),
    ((3, 7), 1.0, 0.001),
    ((2, 2, 5), 0.5, 0.0003),
    ((1, 1), 1.0, 0.01),
    ((4, 33), 2.0, 0.0002),
    ((2, 3, 2, 13), 1.0, 10.0 / 32768.0),
    ((1, 40), 0.3, 0.0005),
    ((6,), 1.0, 2.0**-12),
]


def _random_cases(rng: np.random.Generator, count: int) -> list[tuple[tuple[int, ...], float, float]]:
    cases = []
    for _ in range(count):
        shape = tuple(int(d) for d in rng.integers(1, 5, int(rng.integers(1, 3)))) + (int(rng.integers(1, 70)),)
        cases.append((shape, float(rng.choice([0.25, 0.5, 1.0, 1.5])), float(2.0 ** rng.uniform(-16, -6))))
    return cases


# At most 10 layers per model: the firmware describes every input and output in one reply.
def _s8_model() -> LayerModel:
    b = LayerModel()
    cases = S8_CASES + [(shape, beta, scale * 2000.0, zp) for (shape, beta, scale), zp
                        in zip(_random_cases(np.random.default_rng(4), 3), (-128, 0, 90))]
    for shape, beta, scale, zp in cases:
        x = b.input("x8", shape, "int8", scale, zp)
        y = b.output("y16", shape, "int16", 1.0 / 65536.0, -32768)
        b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": beta}))
    return b


def _s16_model() -> LayerModel:
    b = LayerModel()
    for shape, beta, scale in S16_CASES + _random_cases(np.random.default_rng(5), 2):
        x = b.input("x16", shape, "int16", scale, 0)
        y = b.output("y16", shape, "int16", 1.0 / 32768.0, 0)
        b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": beta}))
    return b


def _samples(b: LayerModel, seed: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    samples = b.random_samples(rng, 4)
    # Narrow ranges too (differences that reach the exp table's fine end), ties and spikes.
    samples.append([rng.integers(-300, 300, b.tensors[i].shape).clip(*_limits(b, i)).astype(b.tensors[i].dtype)
                    for i in b.inputs])
    samples.append([np.full(b.tensors[i].shape, 17, b.tensors[i].dtype) for i in b.inputs])
    spiky = []
    for i in b.inputs:
        low, high = _limits(b, i)
        values = np.full(b.tensors[i].shape, low, b.tensors[i].dtype)
        values.reshape(-1)[:: max(1, b.tensors[i].shape[-1] - 1)] = high
        spiky.append(values)
    samples.append(spiky)
    return samples


def _limits(b: LayerModel, index: int) -> tuple[int, int]:
    info = np.iinfo(b.tensors[index].dtype)
    return int(info.min), int(info.max)


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_softmax_int8_to_int16_matches_tflm(kernels: str, tmp_path: Path,
                                           bench_options) -> None:  # type: ignore[no-untyped-def]
    """The reference kernel (tb_softmax_s8_s16) and the optimized set's tables (tb_softmax_s8_s16_lut)."""
    b = _s8_model()
    model = build_tflite(b.spec())
    m = read_model(model)
    assert {choose_variant(m, op, kernels).name for op in m.operators} == (
        {"lut"} if kernels == KernelSet.OPTIMIZED else {"reference"})
    results = run_on_device(model, _samples(b, 17), tmp_path, dataclasses.replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"SOFTMAX int8 -> int16 ({kernels} kernels)")


def test_softmax_int16_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = _s16_model()
    results = run_on_device(build_tflite(b.spec()), _samples(b, 18), tmp_path, bench_options)
    assert_bit_exact(results, "SOFTMAX int16 -> int16 (TFLM's tables)")
