"""firmware/shell/mlperf_format.c, compiled for the host: every float prints as Python's
format(value, ".3f") does (correctly rounded, halves to even), which the runner's results use."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from support.host_c import build_host_program

SHELL = Path(__file__).resolve().parents[3] / "firmware" / "shell"
DRIVER = r"""
#include <stdio.h>
#include <string.h>
#include "mlperf_format.h"
int main(void)
{
    unsigned bits;
    char text[TB_FIXED3_MAX];
    char digits[11];
    while (scanf("%x", &bits) == 1) {
        float value;
        memcpy(&value, &bits, sizeof value);
        tb_format_fixed3(value, text);
        tb_format_u32(bits, digits);
        printf("%s %s\n", text, digits);
    }
    return 0;
}
"""


@pytest.fixture(scope="module")
def formatter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_host_program(tmp_path_factory.mktemp("format"), DRIVER, SHELL, (SHELL / "mlperf_format.c",),
                              name="format")


def _bit_patterns() -> np.ndarray:
    rng = np.random.default_rng(3)
    special = [0, 0x80000000, 1, 0x80000001, 0x007FFFFF, 0x7F7FFFFF, 0xFF7FFFFF, 0x7F800000, 0xFF800000,
               0x7FC00000, 0x3A83126F, 0x3F000000, 0x3A000000, 0xBA000000, 0xFFFFFFFF]
    ties = np.float32(np.arange(-4096, 4096)) * np.float32(1 / 2048)  # x.xxx5 exactly: halves to even
    dequantized = np.float32(np.arange(-255, 256)) * np.float32(0.00390625)  # int8 outputs of softmax scale
    return np.concatenate([
        np.array(special, np.uint32), ties.view(np.uint32), dequantized.view(np.uint32),
        np.float32(rng.uniform(-1000, 1000, 20000)).view(np.uint32),
        rng.integers(0, 1 << 32, 20000, dtype=np.uint64).astype(np.uint32),  # every exponent, NaNs included
    ])


def test_every_float_prints_as_python_formats_it(formatter: Path) -> None:
    patterns = _bit_patterns()
    out = subprocess.run([str(formatter)], input="\n".join(f"{b:x}" for b in patterns),
                         capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
    assert len(out) == len(patterns)
    for bits, line in zip(patterns, out):
        value = float(np.array(bits, np.uint32).view(np.float32))
        text, digits = line.split(" ")
        assert text == format(value, ".3f"), hex(bits)
        assert digits == str(int(bits))
