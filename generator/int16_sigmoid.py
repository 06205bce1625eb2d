"""The int16 sigmoid and tanh of TFLM's integer kernels: one source for LOGISTIC, TANH and the LSTM.

TFLM evaluates both functions on int16 by linear interpolation in one table of 256 knots of
sigmoid, unsigned 0.16 fixed point, spaced 1/24 apart (tanh(x) = 2 sigmoid(2x) - 1 reads the
same knots). The input is first brought to 1/(3 x 4096) units, (x * multiplier + round) >> shift:
a logistic input of 2^17 units (10.67) spans the 256 segments in 512-unit steps, a tanh input in
256-unit steps. Facts taken from tflite-micro (reference/integer_ops/logistic.h, tanh.h and the
Prepare of micro/kernels/logistic_common.cc and tanh.cc); the code here is ours.

The knots are not sigmoid rounded: a chord between two knots of a concave curve runs below it,
by at most h^2 |f''| / 8 in the middle of a step h. Each knot is raised by half that, |f''| / 16
for h = 1, so the interpolation error swings evenly about zero (`sigmoid_table`). The last knot
is the saturation value 65535 (1.0 in 0.16, clamped), where the interpolation meets the
saturated branch. This formula reproduces every output host TFLM gives on all 65536 int16
inputs of both functions (tests/generator/test_int16_sigmoid.py checks it against the
tflite-micro package); firmware/kernels/activations/sigmoid_table_u16.c is written from it by
scripts/generate_sigmoid_table.py and tested to stay equal to it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .quantization import QuantParamError

KNOTS = 256
KNOT_STEP = 1.0 / 24.0  # sigmoid's argument from one knot to the next
ONE = 65536.0  # 1.0 in unsigned 0.16
INPUT_INTEGER_BITS = 3  # the kernels' Q3.12 input
OUTPUT_FRACTIONAL_BITS = 15  # the kernels' Q0.15 output
TABLE_C_PATH = "firmware/kernels/activations/sigmoid_table_u16.c"


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def sigmoid_table() -> tuple[int, ...]:
    """The 256 knots: 65536 (s - s'' / 16) at s = sigmoid(i / 24), rounded; the last one 65535.

    s'' is the second derivative per knot step: sigmoid''(x) = s (1 - s) (1 - 2s) in x, times
    (1/24)^2 per step.
    """
    knots = []
    for i in range(KNOTS - 1):
        s = _sigmoid(i * KNOT_STEP)
        second = s * (1.0 - s) * (1.0 - 2.0 * s) * KNOT_STEP * KNOT_STEP
        knots.append(int(math.floor(ONE * (s - second / 16.0) + 0.5)))
    knots.append(int(ONE) - 1)
    return tuple(knots)


def checked_log2(x: float) -> tuple[int, bool]:
    """TFLM's CheckedLog2: log2 in single precision rounded half away from zero, and whether x
    is within 1e-3 (in log2) of that power of two."""
    value = np.float32(np.log(np.float32(x))) * np.float32(1.0 / np.log(np.float32(2.0)))
    rounded = math.floor(abs(float(value)) + 0.5)
    rounded = rounded if value >= 0 else -rounded
    return int(rounded), abs(float(np.float32(value - np.float32(rounded)))) < 1e-3


@dataclass(frozen=True)
class InputRescale:
    """The kernel's input rescaling (x * multiplier + round) >> shift, in 1/(3 x 4096) units."""

    multiplier: int  # 1..32767 here (TFLM's zero "power of two" marker already resolved)
    shift: int  # 0..31


def _resolve(multiplier: int, left_shift: int) -> InputRescale:
    # The reference kernels take a zero multiplier to mean 3 << shift with no shift.
    if multiplier == 0:
        return InputRescale(3 << left_shift, 0)
    return InputRescale(multiplier, left_shift)


