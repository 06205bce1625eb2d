"""The operators and types added for parity with TFLM, on the emulated device against host TFLM,
all in one firmware: CEIL, ROUND, ELU (float32 and int8), LEAKY_RELU float32, DEQUANTIZE
uint8 -> float32, REDUCE_ALL (bool) and LOG_SOFTMAX int8.

- CEIL, ROUND (TFLM's RoundToNearest, halves to even), LEAKY_RELU, DEQUANTIZE: 0 ULP (one IEEE
  operation each or none). The edge values include halves, -0, NaN's neighbours in size and
  values beyond 2^23 where every float is an integer.
- ELU float32: within FLOAT_TOLERANCE_ULP (the device's newlib expm1f against the host's glibc).
- ELU int8: bit-exact, all 256 input values over several quantizations (TFLM's table, which the
  generator computes with the host's expf).
- REDUCE_ALL: bit-exact over random shapes, axes and keep_dims, on random and all-true inputs.
- LOG_SOFTMAX int8: bit-exact over rows of 1 to 300 values and input scales from 2^-8 to 2
  (differences beyond diff_min, a single-element row, rows of one repeated value).

CEIL, ROUND and ELU are unknown to TFLite's reference interpreter: TFLM is the only oracle here
as in every device test (run_on_device compares with TFLM alone).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.compare import FLOAT_TOLERANCE_ULP

ALL_INT8 = np.arange(-128, 128, dtype=np.int8)
FLOAT_EDGES = (0.5, -0.5, 1.5, 2.5, -2.5, -3.5, 0.49999997, -0.0, 0.0, 8388607.5, 8388609.0, -1e30, 3e38,
               1e-40, -1e-40, np.inf, -np.inf)
# ELU int8: (input scale, input zero point, output scale, output zero point)
ELU_QUANT = ((0.05, 0, 0.04, 60), (0.1, -128, 0.1, -128), (0.02, 127, 0.5, 5), (0.2, 10, 0.01, -120))
LEAKY_ALPHAS = (0.2, 1.7, -0.3)
DEQUANT = ((0.05, 0), (0.0031, 128), (2.5, 255))
SHAPES = ((4, 9), (2, 3, 5), (37,))
# LOG_SOFTMAX int8: (shape, input scale, input zero point); the output is TFLM's 16/256, 127.
LOG_SOFTMAX = (((3, 10), 0.1, 0), ((2, 2, 7), 2.0**-8, -5), ((1, 1), 0.05, 3), ((4, 300), 0.5, 100),
               ((5, 16), 2.0, -128), ((2, 64), 0.0123, 17))


def _model(rng: np.random.Generator) -> tuple[LayerModel, dict[int, float]]:
    """The model and each output's allowed difference (ULP for float32, 0 for integers)."""
    b = LayerModel()
    tolerance: dict[int, float] = {}

    def out(*args, tol: float = 0, **kwargs) -> int:  # type: ignore[no-untyped-def]
        tolerance[len(b.outputs)] = tol
        return b.output(*args, **kwargs)

    for k, op in enumerate(("CEIL", "ROUND", "ELU")):
        shape = SHAPES[k]
        b.op(op, [b.input("x", shape, "float32")], [out("y", shape, "float32", tol=FLOAT_TOLERANCE_ULP if op == "ELU" else 0)])
    for alpha in LEAKY_ALPHAS:
        b.op("LEAKY_RELU", [b.input("x", (3, 7), "float32")], [out("y", (3, 7), "float32")],
             ("LeakyReluOptions", {"alpha": alpha}))
    for s_in, z_in, s_out, z_out in ELU_QUANT:
        b.op("ELU", [b.input("x", (256,), "int8", s_in, z_in)], [out("y", (256,), "int8", s_out, z_out)])
    for scale, zero_point in DEQUANT:
        b.op("DEQUANTIZE", [b.input("x", (2, 128), "uint8", scale, zero_point)], [out("y", (2, 128), "float32")])
    for _ in range(4):
        rank = int(rng.integers(1, 5))
        shape = tuple(int(d) for d in rng.integers(1, 5, rank))
        axes = [int(a) for a in rng.integers(-rank, rank, int(rng.integers(1, rank + 1)))]
        keep_dims = bool(rng.integers(0, 2))
        resolved = {a % rank for a in axes}
        out_shape = tuple(1 if d in resolved else n for d, n in enumerate(shape) if keep_dims or d not in resolved)
        axis = b.tensor("axis", (len(axes),), "int32", data=np.array(axes, np.int32))
        b.op("REDUCE_ALL", [b.input("x", shape, "bool"), axis], [out("y", out_shape, "bool")],
             ("ReducerOptions", {"keepDims": keep_dims}))
    return b, tolerance


def _sample(b: LayerModel, rng: np.random.Generator, all_true: bool) -> list[np.ndarray]:
    sample = []
    for i in b.inputs:
        t = b.tensors[i]
        if t.dtype == "float32":
            values = (rng.uniform(-6.0, 6.0, t.shape) * rng.choice((1.0, 0.5, 1e-3), t.shape)).astype(np.float32)
            flat = values.reshape(-1)
            edges = rng.permutation(np.array(FLOAT_EDGES, np.float32))[: flat.size // 2]
            flat[: len(edges)] = edges
            sample.append(values)
        elif t.dtype == "int8" and t.shape == (256,):
            sample.append(rng.permutation(ALL_INT8))
        elif t.dtype == "int8":  # LOG_SOFTMAX rows: full range, narrow, or one repeated value
            low = int(rng.choice((-128, 60, 127)))
            sample.append(rng.integers(low, 128, t.shape).astype(np.int8))
        elif t.dtype == "uint8":
            sample.append(rng.permutation(np.tile(np.arange(256, dtype=np.uint8), 1)).reshape(t.shape))
        else:  # bool: mostly true, so that some reductions stay true
            sample.append(np.ones(t.shape, bool) if all_true else rng.random(t.shape) < 0.85)
    return sample


def test_log_softmax_s8_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """A model of its own: the model description holds only so many inputs and outputs."""
    rng = np.random.default_rng(23)
    b = LayerModel()
    for shape, scale, zero_point in LOG_SOFTMAX:
        b.op("LOG_SOFTMAX", [b.input("x", shape, "int8", scale, zero_point)], [b.output("y", shape, "int8", 16.0 / 256.0, 127)])
    samples = [_sample(b, rng, all_true=False) for _ in range(4)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "LOG_SOFTMAX int8")
    assert sum(len(r.outputs) for r in results) == len(samples) * len(LOG_SOFTMAX)


def test_parity_unary_ops_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(22)
    b, tolerance = _model(rng)
    samples = [_sample(b, rng, all_true=False), _sample(b, rng, all_true=False), _sample(b, rng, all_true=True)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    names = [op.name for op in b.ops]
    bad = [
        f"sample {r.index} output {o.index} ({names[o.index]}): {o.vs_tflm.mismatches} differ, "
        f"max {o.vs_tflm.max_diff} {o.vs_tflm.unit} (allowed {tolerance[o.index]})"
        for r in results for o in r.outputs if o.vs_tflm.max_diff > tolerance[o.index]
    ]
    assert not bad, "differs from TFLM: " + "; ".join(bad[:10])
    assert sum(len(r.outputs) for r in results) == len(samples) * len(b.outputs)
