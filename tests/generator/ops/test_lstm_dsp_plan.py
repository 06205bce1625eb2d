"""The dsp variant of the int8 UNIDIRECTIONAL_SEQUENCE_LSTM, on the host: the folded rescalings, and
the weight and bias arrays read back the way lstm_s8_dsp.c reads them (blocks of 4 units, per
gate the input quads then the recurrent quads, each quad 4 units x (k0, k2, k1, k3)) give TFLM's
accumulators bias + sum w (x + offset), doubled and left-shifted."""
from __future__ import annotations

import numpy as np
from support.layer_models import LayerModel
from support.tflite_builder import TensorSpec, build_tflite

from tflm_bench.generator import read_model
from tflm_bench.generator.lstm_quant import Rescale
from tflm_bench.generator.ops import unidirectional_sequence_lstm as lstm_op


def test_rescalings_fold_left_shifts_into_the_weights() -> None:
    assert lstm_op._dsp_rescale(Rescale(1 << 30, 3)) == (lstm_op.DspRescale(1 << 30, 0, 0, 0), 3)
    assert lstm_op._dsp_rescale(Rescale(1 << 30, 0)) == (lstm_op.DspRescale(1 << 30, 0, 0, 0), 0)
    assert lstm_op._dsp_rescale(Rescale(1 << 30, -5)) == (lstm_op.DspRescale(1 << 30, 16, -1, 5), 0)
    assert lstm_op._dsp_rescale(Rescale(1 << 30, -31)) is None  # its addend 2^30 is out of range


def _model(rng: np.random.Generator, units: int, size: int) -> bytes:
    b = LayerModel()
    x = b.input("x", (1, 2, size), "int8", 0.05, 17)
    w_scales = (0.02, 0.0004, 0.01, 0.003)  # gate products x 2^12: 4.1 (left shift 3) .. 0.08
    wx = [b.tensor("w", (units, size), "int8", s, 0, data=rng.integers(-127, 128, (units, size)).astype(np.int8))
          for s in w_scales]
    wh = [b.tensor("w", (units, units), "int8", 0.03, 0,
                   data=rng.integers(-127, 128, (units, units)).astype(np.int8)) for _ in range(4)]
    bias = [b.tensor("b", (units,), "int32", 0.05 * s, 0, data=rng.integers(-999, 999, units).astype(np.int32))
            for s in w_scales]
    h = b.tensor("h", (1, units), "int8", 1 / 64, -9)
    c = b.tensor("c", (1, units), "int16", 2.0 ** -11, 0)
    for index in (h, c):
        spec: TensorSpec = b.tensors[index]
        spec.is_variable = True
    y = b.output("y", (1, 2, units), "int8", 1 / 64, -9)
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", [x, *wx, *wh, -1, -1, -1, *bias, -1, -1, h, c, -1, -1, -1, -1], [y],
         ("UnidirectionalSequenceLSTMOptions", {"fusedActivationFunction": "TANH", "cellClip": 0.0,
                                                "timeMajor": False}))
    return build_tflite(b.spec())


def _read_dot(w: np.ndarray, pos: int, v: np.ndarray, acc: np.ndarray) -> int:
    """acc[4] += the 4 units' dot products with v, reading quads at w[pos:]; the new position."""
    padded = np.zeros(-(-v.size // 4) * 4, dtype=np.int64)
    padded[:v.size] = v
    for q in range(padded.size // 4):
        quad = padded[4 * q:4 * q + 4][[0, 2, 1, 3]]
        for unit in range(4):
            acc[unit] += int(np.dot(w[pos:pos + 4], quad))
            pos += 4
    return pos


def test_arrays_give_tflm_accumulators() -> None:
    rng = np.random.default_rng(3)
    for units, size in ((6, 5), (4, 8), (1, 3)):
        model = read_model(_model(rng, units, size))
        op = model.operators[0]
        p = lstm_op._dsp_lstm(model, op)
        assert p is not None
        q = p.lstm.quant
        assert q is not None
        x = rng.integers(-128, 128, size)
        h = rng.integers(-128, 128, units)
        w, b = p.weights.astype(np.int64), p.bias.astype(np.int64)
        pos = 0
        for block in range(-(-units // 4)):
            for g in range(4):
                bias = b[(block * 4 + g) * 8:(block * 4 + g) * 8 + 8]
                acc_x, acc_h = bias[:4].copy(), bias[4:].copy()
                pos = _read_dot(w, pos, x, acc_x)
                pos = _read_dot(w, pos, h, acc_h)
                for unit in range(4):
                    j = block * 4 + unit
                    if j >= units:
                        assert acc_x[unit] == 0 and acc_h[unit] == 0
                        continue
                    wx = np.asarray(p.lstm.input_weights[g].data, dtype=np.int64).reshape(units, size)[j]
                    wh = np.asarray(p.lstm.recurrent_weights[g].data, dtype=np.int64).reshape(units, units)[j]
                    raw_bias = int(np.asarray(p.lstm.biases[g].data, dtype=np.int64)[j])
                    left_x = max(q.gates[g].input_rescale.shift, 0)
                    left_h = max(q.gates[g].recurrent_rescale.shift, 0)
                    assert acc_x[unit] == (raw_bias + int(np.dot(wx, x + q.input_offset))) << (1 + left_x)
                    assert acc_h[unit] == int(np.dot(wh, h + q.hidden_offset)) << (1 + left_h)
        assert pos == w.size
    assert any(r.shift == 0 and r.round == 0 for r in p.input_rescale)  # a left-shifted gate was covered
