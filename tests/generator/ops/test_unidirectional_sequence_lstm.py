"""UNIDIRECTIONAL_SEQUENCE_LSTM: the parameters TFLM's Prepare derives, and what we refuse."""
from __future__ import annotations

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite

from tflm_bench.generator import read_model
from tflm_bench.generator.errors import GeneratorError
from tflm_bench.generator.lstm_quant import cell_scale_power, quantized_cell_clip, tanh_input_rescale
from tflm_bench.generator.validate import validate


def test_cell_scale_sets_the_tanh_rescaling() -> None:
    # TFLM: left shift (15 + power) - 3; a zero multiplier becomes 3 << shift, a negative shift
    # becomes multiplier 3 with a right shift.
    assert cell_scale_power(2.0 ** -11) == -11
    assert tanh_input_rescale(-11) == (6, 0)
    assert tanh_input_rescale(-12) == (3, 0)
    assert tanh_input_rescale(-14) == (3, 2)
    assert quantized_cell_clip(10.0, 2.0 ** -11) == 20480
    assert quantized_cell_clip(10.0, 2.0 ** -12) == 32767  # saturated, as TFLM's int16 cast of the clamp


def _model(activation_dtype: str = "int8", peephole: bool = False, bias_dtype: str | None = None) -> bytes:
    b = LayerModel()
    rng = np.random.default_rng(0)
    if activation_dtype == "float32":
        wdtype, bdtype = "float32", "float32"
    else:
        wdtype, bdtype = "int8", bias_dtype or ("int32" if activation_dtype == "int8" else "int64")
    q = None if activation_dtype == "float32" else 0.05
    x = b.input("x", (1, 2, 3), activation_dtype, q, 0)
    wx = [b.tensor("w", (4, 3), wdtype, q, 0, data=rng.integers(-5, 5, (4, 3)).astype(wdtype)) for _ in range(4)]
    wh = [b.tensor("w", (4, 4), wdtype, q, 0, data=rng.integers(-5, 5, (4, 4)).astype(wdtype)) for _ in range(4)]
    bias = [b.tensor("b", (4,), bdtype, q, 0, data=np.zeros(4, bdtype)) for _ in range(4)]
    peep = b.tensor("p", (4,), wdtype, q, 0, data=np.zeros(4, wdtype)) if peephole else -1
    h = b.tensor("h", (1, 4), activation_dtype, q, 0)
    cell_dtype = "float32" if activation_dtype == "float32" else "int16"
    c = b.tensor("c", (1, 4), cell_dtype, None if q is None else 2.0 ** -11, 0)
    for index in (h, c):
        b.tensors[index].is_variable = True
    y = b.output("y", (1, 2, 4), activation_dtype, q, 0)
    b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", [x, *wx, *wh, peep, -1, -1, *bias, -1, -1, h, c, -1, -1, -1, -1], [y],
         ("UnidirectionalSequenceLSTMOptions", {"fusedActivationFunction": "TANH", "cellClip": 10.0}))
    return build_tflite(b.spec())


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_standard_lstm_is_accepted(dtype: str) -> None:
    validate(read_model(_model(dtype)))


def test_peephole_is_refused_naming_tflm() -> None:
    with pytest.raises(GeneratorError, match="cell-to-input peephole.*TFLM's kernel runs only the standard LSTM"):
        validate(read_model(_model(peephole=True)))


def test_16x8_with_int32_biases_is_refused() -> None:
    with pytest.raises(GeneratorError, match="int16 activations with int32 biases.*16x8 LSTM reads int64"):
        validate(read_model(_model("int16", bias_dtype="int32")))
