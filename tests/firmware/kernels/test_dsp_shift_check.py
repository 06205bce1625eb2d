"""common/tb_requant.h's tb_requant_shifts_valid, compiled for the host (its plain-C build): every
shift in -31..31, and in -31..-1 when the kernel's fast rescaling is on, at any channel count and
position (the check is unrolled by four, so a bad shift in the tail must be caught too)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.host_c import build_host_program

KERNELS = Path(__file__).resolve().parents[3] / "firmware" / "kernels"
DRIVER = r"""
#include <stdio.h>
#include "common/tb_requant.h"
int main(void)
{
    int fast, n;
    while (scanf("%d %d", &fast, &n) == 2) {
        int32_t shift[64];
        for (int i = 0; i < n; i++) {
            if (scanf("%d", &shift[i]) != 1) {
                return 2;
            }
        }
        const tb_dsp_requant_t rq = {.bias = NULL, .multiplier = NULL, .shift = shift, .fast = fast, .packed = NULL};
        printf("%d\n", tb_requant_shifts_valid(&rq, n));
    }
    return 0;
}
"""


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_host_program(tmp_path_factory.mktemp("shift-check"), DRIVER, KERNELS, name="check")


def _expected(fast: int, shifts: list[int]) -> int:
    low, high = (-31, -1) if fast else (-31, 31)
    return int(all(low <= s <= high for s in shifts))


def test_every_bad_shift_is_found_wherever_it_sits(checker: Path) -> None:
    cases = []
    for fast in (0, 1):
        for n in (1, 3, 4, 5, 8, 13):
            cases.append((fast, [-5] * n))
            for bad in (-32, 0, 1, 31, 32, -2**31, 2**31 - 1):
                for at in {0, n // 2, n - 1}:
                    shifts = [-5] * n
                    shifts[at] = bad
                    cases.append((fast, shifts))
    cases.append((0, list(range(-31, 32))))  # the whole valid range, not fast
    cases.append((1, list(range(-31, 0))))
    text = "".join(f"{fast} {len(s)} {' '.join(map(str, s))}\n" for fast, s in cases)
    out = subprocess.run([str(checker)], input=text, capture_output=True, text=True, check=True).stdout.split()
    assert [int(v) for v in out] == [_expected(fast, s) for fast, s in cases]
