"""DIV (float32, int32), FLOOR_DIV, FLOOR_MOD (float32) and SQUARED_DIFFERENCE (float32, int32,
int8, int16) on the emulated device against TFLM, bit-exact: every float32 result is one or two
correctly rounded IEEE operations (FLOOR_DIV's double division and floor, FLOOR_MOD's exact fmod),
and the integer ones are TFLM's arithmetic. Broadcasting, constant operands, fused activations,
negative divisors, int8 inputs of different scales and zero points.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

Draw = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def _floats(low: float, high: float) -> Draw:
    return lambda rng, shape: rng.uniform(low, high, shape).astype(np.float32)


def _divisors(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Magnitudes 0.25..8, either sign, some exact small integers (exact quotients, ties of floor)."""
    values = rng.uniform(0.25, 8.0, shape) * rng.choice([-1.0, 1.0], shape)
    values.reshape(-1)[::4] = rng.choice([-2.0, -1.0, 0.5, 1.0, 2.0, 4.0], values.size)[::4]
    return values.astype(np.float32)


def _int32(low: int, high: int, nonzero: bool = False) -> Draw:
    def draw(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        values = rng.integers(low, high, shape, endpoint=True)
        if nonzero:
            values[values == 0] = 1
        return values.astype(np.int32)
    return draw


def _full(dtype: str) -> Draw:
    info = np.iinfo(np.dtype(dtype))
    return lambda rng, shape: rng.integers(info.min, info.max, shape, endpoint=True).astype(np.dtype(dtype))


def _model() -> tuple[LayerModel, list[Draw]]:
    b = LayerModel()
    draws: list[Draw] = []

    def inp(shape: tuple[int, ...], dtype: str, draw: Draw, scale: float | None = None, zp: int = 0) -> int:
        draws.append(draw)
        return b.input("x", shape, dtype, scale, zp)

    for k, activation in enumerate(("NONE", "RELU", "RELU6", "RELU_N1_TO_1")):
        x = inp((3, 1, 5), "float32", _floats(-20.0, 20.0))
        d = inp((4, 1), "float32", _divisors) if k % 2 == 0 else \
            b.tensor("c", (5,), "float32", data=np.array([-3.0, 0.5, 7.0, -0.25, 1.5], np.float32))
        b.op("DIV", [x, d], [b.output("y", (3, 4, 5) if k % 2 == 0 else (3, 1, 5), "float32")],
             ("DivOptions", {"fusedActivationFunction": activation}))
    for activation in ("NONE", "RELU6"):
        x, d = inp((2, 6), "int32", _int32(-1000, 1000)), inp((6,), "int32", _int32(-40, 40, nonzero=True))
        b.op("DIV", [x, d], [b.output("y", (2, 6), "int32")], ("DivOptions", {"fusedActivationFunction": activation}))
    for op in ("FLOOR_DIV", "FLOOR_MOD"):
        x, d = inp((2, 3, 4), "float32", _floats(-50.0, 50.0)), inp((3, 1), "float32", _divisors)
        b.op(op, [x, d], [b.output("y", (2, 3, 4), "float32")])
    x1, x2 = inp((2, 1, 7), "float32", _floats(-100.0, 100.0)), inp((3, 7), "float32", _floats(-100.0, 100.0))
    b.op("SQUARED_DIFFERENCE", [x1, x2], [b.output("y", (2, 3, 7), "float32")])
    i1 = inp((4, 5), "int32", _int32(-30000, 30000))
    i2 = b.tensor("c", (5,), "int32", data=np.array([-30000, -1, 0, 17, 29999], np.int32))
    b.op("SQUARED_DIFFERENCE", [i1, i2], [b.output("y", (4, 5), "int32")])
    for scales in ((0.05, -3, 0.08, 10, 0.5, -128), (0.1, 0, 0.1, 0, 0.02, -100), (0.02, 127, 0.3, -50, 4.0, -128)):
        s1, z1, s2, z2, so, zo = scales
        q1, q2 = inp((3, 8), "int8", _full("int8"), s1, z1), inp((8,), "int8", _full("int8"), s2, z2)
        b.op("SQUARED_DIFFERENCE", [q1, q2], [b.output("y", (3, 8), "int8", so, zo)])
    h1, h2 = inp((2, 9), "int16", _full("int16"), 0.001, 0), inp((2, 9), "int16", _full("int16"), 0.0015, 0)
    b.op("SQUARED_DIFFERENCE", [h1, h2], [b.output("y", (2, 9), "int16", 0.05, 0)])
    return b, draws


def test_div_squared_difference_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b, draws = _model()
    rng = np.random.default_rng(3)
    samples = [[draw(rng, b.tensors[i].shape) for i, draw in zip(b.inputs, draws)] for _ in range(4)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "DIV, FLOOR_DIV, FLOOR_MOD, SQUARED_DIFFERENCE")
    assert sum(len(r.outputs) for r in results) == 4 * len(b.outputs)
