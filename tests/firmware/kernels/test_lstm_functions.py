"""The LSTM kernels' math functions, built for the host, against what host TFLM computes:
the shared int16 sigmoid and tanh (activations/sigmoid_s16.c, also the int16 LOGISTIC and TANH
kernels) against TFLM's int16 LOGISTIC and TANH on every int16 input, at Q3.12 and at input
scales that take TFLM's general multiplier and shift, and the float expf / tanhf against the
host libm that host TFLM calls (glibc), on seeded random floats across the ranges the float LSTM
uses."""
from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.int16_sigmoid import input_rescale

KERNELS = Path(__file__).resolve().parents[3] / "firmware" / "kernels"
SOURCES = ("activations/sigmoid_s16.c", "activations/sigmoid_table_u16.c", "lstm/lstm_expf.c", "lstm/lstm_tanhf.c")


@pytest.fixture(scope="module")
def functions(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("lstm_functions") / "liblstmfn.so"
    subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", f"-I{KERNELS}",
                    *(str(KERNELS / s) for s in SOURCES), "-o", str(out)], check=True, capture_output=True, text=True)
    lib = ctypes.CDLL(str(out))
    for name in ("tb_sigmoid_s16_value", "tb_tanh_s16_value"):
        getattr(lib, name).restype = ctypes.c_int16
        getattr(lib, name).argtypes = [ctypes.c_int32] * 3
    for name in ("tb_lstm_expf", "tb_lstm_tanhf"):
        getattr(lib, name).restype = ctypes.c_float
        getattr(lib, name).argtypes = [ctypes.c_float]
    return lib


def _tflm_int16(op: str, x: np.ndarray, scale: float) -> np.ndarray:
    from tflite_micro.python.tflite_micro import runtime

    b = LayerModel()
    inp = b.input("x", (x.size,), "int16", scale, 0)
    out = b.output("y", (x.size,), "int16", 2.0 ** -15, 0)
    b.op(op, [inp], [out])
    interpreter = runtime.Interpreter.from_bytes(build_tflite(b.spec()), arena_size=1 << 20)
    interpreter.set_input(x, 0)
    interpreter.invoke()
    return np.array(interpreter.get_output(0)).astype(np.int64)


@pytest.mark.parametrize("scale", [2.0 ** -12, 2.0 ** -11, 0.37, 7.3e-5])
@pytest.mark.parametrize("op, function", [("LOGISTIC", "tb_sigmoid_s16_value"), ("TANH", "tb_tanh_s16_value")])
def test_int16_functions_match_tflm_on_every_input(functions: ctypes.CDLL, op: str, function: str,
                                                   scale: float) -> None:
    x = np.arange(-32768, 32768, dtype=np.int16)
    expected = _tflm_int16(op, x, scale)
    rescale = input_rescale(op, scale, 0, 2.0 ** -15, 0)
    call = getattr(functions, function)
    got = np.array([call(int(v), rescale.multiplier, rescale.shift) for v in x], dtype=np.int64)
    assert np.array_equal(got, expected), f"{function}: {int(np.count_nonzero(got != expected))} inputs differ"


def test_float_functions_match_the_host_libm(functions: ctypes.CDLL) -> None:
    libm = ctypes.CDLL("libm.so.6")
    for name in ("expf", "tanhf"):
        getattr(libm, name).restype = ctypes.c_float
        getattr(libm, name).argtypes = [ctypes.c_float]
    rng = np.random.default_rng(3)
    xs = np.concatenate([rng.uniform(-20.0, 20.0, 40000), rng.uniform(-1.0, 1.0, 40000),
                         rng.uniform(-1e-3, 1e-3, 5000), [0.0, -0.0, 22.0, -22.0, 90.0, -110.0, np.inf, -np.inf]])
    xs = xs.astype(np.float32)
    for ours, theirs in (("tb_lstm_expf", "expf"), ("tb_lstm_tanhf", "tanhf")):
        bad = [float(x) for x in xs
               if np.float32(getattr(functions, ours)(float(x))).tobytes()
               != np.float32(getattr(libm, theirs)(float(x))).tobytes()]
        assert not bad, f"{ours} differs from the host's {theirs} at {bad[:5]}"
