"""Weight layouts under a flash budget: --optimize size keeps flash near the weights, and a
small-flash board still builds by falling back per layer to int8 weights."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tflm_bench.board import load_board
from tflm_bench.generator import BuildConfig, KernelSet, Optimize, build_firmware, read_model
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.layout import LayerFlash, choose, layer_flash, shrink
from tflm_bench.generator.ops import c_emit
from tflm_bench.generator.ops.registry import scratch_requests
from tflm_bench.generator.planner import plan_arena

BUILD_ROOT = Path(os.environ["TFLM_BENCH_BUILD"])
MODELS = sorted((Path(__file__).resolve().parents[2] / "models").glob("*.tflite"))


def _flash(index: int, macs: int, int8: int, expanded: int) -> LayerFlash:
    return LayerFlash(index, "CONV_2D", macs, int8, expanded, expanded > int8)


def test_choice_rules() -> None:
    layers = [_flash(0, 1000, 100, 200), _flash(1, 10, 100, 200), _flash(2, 0, 0, 0)]
    assert choose(layers, Optimize.SPEED, 1000) == frozenset()
    assert choose(layers, Optimize.SIZE, 1000) == {0, 1}
    assert choose(layers, Optimize.BALANCED, 400) == {1}  # allowance 100: the best layer only
    assert shrink(layers, frozenset(), 50) == {1}  # least MACs per extra byte first
    assert shrink(layers, frozenset(), 150) == {0, 1}
    assert shrink(layers, frozenset({0, 1}), 150) == {0, 1}


@pytest.mark.parametrize("kernels", tuple(KernelSet), ids=str)
@pytest.mark.parametrize("path", MODELS, ids=[m.stem for m in MODELS])
def test_layer_flash_counts_planned_constants_without_emitting(
    path: Path, kernels: KernelSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = read_model(path.read_bytes())
    plan = plan_arena(model, scratch=scratch_requests(model, kernels))

    def no_c(*args: object, **kwargs: object) -> None:
        raise AssertionError("layer_flash formatted C")

    with monkeypatch.context() as patch:
        # Every variant's emit needs an EmitContext, every emitted array goes through c_array.
        patch.setattr(c_emit.EmitContext, "__init__", no_c)
        patch.setattr(c_emit, "c_array", no_c)
        flash = layer_flash(model, plan, kernels)
    emitted = {layout: emit_layers(model, plan, layout) for layout in (KernelSet.REFERENCE, kernels)}
    for lf, ref, opt in zip(flash, emitted[KernelSet.REFERENCE], emitted[kernels], strict=True):
        assert lf.int8_bytes == sum(a.num_bytes for a in ref.arrays), (lf.operator_index, lf.op_name)
        assert lf.expanded_bytes == sum(a.num_bytes for a in opt.arrays), (lf.operator_index, lf.op_name)


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_size_keeps_flash_within_weights_plus_64k(model: Path) -> None:
    weights = sum(t.data.nbytes for t in read_model(model.read_bytes()).tensors if t.data is not None)
    image = build_firmware(BuildConfig(model=model, build_dir=BUILD_ROOT, optimize=Optimize.SIZE))
    assert image.optimize is Optimize.SIZE
    assert image.memory.flash_bytes <= weights + 64 * 1024, (image.memory.flash_bytes, weights)
    assert all(layer.weight_layout != "int16" for layer in image.layers)


def test_small_flash_board_falls_back_per_layer(tmp_path: Path) -> None:
    from tflm_bench.board import DEFAULT_PLATFORM
    from tflm_bench.session import BenchOptions, BenchSession

    model = next(m for m in MODELS if m.stem == "ad_autoencoder_float")
    speed = build_firmware(BuildConfig(model=model, build_dir=BUILD_ROOT))
    size = build_firmware(BuildConfig(model=model, build_dir=BUILD_ROOT, optimize=Optimize.SIZE))
    assert speed.memory.flash_bytes > size.memory.flash_bytes
    limit = (speed.memory.flash_bytes + size.memory.flash_bytes) // 2 // 4096 * 4096  # speed overflows this
    # A smaller part as a user describes one: the shipped board with its flash entry updated.
    platform = tmp_path / "small-flash.repl"
    platform.write_text(f'using "{DEFAULT_PLATFORM}"\n\nflash:\n    size: 0x{limit:x}\n')
    assert load_board(platform).flash.size == limit
    options = BenchOptions(platform=platform, build_root=BUILD_ROOT, compare_tflite=False)
    with BenchSession(model, options) as session:
        image = session.build()
        results = session.run_samples(session.random_samples(2, seed=3))
    assert image.memory.flash_bytes <= limit and image.memory.flash_limit == limit
    layouts = {layer.weight_layout for layer in image.layers}
    assert {"int8", "int16"} <= layouts  # some layers fell back, not all
    assert image.kernels is KernelSet.OPTIMIZED
    assert results and all(r.bit_exact for r in results)  # the mixed layout is still exact on the device


@pytest.mark.parametrize(("name", "optimize"), [("ad_autoencoder_float", "balanced"), ("sine_int8", "size")])
def test_size_and_balanced_builds_are_bit_exact_on_the_device(name: str, optimize: str) -> None:
    import subprocess
    import sys

    model = next(m for m in MODELS if m.stem == name)
    result = subprocess.run([sys.executable, "-m", "tflm_bench.cli", "run", str(model), "--optimize", optimize],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr  # 1 would mean outputs differ from TFLM
    assert "bit-exact" in result.stdout and f"optimize {optimize}" in result.stdout
