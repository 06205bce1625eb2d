"""SVDF on the emulated device against TFLM: int8 with int16 state (TFLM's keyword models), int8
with int8 state (non-zero state zero points), and float32 (each fused activation). Seeded random batches, ranks, memory sizes and quantization parameters.

Every model runs several samples in a row (int8: more than any memory size, so the optimized
kernels' rings wrap) on one booted device and one host TFLM: the state is
a variable tensor both keep from one inference to the next (starting from the zero point for an
int8 state, from 0 otherwise), so any difference in how the state shifts, is written or starts
shows up from the second sample on.

float32: the kernel adds in TFLM's reference order and the firmware is ISO C11 (no fused
multiply-add), so results are expected to be identical; MAX_ULP = 4 as in test_float_conv_pool.py.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops.registry import choose_variant

MAX_ULP = 4
SAMPLES = 6
INT8_SAMPLES = 40
F32 = np.float32


@dataclass(frozen=True)
class Case:
    batches: int
    input_size: int
    units: int
    rank: int
    memory: int


CASES = [Case(1, 96, 64, 1, 8), Case(1, 16, 32, 1, 32), Case(2, 10, 4, 2, 5), Case(1, 7, 3, 3, 1),
         Case(3, 5, 6, 1, 4)]


def _random_case(rng: np.random.Generator) -> Case:
    return Case(int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 20)), int(rng.integers(1, 4)),
                int(rng.integers(1, 12)))


def _int8_svdf(b: LayerModel, rng: np.random.Generator, case: Case, state_dtype: str,
               extreme: tuple[float, float] | None = None) -> None:
    """One int8 SVDF layer. `extreme` (a, b): full-range int32 biases (the sums wrap), and the
    feature and output rescalings set to 2^a and 2^b (above 1: TFLM's left shifts; far below:
    large right shifts; either way much saturation)."""
    filters = case.units * case.rank
    info = np.iinfo(state_dtype)
    in_scale, in_zp = float(2.0 ** rng.uniform(-8, -2)), int(rng.integers(-128, 128))
    wf_scale, wt_scale = float(2.0 ** rng.uniform(-9, -5)), float(2.0 ** rng.uniform(-12, -6))
    # The state's scale puts typical feature dot products at about a quarter of its type's range.
    state_scale = float(F32(in_scale * wf_scale * np.sqrt(case.input_size) * 5461.0 / (info.max / 4)))
    if extreme:
        state_scale = float(F32(in_scale * wf_scale / 2.0 ** extreme[0]))
    state_zp = 0 if state_dtype == "int16" else int(rng.integers(-60, 60))
    bias_scale = float(F32(F32(state_scale) * F32(wt_scale)))  # TFLM: within 1e-5 of this product
    typical = np.sqrt(case.rank * case.memory) * (info.max / np.sqrt(3.0)) * (info.max / 4.0)
    out_scale = float(bias_scale * typical / 40.0)
    if extreme:
        out_scale = float(bias_scale / 2.0 ** extreme[1])
    x = b.input("x", (case.batches, case.input_size), "int8", in_scale, in_zp)
    wf = b.tensor("wf", (filters, case.input_size), "int8", wf_scale, 0,
                  rng.integers(-127, 128, (filters, case.input_size)).astype(np.int8))
    wt = b.tensor("wt", (filters, case.memory), state_dtype, wt_scale, 0,
                  rng.integers(-info.max, info.max + 1, (filters, case.memory)).astype(state_dtype))
    limit = 2**31 - 1 if extreme else int(typical)
    bias = b.tensor("b", (case.units,), "int32", bias_scale, 0,
                    rng.integers(-limit, limit + 1, case.units).astype(np.int32))
    state = b.tensor("s", (case.batches, filters * case.memory), state_dtype, state_scale, state_zp, variable=True)
    y = b.output("y", (case.batches, case.units), "int8", out_scale, int(rng.integers(-20, 20)))
    b.op("SVDF", [x, wf, wt, bias, state], [y], ("SVDFOptions", {"rank": case.rank}))


def _float_svdf(b: LayerModel, rng: np.random.Generator, case: Case, activation: str) -> None:
    filters = case.units * case.rank
    x = b.input("x", (case.batches, case.input_size), "float32")
    wf = b.tensor("wf", (filters, case.input_size), "float32",
                  data=rng.normal(0.0, 0.3, (filters, case.input_size)).astype(np.float32))
    wt = b.tensor("wt", (filters, case.memory), "float32",
                  data=rng.normal(0.0, 0.3, (filters, case.memory)).astype(np.float32))
    bias = b.tensor("b", (case.units,), "float32", data=rng.normal(0.0, 1.0, case.units).astype(np.float32))
    state = b.tensor("s", (case.batches, filters * case.memory), "float32", variable=True)
    y = b.output("y", (case.batches, case.units), "float32")
    b.op("SVDF", [x, wf, wt, bias, state], [y],
         ("SVDFOptions", {"rank": case.rank, "fusedActivationFunction": activation}))


# (kernel set, weight layouts, the variant every SVDF runs): the optimized set runs the ring
# kernels, and with --optimize size (int8 weights) the shifting ones.
INT8_RUNS = [("reference", "speed", "reference"), ("optimized", "speed", "dsp ring"), ("optimized", "size", "dsp")]


@pytest.mark.parametrize(("kernels", "optimize", "variant"), INT8_RUNS, ids=[r[2] for r in INT8_RUNS])
def test_svdf_int8_matches_tflm(kernels: str, optimize: str, variant: str, tmp_path: Path,
                                bench_options) -> None:  # type: ignore[no-untyped-def]
    """The reference kernels, the optimized ring kernels (tb_svdf_s8_s16_ring_dsp,
    tb_svdf_s8_ring_dsp) and the shifting ones (tb_svdf_s8_s16_dsp, tb_svdf_s8_dsp), over
    INT8_SAMPLES inferences in a row: more than every memory size, so each ring wraps."""
    rng = np.random.default_rng(31)
    b = LayerModel()
    for case in CASES + [_random_case(rng) for _ in range(2)]:
        _int8_svdf(b, rng, case, "int16")
    for case, scales in zip([Case(1, 33, 9, 1, 6), Case(2, 4, 5, 2, 3), Case(1, 1, 1, 1, 1), _random_case(rng)],
                            [(1.3, 2.2), (0.0, -28.6), (-5.5, 0.0), (-0.6, -1.0)]):
        _int8_svdf(b, rng, case, "int16", scales)
    for case in [Case(1, 12, 5, 1, 8), Case(2, 9, 3, 2, 3)] + [_random_case(rng)]:
        _int8_svdf(b, rng, case, "int8")
    for case, scales in zip([Case(1, 21, 7, 1, 9), Case(3, 6, 4, 3, 2), _random_case(rng)],
                            [(0.4, 1.7), (-3.2, -27.3), (-9.0, -0.2)]):
        _int8_svdf(b, rng, case, "int8", scales)
    model = build_tflite(b.spec())
    m = read_model(model)
    kept_int8 = frozenset(op.index for op in m.operators) if optimize == "size" else frozenset()
    assert {choose_variant(m, op, kernels, kept_int8).name for op in m.operators} == {variant}
    results = run_on_device(model, b.random_samples(rng, INT8_SAMPLES), tmp_path,
                            dataclasses.replace(bench_options, kernels=kernels, optimize=optimize))
    assert_bit_exact(results, f"int8 SVDF ({kernels} kernels, --optimize {optimize})")


def test_svdf_float32_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(32)
    b = LayerModel()
    layers = [(CASES[1], "NONE"), (CASES[2], "RELU"), (CASES[3], "RELU6"), (CASES[4], "RELU_N1_TO_1"),
              (_random_case(rng), "NONE"), (_random_case(rng), "RELU")]
    for case, activation in layers:
        _float_svdf(b, rng, case, activation)
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, SAMPLES), tmp_path, bench_options)
    worst = max((o.vs_tflm.max_diff, r.index, o.index) for r in results for o in r.outputs)
    assert worst[0] <= MAX_ULP, f"float32 SVDF: sample {worst[1]} output {worst[2]} differs from TFLM by {worst[0]} ULP"
