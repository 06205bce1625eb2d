"""The same ELF and inputs on the built-in engine and on Renode: identical outputs and counts.

Skipped where Renode is not installed. Counts are the firmware's own DWT readings in its INVOKE
reply (per inference and per layer): with PerformanceInMips 64 and a 64 MHz DWT both engines
count one per executed instruction, so they must agree exactly.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tflm_bench.device import BenchDevice
from tflm_bench.board import DEFAULT_PLATFORM
from tflm_bench.emulation import create_engine
from tflm_bench.emulation.renode.discovery import renode_available
from tflm_bench.emulation.renode.errors import INSTALL_HINT, NOT_INSTALLED
from tflm_bench.session import BenchSession

pytestmark = pytest.mark.skipif(not renode_available(), reason=f"{NOT_INSTALLED}: {INSTALL_HINT}")

INPUTS = [np.array([[value]], dtype=np.int8) for value in range(-128, 128, 9)]


def run_on(engine_name: str, elf: Path) -> list[tuple[bytes, int, tuple[int, ...]]]:
    with create_engine(engine_name, DEFAULT_PLATFORM) as engine:
        engine.load_elf(elf)
        device = BenchDevice(engine, timeout_s=120)
        device.wait_ready()
        results = []
        for sample in INPUTS:
            device.set_input(0, sample)
            invoke = device.invoke()
            assert invoke.status == 0
            results.append((device.get_output(0).tobytes(), invoke.total_cycles, tuple(invoke.layer_cycles)))
        return results


def test_builtin_and_renode_agree_bit_for_bit_and_count_for_count(sine_model: Path) -> None:
    elf = BenchSession(sine_model).build().elf
    builtin, renode = run_on("builtin", elf), run_on("renode", elf)
    for number, (ours, theirs) in enumerate(zip(builtin, renode)):
        assert ours[0] == theirs[0], f"input {number}: outputs differ"
        assert ours[1] == theirs[1], f"input {number}: {ours[1]} instructions on builtin, {theirs[1]} on Renode"
        assert ours[2] == theirs[2], f"input {number}: per-layer counts {ours[2]} vs {theirs[2]}"
    assert len(renode) == len(INPUTS)
