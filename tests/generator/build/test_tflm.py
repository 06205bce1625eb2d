"""The TFLM runtime as a pipeline part, with a fake library and toolchain: no TFLM needed."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from support.fake_toolchain import FakeToolchain
from support.fake_tflm import fake_library, write_resolver
from support.model_files import MODELS_DIR
from tflm_bench.board import load_board
from tflm_bench.generator import (
    BuildConfig,
    FirmwarePipeline,
    LibraryProblem,
    Runtime,
    TflmLibraryError,
    TflmSetup,
    probe_arena_bytes,
)

SINE = MODELS_DIR / "sine_int8.tflite"


@pytest.fixture
def tflm_config(tmp_path: Path) -> BuildConfig:
    write_resolver(tmp_path / "include")
    setup = TflmSetup(fake_library({"FULLY_CONNECTED"}), (tmp_path / "include",))
    return BuildConfig(SINE, tmp_path / "cache", runtime=Runtime.TFLM, tflm=setup)


def test_the_arena_search_gets_one_build_relinked_per_arena(tflm_config: BuildConfig, fake_toolchain: FakeToolchain) -> None:
    builds = FirmwarePipeline(tflm_config)
    probe, sized = builds.with_arena(None), builds.with_arena(1320)
    probe_bytes = probe_arena_bytes(load_board().ram.size)
    assert (probe.memory.arena_bytes, sized.memory.arena_bytes) == (probe_bytes, 1328)  # rounded up to 16
    assert f"kTensorArenaSize = {probe_bytes};" in probe.elf.read_text() and "a probe" in probe.elf.read_text()
    assert "kTensorArenaSize = 1328;" in sized.elf.read_text() and "1328 bytes, given" in sized.elf.read_text()
    assert probe.build_dir.name.startswith("tflm-") and probe.build_dir != sized.build_dir
    (runner, model_source), definitions = fake_toolchain.calls[0]
    assert runner.name == "tb_tflm_runner.cc" and model_source.parent == fake_toolchain.calls[1][0][1].parent
    assert f"-DTB_TFLM_LIBRARY={tflm_config.tflm.library.path}" in definitions  # type: ignore[union-attr]
    assert (sized.runtime, sized.tflm_library, sized.plan) == (Runtime.TFLM, tflm_config.tflm.library, None)  # type: ignore[union-attr]
    assert [layer.op_name for layer in sized.layers] == ["FULLY_CONNECTED"] * 3 and all(l.macs > 0 for l in sized.layers)
    assert FirmwarePipeline(tflm_config).with_arena(1328).reused and len(fake_toolchain.calls) == 2


def test_a_given_arena_is_the_images_arena(tflm_config: BuildConfig, fake_toolchain: FakeToolchain) -> None:
    image = FirmwarePipeline(replace(tflm_config, arena_bytes=4096)).image()
    assert image.memory.arena_bytes == 4096 and "4096 bytes, given" in image.elf.read_text()


def test_the_tflm_runtime_without_a_setup_says_what_to_pass(tflm_config: BuildConfig) -> None:
    with pytest.raises(TflmLibraryError, match="resolve_setup") as caught:
        FirmwarePipeline(replace(tflm_config, tflm=None))
    assert caught.value.problem is LibraryProblem.NOT_GIVEN
