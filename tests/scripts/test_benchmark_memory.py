"""scripts/benchmark_memory.py: ours against TFLM per model, with the ratio and the fused pairs."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "benchmark_memory.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_memory", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rows_show_the_ratio_and_the_fused_pairs(script: ModuleType) -> None:
    (row,) = script.rows([ROOT / "models" / "cnn84_float.tflite"])
    values = dict(zip(script.COLUMNS, row))
    ours, tflm = int(values["our arena"].replace(",", "")), int(values["TFLM head"].replace(",", ""))
    assert tflm == 537_920 and ours < tflm
    assert values["ours/TFLM"] == f"{ours / tflm:.2f}x"
    assert values["fused"] == "0+1, 2+3"
    assert int(values["our RAM"].replace(",", "")) <= 256 * 1024


def test_a_model_without_fusion_says_so(script: ModuleType) -> None:
    (row,) = script.rows([ROOT / "models" / "sine_int8.tflite"])
    values = dict(zip(script.COLUMNS, row))
    assert values["fused"] == "-" and values["ours/TFLM"] == "1.00x"
