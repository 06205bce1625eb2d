"""Firmware whose runtime is TFLM's MicroInterpreter from the user's own library.

The bench shell is the same as for the generated runtime; behind tb_runtime.h sits the C++
runner in firmware/runtime/tflm/, and the generator writes one file for the model
(templates/tb_tflm_model.cc.j2): the flatbuffer, the arena, and a MicroMutableOpResolver with
exactly the model's operators. Which resolver method adds which operator is read from the
user's own micro_mutable_op_resolver.h (tflm_resolver.py), so the mapping follows their TFLM version.

Validation here is the graph checks only (validate.check_graph): the library brings the
kernels, so a model with operators our runtime lacks runs as long as the library has them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from tflm_bench.board import Board

from ..resources import resolve as resolve_resources
from ..resources import uses_resources
from ..codegen import TEMPLATE_DIR
from ..model import Model
from ..ops.registry import handlers
from ..options import Runtime
from ..tflm_library import LibraryProblem, TflmLibrary, TflmLibraryError, TflmSetup
from ..validate import check_graph
from .image import LayerInfo
from .part import Planned, RuntimePart
from .tflm_resolver import ResolverOp, header_digest, resolver_ops

RUNNER_DIR = Path("runtime") / "tflm"  # under firmware/
RUNNER_SOURCES = ("tb_tflm_runner.cc",)
MODEL_SOURCE = "tb_tflm_model.cc"
STACK_AND_STATICS = 32 * 1024  # RAM the probe arena leaves for the stack, the shell and TFLM's statics
ARENA_ALIGN = 16


def probe_arena_bytes(ram_bytes: int) -> int:
    """A large arena for a first run that reads arena_used_bytes(): RAM less stack and statics."""
    return (ram_bytes - STACK_AND_STATICS) // ARENA_ALIGN * ARENA_ALIGN


def round_arena(used_bytes: int) -> int:
    """arena_used_bytes() rounded up to the arena's alignment: the size to verify and report."""
    return -(-used_bytes // ARENA_ALIGN) * ARENA_ALIGN


MICRO_PRINTF = "_Z11MicroPrintfPKcz"


def runner_definitions(library: TflmLibrary) -> list[str]:
    """Definitions the runner must share with the library, read from what the library defines."""
    definitions = []
    if not library.defines(MICRO_PRINTF):
        # A release build (TF_LITE_STRIP_ERROR_STRINGS): TFLM's headers then make MicroPrintf a
        # no-op; without the same definition they would call the MicroPrintf it lacks.
        definitions.append("TF_LITE_STRIP_ERROR_STRINGS")
    if library.defines("RegisterDebugLogCallback"):
        definitions.append("TB_TFLM_LOG_CALLBACK=1")  # cortex_m_generic's logger: register ours
    elif not library.defines("DebugLog"):
        definitions.append("TB_TFLM_DEFINE_DEBUG_LOG=1")  # the application must supply DebugLog
    return definitions


def generate_tflm_source(
    model: Model, model_bytes: bytes, setup: TflmSetup, ops: list[ResolverOp], arena_bytes: int, arena_note: str,
    out_dir: Path,
) -> Path:
    """Write tb_tflm_model.cc for the model into out_dir; same inputs, same bytes."""
    lines = [", ".join(f"0x{b:02x}" for b in model_bytes[i:i + 16]) + "," for i in range(0, len(model_bytes), 16)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    text = env.get_template(MODEL_SOURCE + ".j2").render(
        sha256=model.sha256, library_sha256=setup.library.sha256, library_kernels=setup.library.kernels,
        model_bytes=len(model_bytes), model_lines=lines, arena_bytes=arena_bytes, arena_note=arena_note,
        build_id=f"0x{model.build_id:08x}u",
        resource_variables=len(resolve_resources(model).variables) if uses_resources(model) else 0, opcodes=[min(op.opcode, 255) for op in model.operators], ops=ops,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_SOURCE
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _layer_macs(model: Model) -> list[int]:
    """MACs per layer where our op modules know the operator (0 otherwise: the profile still lists it)."""
    table = handlers()
    macs = []
    for op in model.operators:
        try:
            macs.append(int(table[op.key].macs(model, op)) if op.key in table else 0)
        except Exception:  # noqa: BLE001 - a configuration our modules do not cover has no MAC count
            macs.append(0)
    return macs


@dataclass(frozen=True)
class TflmPlan(Planned):
    given: bool  # the caller's arena, or the probe (the bench reads arena_used_bytes() from it)


class TflmRuntime(RuntimePart[TflmPlan]):
    """TFLM's interpreter from the user's library: one build per model, one image per arena."""

    runtime = Runtime.TFLM
    prefix = "tflm-"

    def __init__(self, setup: TflmSetup | None, firmware: Path) -> None:
        if setup is None:
            raise TflmLibraryError(LibraryProblem.NOT_GIVEN,
                                   "BuildConfig(runtime=tflm) needs tflm=resolve_setup(library, includes)")
        self.setup = setup
        self.firmware = firmware
        self.ops: list[ResolverOp] = []

    def check(self, model: Model) -> None:
        # The library brings the kernels: only the graph is ours to check, and every operator
        # must be one the user's resolver and library have.
        check_graph(model)
        self.ops = resolver_ops(model, self.setup)

    def key_parts(self) -> tuple[str, ...]:
        return (Runtime.TFLM.value, self.setup.library.sha256, header_digest(self.setup.include_dirs))

    def given_arena(self, arena_bytes: int | None, board: Board) -> int:
        return round_arena(arena_bytes) if arena_bytes else probe_arena_bytes(board.ram.size)

    def plan(self, model: Model, board: Board, arena_bytes: int | None) -> TflmPlan:
        return TflmPlan(self.given_arena(arena_bytes, board), given=bool(arena_bytes))

    def emit(self, model: Model, model_bytes: bytes, planned: TflmPlan, out_dir: Path) -> list[Path]:
        note = (f"{planned.arena_bytes} bytes, given" if planned.given else
                f"{planned.arena_bytes} bytes, a probe: the bench reads arena_used_bytes() from it")
        source = generate_tflm_source(model, model_bytes, self.setup, self.ops, planned.arena_bytes, note, out_dir)
        return [self.firmware / RUNNER_DIR / name for name in RUNNER_SOURCES] + [source]

    def definitions(self, build_root: Path) -> list[str]:
        return [
            f"-DTB_TFLM_LIBRARY={self.setup.library.path}",
            "-DTB_TFLM_INCLUDE_DIRS=" + ";".join(str(d) for d in self.setup.include_dirs),
            "-DTB_TFLM_DEFINITIONS=" + ";".join(runner_definitions(self.setup.library)),
        ]

    def layers(self, model: Model, planned: TflmPlan) -> tuple[LayerInfo, ...]:
        return tuple(LayerInfo(index=i, operator_index=op.index, op_name=op.name, macs=macs)
                     for i, (op, macs) in enumerate(zip(model.operators, _layer_macs(model))))

    def record(self, planned: TflmPlan) -> dict[str, Any]:
        return {"tflm_library": self.setup.library.identity()}

    def image_fields(self, record: dict[str, Any]) -> dict[str, Any]:
        return {"tflm_library": self.setup.library}
