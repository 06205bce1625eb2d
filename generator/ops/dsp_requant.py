"""Per-channel constants of the optimized (DSP) int8 kernels: common/tb_dsp.h's TB_RQ_* words.

No HANDLERS here. `requant_words` returns, per output channel, the six int32 words the kernels'
tb_dsp_requant reads, or None when the folded arithmetic would not be exact for this layer
(then the op module keeps the reference kernel): the kernels accumulate twice the TFLM
accumulator (doubled weights and bias) so that SMMLAR yields SRDHM, and fold the rounding of
RoundingDivideByPOT, its sign correction and the output zero point into SMMLAR's addend.
"""
from __future__ import annotations

from collections.abc import Sequence

LIMIT_ACC = 2**31  # |doubled accumulator| must stay below this
LIMIT_ADDEND = 2**30  # |SMMLAR addend| below this keeps the 64-bit sum exact


def rounding_word(shift: int, output_offset: int) -> int:
    """TB_RQ_ROUND for a TFLM shift (<= 0): 2^(e-1) + zp * 2^e, or zp when e = 0."""
    e = -shift
    return output_offset if e == 0 else (1 << (e - 1)) + output_offset * (1 << e)


def requant_words(
    multipliers: Sequence[int],
    shifts: Sequence[int],
    output_offset: int,
    folded_bias: Sequence[int],
    raw_bias: Sequence[int],
    acc_bounds: Sequence[int],
) -> list[list[int]] | None:
    """[bias2, raw_bias2, multiplier, round, sign, shift] per channel; None if not exact.

    `folded_bias` / `raw_bias` are the un-doubled biases (with / without the input offset
    folded in); `acc_bounds` bound |accumulator| (un-doubled) at every step of the sum.
    """
    words = []
    for m, s, fb, rb, bound in zip(multipliers, shifts, folded_bias, raw_bias, acc_bounds, strict=True):
        if s > 0 or 2 * bound >= LIMIT_ACC:
            return None
        e = -s
        r = rounding_word(s, output_offset)
        if abs(r) + 1 >= LIMIT_ADDEND or e > 31:
            return None
        words.append([2 * fb, 2 * rb, m, r, -1 if e >= 1 else 0, e])
    return words


def pack_rows(words: list[list[int]], pad_to: int = 1) -> list[list[int]]:
    """Pad the channel list with zero rows to a multiple of `pad_to`."""
    padded = list(words)
    while len(padded) % pad_to:
        padded.append([0] * 6)
    return padded
