"""Our generated runtime as a pipeline part: C for the model over the prebuilt kernel library.

Plan: TFLM-style arena with the kernels' scratch requests, then the per-layer weight layouts for
the optimize goal (layout.py); when the image overflows flash, layers fall back to the int8 layout,
the least gain per byte first, and the pipeline emits and compiles again.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tflm_bench.board import Board

from .. import layout
from ..codegen import generate_c
from ..errors import FirmwareBuildError, ModelTooLargeError
from ..fusion import ConvPoolFusion
from ..model import Model
from ..ops.registry import scratch_requests
from ..options import KernelSet, Optimize, Runtime
from ..arena_budget import tflm_arena_lower_bound
from ..planner import ArenaPlan, plan_arena
from ..validate import validate
from .cache import digest_files, locked, named
from .image import LayerInfo
from .part import Planned, RuntimePart
from .toolchain import TOOLCHAIN_FILE, cmake, toolchain_version

_WEIGHTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
_PLAN_MAPS = ("offsets", "sizes", "lifetimes", "scratch_offsets", "scratch_sizes", "band_offsets", "resource_offsets")


@dataclass(frozen=True)
class GeneratedPlan(Planned):
    plan: ArenaPlan
    flash: tuple[layout.LayerFlash, ...] = ()  # every layer's constants in both layouts
    int8_layout: frozenset[int] = frozenset()  # operators kept in the int8 layout


class GeneratedRuntime(RuntimePart[GeneratedPlan]):
    runtime = Runtime.GENERATED

    def __init__(self, kernels: KernelSet, optimize: Optimize, firmware: Path) -> None:
        self.kernels = KernelSet(kernels)
        self.optimize = Optimize(optimize)
        self.firmware = firmware

    def check(self, model: Model) -> None:
        validate(model)

    def key_parts(self) -> tuple[str, ...]:
        return (self.kernels.value, self.optimize.value)

    def plan(self, model: Model, board: Board, arena_bytes: int | None) -> GeneratedPlan:
        # Speed plans may spend up to what TFLM itself would need on scratch; size plans nothing.
        budget = None if self.optimize is Optimize.SIZE else tflm_arena_lower_bound(model)
        plan = plan_arena(model, scratch=scratch_requests(model, self.kernels), budget=budget)
        return GeneratedPlan(plan.arena_bytes, plan)

    def plan_layout(self, model: Model, planned: GeneratedPlan) -> GeneratedPlan:
        flash = tuple(layout.layer_flash(model, planned.plan, self.kernels))
        constant_bytes = sum(t.data.nbytes for t in model.tensors if t.data is not None)
        chosen = layout.choose(list(flash), self.optimize, constant_bytes)
        return GeneratedPlan(planned.arena_bytes, planned.plan, flash, chosen)

    def emit(self, model: Model, model_bytes: bytes, planned: GeneratedPlan, out_dir: Path) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        return generate_c(model, planned.plan, out_dir, self.kernels, planned.int8_layout)

    def definitions(self, build_root: Path) -> list[str]:
        return [f"-DTB_KERNEL_LIBRARY={kernel_library(build_root, self.firmware)}"]

    def fall_back(self, planned: GeneratedPlan, error: ModelTooLargeError) -> GeneratedPlan | None:
        overflow = error.flash_overflow
        fewer = layout.shrink(list(planned.flash), planned.int8_layout, overflow) if overflow else planned.int8_layout
        if fewer == planned.int8_layout:
            return None
        return GeneratedPlan(planned.arena_bytes, planned.plan, planned.flash, fewer)

    def layers(self, model: Model, planned: GeneratedPlan) -> tuple[LayerInfo, ...]:
        infos = []
        chosen = layout.with_choice(list(planned.flash), planned.int8_layout)
        for i, (op, lf) in enumerate(zip(model.operators, chosen)):
            kind = "int16" if lf.expanded else ("int8" if lf.extra_bytes > 0 or op.name in _WEIGHTED else "")
            infos.append(LayerInfo(index=i, operator_index=op.index, op_name=op.name, macs=lf.macs,
                                   flash_bytes=lf.flash_bytes, weight_layout=kind))
        return tuple(infos)

    def record(self, planned: GeneratedPlan) -> dict[str, Any]:
        return {"int8_layout": sorted(planned.int8_layout), "plan": plan_record(planned.plan)}

    def image_fields(self, record: dict[str, Any]) -> dict[str, Any]:
        return {"plan": plan_from_record(record["plan"]), "optimize": self.optimize}


def plan_record(plan: ArenaPlan) -> dict[str, Any]:
    """The arena plan in JSON types (int keys become [key, value] pairs)."""
    return {"arena_bytes": plan.arena_bytes, "fusions": [asdict(f) for f in plan.fusions],
            **{name: [[k, v] for k, v in getattr(plan, name).items()] for name in _PLAN_MAPS}}


def plan_from_record(record: dict[str, Any]) -> ArenaPlan:
    maps = {name: {k: tuple(v) if isinstance(v, list) else v for k, v in record.get(name, [])} for name in _PLAN_MAPS}
    return ArenaPlan(arena_bytes=record["arena_bytes"], fusions=tuple(ConvPoolFusion(**f) for f in record["fusions"]),
                     **maps)


def kernel_library(build_root: Path, firmware: Path) -> Path:
    """The kernels compiled once into libtb_kernels.a, keyed by their sources and the toolchain."""
    sources = sorted(
        p for p in (firmware / "kernels").rglob("*") if p.suffix in (".c", ".h")
    ) + [firmware / "CMakeLists.txt", firmware / TOOLCHAIN_FILE]
    key = digest_files(named(firmware, "firmware", sources), toolchain_version())
    directory = build_root / "kernels" / key
    library = directory / "cmake" / "libtb_kernels.a"
    with locked(directory):
        if not library.exists():
            cmake(firmware, directory / "cmake", ["-DTB_KERNELS_ONLY=ON"], target="tb_kernels")
        if not library.exists():
            raise FirmwareBuildError(f"the kernel build finished but produced no {library}")
    return library
