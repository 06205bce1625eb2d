"""BATCH_MATMUL (float32, int8, int16) on the emulated device against TFLM: ranks 2 to 5, batch
broadcasting (size-1 and missing dimensions on either side), every adj_x / adj_y combination, a
constant rhs (weights in flash) or lhs, random quantization (int16 zero points 0, TFLM's rule);
one model per type group. Integers bit-exact; float32 0 ULP (products added from 0 in depth
order, as TFLM does)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

GROUPS = {"int8": ("int8",), "int16_float32": ("int16", "float32")}
LAYERS = 6  # per type


def _shapes(rng: np.random.Generator, adj_x: bool, adj_y: bool) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    rows, depth, cols = (int(v) for v in rng.integers(1, 7, 3))
    batch = [int(v) for v in rng.integers(1, 4, int(rng.integers(0, 4)))]
    lhs_batch = [d if rng.random() < 0.6 else 1 for d in batch][int(rng.integers(0, len(batch) + 1)):]
    rhs_batch = [d if rng.random() < 0.6 else 1 for d in batch][int(rng.integers(0, len(batch) + 1)):]
    n = max(len(lhs_batch), len(rhs_batch))
    lb = [1] * (n - len(lhs_batch)) + lhs_batch
    rb = [1] * (n - len(rhs_batch)) + rhs_batch
    out_batch = [max(a, b) for a, b in zip(lb, rb)]
    lhs = tuple(lhs_batch) + ((depth, rows) if adj_x else (rows, depth))
    rhs = tuple(rhs_batch) + ((cols, depth) if adj_y else (depth, cols))
    return lhs, rhs, tuple(out_batch) + (rows, cols)


def _model(rng: np.random.Generator, dtypes: tuple[str, ...]) -> LayerModel:
    b = LayerModel()
    for dtype in dtypes:
        for k in range(LAYERS):
            adj_x, adj_y = bool(k & 1), bool(k & 2)
            lhs_shape, rhs_shape, out_shape = _shapes(rng, adj_x, adj_y)
            if dtype == "float32":
                ql = qr = qo = (None, None)
            elif dtype == "int16":
                # Output scales that keep most full-range products inside int16 (not saturated).
                ql, qr, qo = (0.01, 0), (0.02, 0), (float(2.0 ** rng.uniform(2, 5)), 0)
            else:
                ql = (0.05, int(rng.integers(-128, 128)))
                qr = (0.02, int(rng.integers(-128, 128)))
                qo = (float(2.0 ** rng.uniform(-2, 3)), int(rng.integers(-128, 128)))
            constant = k % 3  # 0: both inputs, 1: constant rhs, 2: constant lhs
            operands = []
            for role, shape, q in (("lhs", lhs_shape, ql), ("rhs", rhs_shape, qr)):
                if (constant == 1 and role == "rhs") or (constant == 2 and role == "lhs"):
                    if dtype == "float32":
                        data = rng.uniform(-2, 2, shape).astype(np.float32)
                    else:
                        info = np.iinfo(np.dtype(dtype))
                        data = rng.integers(info.min, info.max + 1, shape).astype(np.dtype(dtype))
                    operands.append(b.tensor(role, shape, dtype, *q, data=data))
                else:
                    operands.append(b.input(role, shape, dtype, *q))
            y = b.output("y", out_shape, dtype, *qo)
            b.op("BATCH_MATMUL", operands, [y], ("BatchMatMulOptions", {"adjX": adj_x, "adjY": adj_y}))
    return b


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_batch_matmul_matches_tflm(group: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(len(group) * 31)
    b = _model(rng, GROUPS[group])
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, 3), tmp_path, bench_options)
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "BATCH_MATMUL differs from TFLM: " + "; ".join(bad[:8])
