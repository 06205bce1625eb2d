"""The runtime behind tb_runtime.h as one part of the firmware pipeline.

The pipeline (pipeline.py) runs the steps in order, each once: intake, key and cache lookup, plan,
emit, compile, measure and fit check, manifest. A runtime answers what differs between runtimes:
how a model is checked, what besides the model keys its build, its arena and weight layouts, the
sources it emits and the CMake entries that link it. A new runtime is one more RuntimePart.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from tflm_bench.board import Board

from ..errors import ModelTooLargeError
from ..model import Model
from ..options import Runtime
from .image import LayerInfo


@dataclass(frozen=True)
class Planned:
    """A runtime's plan for one image; subclasses carry what their emit step needs."""

    arena_bytes: int


P = TypeVar("P", bound=Planned)


class RuntimePart(ABC, Generic[P]):
    runtime: ClassVar[Runtime]
    prefix: ClassVar[str] = ""  # before the key in the build folder's name

    @abstractmethod
    def check(self, model: Model) -> None:
        """Refuse a model this runtime cannot run, before anything is built."""

    @abstractmethod
    def key_parts(self) -> tuple[str, ...]:
        """What shapes this runtime's images besides the model, sources, toolchain, shell and board."""

    def given_arena(self, arena_bytes: int | None, board: Board) -> int | None:
        """The arena an image gets when the runtime takes it from the caller (`arena_bytes`, None:
        the runtime's default); each such arena is one image of the same build. None when the
        runtime plans its own arena: then there is one image per build."""
        return None

    @abstractmethod
    def plan(self, model: Model, board: Board, arena_bytes: int | None) -> P:
        """The arena (the caller's `arena_bytes` as given_arena takes it, or planned); the pipeline
        checks it against the board before plan_layout."""

    def plan_layout(self, model: Model, planned: P) -> P:
        """The weight layouts, once the arena is known to fit."""
        return planned

    @abstractmethod
    def emit(self, model: Model, model_bytes: bytes, planned: P, out_dir: Path) -> list[Path]:
        """Write the runtime's generated sources into out_dir; same plan, same bytes. Returns every
        source the runtime compiles (generated and fixed ones)."""

    @abstractmethod
    def definitions(self, build_root: Path) -> list[str]:
        """CMake entries that build and link this runtime (besides its sources); build_root is the
        cache root, for what the runtime builds once for all models."""

    def fall_back(self, planned: P, error: ModelTooLargeError) -> P | None:
        """A smaller plan to emit and compile again after `error`; None: the error stands."""
        return None

    @abstractmethod
    def layers(self, model: Model, planned: P) -> tuple[LayerInfo, ...]:
        """The image's layers as reports list them."""

    @abstractmethod
    def record(self, planned: P) -> dict[str, Any]:
        """What the manifest keeps so a cache hit can describe the image (JSON types only)."""

    @abstractmethod
    def image_fields(self, record: dict[str, Any]) -> dict[str, Any]:
        """FirmwareImage fields this runtime fills, from its record."""
