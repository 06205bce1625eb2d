"""MEAN and SUM (int8, int16, float32), REDUCE_MAX and REDUCE_MIN (int8, float32) on the emulated
device against TFLM, all layers in one model: random shapes up to rank 5, random axes (negative,
repeated, all), keep_dims or not, random quantization (MEAN / SUM rescale s_in / s_out; the
int8 min/max reductions share the input's quantization, TFLM's rule).

Integers must be bit-exact; float32 too (0 ULP): the device adds the reduced elements in the
order TFLM's Reduce does and divides once, the same IEEE operations on the Cortex-M4F FPU.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

OPS = {  # operator -> the input types it is tested with
    "MEAN": ("int16", "float32"),
    "SUM": ("int8", "int16", "float32"),
    "REDUCE_MAX": ("int8", "float32"),
    "REDUCE_MIN": ("int8", "float32"),
}
LAYERS_PER_CASE = 3
# Two models (the device's model description holds about 30 inputs and outputs).
GROUPS = {"integer": ("int8", "int16"), "float32": ("float32",)}


def _random_case(rng: np.random.Generator) -> tuple[tuple[int, ...], list[int], bool]:
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank))
    count = int(rng.integers(1, rank + 2))
    axes = [int(a) for a in rng.integers(-rank, rank, count)]  # negative and repeated ones too
    return shape, axes, bool(rng.integers(0, 2))


def _quant(rng: np.random.Generator, dtype: str) -> tuple[float | None, int | None]:
    if dtype == "float32":
        return None, None
    scale = float(2.0 ** rng.uniform(-12, 2))
    if dtype == "int16":
        return scale, int(rng.integers(-300, 300))
    return scale, int(rng.integers(-128, 128))


def _model(rng: np.random.Generator, group: tuple[str, ...]) -> LayerModel:
    b = LayerModel()
    # A fixed case first: TFLM's 4-D special case for float MEAN over H and W with keep_dims.
    for op, dtypes in OPS.items():
        for dtype in (d for d in dtypes if d in group):
            fixed = [((2, 4, 3, 5), [1, 2], True)] if op == "MEAN" and dtype == "float32" else []
            for case in fixed + [_random_case(rng) for _ in range(LAYERS_PER_CASE)]:
                shape, axes, keep_dims = case
                resolved = sorted({a % len(shape) for a in axes})
                out_shape = tuple(1 if d in resolved else n for d, n in enumerate(shape)
                                  if keep_dims or d not in resolved)
                s_in, z_in = _quant(rng, dtype)
                same = op.startswith("REDUCE")
                s_out, z_out = (s_in, z_in) if same else _quant(rng, dtype)
                if op == "SUM" and s_out is not None:
                    s_out *= float(np.prod([shape[a] for a in resolved]))  # keep sums mostly in range
                x = b.input("x", shape, dtype, s_in, z_in)
                axis = b.tensor("axis", (len(axes),), "int32", data=np.array(axes, np.int32))
                y = b.output("y", out_shape, dtype, s_out, z_out)
                b.op(op, [x, axis], [y], ("ReducerOptions", {"keepDims": keep_dims}))
    return b


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_reductions_match_tflm(group: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(31)
    b = _model(rng, GROUPS[group])
    samples = b.random_samples(rng, 3)
    # Extremes: every element at the type's minimum, then its maximum (saturation, init values).
    for pick in (0, 1):
        sample = []
        for i in b.inputs:
            t = b.tensors[i]
            low, high = {"int8": (-128, 127), "int16": (-32768, 32767), "float32": (-3e38, 3e38)}[t.dtype]
            sample.append(np.full(t.shape, (low, high)[pick], np.dtype(t.dtype)))
        samples.append(sample)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    names = [op.name for op in b.ops]
    bad = [
        f"sample {r.index} output {o.index} ({names[o.index]}): {o.vs_tflm.mismatches} differ, "
        f"max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "reductions differ from TFLM: " + "; ".join(bad[:8])
