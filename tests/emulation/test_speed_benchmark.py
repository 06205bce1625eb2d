"""scripts/benchmark_engine_speed.py's functions on a tiny GEMM: they produce numbers (no
timing is asserted; the script prints the real figures)."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark_engine_speed.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_engine_speed", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm not installed")
def test_tiny_gemm_gives_figures(tmp_path: Path) -> None:
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc not installed")
    bench = load_script()
    row, ratio = bench.gemm_rows(reps=2, short_reps=1, out=tmp_path, repeats=1)
    assert row.instructions > 100_000
    assert row.counting_mips > 0 and row.uninstrumented_mips > 0 and ratio > 0
    assert isinstance(row.qemu_mips, float)
    table = bench.format_table([row], ratio)
    assert "int8 GEMM x2" in table and "ratio counting / uninstrumented" in table


def test_without_qemu_the_unicorn_rows_still_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc not installed")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "qemu-system-arm" else real_which(name, *a, **k))
    bench = load_script()
    row, ratio = bench.gemm_rows(reps=2, short_reps=1, out=tmp_path, repeats=1)
    assert row.qemu_mips is None and row.counting_mips > 0 and ratio > 0
    table = bench.format_table([row], ratio)
    assert "QEMU not installed" in table and "int8 GEMM x2" in table
