"""TFLM's int16 lookup tables (LUTPopulate<int16_t>), computed at generation time bit for bit.

TFLM fills a 513-entry table in its kernels' Prepare: 512 samples of a function over the int16
input range, each corrected by half the error of linear interpolation at the segment's midpoint,
plus the last input's value; kernels read it with LUTLookup's 7-bit interpolation. Every step is
float32 arithmetic (and std::exp on a float is the C library's expf), so this module does each
operation in numpy float32, in TFLM's order, and calls the C library's expf.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
from collections.abc import Callable
from functools import cache

import numpy as np

LUT_SIZE = 513
_STEPS = 512
_INT16_MIN, _INT16_MAX = -32768, 32767

F32 = np.float32
Transform = Callable[[np.float32], np.float32]


@cache
def _libm_expf() -> Callable[[float], float] | None:
    name = ctypes.util.find_library("m")
    if name is None:
        return None
    function = ctypes.CDLL(name).expf
    function.argtypes, function.restype = [ctypes.c_float], ctypes.c_float
    return function


def expf(value: np.float32) -> np.float32:
    """The C library's expf (what TFLM's std::exp(float) calls); numpy's float32 exp otherwise."""
    function = _libm_expf()
    if function is None:
        return F32(np.exp(F32(value)))
    return F32(function(float(value)))


def one_over_one_plus_x(value: np.float32) -> np.float32:
    return F32(F32(1.0) / F32(F32(1.0) + F32(value)))


def round_half_away(value: np.float32) -> np.float32:
    """TfLiteRound on a float (std::round): halves away from zero; exact in double."""
    as_double = float(value)
    return F32(math.copysign(math.floor(abs(as_double) + 0.5), as_double))


def lut_populate_int16(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int,
                       transform: Transform) -> np.ndarray:
    """TFLM's detail::LUTPopulateInt16<float>: the 513 int16 entries, as an int16 array."""
    in_scale, out_scale = F32(input_scale), F32(output_scale)
    input_min = F32(in_scale * F32(_INT16_MIN - input_zero_point))
    input_max = F32(in_scale * F32(_INT16_MAX - input_zero_point))
    output_min = F32(out_scale * F32(_INT16_MIN - output_zero_point))
    output_max = F32(out_scale * F32(_INT16_MAX - output_zero_point))
    step = F32(F32(input_max - input_min) / F32(_STEPS))
    half_step = F32(step / F32(2))
    scaling_inv = F32(F32(_INT16_MAX - _INT16_MIN + 1) / F32(output_max - output_min))
    table_min, table_max = F32(_INT16_MIN), F32(_INT16_MAX)

    def clamp(value: np.float32) -> int:
        return int(min(max(value, table_min), table_max))

    lut = np.zeros(LUT_SIZE, dtype=np.int16)
    for i in range(_STEPS):
        start = F32(input_min + F32(F32(i) * step))
        val = transform(start)
        val_midpoint = transform(F32(start + half_step))
        val_next = transform(F32(input_min + F32(F32(i + 1) * step)))
        sample_val = round_half_away(F32(val * scaling_inv))
        midpoint_interp_val = round_half_away(
            F32(F32(F32(val_next * scaling_inv) + round_half_away(F32(val * scaling_inv))) / F32(2)))
        midpoint_val = round_half_away(F32(val_midpoint * scaling_inv))
        midpoint_err = F32(midpoint_interp_val - midpoint_val)
        bias = round_half_away(F32(midpoint_err / F32(2)))
        lut[i] = clamp(F32(sample_val - bias))
    lut[_STEPS] = clamp(round_half_away(F32(transform(input_max) * scaling_inv)))
    return lut


_RANGE = _INT16_MAX - _INT16_MIN  # 65535, an int in TFLM's softmax_common.cc


@cache
def softmax_exp_lut() -> np.ndarray:
    """exp over [-10, 0] (TFLM's SOFTMAX int16 exp table)."""
    lut = lut_populate_int16(float(F32(10.0) / F32(_RANGE)), _INT16_MAX, float(F32(2.0) / F32(_RANGE)), 0, expf)
    lut.setflags(write=False)
    return lut


@cache
def softmax_one_over_one_plus_x_lut() -> np.ndarray:
    """1 / (1 + x) over [0, 1] (TFLM's SOFTMAX int16 reciprocal table)."""
    lut = lut_populate_int16(float(F32(1.0) / F32(_RANGE)), _INT16_MIN, float(F32(2.0) / F32(_RANGE)), 0,
                             one_over_one_plus_x)
    lut.setflags(write=False)
    return lut
