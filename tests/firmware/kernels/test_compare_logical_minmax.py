"""Comparisons (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL), LOGICAL_AND/OR/NOT
and MAXIMUM/MINIMUM on the emulated device against TFLM: every output bit-exact (bool outputs,
integer and float32 values; float32 comparisons and min/max are exact operations).

One model holds every layer: broadcasting, constant operands, int8 comparisons of inputs with
different scales and zero points (TFLM's rescaling), bool chains (a comparison feeding a logical
op) and int64 kernels fed by constants (int64 is no model input/output type).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

COMPARISONS = ("EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL")


def _model(part: str) -> LayerModel:
    """Three models (a model's description must fit the protocol's 1024 bytes)."""
    b = LayerModel()
    if part == "float32/int32 comparisons":
        _float_int32_comparisons(b)
    elif part == "int8/int64 comparisons":
        _int8_int64_comparisons(b)
    else:
        _logical_minmax(b)
    return b


def _float_int32_comparisons(b: LayerModel) -> None:
    # float32 and int32 with broadcasting, or a constant operand (inputs shared by the layers).
    f1, f2 = b.input("f", (3, 1, 4), "float32"), b.input("f", (1, 5, 4), "float32")
    fc = b.tensor("c", (4,), "float32", data=np.array([-1.0, 0.0, 0.5, 2.0], np.float32))
    i1, i2 = b.input("i", (2, 3, 1, 5), "int32"), b.input("i", (2, 1, 4, 1), "int32")
    ic = b.tensor("c", (5,), "int32", data=np.array([-7, 0, 3, 1000, -2**31], np.int32))
    for k, op in enumerate(COMPARISONS):
        if k % 2 == 0:
            b.op(op, [f1, f2], [b.output("y", (3, 5, 4), "bool")])
            b.op(op, [i1, ic], [b.output("y", (2, 3, 1, 5), "bool")])
        else:
            b.op(op, [f1, fc], [b.output("y", (3, 1, 4), "bool")])
            b.op(op, [i1, i2], [b.output("y", (2, 3, 4, 5), "bool")])


def _int8_int64_comparisons(b: LayerModel) -> None:
    # int8: different scales and zero points (rescaled as TFLM), the same ones, broadcasting.
    # qa and qb tie where qa + 3 == 2 * (qb + 3); qa and qc where they are equal.
    qa, qb = b.input("q", (4, 6), "int8", 0.05, -3), b.input("q", (6,), "int8", 0.1, -3)
    qc = b.input("q", (4, 6), "int8", 0.05, -3)
    for op in COMPARISONS:
        b.op(op, [qa, qb], [b.output("y", (4, 6), "bool")])
        b.op(op, [qa, qc], [b.output("y", (4, 6), "bool")])
    q1 = b.input("q", (2, 3), "int8", 0.9, -128)
    q2 = b.tensor("c", (1,), "int8", 0.003, 7, data=np.array([-100], np.int8))
    b.op("GREATER", [q1, q2], [b.output("y", (2, 3), "bool")])
    # int64 kernels, fed by constants: MAXIMUM -> LESS_EQUAL / EQUAL against another constant.
    big = np.array([2**40, -3, 7, -2**50, 0, 5], np.int64)
    other = np.array([2**40 + 1, -3, 8, -2**50 + 1, -1, 5], np.int64)
    c1, c2 = b.tensor("c", (6,), "int64", data=big), b.tensor("c", (6,), "int64", data=other)
    for k, op in enumerate(COMPARISONS):
        m = b.tensor("t", (6,), "int64")
        b.op("MAXIMUM" if k % 2 else "MINIMUM", [c1, c2], [m])
        b.op(op, [m, c1 if k < 3 else c2], [b.output("y", (6,), "bool")])


def _logical_minmax(b: LayerModel) -> None:
    # bool: (NOT_)EQUAL, logical ops with broadcasting and constants, a chain.
    p1, p2 = b.input("b", (2, 1, 6), "bool"), b.input("b", (4, 1), "bool")
    b.op("EQUAL", [p1, p2], [b.output("y", (2, 4, 6), "bool")])
    b.op("NOT_EQUAL", [p1, p2], [b.output("y", (2, 4, 6), "bool")])
    b.op("LOGICAL_AND", [p1, p2], [b.output("y", (2, 4, 6), "bool")])
    b.op("LOGICAL_OR", [p1, p2], [b.output("y", (2, 4, 6), "bool")])
    mask = b.tensor("c", (6,), "bool", data=np.array([1, 0, 1, 1, 0, 0], np.bool_))
    b.op("LOGICAL_OR", [p1, mask], [b.output("y", (2, 1, 6), "bool")])
    b.op("LOGICAL_NOT", [p1], [b.output("y", (2, 1, 6), "bool")])
    f1, f2 = b.input("f", (8,), "float32"), b.input("f", (8,), "float32")
    less = b.tensor("t", (8,), "bool")
    b.op("LESS", [f1, f2], [less])
    b.op("LOGICAL_AND", [less, b.input("b", (8,), "bool")], [b.output("y", (8,), "bool")])
    # MAXIMUM / MINIMUM in every type with broadcasting and constants.
    for k, (dtype, scale) in enumerate((("float32", None), ("int8", 0.05), ("int16", 0.001), ("int32", None))):
        m1 = b.input("m", (2, 3, 4), dtype, scale, 0)
        if k % 2:
            data = (np.arange(4) * 3 - 5).astype(np.dtype(dtype))
            m2 = b.tensor("c", (4,), dtype, scale, 0, data=data)
        else:
            m2 = b.input("m", (3, 1), dtype, scale, 0)
        for op in ("MAXIMUM", "MINIMUM"):
            b.op(op, [m1, m2], [b.output("y", (2, 3, 4), dtype, scale, 0)])


def _samples(b: LayerModel, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
    samples = []
    for n in range(count):
        sample = []
        for i in b.inputs:
            t = b.tensors[i]
            if t.dtype == "bool":
                sample.append(rng.integers(0, 2, t.shape).astype(np.bool_))
            elif t.dtype == "float32":
                # Small integers make ties (equal elements) common; the last sample has extremes.
                values = rng.integers(-3, 4, t.shape).astype(np.float32)
                if n == count - 1:
                    values = np.resize(np.array([0.0, -0.0, np.inf, -np.inf, 3e38, -1e-40, 0.5, -1.0], np.float32),
                                       t.shape)
                sample.append(values)
            elif t.dtype == "int32":
                sample.append(rng.choice(np.array([-7, 0, 3, 1000, -2**31, 2**31 - 1, 1, -1], np.int32), t.shape))
            else:
                info = np.iinfo(np.dtype(t.dtype))
                values = rng.integers(info.min, info.max, t.shape, endpoint=True)
                if n % 2:  # near the zero point, so rescaled values tie
                    values = rng.integers(-12, 13, t.shape)
                sample.append(values.astype(np.dtype(t.dtype)))
        samples.append(sample)
    return samples


@pytest.mark.parametrize("part", ("float32/int32 comparisons", "int8/int64 comparisons", "logical, MAXIMUM, MINIMUM"))
def test_compare_logical_minmax_match_tflm(part: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(7)
    b = _model(part)
    results = run_on_device(build_tflite(b.spec()), _samples(b, rng, 4), tmp_path, bench_options)
    assert_bit_exact(results, "comparisons, logical ops, MAXIMUM/MINIMUM")
    assert sum(len(r.outputs) for r in results) == 4 * len(b.outputs)
    # Not vacuous: every bool output is sometimes true and sometimes false over the samples,
    # except the int64 ones (constant inputs) and the float32 extremes' sample.
    bools = [o for o in range(len(b.outputs)) if b.tensors[b.outputs[o]].dtype == "bool"]
    varying = [o for o in bools if len({v for r in results for v in r.values[o]}) == 2]
    assert len(varying) >= len(bools) // 2, f"only outputs {varying} of {bools} take both values"

