"""The same ELF and inputs on the built-in engine and on Renode: identical outputs and counts.

Skipped where Renode is not installed. Counts are the firmware's own DWT readings in its INVOKE
reply (per inference and per layer): with PerformanceInMips 64 and a 64 MHz DWT both engines
count one per executed instruction, so they must agree exactly. On Renode that holds because
the driver configures it for exact counts (one instruction per translation block, a MIPS value
dividing 1000: emulation/renode/exact_counts.md); as Renode runs by default, reads
inside a block and the 8-instruction steps of its 1 ns clock at 64 MIPS move per-layer counts
by a few instructions.
"""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from tflm_bench.device import BenchDevice
from tflm_bench.board import DEFAULT_PLATFORM
from tflm_bench.emulation import create_engine
from tflm_bench.emulation.renode.engine import BACKEND_ENV, EXACT_ENV
from tflm_bench.emulation.renode.discovery import find_renode, pyrenode3_importable, renode_available
from tflm_bench.emulation.renode.errors import INSTALL_HINT, NOT_INSTALLED
from tflm_bench.session import BenchSession

pytestmark = pytest.mark.skipif(not renode_available(), reason=f"{NOT_INSTALLED}: {INSTALL_HINT}")

# Both ways the driver runs Renode: a process (RENODE or PATH) and in this process (pyrenode3).
BACKENDS = [
    pytest.param("process", marks=pytest.mark.skipif(find_renode() is None, reason=f"no Renode binary: {INSTALL_HINT}")),
    pytest.param("pyrenode3", marks=pytest.mark.skipif(
        not pyrenode3_importable(), reason="pyrenode3 not installed (the in-process backend; it is not on the "
        "package index: install it from its repository, then set PYRENODE_BUILD_DIR or PYRENODE_PKG)")),
]

INPUTS = [np.array([[value]], dtype=np.int8) for value in range(-128, 128, 9)]


def run_on(engine_name: str, elf: Path, samples: list[list[np.ndarray]] | None = None
           ) -> list[tuple[bytes, int, tuple[int, ...]]]:
    with create_engine(engine_name, DEFAULT_PLATFORM) as engine:
        engine.load_elf(elf)
        device = BenchDevice(engine, timeout_s=300)
        device.wait_ready()
        results = []
        for sample in samples if samples is not None else [[value] for value in INPUTS]:
            for index, value in enumerate(sample):
                device.set_input(index, value)
            invoke = device.invoke()
            assert invoke.status == 0
            outputs = b"".join(device.get_output(i).tobytes() for i in range(len(device.info().outputs)))
            results.append((outputs, invoke.total_cycles, tuple(invoke.layer_cycles)))
        return results


def assert_agree(builtin: list[tuple[bytes, int, tuple[int, ...]]], renode: list[tuple[bytes, int, tuple[int, ...]]]) -> None:
    assert len(builtin) == len(renode)
    for number, (ours, theirs) in enumerate(zip(builtin, renode)):
        assert ours[0] == theirs[0], f"input {number}: outputs differ"
        assert ours[1] == theirs[1], f"input {number}: {ours[1]} instructions on builtin, {theirs[1]} on Renode"
        assert ours[2] == theirs[2], f"input {number}: per-layer counts {ours[2]} vs {theirs[2]}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_builtin_and_renode_agree_bit_for_bit_and_count_for_count(
    sine_model: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(EXACT_ENV, raising=False)
    monkeypatch.setenv(BACKEND_ENV, backend)
    elf = BenchSession(sine_model).build().elf
    builtin, renode = run_on("builtin", elf), run_on("renode", elf)
    assert_agree(builtin, renode)
    assert len(renode) == len(INPUTS)


@pytest.mark.skipif(find_renode() is None, reason=f"no Renode binary: {INSTALL_HINT}")
@pytest.mark.parametrize("name", ["kws_dscnn_int8", "accel_cnn_int8"])
def test_models_agree_per_layer_on_three_seeded_inputs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimized kernels' hand-scheduled loops, data-dependent saturation and the one-channel
    convolutions count the same on both engines (process backend)."""
    monkeypatch.delenv(EXACT_ENV, raising=False)
    monkeypatch.setenv(BACKEND_ENV, "process")
    session = BenchSession(Path(__file__).resolve().parents[2] / "models" / f"{name}.tflite")
    elf = session.build().elf
    samples = [[np.asarray(v) for v in sample] for sample in session.random_samples(3, seed=11)]
    builtin = run_on("builtin", elf, samples)
    assert_agree(builtin, run_on("renode", elf, samples))


def cyccnt_deltas(engine_name: str, elf: Path) -> list[int]:
    with create_engine(engine_name, DEFAULT_PLATFORM) as engine:
        engine.load_elf(elf)
        reads = struct.unpack("<7I", engine.read_uart(28, timeout_s=120))
    return [b - a for a, b in zip(reads, reads[1:])]


@pytest.mark.parametrize("backend", BACKENDS)
def test_cyccnt_reads_inside_translation_blocks_agree(
    build_c_firmware: Callable[..., Path], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hand-counted deltas (tests/emulation/firmware/cyccnt_blocks.c); reads 0/1 and 4/5 share
    # a translation block, which is what Renode's default configuration gets wrong.
    monkeypatch.delenv(EXACT_ENV, raising=False)
    monkeypatch.setenv(BACKEND_ENV, backend)
    elf = build_c_firmware("cyccnt_blocks")
    assert cyccnt_deltas("builtin", elf) == [5, 4, 3, 3, 7, 3]
    assert cyccnt_deltas("renode", elf) == [5, 4, 3, 3, 7, 3]
