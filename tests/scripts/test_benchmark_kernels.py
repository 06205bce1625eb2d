"""scripts/benchmark_kernels.py: ratios against the issue's targets and the per-layer list of
estimated cycles lost (pure arithmetic on made-up runs; the script itself builds firmware)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark_kernels.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_kernels", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _run(script: ModuleType, layer_cycles: tuple[int, ...] | None, macs: tuple[int, ...]):  # type: ignore[no-untyped-def]
    return script.Run(instructions=sum(macs), estimated_cycles=None if layer_cycles is None else sum(layer_cycles),
                      layer_instructions=tuple(m + 1 for m in macs), layer_cycles=layer_cycles, macs=macs,
                      operators=tuple(range(len(macs))), arena=0, flash=0, exact=True)


def test_ratio_marks_a_target_miss(script: ModuleType) -> None:
    assert script.ratio(60, 100, 0.60) == "0.60x"
    assert script.ratio(61, 100, 0.60) == "0.61x (over)"
    assert script.ratio(None, 100, 0.60) == "-"


def test_the_issue_figures_are_the_ones_held(script: ModuleType) -> None:
    kws = script.TFLM_CMSIS["kws_dscnn_int8.tflite"]
    assert (kws.instructions, kws.estimated_cycles, kws.arena) == (7_697_576, 9_252_351, 22_820)
    assert script.TFLM_CMSIS["ad_autoencoder_float.tflite"].arena == 2_580


def test_lost_layers_share_the_cycle_target_by_macs_and_sort_by_loss(script: ModuleType) -> None:
    name = "kws_dscnn_int8.tflite"
    target = script.TARGET_CYCLES * script.TFLM_CMSIS[name].estimated_cycles
    macs = (1_000, 3_000, 0)
    # Layer 0 at exactly its share, layer 1 1,000 above, the MAC-less layer loses all it costs.
    share0, share1 = round(target * 0.25), round(target * 0.75)
    cycles = (share0, share1 + 1_000, 500)
    opt = _run(script, cycles, macs)
    runs = {name: {"reference": _run(script, cycles, macs), "optimized": opt},
            "unknown.tflite": {"reference": opt, "optimized": opt}}
    rows = script.lost_layers(runs)
    assert [(r.model, r.index, r.lost) for r in rows] == [(name, 1, 1_000), (name, 2, 500), (name, 0, 0)]
    assert rows[0].budget == share1


def test_lost_layers_skip_a_model_without_layer_cycles(script: ModuleType) -> None:
    run = _run(script, None, (10,))
    assert script.lost_layers({"kws_dscnn_int8.tflite": {"reference": run, "optimized": run}}) == []
