"""The fake toolchain fixture: the pipeline's compile and measure steps replaced (tests/support/fake_toolchain.py)."""
from __future__ import annotations

import pytest

from support.fake_toolchain import FakeToolchain
from tflm_bench.generator import MemoryUse
from tflm_bench.generator.build import pipeline


@pytest.fixture
def fake_toolchain(monkeypatch: pytest.MonkeyPatch) -> FakeToolchain:
    fake = FakeToolchain()
    monkeypatch.setattr(pipeline, "compile_firmware", fake.compile)
    monkeypatch.setattr(pipeline, "shell_objects", lambda *args: [])  # the shell compiled once: not here
    monkeypatch.setattr(pipeline, "measure_memory", lambda elf, arena, board: MemoryUse(1, 2, arena, 3, 4))
    return fake
