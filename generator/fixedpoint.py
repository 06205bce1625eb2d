"""gemmlowp's fixed-point exp on negative values, in Python, bit for bit with
firmware/kernels/activations/tb_fixedpoint_math.h (the same facts; both are ours).

Values are raw int32 in a Qm.n format (m integer bits, n = 31 - m); products are the saturating
rounding doubling high multiply, sums wrap as 32-bit two's complement. The generator uses it to
tabulate at build time what a kernel would otherwise compute per element (the int8 SOFTMAX's
exp of every possible difference).
"""
from __future__ import annotations

from .quantization import INT32_MAX, INT32_MIN, rounding_divide_by_pot, saturating_rounding_doubling_high_mul

_EXP_BARREL = (1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242)  # exp(-2^e), e = -2..4


def _wrap(value: int) -> int:
    return ((value + 2**31) % 2**32) - 2**31


def fp_mul(a: int, b: int) -> int:
    return saturating_rounding_doubling_high_mul(a, b)


def multiply_by_pot(x: int, exponent: int) -> int:
    """x * 2^exponent: saturating for exponent > 0, rounding to nearest for exponent < 0."""
    if exponent > 0:
        threshold = (1 << (31 - exponent)) - 1
        if x > threshold:
            return INT32_MAX
        if x < -threshold:
            return INT32_MIN
        return _wrap(x << exponent)
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    return x


def rescale(x: int, src_bits: int, dst_bits: int) -> int:
    return multiply_by_pot(x, src_bits - dst_bits)


def _exp_near_zero(a: int) -> int:
    """exp(a) for a in [-1/4, 0), Q0 in and out (Taylor series around -1/8)."""
    constant_term, one_third = 1895147668, 715827883
    x = _wrap(a + (1 << 28))
    x2 = fp_mul(x, x)
    x3 = fp_mul(x2, x)
    x4 = fp_mul(x2, x2)
    x4_over_4 = multiply_by_pot(x4, -2)
    poly = multiply_by_pot(_wrap(fp_mul(_wrap(x4_over_4 + x3), one_third) + x2), -1)
    return _wrap(constant_term + fp_mul(constant_term, _wrap(x + poly)))


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    """exp(a) for a <= 0 in Q(integer_bits), result in Q0."""
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = _wrap((a & mask) - one_quarter)
    result = _exp_near_zero(rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0))
    remainder = _wrap(a_mod_quarter_minus_one_quarter - a)
    for e in range(-2, 5):
        if integer_bits > e and (remainder & 0xFFFFFFFF) & (1 << (fractional_bits + e)):
            result = fp_mul(result, _EXP_BARREL[e + 2])
    if integer_bits > 5 and a < -(1 << (36 - integer_bits)):
        result = 0
    if a == 0:
        result = INT32_MAX
    return result


def _rounding_half_sum(a: int, b: int) -> int:
    """(a + b) / 2 rounded half away from zero."""
    total = a + b + (1 if a + b >= 0 else -1)
    return total // 2 if total >= 0 else -(-total // 2)  # C's division truncates toward zero


def _newton_reciprocal(half_denominator: int) -> int:
    """Three Newton-Raphson steps towards 1 / half_denominator (Q0 in, Q2 out)."""
    x = _wrap(1515870810 + fp_mul(half_denominator, -1010580540))
    for _ in range(3):
        one_minus = _wrap((1 << 29) - fp_mul(half_denominator, x))
        x = _wrap(x + rescale(fp_mul(x, one_minus), 4, 2))
    return x


def logistic(a: int, integer_bits: int) -> int:
    """1 / (1 + exp(-a)); a in Q(integer_bits), result in Q0 (tb_fp_logistic)."""
    if a == 0:
        return 1 << 30
    abs_a = a if a > 0 else _wrap(-a)
    e = exp_on_negative_values(_wrap(-abs_a), integer_bits)
    if_positive = rescale(_newton_reciprocal(_rounding_half_sum(e, INT32_MAX)), 1, 0)
    return if_positive if a > 0 else _wrap(INT32_MAX - if_positive)


def tanh(a: int, integer_bits: int) -> int:
    """tanh(a); a in Q(integer_bits), result in Q0 (tb_fp_tanh)."""
    if a == 0:
        return 0
    negative_part = a if a < 0 else _wrap(-a)
    e = exp_on_negative_values(negative_part, integer_bits + 1)
    t = rescale(_wrap(_newton_reciprocal(_rounding_half_sum(e, INT32_MAX)) - (1 << 29)), 2, 0)
    return _wrap(-t) if a < 0 else t
