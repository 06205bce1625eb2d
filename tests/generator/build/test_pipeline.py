"""Firmware builds: cached by hashes, sized against the nRF52840, failing clearly when too large;
the pipeline's steps run once each, and a cache hit runs none after the intake."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest

from support.fake_toolchain import FakeToolchain
from tflm_bench.board import Board, load_board
from tflm_bench.generator import (
    BuildConfig,
    FirmwarePipeline,
    LayerInfo,
    Model,
    ModelTooLargeError,
    Runtime,
    UnsupportedOpError,
    build_firmware,
)
from tflm_bench.generator.build import pipeline
from tflm_bench.generator.build.part import Planned, RuntimePart
from tflm_bench.generator.build.pipeline import runtime_part

BOARD = load_board()
FLASH_LIMIT, RAM_LIMIT = BOARD.flash.size, BOARD.ram.size


def _build(model: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    return build_firmware(BuildConfig(model, build_dir))


def test_build_is_reused_when_nothing_changed(sine_model: Path, tmp_path: Path) -> None:
    first = _build(sine_model, tmp_path)
    second = _build(sine_model, tmp_path)
    assert not first.reused and second.reused
    assert first.elf == second.elf and first.elf.exists()
    assert first.build_dir.parent == tmp_path / "firmware"


def test_memory_is_reported_against_the_limits(sine_model: Path, tmp_path: Path) -> None:
    memory = _build(sine_model, tmp_path).memory
    assert 0 < memory.flash_bytes < FLASH_LIMIT and memory.flash_limit == FLASH_LIMIT
    # RAM holds the 8 KiB stack, the UART buffers and the arena.
    assert 8 * 1024 < memory.ram_bytes < RAM_LIMIT and memory.arena_bytes > 0


def test_too_large_model_fails_with_the_numbers(oversized_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelTooLargeError, match=r"\d+ bytes.*1048576 bytes of flash"):
        _build(oversized_model, tmp_path)


def test_unsupported_op_fails_generation(unsupported_op_model: Path, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedOpError, match="CEIL") as error:
        _build(unsupported_op_model, tmp_path)
    assert "FULLY_CONNECTED" in str(error.value)
    assert not (tmp_path / "firmware").exists()  # failed before anything was built


# -- the steps, each once ------------------------------------------------------------------------
STEPS = ("check", "plan", "plan_layout", "emit", "definitions", "fall_back", "layers", "record")


def _spied(part: RuntimePart[Any]) -> RuntimePart[Any]:
    for step in STEPS:
        setattr(part, step, Mock(wraps=getattr(part, step)))
    return part


def _calls(part: RuntimePart[Any]) -> dict[str, int]:
    return {step: getattr(part, step).call_count for step in STEPS}


def test_a_build_runs_each_step_once_and_a_cache_hit_reads_only_the_model_and_manifest(
    sine_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = BuildConfig(sine_model, tmp_path)
    compile_step = Mock(wraps=pipeline.compile_firmware)
    monkeypatch.setattr(pipeline, "compile_firmware", compile_step)

    built = _spied(runtime_part(config))
    first = FirmwarePipeline(config, built).image()
    assert _calls(built) == dict.fromkeys(STEPS, 1) | {"fall_back": 0}
    assert compile_step.call_count == 1

    cached = _spied(runtime_part(config))
    second = FirmwarePipeline(config, cached).image()
    assert _calls(cached) == dict.fromkeys(STEPS, 0) | {"check": 1}
    assert compile_step.call_count == 1
    # The manifest describes the image as fully as the build did: layers, memory and the arena plan.
    assert second == replace(first, reused=True)
    assert first.plan is not None and second.plan == first.plan


@dataclass(frozen=True)
class _FakePlan(Planned):
    int8: bool = False


class _FakeRuntime(RuntimePart[_FakePlan]):
    """A runtime taking its arena from the caller, whose first image overflows flash until it falls back."""

    runtime = Runtime.GENERATED
    prefix = "fake-"

    def check(self, model: Model) -> None:
        pass

    def key_parts(self) -> tuple[str, ...]:
        return ("fake",)

    def given_arena(self, arena_bytes: int | None, board: Board) -> int:
        return arena_bytes or 4096

    def plan(self, model: Model, board: Board, arena_bytes: int | None) -> _FakePlan:
        return _FakePlan(self.given_arena(arena_bytes, board))

    def emit(self, model: Model, model_bytes: bytes, planned: _FakePlan, out_dir: Path) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "fake.c").write_text(f"/* {planned} */\n")
        return [out_dir / "fake.c"]

    def definitions(self, build_root: Path) -> list[str]:
        return []

    def fall_back(self, planned: _FakePlan, error: ModelTooLargeError) -> _FakePlan | None:
        return None if planned.int8 else _FakePlan(planned.arena_bytes, int8=True)

    def layers(self, model: Model, planned: _FakePlan) -> tuple[LayerInfo, ...]:
        return (LayerInfo(0, 0, "FAKE", 0, weight_layout="int8" if planned.int8 else "int16"),)

    def record(self, planned: _FakePlan) -> dict[str, Any]:
        return {}

    def image_fields(self, record: dict[str, Any]) -> dict[str, Any]:
        return {}


def test_an_overflow_falls_back_and_emits_and_compiles_again_without_replanning(
    sine_model: Path, tmp_path: Path, fake_toolchain: FakeToolchain
) -> None:
    fake_toolchain.overflow_marker = "int8=False"
    part = _spied(_FakeRuntime())
    image = FirmwarePipeline(BuildConfig(sine_model, tmp_path), part).image()
    assert (len(fake_toolchain.calls), part.emit.call_count, part.fall_back.call_count) == (2, 2, 1)  # type: ignore[attr-defined]
    assert (part.check.call_count, part.plan.call_count, part.plan_layout.call_count) == (1, 1, 1)  # type: ignore[attr-defined]
    assert image.layers[0].weight_layout == "int8"


def test_one_build_gives_an_image_per_arena_and_keeps_each(
    sine_model: Path, tmp_path: Path, fake_toolchain: FakeToolchain
) -> None:
    fake_toolchain.overflow_marker = "int8=False"
    part = _spied(_FakeRuntime())
    builds = FirmwarePipeline(BuildConfig(sine_model, tmp_path), part)
    probe, sized, again = builds.with_arena(None), builds.with_arena(1328), builds.with_arena(None)
    assert part.check.call_count == 1  # type: ignore[attr-defined]  # the intake: once for every arena
    assert (probe.memory.arena_bytes, sized.memory.arena_bytes) == (4096, 1328)
    assert probe.build_dir != sized.build_dir and probe.build_dir.parent == sized.build_dir.parent == tmp_path / "firmware"
    assert "4096" in probe.elf.read_text() and "1328" in sized.elf.read_text()  # each image keeps its own ELF
    assert again.reused and again.elf == probe.elf and len(fake_toolchain.calls) == 4  # 2 arenas x (overflow, fit)
