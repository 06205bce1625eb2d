"""The optimized (dsp) int8 UNIDIRECTIONAL_SEQUENCE_LSTM (firmware/kernels/lstm/lstm_s8_dsp.c):

- its packed-table sigmoid and tanh, built for the host, against the reference kernel's
  (tb_sigmoid_s16_value / tb_tanh_s16_value, themselves checked against host TFLM on every input by
  test_lstm_functions.py) on every int16 input, for the gates' rescaling and the cell tanh's;
- seeded random LSTMs on the emulated device against host TFLM, one firmware build: state sizes
  and input sizes that are and are not multiples of 4, one to three batch rows, time major or
  not, input and hidden zero points anywhere in int8, per-gate weight scales that give the gate
  products right shifts and left shifts (the left shift folded into the weights), cell scales
  2^-9..2^-15 (each a different tanh rescaling), clipping or none; samples random and at the
  int8 rails. Each LSTM is checked to run the dsp variant, and one whose bias is too large for
  the folded arithmetic to be exact to fall back to the reference kernel.
"""
from __future__ import annotations

import ctypes
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import TensorSpec, build_tflite

KERNELS = Path(__file__).resolve().parents[3] / "firmware" / "kernels"
SAMPLES = 3


@pytest.fixture(scope="module")
def functions(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("lstm_dsp") / "liblstmdsp.so"
    # -fwrapv: the cell tanh's input rescaling wraps in int32 as TFLM's does on the target.
    subprocess.run(["gcc", "-std=c11", "-O2", "-fwrapv", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                    f"-I{KERNELS}", str(KERNELS / "lstm" / "lstm_s8_dsp.c"),
                    str(KERNELS / "activations" / "sigmoid_s16.c"),
                    str(KERNELS / "activations" / "sigmoid_table_u16.c"), "-o", str(out)],
                   check=True, capture_output=True, text=True)
    lib = ctypes.CDLL(str(out))
    for name, args in (("tb_sigmoid_s16_value", 3), ("tb_tanh_s16_value", 3), ("tb_lstm_dsp_sigmoid", 1),
                       ("tb_lstm_dsp_tanh", 3)):
        getattr(lib, name).restype = ctypes.c_int16 if name.endswith("_value") else ctypes.c_int32
        getattr(lib, name).argtypes = [ctypes.c_int32] * args
    return lib


def test_table_functions_match_the_reference_on_every_input(functions: ctypes.CDLL) -> None:
    xs = range(-32768, 32768)
    bad = [x for x in xs if functions.tb_lstm_dsp_sigmoid(x) != functions.tb_sigmoid_s16_value(x, 3, 0)]
    assert not bad, f"sigmoid differs at {len(bad)} inputs, first {bad[:5]}"
    # The gates' tanh (3, 0) and the cell tanh's rescalings for cell scales 2^-9 .. 2^-20.
    for multiplier, shift in ((3, 0), (24, 0), (12, 0), (6, 0), (3, 1), (3, 2), (3, 5), (3, 8)):
        bad = [x for x in xs
               if functions.tb_lstm_dsp_tanh(x, multiplier, shift) != functions.tb_tanh_s16_value(x, multiplier, shift)]
        assert not bad, f"tanh ({multiplier}, {shift}) differs at {len(bad)} inputs, first {bad[:5]}"


def _random_lstm(b: LayerModel, rng: np.random.Generator, batches: int, steps: int, size: int, units: int,
                 time_major: bool, huge_bias: bool = False) -> None:
    shape = (steps, batches, size) if time_major else (batches, steps, size)
    in_scale = float(rng.uniform(0.005, 0.2))
    h_scale = float(rng.uniform(1 / 256, 1 / 24))
    h_zp = int(rng.integers(-128, 128))
    x = b.input("x", shape, "int8", in_scale, int(rng.integers(-128, 128)))

    def weights(cols: int, scale: float) -> int:
        limit = int(rng.choice([40, 127]))
        return b.tensor("w", (units, cols), "int8", scale, 0,
                        data=rng.integers(-limit, limit + 1, (units, cols)).astype(np.int8))
    # Gate product scale in x w / 2^-12 from ~0.05 (right shifts) to ~30 (left shifts).
    w_scales = [float(rng.uniform(0.0005, 0.03)) for _ in range(4)]
    wx = [weights(size, s) for s in w_scales]
    wh = [weights(units, float(rng.uniform(0.001, 0.1))) for _ in range(4)]
    span = 1 << 29 if huge_bias else 6000
    biases = [b.tensor("b", (units,), "int32", in_scale * s, 0,
                       data=rng.integers(-span, span, units).astype(np.int32)) for s in w_scales]
    hidden = b.tensor("h", (batches, units), "int8", h_scale, h_zp)
    cell = b.tensor("c", (batches, units), "int16", 2.0 ** -int(rng.integers(9, 16)), 0)
    y = b.output("y", shape[:2] + (units,), "int8", h_scale, h_zp)
    for index in (hidden, cell):
        spec: TensorSpec = b.tensors[index]
        spec.is_variable = True
    clip = float(rng.choice([0.0, 1.5, 8.0]))
    inputs = [x, *wx, *wh, -1, -1, -1, *biases, -1, -1, hidden, cell, -1, -1, -1, -1]
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [y], ("UnidirectionalSequenceLSTMOptions", {
        "fusedActivationFunction": "TANH", "cellClip": clip, "timeMajor": time_major}))


def _variants(tflite: bytes) -> list[str]:
    from tflm_bench.generator import read_model
    from tflm_bench.generator.ops.registry import choose_variant

    model = read_model(tflite)
    return [choose_variant(model, op, "optimized").name for op in model.operators]


@pytest.mark.parametrize("seed", [1])
def test_random_lstms_match_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(2500 + seed)
    b = LayerModel()
    shapes = [  # batches, steps, input size, units, time major
        (1, 5, 28, 20, False), (1, 3, 13, 7, False), (2, 3, 9, 12, True), (3, 2, 6, 5, False),
        (1, 4, 33, 17, False), (2, 2, 1, 3, True), (1, 3, 4, 1, False),
    ]
    for batches, steps, size, units, time_major in shapes:
        _random_lstm(b, rng, batches, steps, size, units, time_major)
    _random_lstm(b, rng, 1, 2, 5, 6, False, huge_bias=True)
    tflite = build_tflite(b.spec())
    assert _variants(tflite) == ["dsp"] * len(shapes) + ["reference"], _variants(tflite)
    samples = []
    for k in range(SAMPLES + 2):
        sample = []
        for i in b.inputs:
            shape = b.tensors[i].shape
            if k == SAMPLES:
                sample.append(np.full(shape, 127, np.int8))
            elif k == SAMPLES + 1:
                sample.append(np.full(shape, -128, np.int8))
            else:
                sample.append(rng.integers(-128, 128, shape).astype(np.int8))
        samples.append(sample)
    results = run_on_device(tflite, samples, tmp_path, replace(bench_options, kernels="optimized"))
    assert_bit_exact(results, f"random int8 LSTMs seed {seed}")
