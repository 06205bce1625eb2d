"""The int16 sigmoid/tanh definition (generator/int16_sigmoid.py) against host TFLM: its Python
arithmetic reproduces TFLM's int16 LOGISTIC and TANH on all 65536 inputs at the scales TFLM
treats apart and at seeded random ones, the C table is the one the definition gives, and the
input rescaling refuses what TFLM's Prepare refuses."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import int16_sigmoid
from tflm_bench.generator.quantization import QuantParamError

ROOT = Path(__file__).resolve().parents[2]
ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16)


def _tflm(op: str, scales: list[float]) -> list[np.ndarray]:
    from tflite_micro.python.tflite_micro import runtime

    b = LayerModel()
    for scale in scales:
        x = b.input("x", (ALL_INT16.size,), "int16", scale, 0)
        y = b.output("y", (ALL_INT16.size,), "int16", 2.0 ** -15, 0)
        b.op(op, [x], [y])
    interpreter = runtime.Interpreter.from_bytes(build_tflite(b.spec()), arena_size=len(scales) * (1 << 18) + 4096)
    for i in range(len(scales)):
        interpreter.set_input(ALL_INT16, i)
    interpreter.invoke()
    return [np.array(interpreter.get_output(i)) for i in range(len(scales))]


def test_table_c_file_is_the_definition() -> None:
    assert (ROOT / int16_sigmoid.TABLE_C_PATH).read_text() == int16_sigmoid.table_c_source(), (
        "sigmoid_table_u16.c differs from generator/int16_sigmoid.py: run scripts/generate_sigmoid_table.py")


def test_table_knots() -> None:
    table = int16_sigmoid.sigmoid_table()
    assert len(table) == 256 and table[0] == 32768 and table[-1] == 65535
    assert all(a <= b for a, b in zip(table, table[1:]))


@pytest.mark.parametrize("op", ["LOGISTIC", "TANH"])
def test_definition_matches_tflm_on_every_input(op: str) -> None:
    rng = np.random.default_rng(7)
    scales = [2.0 ** -12, 2.0 ** -11, 2.0 ** -13, 2.0 ** -10, 2.0 ** -15, 2.5, 1e-7,
              *(float(np.float32(s)) for s in 10.0 ** rng.uniform(-7.0, np.log10(2.6), 8))]
    function = int16_sigmoid.logistic if op == "LOGISTIC" else int16_sigmoid.tanh
    for scale, expected in zip(scales, _tflm(op, scales)):
        got = function(ALL_INT16, int16_sigmoid.input_rescale(op, scale, 0, 2.0 ** -15, 0))
        bad = np.nonzero(got != expected)[0]
        assert bad.size == 0, f"{op} scale {scale!r}: {bad.size} inputs differ, first {ALL_INT16[bad[:5]]}"


def test_input_rescale_cases() -> None:
    rescale = int16_sigmoid.input_rescale
    assert rescale("LOGISTIC", 2.0 ** -12, 0, 2.0 ** -15, 0) == int16_sigmoid.InputRescale(3, 0)
    assert rescale("TANH", 2.0 ** -11, 0, 2.0 ** -15, 0) == int16_sigmoid.InputRescale(6, 0)
    assert rescale("LOGISTIC", 2.0 ** -11, 0, 2.0 ** -15, 0) == int16_sigmoid.InputRescale(24576, 12)
    for args, fragment in (((2.0 ** -12, 1, 2.0 ** -15, 0), "zero points"),
                           ((2.0 ** -12, 0, 2.0 ** -14, 0), r"output scale 2\^-15"),
                           ((3.0, 0, 2.0 ** -15, 0), "input multiplier"),
                           ((1e-15, 0, 2.0 ** -15, 0), "input multiplier")):
        with pytest.raises(QuantParamError, match=fragment):
            rescale("TANH", *args)
