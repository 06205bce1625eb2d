"""scripts/benchmark_layers.py: the seeded sweep's configurations, batches and verdicts (pure
arithmetic on made-up counts), and one real batch of two layers on the device."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark_layers.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_layers", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_sweep_is_seeded_and_covers_the_space(script: ModuleType) -> None:
    configs = script.sample_configs(7, 300)
    assert configs == script.sample_configs(7, 300) and configs != script.sample_configs(8, 300)
    kinds = {c.kind for c in configs}
    assert kinds == {name for name, _ in script.KINDS}
    dw = [c for c in configs if c.kind == "DEPTHWISE_CONV_2D"]
    assert {c.multiplier for c in dw} >= {1, 2, 4, 8} and any(c.in_shape[3] == 1 for c in dw)
    convs = [c for c in configs if c.kind == "CONV_2D"]
    assert any(c.dilation != (1, 1) for c in convs) and {c.padding for c in convs} == {"SAME", "VALID"}
    for c in configs:
        assert min(c.out_shape()) >= 1 and c.work() >= 1
        assert c.kernel[0] <= 7 and c.kernel[1] <= 5 and max(c.stride) <= 2


def test_batches_keep_order_and_limits(script: ModuleType) -> None:
    configs = script.sample_configs(3, 100)
    groups = script.batches(configs)
    assert [c for g in groups for c in g] == configs
    for g in groups:
        assert len(g) <= script.LAYERS_PER_MODEL
        assert len(g) == 1 or sum(c.io_bytes() for c in g) <= script.IO_BYTES_PER_MODEL


def test_targets_depend_on_the_layer_size(script: ModuleType) -> None:
    config = script.sample_configs(3, 1)[0]
    big = script.LayerConfig(0, "CONV_2D", (1, 20, 20, 8), (3, 3), out_c=16)
    small = script.LayerConfig(1, "CONV_2D", (1, 4, 4, 2), (1, 1), out_c=2)
    assert big.macs() == 20 * 20 * 16 * 9 * 8 and small.macs() == 4 * 4 * 2 * 2
    run = script.LayerRun
    assert script.Row(big, run(700, 710, True), run(1000, 1000, True)).misses()
    assert not script.Row(big, run(700, 700, True), run(1000, 1000, True)).misses()
    assert not script.Row(small, run(900, 990, True), run(1000, 1000, True)).misses()
    assert script.Row(small, run(900, 1010, True), run(1000, 1000, True)).misses()
    assert not script.Row(config, run(1, 1, True), None).misses()


def test_a_batch_runs_bit_exact_on_the_device(script: ModuleType, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    group = [script.LayerConfig(0, "DEPTHWISE_CONV_2D", (1, 9, 7, 3), (3, 2), (1, 2), padding="SAME",
                                out_c=12, multiplier=4),
             script.LayerConfig(1, "FULLY_CONNECTED", (1, 40), out_c=10)]
    model, samples = script.model_of(group, 5)
    runs = script.run_batch(model, samples, script.BenchOptions(compare_tflite=False, kernels="optimized",
                                                                 build_root=bench_options.build_root), tmp_path)
    assert len(runs) == 2 and all(r.exact for r in runs)
    assert all(r.estimated_cycles >= r.instructions > 0 for r in runs)


def test_tflm_counts_are_cached_per_model_and_input(script: ModuleType, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    calls: list[bytes] = []

    def fake_run(model: bytes, samples, options, work):  # type: ignore[no-untyped-def]
        calls.append(model)
        return [script.LayerRun(len(calls), 2 * len(calls), True)]

    monkeypatch.setattr(script, "run_batch", fake_run)
    samples = [[np.zeros(3, dtype=np.int8)]]
    first = script._cached_tflm(b"model", samples, None, tmp_path, tmp_path / "cache")
    again = script._cached_tflm(b"model", samples, None, tmp_path, tmp_path / "cache")
    other = script._cached_tflm(b"model", [[np.ones(3, dtype=np.int8)]], None, tmp_path, tmp_path / "cache")
    assert first == again == [script.LayerRun(1, 2, True)] and other == [script.LayerRun(2, 4, True)]
    assert len(calls) == 2
    assert script._cached_tflm(b"model", samples, None, tmp_path, None) == [script.LayerRun(3, 6, True)]
