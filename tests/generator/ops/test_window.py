"""SAME/VALID output sizes and paddings, as TFLM's padding.h computes them."""
from __future__ import annotations

import pytest

from tflm_bench.generator.ops.window import effective_filter_size, output_size, padding_before


@pytest.mark.parametrize(
    ("in_size", "kernel", "stride", "dilation", "out", "pad"),
    [
        (5, 3, 2, 1, 3, 1),   # total 2: one before, one after
        (4, 3, 2, 1, 2, 0),   # total 1: the odd one goes after
        (7, 3, 1, 3, 7, 3),   # dilation 3: effective kernel 7
        (1, 3, 1, 1, 1, 1),   # kernel larger than the input
        (2, 5, 2, 1, 1, 1),   # total 3: one before, two after
        (9, 1, 4, 1, 3, 0),   # stride larger than the kernel
        (6, 6, 1, 1, 6, 2),   # total 5
    ],
)
def test_same_padding(in_size: int, kernel: int, stride: int, dilation: int, out: int, pad: int) -> None:
    assert output_size("SAME", in_size, kernel, stride, dilation) == out
    assert padding_before(stride, dilation, in_size, kernel, out) == pad


@pytest.mark.parametrize(
    ("in_size", "kernel", "stride", "dilation", "out"),
    [(5, 3, 2, 1, 2), (9, 2, 4, 1, 2), (8, 3, 1, 3, 2), (6, 6, 1, 1, 1), (3, 5, 1, 1, -1)],
)
def test_valid_output_size_and_no_padding(in_size: int, kernel: int, stride: int, dilation: int, out: int) -> None:
    assert output_size("VALID", in_size, kernel, stride, dilation) == out
    if out >= 1:
        assert padding_before(stride, dilation, in_size, kernel, out) == 0


def test_same_window_is_centred_for_every_small_case() -> None:
    """The padding after the input is the one before, or one more; every output sees the input."""
    for in_size in range(1, 12):
        for kernel in range(1, 7):
            for stride in range(1, 5):
                for dilation in range(1, 4):
                    out = output_size("SAME", in_size, kernel, stride, dilation)
                    assert out == -(-in_size // stride)
                    before = padding_before(stride, dilation, in_size, kernel, out)
                    total = (out - 1) * stride + effective_filter_size(kernel, dilation) - in_size
                    after = max(total, 0) - before
                    assert before <= after <= before + 1
                    assert (out - 1) * stride - before < in_size  # the last window starts inside


def test_unknown_padding() -> None:
    with pytest.raises(ValueError):
        output_size("REFLECT", 4, 3, 1)
