"""UNIDIRECTIONAL_SEQUENCE_LSTM on the emulated device against host TFLM: int8 (8x8->16) and float32
both bit-exact (the float kernel computes expf and tanhf as host TFLM's glibc does, so nothing is
left to tolerate; the bench's float tolerance is not needed here).

Three firmware builds:
- Keras LSTM layers converted by the TFLite converter, float32 and full-integer int8 with a
  representative dataset (generator/intake.py convert_keras_model): two LSTMs of different sizes
  in one model. Made with Keras 2 (the optional tf_keras package, `tflm-bench install-qat`):
  with Keras 3 and TensorFlow 2.21 the int8 calibrator crashes (segfault) on an LSTM and the
  float conversion keeps an LSTM behind a Dense as a WHILE loop.
- A hand-built model (support/tflite_builder) of six LSTMs with seeded random weights and biases,
  int8 and float32 side by side, covering what converted models rarely show: time-major inputs,
  several batch rows, nonzero hidden-state zero points, cell scales 2^-10, 2^-11 and 2^-14 (three
  different tanh rescalings), a cell clip that bites and none at all.
Each runs several samples in a row: the hidden and cell states are variable tensors kept between
inferences, so every sample after the first also checks the state the previous one left.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import TensorSpec

SAMPLES = 3


def _keras_lstms():  # type: ignore[no-untyped-def]
    keras = pytest.importorskip("tf_keras", reason="Keras 2 (tf_keras) is not installed: `tflm-bench install-qat` "
                                "installs it; Keras 3 cannot make these models with TensorFlow 2.21")
    keras.utils.set_random_seed(5)
    x = keras.Input(shape=(6, 5), batch_size=1)
    a = keras.layers.LSTM(7, return_sequences=True)(x)
    b = keras.layers.LSTM(4, return_sequences=True)(keras.layers.Dense(9)(x))
    return keras.Model(x, [a, b])


@pytest.mark.parametrize("kind", ["int8", "float32"])
def test_keras_lstms_match_tflm(tmp_path: Path, bench_options, kind: str) -> None:  # type: ignore[no-untyped-def]
    import tensorflow as tf

    from tflm_bench.generator import read_model
    from tflm_bench.generator.intake import convert_keras_model

    model = _keras_lstms()
    rng = np.random.default_rng(5)
    if kind == "int8":
        tflite = convert_keras_model(model, rng.uniform(-1.0, 1.0, (32, 6, 5)).astype(np.float32), "int8")
        samples = [[rng.integers(-128, 128, (1, 6, 5)).astype(np.int8)] for _ in range(SAMPLES)]
    else:
        tflite = tf.lite.TFLiteConverter.from_keras_model(model).convert()
        samples = [[rng.uniform(-1.0, 1.0, (1, 6, 5)).astype(np.float32)] for _ in range(SAMPLES)]
    ops = [op.name for op in read_model(tflite).operators]
    assert ops.count("UNIDIRECTIONAL_SEQUENCE_LSTM") == 2, f"the converter made {ops}"
    results = run_on_device(tflite, samples, tmp_path, bench_options)
    bad = [f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} "
           f"{o.vs_tflm.unit})" for r in results for o in r.outputs if not o.vs_tflm.exact]
    assert not bad, f"Keras LSTMs ({kind}): " + "; ".join(bad)


def _lstm(b: LayerModel, rng: np.random.Generator, kind: str, batches: int, steps: int, size: int, units: int,
          time_major: bool, hidden_zp: int = 0, cell_scale: float = 2.0 ** -11, cell_clip: float = 10.0,
          weight_range: float = 0.6) -> None:
    shape = (steps, batches, size) if time_major else (batches, steps, size)
    out_shape = shape[:2] + (units,)
    if kind == "int8":
        in_scale, w_scale, h_scale = 0.04, 0.02, 1 / 128
        x = b.input("x", shape, "int8", in_scale, 3)

        def weights(cols: int) -> int:
            return b.tensor("w", (units, cols), "int8", w_scale, 0,
                            data=rng.integers(-127, 128, (units, cols)).astype(np.int8))
        wx = [weights(size) for _ in range(4)]
        wh = [weights(units) for _ in range(4)]
        biases = [b.tensor("b", (units,), "int32", in_scale * w_scale, 0,
                           data=rng.integers(-3000, 3000, units).astype(np.int32)) for _ in range(4)]
        hidden = b.tensor("h", (batches, units), "int8", h_scale, hidden_zp)
        cell = b.tensor("c", (batches, units), "int16", cell_scale, 0)
        y = b.output("y", out_shape, "int8", h_scale, hidden_zp)
    else:
        x = b.input("x", shape, "float32")

        def weights(cols: int) -> int:
            values = rng.uniform(-weight_range, weight_range, (units, cols)).astype(np.float32)
            return b.tensor("w", (units, cols), "float32", data=values)
        wx = [weights(size) for _ in range(4)]
        wh = [weights(units) for _ in range(4)]
        biases = [b.tensor("b", (units,), "float32", data=rng.uniform(-0.5, 0.5, units).astype(np.float32))
                  for _ in range(4)]
        hidden = b.tensor("h", (batches, units), "float32")
        cell = b.tensor("c", (batches, units), "float32")
        y = b.output("y", out_shape, "float32")
    for index in (hidden, cell):
        spec: TensorSpec = b.tensors[index]
        spec.is_variable = True
    inputs = [x, *wx, *wh, -1, -1, -1, *biases, -1, -1, hidden, cell, -1, -1, -1, -1]
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [y], ("UnidirectionalSequenceLSTMOptions", {
        "fusedActivationFunction": "TANH", "cellClip": cell_clip, "timeMajor": time_major}))


def test_built_lstms_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    from support.tflite_builder import build_tflite

    rng = np.random.default_rng(11)
    b = LayerModel()
    _lstm(b, rng, "int8", batches=2, steps=3, size=5, units=6, time_major=True, hidden_zp=-5)
    _lstm(b, rng, "int8", batches=3, steps=2, size=4, units=5, time_major=False, hidden_zp=7,
          cell_scale=2.0 ** -10, cell_clip=3.0)
    _lstm(b, rng, "int8", batches=1, steps=4, size=3, units=4, time_major=False, cell_scale=2.0 ** -14,
          cell_clip=0.0)
    _lstm(b, rng, "float32", batches=2, steps=4, size=3, units=5, time_major=True, cell_clip=0.5)
    _lstm(b, rng, "float32", batches=2, steps=3, size=4, units=3, time_major=False, cell_clip=0.0)
    # Enough tanh and exp calls (16 steps x 24 units, 3 samples), mostly in the non-saturated range,
    # that the target's own libm would drift from host TFLM's.
    _lstm(b, rng, "float32", batches=1, steps=16, size=16, units=24, time_major=False, cell_clip=0.0,
          weight_range=0.25)
    # Rows of 6 and 10 values (the float kernel's blocks of four plus two left over) and weights large
    # enough that gates reach the sigmoid's cut-offs (-9, 16.6) and expf's arguments go far below -9.
    _lstm(b, rng, "float32", batches=1, steps=6, size=6, units=10, time_major=False, cell_clip=0.0,
          weight_range=4.0)
    samples = []
    for _ in range(SAMPLES):
        sample = []
        for i in b.inputs:
            t = b.tensors[i]
            sample.append(rng.integers(-128, 128, t.shape).astype(np.int8) if t.dtype == "int8"
                          else rng.uniform(-2.0, 2.0, t.shape).astype(np.float32))
        samples.append(sample)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    for r in results:
        for o in r.outputs:
            assert o.vs_tflm.exact, (
                f"sample {r.index} LSTM {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} "
                f"{o.vs_tflm.unit})")


def _lstm_16x8(b: LayerModel, rng: np.random.Generator, hidden_zp: int, cell_power: int, cell_clip: float,
               h_scale: float | None = None) -> None:
    """A 16x8 LSTM with seeded random sizes and scales (int16 input, hidden state and output; int8
    weights; int64 biases, some large enough to push gates into saturation); a hidden scale below
    2^-15 saturates the hidden state itself."""
    batches, steps, size, units = (int(v) for v in rng.integers(1, (4, 6, 9, 13)))
    time_major = bool(rng.integers(0, 2))
    shape = (steps, batches, size) if time_major else (batches, steps, size)
    in_scale = float(np.float32(10.0 ** rng.uniform(-4.5, -2.5)))
    h_scale = h_scale or float(np.float32(10.0 ** rng.uniform(-4.5, -3.0)))
    x = b.input("x", shape, "int16", in_scale, 0)

    def weights(cols: int, act_scale: float) -> int:
        w_scale = float(np.float32(10.0 ** rng.uniform(-3.0, -1.3)))
        assert act_scale * w_scale / 2.0 ** -12 < 2.0 ** 7  # TFLM's 64-bit rescaling range
        return b.tensor("w", (units, cols), "int8", w_scale, 0,
                        data=rng.integers(-127, 128, (units, cols)).astype(np.int8))
    wx = [weights(size, in_scale) for _ in range(4)]
    wh = [weights(units, h_scale) for _ in range(4)]
    biases = []
    for w in wx:
        bias_scale = in_scale * b.tensors[w].scales[0]
        limit = int(min(4.0 / bias_scale, 2 ** 40))  # up to +-4 at the gate input
        biases.append(b.tensor("b", (units,), "int64", bias_scale, 0,
                               data=rng.integers(-limit, limit + 1, units).astype(np.int64)))
    hidden = b.tensor("h", (batches, units), "int16", h_scale, hidden_zp)
    cell = b.tensor("c", (batches, units), "int16", 2.0 ** cell_power, 0)
    y = b.output("y", shape[:2] + (units,), "int16", h_scale, hidden_zp)
    for index in (hidden, cell):
        b.tensors[index].is_variable = True
    inputs = [x, *wx, *wh, -1, -1, -1, *biases, -1, -1, hidden, cell, -1, -1, -1, -1]
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [y], ("UnidirectionalSequenceLSTMOptions", {
        "fusedActivationFunction": "TANH", "cellClip": cell_clip, "timeMajor": time_major}))


def test_built_16x8_lstms_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Six 16x8 LSTMs in one firmware: random sizes, layouts and scales; cell scales 2^-10 ..
    2^-15 (the tanh input rescaled by a left shift, none, and a right one); clips that bite and
    none; a nonzero hidden zero point; a hidden scale of 2^-16 (the hidden state saturates);
    inputs over the whole int16 range and near zero; states carried across time steps and across
    the samples."""
    from support.tflite_builder import build_tflite

    rng = np.random.default_rng(1608)
    b = LayerModel()
    for hidden_zp, cell_power, cell_clip in ((0, -11, 3.0), (0, -12, 0.0), (0, -15, 0.5), (-300, -10, 20.0),
                                             (0, -14, 1.5)):
        _lstm_16x8(b, rng, hidden_zp, cell_power, cell_clip)
    _lstm_16x8(b, rng, 0, -11, 0.0, h_scale=2.0 ** -16)
    samples = []
    for _ in range(SAMPLES + 1):
        sample = []
        for i in b.inputs:
            shape = b.tensors[i].shape
            values = rng.integers(-32768, 32768, shape)
            near_zero = rng.random(shape) < 0.5
            values[near_zero] = rng.integers(-2000, 2001, int(near_zero.sum()))
            sample.append(values.astype(np.int16))
        samples.append(sample)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [f"sample {r.index} LSTM {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} "
           f"{o.vs_tflm.unit})" for r in results for o in r.outputs if not o.vs_tflm.exact]
    assert not bad, "16x8 LSTMs: " + "; ".join(bad)