def input_rescale(op_name: str, input_scale: float, input_zero_point: int, output_scale: float,
                  output_zero_point: int) -> InputRescale:
    """What TFLM's int16 LOGISTIC or TANH Prepare derives, resolved as the kernel uses it.

    Raises:
        QuantParamError: what TFLM's Prepare refuses (nonzero zero points, an output scale other
            than 2^-15) or what its kernel cannot compute (a multiplier beyond int16 or of zero).
    """
    if input_zero_point != 0 or output_zero_point != 0:
        raise QuantParamError(f"int16 {op_name} needs zero points 0 (input {input_zero_point}, output "
                              f"{output_zero_point}), as TFLM's Prepare requires")
    power, is_pot = checked_log2(input_scale)
    left_shift = (15 - INPUT_INTEGER_BITS) + power
    # LOGISTIC takes the shortcut for Q3.12 only, TANH also for Q4.11.
    shortcut = (0,) if op_name == "LOGISTIC" else (0, 1)
    if is_pot and left_shift in shortcut:
        rescale = _resolve(0, left_shift)
    else:
        multiplier = float(np.float32(input_scale)) * 4096.0 * 3.0
        left_shift = 0
        while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
            left_shift += 1
            multiplier *= 2.0
        whole = int(multiplier)
        if whole == 0 or whole > 32767:
            raise QuantParamError(f"int16 {op_name} input scale {input_scale!r} gives TFLM's input multiplier "
                                  f"{whole} (1..32767 needed: input scales from about 4e-14 to 2.66)")
        rescale = InputRescale(whole, left_shift)
    out_power, out_pot = checked_log2(output_scale)
    if not out_pot or out_power != -OUTPUT_FRACTIONAL_BITS:
        raise QuantParamError(f"int16 {op_name} needs output scale 2^-15 (has {output_scale!r}), as TFLM's "
                              "Prepare requires")
    return rescale


def _rescaled(x: np.ndarray, rescale: InputRescale) -> np.ndarray:
    rounding = (1 << (rescale.shift - 1)) if rescale.shift > 0 else 0
    product = (x.astype(np.int64) * rescale.multiplier + rounding) & 0xFFFFFFFF  # int32 wrap, as TFLM
    product = np.where(product >= 1 << 31, product - (1 << 32), product)
    return product >> rescale.shift


def logistic(x: np.ndarray, rescale: InputRescale) -> np.ndarray:
    """int16 sigmoid of int16 inputs, Q0.15 out (the arithmetic of the C kernel, for tests)."""
    table = np.array(sigmoid_table(), dtype=np.int64)
    v = _rescaled(x, rescale)
    magnitude = np.abs(v)
    segment = np.minimum(magnitude >> 9, KNOTS - 2)
    low, high = table[segment], table[segment + 1]
    result = np.where((magnitude >> 9) >= KNOTS - 1, 0x7FFF << 10, (low << 9) + (magnitude & 0x1FF) * (high - low))
    result = np.where(v >= 0, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
    return (result >> 10).astype(np.int16)


def tanh(x: np.ndarray, rescale: InputRescale) -> np.ndarray:
    """int16 tanh of int16 inputs, Q0.15 out (the arithmetic of the C kernel, for tests)."""
    table = np.array(sigmoid_table(), dtype=np.int64)
    v = _rescaled(x, rescale)
    magnitude = np.abs(v)
    segment = np.minimum(magnitude >> 8, KNOTS - 2)
    low, high = table[segment], table[segment + 1]
    result = np.where((magnitude >> 8) >= KNOTS - 1, 0xFFFF << 8, (low << 8) + (magnitude & 0xFF) * (high - low))
    result = np.where(v >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
    return (result >> 8).astype(np.int16)


def packed_table() -> tuple[int, ...]:
    """The knots packed per segment k as (knot[k] << 16) | (knot[k + 1] - knot[k]), the last with
    slope 0: the optimized LSTM reads a segment's base and slope in one load (lstm_s8_dsp.c)."""
    values = sigmoid_table()
    return tuple((values[k] << 16) | ((values[k + 1] - values[k]) if k + 1 < KNOTS else 0) for k in range(KNOTS))


def table_c_source() -> str:
    """The text of firmware/kernels/activations/sigmoid_table_u16.c."""
    values = sigmoid_table()
    rows = ["    " + ", ".join(f"{v:5d}" for v in values[i:i + 12]) + "," for i in range(0, KNOTS, 12)]
    packed = ["    " + ", ".join(f"0x{v:08X}u" for v in packed_table()[i:i + 6]) + "," for i in range(0, KNOTS, 6)]
    return (
        "/* The 256 knots of the int16 sigmoid and tanh (activations/tb_sigmoid_s16.h): sigmoid(i / 24) in\n"
        " * unsigned 0.16, each raised by half the chord error of linear interpolation. Written by\n"
        " * scripts/generate_sigmoid_table.py from generator/int16_sigmoid.py (which says why); do not edit. */\n"
        '#include "activations/tb_sigmoid_s16.h"\n'
        "\n"
        "const uint16_t tb_sigmoid_table_u16[TB_SIGMOID_KNOTS] = {\n"
        + "\n".join(rows) + "\n};\n"
        "\n"
        "/* The same knots as (knot[k] << 16) | (knot[k + 1] - knot[k]), the last segment flat. */\n"
        "const uint32_t tb_sigmoid_table_packed_u32[TB_SIGMOID_KNOTS] = {\n"
        + "\n".join(packed) + "\n};\n"
    )
