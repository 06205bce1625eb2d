"""UNIDIRECTIONAL_SEQUENCE_LSTM's integer parameters, derived as TFLM's Prepare derives them.

TFLM's integer LSTMs (8x8->16 and 16x8; lstm_eval_common.cc, PrepareGateParametersInteger) run each gate as two
fully connected products into int16 at a fixed scale of 2^-12 (Q3.12, the input of its int16
sigmoid and tanh), adds them with int16 saturation, and applies the nonlinearity into Q0.15
(scale 2^-15). The element-wise products that update the cell and hidden states rescale from
those fixed scales to the cell state's and hidden state's own. Facts reproduced here:

- A gate's two products use TFLM's fully connected parameters with no bias tensor given, so the
  real multiplier is double(float(input scale x weights scale)) / 2^-12: the product of the two
  scales is rounded to single precision first. Output offset 0, clamp to int16.
- The inter-gate multiplications use double(scale1) x double(scale2) / double(output scale).
- The cell state's scale gives a power of two (log2 rounded, as CheckedLog2 does; TFLM does not
  check that the scale is one), which sets the integer tanh's input rescaling; the cell clip is
  quantized with that scale and truncated to int16.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .int16_sigmoid import checked_log2
from .model import Tensor
from .quantization import QuantParamError, quantize_multiplier

GATE_INPUT_SCALE = 2.0 ** -12  # TFLM's nonlinear_input_scale (Q3.12)
GATE_OUTPUT_SCALE = 2.0 ** -15  # TFLM's nonlinear_output_scale (Q0.15)
GATES = ("input", "forget", "cell", "output")  # the order of our parameter arrays
INT16_MIN, INT16_MAX = -32768, 32767


@dataclass(frozen=True)
class Rescale:
    """A fixed-point multiplier (Q31) and shift (> 0 shifts left), as QuantizeMultiplier gives."""

    multiplier: int
    shift: int


@dataclass(frozen=True)
class GateQuant:
    """One gate's two products: input x input weights (+ bias) and hidden x recurrent weights."""

    input_rescale: Rescale
    recurrent_rescale: Rescale


@dataclass(frozen=True)
class LstmQuant:
    """Everything the integer kernels (int8 and 16x8) need besides tensors and sizes."""

    input_offset: int  # -input zero point
    hidden_offset: int  # -hidden state zero point (the recurrent products' input offset)
    gates: tuple[GateQuant, GateQuant, GateQuant, GateQuant]  # in GATES order
    forget_cell: Rescale  # forget gate (2^-15) x cell state -> cell state
    input_cell: Rescale  # input gate (2^-15) x cell gate (2^-15) -> cell state
    hidden: Rescale  # output gate (2^-15) x tanh(cell) (2^-15) -> hidden state
    hidden_zero_point: int
    cell_clip: int  # quantized clip, 0: no clipping
    tanh_multiplier: int  # the cell tanh's input rescaling: (x * multiplier + round) >> shift
    tanh_shift: int


def _scale(t: Tensor) -> float:
    assert t.quantization is not None
    return t.quantization.scales[0]


def _zero_point(t: Tensor) -> int:
    assert t.quantization is not None
    return t.quantization.zero_points[0]


def _rescale(real: float, what: str) -> Rescale:
    multiplier, shift = quantize_multiplier(real)
    if not -31 <= shift <= 30:
        raise QuantParamError(f"the {what} rescaling {real:.9g} is outside what a 32-bit fixed-point multiplier holds")
    return Rescale(multiplier, shift)


def fc_rescale(activation: Tensor, weights: Tensor, what: str) -> Rescale:
    """TFLM's GetQuantizedConvolutionMultipler without bias: the scale product in float."""
    product = float(np.float32(_scale(activation)) * np.float32(_scale(weights)))
    return _rescale(product / GATE_INPUT_SCALE, what)


def mul_rescale(scale1: float, scale2: float, out_scale: float, what: str) -> Rescale:
    """TFLM's CreateInterGateMulParams: (double s1 x double s2) / double out."""
    return _rescale(float(scale1) * float(scale2) / float(out_scale), what)


def cell_scale_power(cell_scale: float) -> int:
    """TFLM's CheckedLog2 of the cell scale (its power of two, whether or not it is one)."""
    return checked_log2(cell_scale)[0]


def quantized_cell_clip(cell_clip: float, cell_scale: float) -> int:
    """static_cast<int16_t>(min(max(clip / scale, -32768), 32767)), the cast truncating."""
    value = min(max(float(np.float32(cell_clip)) / float(np.float32(cell_scale)), -32768.0), 32767.0)
    return int(value)


def tanh_input_rescale(power: int) -> tuple[int, int]:
    """The (multiplier, right shift) TFLM's int16 tanh applies to the cell state of scale 2^power.

    lstm_eval.cc passes left shift (15 + power) - 3, or for a negative one multiplier 3 and the
    negated shift; reference Tanh turns a zero multiplier into 3 << shift with no shift.
    """
    left_shift = (15 + power) - 3
    multiplier = 0
    if left_shift < 0:
        left_shift, multiplier = -left_shift, 3
    if multiplier == 0:
        if left_shift > 20:
            raise QuantParamError(f"cell state scale 2^{power} needs a tanh input multiplier of 3 << {left_shift}")
        return 3 << left_shift, 0
    if left_shift > 30:
        raise QuantParamError(f"cell state scale 2^{power} needs a tanh input shift of {left_shift}")
    return multiplier, left_shift


def lstm_quant(inp: Tensor, input_weights: tuple[Tensor, ...], recurrent_weights: tuple[Tensor, ...],
               hidden: Tensor, cell: Tensor, cell_clip: float) -> LstmQuant:
    """The int8 LSTM's parameters; weights in GATES order (input, forget, cell, output).

    Raises:
        QuantParamError: a rescaling no 32-bit fixed-point multiplier represents.
    """
    gates = tuple(
        GateQuant(fc_rescale(inp, wx, f"{gate} gate input x weights"),
                  fc_rescale(hidden, wh, f"{gate} gate hidden state x recurrent weights"))
        for gate, wx, wh in zip(GATES, input_weights, recurrent_weights)
    )
    cell_scale = _scale(cell)
    power = cell_scale_power(cell_scale)
    tanh_multiplier, tanh_shift = tanh_input_rescale(power)
    clip = quantized_cell_clip(cell_clip, cell_scale) if cell_clip > 0 else 0
    return LstmQuant(
        input_offset=-_zero_point(inp),
        hidden_offset=-_zero_point(hidden),
        gates=gates,  # type: ignore[arg-type]
        forget_cell=mul_rescale(GATE_OUTPUT_SCALE, cell_scale, cell_scale, "forget gate x cell state"),
        input_cell=mul_rescale(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, cell_scale, "input gate x cell gate"),
        hidden=mul_rescale(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, _scale(hidden), "output gate x tanh(cell)"),
        hidden_zero_point=_zero_point(hidden),
        cell_clip=clip,
        tanh_multiplier=tanh_multiplier,
        tanh_shift=tanh_shift,
    )

