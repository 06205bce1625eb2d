"""The 16x8 LSTM kernel built for the host, against host TFLM on a seeded campaign of one-LSTM
models (no firmware builds, so many more shapes and scales than the device test can afford):
random sizes, layouts, input, weight, hidden and cell scales (cell 2^-8 .. 2^-16), biases from
small to gate-saturating, clips, hidden zero points; three samples in a row, so the state each
sample leaves is checked by the next. The kernel's parameters are the generator's
(the op module's plan), so this checks the derivation and the arithmetic together."""
from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import read_model
from tflm_bench.generator.ops import unidirectional_sequence_lstm as lstm_op

KERNELS = Path(__file__).resolve().parents[3] / "firmware" / "kernels"
SOURCES = ("lstm/unidirectional_sequence_lstm_s16.c", "activations/sigmoid_s16.c", "activations/sigmoid_table_u16.c")
MODELS = 60
SAMPLES = 3
GATES = 4


class Quant(ctypes.Structure):
    _fields_ = [("multiplier", ctypes.c_int32), ("shift", ctypes.c_int32)]


class Params(ctypes.Structure):
    _fields_ = [("input_offset", ctypes.c_int32), ("hidden_offset", ctypes.c_int32),
                ("input_rescale", Quant * GATES), ("recurrent_rescale", Quant * GATES),
                ("forget_cell", Quant), ("input_cell", Quant), ("hidden", Quant),
                ("hidden_zero_point", ctypes.c_int32), ("cell_clip", ctypes.c_int32),
                ("tanh_multiplier", ctypes.c_int32), ("tanh_shift", ctypes.c_int32)]


class Dims(ctypes.Structure):
    _fields_ = [(name, ctypes.c_int32) for name in ("batches", "time_steps", "input_size", "state_size", "time_major")]


class Weights(ctypes.Structure):
    _fields_ = [("input_weights", ctypes.POINTER(ctypes.c_int8) * GATES),
                ("recurrent_weights", ctypes.POINTER(ctypes.c_int8) * GATES),
                ("bias", ctypes.POINTER(ctypes.c_int64) * GATES)]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("lstm_s16") / "liblstms16.so"
    subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", f"-I{KERNELS}",
                    *(str(KERNELS / s) for s in SOURCES), "-o", str(out)], check=True, capture_output=True, text=True)
    lib = ctypes.CDLL(str(out))
    lib.tb_unidirectional_sequence_lstm_s16.restype = ctypes.c_int
    lib.tb_unidirectional_sequence_lstm_s16.argtypes = [ctypes.c_void_p] * 7
    return lib


def _model(rng: np.random.Generator) -> bytes:
    b = LayerModel()
    batches, steps, size, units = (int(v) for v in rng.integers(1, (4, 5, 12, 12)))
    time_major = bool(rng.integers(0, 2))
    shape = (steps, batches, size) if time_major else (batches, steps, size)
    in_scale = float(np.float32(10.0 ** rng.uniform(-5.0, -2.5)))
    h_scale = float(np.float32(10.0 ** rng.uniform(-5.0, -2.5)))
    hidden_zp = int(rng.choice([0, 0, int(rng.integers(-2000, 2001))]))
    x = b.input("x", shape, "int16", in_scale, 0)

    def weights(cols: int) -> int:
        w_scale = float(np.float32(10.0 ** rng.uniform(-3.5, -1.5)))
        bound = int(rng.choice([127, 20]))
        return b.tensor("w", (units, cols), "int8", w_scale, 0,
                        data=rng.integers(-bound, bound + 1, (units, cols)).astype(np.int8))
    wx = [weights(size) for _ in range(GATES)]
    wh = [weights(units) for _ in range(GATES)]
    biases = []
    for w in wx:
        bias_scale = in_scale * b.tensors[w].scales[0]
        limit = int(min(float(10.0 ** rng.uniform(-1.0, 1.3)) / bias_scale, 2 ** 45))
        biases.append(b.tensor("b", (units,), "int64", bias_scale, 0,
                               data=rng.integers(-limit, limit + 1, units).astype(np.int64)))
    hidden = b.tensor("h", (batches, units), "int16", h_scale, hidden_zp, variable=True)
    cell = b.tensor("c", (batches, units), "int16", 2.0 ** int(rng.integers(-16, -7)), 0, variable=True)
    y = b.output("y", shape[:2] + (units,), "int16", h_scale, hidden_zp)
    clip = float(rng.choice([0.0, float(rng.uniform(0.05, 40.0))]))
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", [x, *wx, *wh, -1, -1, -1, *biases, -1, -1, hidden, cell, -1, -1, -1, -1],
         [y], ("UnidirectionalSequenceLSTMOptions", {"fusedActivationFunction": "TANH", "cellClip": clip,
                                                     "timeMajor": time_major}))
    return build_tflite(b.spec())


