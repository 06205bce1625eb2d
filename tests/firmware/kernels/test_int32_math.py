"""int32 ADD, MUL, DIV, MINIMUM and MAXIMUM (unquantized, broadcasting, constant operands) and CAST
between int8, int16, int32, uint32 and float32, on the emulated device against host TFLM: the
builtins of TFLM's audio front end (micro_speech's audio_preprocessor). Full-range values, so
sums and products wrap as TFLM's int32 arithmetic does, and every CAST narrows or widens."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 5))]
CAST_FROM = ("int8", "int16", "int32")
CAST_TO = ("int8", "int16", "int32", "uint32", "float32")


Feeds = list[tuple[str, tuple[int, ...]]]  # (kind, shape) of each model input, in order


def _math_model(rng: np.random.Generator) -> tuple[LayerModel, Feeds]:
    """Each shape pair's operands are inputs shared by the five operators (second operands never
    0, so DIV reads them too); the second pair's second operand is a constant in flash."""
    b = LayerModel()
    feeds: Feeds = []
    operands = []
    for k, (shape1, shape2) in enumerate(SHAPES):
        x = b.input("a", shape1, "int32")
        feeds.append(("wide", shape1))
        if k == 1:
            data = rng.integers(1, 1000, shape2).astype(np.int32) * rng.choice([-1, 1], shape2).astype(np.int32)
            y = b.tensor("b_const", shape2, "int32", data=data)
        else:
            y = b.input("b", shape2, "int32")
            feeds.append(("divisor", shape2))
        operands.append((x, y, np.broadcast_shapes(shape1, shape2)))
    for op in ("ADD", "MUL", "DIV", "MINIMUM", "MAXIMUM"):
        for x, y, out_shape in operands:
            z = b.output(f"{op.lower()}_out", out_shape, "int32")
            options = {"ADD": ("AddOptions", {}), "MUL": ("MulOptions", {}), "DIV": ("DivOptions", {})}.get(op)
            b.op(op, [x, y], [z], options)
    return b, feeds


def _cast_model() -> tuple[LayerModel, Feeds]:
    b = LayerModel()
    feeds: Feeds = []
    for source in CAST_FROM:
        x = b.input(f"cast_{source}", (16,), source)
        feeds.append((source, (16,)))
        for target in CAST_TO:
            if target == source:
                continue
            if target == "uint32":  # no uint32 model output: back to int32 through a second CAST
                u = b.tensor(f"cast_{source}_u32", (16,), "uint32")
                b.op("CAST", [x], [u])
                back = b.output(f"cast_{source}_u32_i32", (16,), "int32")
                b.op("CAST", [u], [back])
                for onward in ("int8", "int16", "float32"):
                    b.op("CAST", [u], [b.output(f"cast_u32_{onward}", (16,), onward)])
            else:
                b.op("CAST", [x], [b.output(f"cast_{source}_{target}", (16,), target)])
    return b, feeds


def _draw(rng: np.random.Generator, kind: str, shape: tuple[int, ...]) -> np.ndarray:
    if kind == "divisor":
        values = rng.integers(1, 70000, shape) * rng.choice([-1, 1], shape)
        return values.astype(np.int32)
    dtype = {"wide": "int32"}.get(kind, kind)
    info = np.iinfo(dtype)
    values = rng.integers(info.min, int(info.max) + 1, shape, dtype=np.int64)
    if kind == "wide":  # half the values small, so MUL and ADD are exact as well as wrapping
        small = rng.random(shape) < 0.5
        values = np.where(small, values % 50000 - 25000, values)
    return values.astype(dtype)


def _run(b: LayerModel, feeds: Feeds, rng: np.random.Generator, tmp_path: Path, bench_options, what: str) -> None:  # type: ignore[no-untyped-def]
    samples = [[_draw(rng, kind, shape) for kind, shape in feeds] for _ in range(3)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, what)


def test_int32_math_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(41)
    b, feeds = _math_model(rng)
    _run(b, feeds, rng, tmp_path, bench_options, "int32 ADD/MUL/DIV/MINIMUM/MAXIMUM")


def test_cast_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(42)
    b, feeds = _cast_model()
    _run(b, feeds, rng, tmp_path, bench_options, "CAST")
