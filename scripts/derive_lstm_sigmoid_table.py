"""Measure the 256-entry sigmoid table of TFLM's int16 LOGISTIC/TANH from host TFLM itself.

TFLM's int16 tanh (and the LSTM's gate nonlinearities) interpolate in a table of 256 unsigned
0.16 values: for v = 3x (x in Q3.12), segment k = |v| >> 8 holds |v| from 256k to 256k + 255,
and for v >= 0 the output is T[k] - 32768 + floor((t (T[k+1] - T[k]) + 128) / 256) with
t = v & 255. So x = 0 gives T[0] - 32768, and each segment's outputs give its step
T[k+1] - T[k] (the largest t of a segment, near 255, resolves it exactly). This script runs every
x in [0, 32767] through a one-op int16 TANH model (input scale 2^-12, output 2^-15) on the
tflite-micro package, recovers T, and checks that it reproduces every output. It prints the C
initialiser used by firmware/kernels/lstm/lstm_activations_s16.c.

Run from a checkout: .venv/bin/python scripts/derive_lstm_sigmoid_table.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.layer_models import LayerModel  # noqa: E402
from support.tflite_builder import build_tflite  # noqa: E402


def tanh_outputs() -> tuple[np.ndarray, np.ndarray]:
    from tflite_micro.python.tflite_micro import runtime

    x = np.arange(0, 32768, dtype=np.int16)
    b = LayerModel()
    inp = b.input("x", (x.size,), "int16", 2.0 ** -12, 0)
    out = b.output("y", (x.size,), "int16", 2.0 ** -15, 0)
    b.op("TANH", [inp], [out])
    interpreter = runtime.Interpreter.from_bytes(build_tflite(b.spec()), arena_size=1 << 20)
    interpreter.set_input(x, 0)
    interpreter.invoke()
    return x, np.array(interpreter.get_output(0)).astype(np.int64)


def model(table: list[int], x: np.ndarray) -> np.ndarray:
    v = x.astype(np.int64) * 3
    k = v >> 8
    t = v & 255
    ua = np.array([table[min(i, 255)] for i in k])
    ub = np.array([table[min(i + 1, 255)] for i in k])
    result = np.where(k >= 255, 0xFFFF << 8, (ua << 8) + t * (ub - ua))
    return (result - (1 << 23) + (1 << 7)) >> 8


def derive() -> list[int]:
    x, y = tanh_outputs()
    v = x.astype(np.int64) * 3
    table = [int(y[0]) + 32768]
    for k in range(255):
        in_segment = (v >> 8) == k
        ts, outs = v[in_segment] & 255, y[in_segment]
        step = next(d for d in range(0, 2000)
                    if np.array_equal(table[k] - 32768 + ((ts * d + 128) >> 8), outs))
        table.append(table[k] + step)
    if not np.array_equal(model(table, x), y):
        raise SystemExit("the recovered table does not reproduce TFLM's int16 TANH")
    return table


def main() -> None:
    table = derive()
    for start in range(0, 256, 12):
        print("    " + ", ".join(f"{v:5d}" for v in table[start:start + 12]) + ",")


if __name__ == "__main__":
    main()