def _ours(kernel: ctypes.CDLL, tflite: bytes, inputs: list[np.ndarray]) -> list[np.ndarray]:
    model = read_model(tflite)
    op = model.operators[0]
    lstm_op.check(model, op)
    layer = lstm_op._lstm(model, op)  # the op module's plan: sizes and the derived parameters
    q = layer.quant
    assert q is not None
    quant = lambda r: Quant(r.multiplier, r.shift)  # noqa: E731
    params = Params(q.input_offset, q.hidden_offset,
                    (Quant * GATES)(*(quant(g.input_rescale) for g in q.gates)),
                    (Quant * GATES)(*(quant(g.recurrent_rescale) for g in q.gates)),
                    quant(q.forget_cell), quant(q.input_cell), quant(q.hidden), q.hidden_zero_point, q.cell_clip,
                    q.tanh_multiplier, q.tanh_shift)
    dims = Dims(layer.batches, layer.time_steps, layer.input_size, layer.state_size, int(layer.time_major))
    keep = [np.ascontiguousarray(t.data) for t in (*layer.input_weights, *layer.recurrent_weights)]
    biases = [np.ascontiguousarray(t.data, dtype=np.int64) for t in layer.biases]
    weights = Weights((ctypes.POINTER(ctypes.c_int8) * GATES)(*(k.ctypes.data_as(ctypes.POINTER(ctypes.c_int8))
                                                                for k in keep[:GATES])),
                      (ctypes.POINTER(ctypes.c_int8) * GATES)(*(k.ctypes.data_as(ctypes.POINTER(ctypes.c_int8))
                                                                for k in keep[GATES:])),
                      (ctypes.POINTER(ctypes.c_int64) * GATES)(*(k.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
                                                                 for k in biases)))
    hidden = np.zeros(layer.hidden.num_elements, np.int16)  # TFLM's initial int16 state: 0
    cell = np.zeros(layer.cell.num_elements, np.int16)
    outputs = []
    for x in inputs:
        x = np.ascontiguousarray(x, dtype=np.int16)
        out = np.zeros(layer.out.num_elements, np.int16)
        status = kernel.tb_unidirectional_sequence_lstm_s16(
            ctypes.byref(params), ctypes.byref(dims), ctypes.byref(weights), x.ctypes.data, hidden.ctypes.data,
            cell.ctypes.data, out.ctypes.data)
        assert status == 0
        outputs.append(out.reshape(layer.out.shape))
    return outputs


def _tflm(tflite: bytes, inputs: list[np.ndarray]) -> list[np.ndarray]:
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(tflite, arena_size=1 << 18)
    outputs = []
    for x in inputs:
        interpreter.set_input(x, 0)
        interpreter.invoke()
        outputs.append(np.array(interpreter.get_output(0)))
    return outputs


def test_16x8_kernel_matches_tflm_on_random_lstms(kernel: ctypes.CDLL) -> None:
    rng = np.random.default_rng(168)
    bad = []
    for m in range(MODELS):
        tflite = _model(rng)
        shape = read_model(tflite).tensors[read_model(tflite).inputs[0]].shape
        inputs = []
        for _ in range(SAMPLES):
            x = rng.integers(-32768, 32768, shape)
            small = rng.random(shape) < 0.5
            x[small] = rng.integers(-300, 301, int(small.sum()))
            inputs.append(x.astype(np.int16))
        for s, (ours, theirs) in enumerate(zip(_ours(kernel, tflite, inputs), _tflm(tflite, inputs))):
            if not np.array_equal(ours, theirs):
                bad.append(f"model {m} sample {s}: {int(np.count_nonzero(ours != theirs))} of {ours.size} differ")
    assert not bad, "; ".join(bad[:10])
