"""Firmware whose runtime is TFLM's MicroInterpreter from the user's own library.

The bench shell is the same as for the generated runtime; behind tb_runtime.h sits the C++
runner in firmware/runtime/tflm/, and the generator writes one file for the model
(templates/tb_tflm_model.cc.j2): the flatbuffer, the arena, and a MicroMutableOpResolver with
exactly the model's operators. Which resolver method adds which operator is read from the
user's own micro_mutable_op_resolver.h, so the mapping follows their TFLM version.

Validation here is the graph checks only (validate.check_graph): the library brings the
kernels, so a model with operators our runtime lacks runs as long as the library has them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import jinja2

from ..codegen import TEMPLATE_DIR
from ..errors import UnsupportedOpError
from ..model import Model
from ..ops.registry import handlers
from ..options import Protocol, Runtime, Target
from ..tflite_reader import read_tflite
from ..tflm_library import LibraryProblem, TflmLibrary, TflmLibraryError, TflmSetup
from ..validate import check_graph

if TYPE_CHECKING:
    from tflm_bench.emulation.board import Board

    from .pipeline import BuildConfig, FirmwareImage

RUNNER_DIR = Path("runtime") / "tflm"  # under firmware/
RUNNER_SOURCES = ("tb_tflm_runner.cc",)
MODEL_SOURCE = "tb_tflm_model.cc"
RESOLVER_HEADER = "tensorflow/lite/micro/micro_mutable_op_resolver.h"
# Headers whose contents shape the runner's build besides the library itself.
KEY_HEADERS = (RESOLVER_HEADER, "tensorflow/lite/micro/micro_interpreter.h",
               "tensorflow/lite/micro/micro_allocator.h")
STACK_AND_STATICS = 32 * 1024  # RAM the probe arena leaves for the stack, the shell and TFLM's statics
ARENA_ALIGN = 16


@dataclass(frozen=True)
class ResolverOp:
    """One MicroMutableOpResolver method: `AddConv2D()` adds CONV_2D with Register_CONV_2D()."""

    name: str  # BuiltinOperator name, e.g. CONV_2D
    method: str  # e.g. AddConv2D
    registration: str | None  # e.g. CONV_2D for Register_CONV_2D(); None if the header names none


_METHOD = re.compile(r"TfLiteStatus\s+(Add\w+)\s*\(")
_BUILTIN = re.compile(r"AddBuiltin\s*\(\s*(?:tflite::)?BuiltinOperator_(\w+)")
_REGISTER = re.compile(r"Register_(\w+)\s*\(")


def resolver_methods(include_dirs: tuple[Path, ...]) -> dict[str, ResolverOp]:
    """BuiltinOperator name -> the resolver method adding it, from the user's header."""
    header = next((d / RESOLVER_HEADER for d in include_dirs if (d / RESOLVER_HEADER).is_file()), None)
    if header is None:
        raise TflmLibraryError(LibraryProblem.MISSING_HEADERS,
                               f"no --tflm-include folder holds {RESOLVER_HEADER}; pass the tflite-micro source root")
    text = header.read_text(errors="replace")
    starts = [m for m in _METHOD.finditer(text)]
    methods: dict[str, ResolverOp] = {}
    for i, match in enumerate(starts):
        body = text[match.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
        builtin = _BUILTIN.search(body)
        if builtin is None:
            continue  # AddCustom, AddBuiltin itself: not one operator's method
        registration = _REGISTER.search(body[:builtin.start()])
        methods.setdefault(builtin.group(1), ResolverOp(builtin.group(1), match.group(1),
                                                        registration.group(1) if registration else None))
    return methods


def resolver_ops(model: Model, setup: TflmSetup) -> list[ResolverOp]:
    """The model's operator types in first-use order, each checked against headers and library."""
    methods = resolver_methods(setup.include_dirs)
    chosen: list[ResolverOp] = []
    for op in model.operators:
        if any(c.name == op.name for c in chosen):
            continue
        if op.name == "CUSTOM":
            raise UnsupportedOpError(f"CUSTOM ({op.options.get('custom_code', '?')})", op.index, sorted(methods),
                                     "a custom operator (the tflm runtime resolves builtin operators only)")
        method = methods.get(op.name)
        if method is None:
            raise TflmLibraryError(LibraryProblem.MISSING_KERNEL,
                                   f"operator #{op.index} {op.name}: your TFLM headers' MicroMutableOpResolver has no "
                                   "method adding it (a newer TFLM may have it)")
        if method.registration is not None and method.registration not in setup.library.registrations:
            raise TflmLibraryError(LibraryProblem.MISSING_KERNEL,
                                   f"operator #{op.index} {op.name}: {setup.library.path} does not define "
                                   f"tflite::Register_{method.registration}(); build the library with that kernel")
        chosen.append(method)
    return chosen


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
    model: Model, model_bytes: bytes, setup: TflmSetup, arena_bytes: int, arena_note: str, out_dir: Path
) -> Path:
    """Write tb_tflm_model.cc for the model into out_dir; same inputs, same bytes."""
    ops = resolver_ops(model, setup)
    lines = [", ".join(f"0x{b:02x}" for b in model_bytes[i:i + 16]) + "," for i in range(0, len(model_bytes), 16)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    text = env.get_template(MODEL_SOURCE + ".j2").render(
        sha256=model.sha256, library_sha256=setup.library.sha256, library_kernels=setup.library.kernels,
        model_bytes=len(model_bytes), model_lines=lines, arena_bytes=arena_bytes, arena_note=arena_note,
        build_id=f"0x{model.build_id:08x}u", opcodes=[min(op.opcode, 255) for op in model.operators], ops=ops,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_SOURCE
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def _header_digest(include_dirs: tuple[Path, ...]) -> str:
    digest = hashlib.sha256("\n".join(str(d) for d in include_dirs).encode())
    for name in KEY_HEADERS:
        for folder in include_dirs:
            if (folder / name).is_file():
                digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
                break
    return digest.hexdigest()


def _layer_macs(model: Model) -> list[int]:
    """MACs per layer where our op modules know the operator (0 otherwise: the profile still lists it)."""
    table = handlers()
    macs = []
    for op in model.operators:
        try:
            macs.append(int(table[op.name].macs(model, op)) if op.name in table else 0)
        except Exception:  # noqa: BLE001 - a configuration our modules do not cover has no MAC count
            macs.append(0)
    return macs


def build_tflm_firmware(config: BuildConfig) -> FirmwareImage:
    """build_firmware() for Runtime.TFLM: generate the model file, compile the runner, link the library."""
    from . import pipeline as fb  # the shared build machinery; imported here to avoid a cycle

    if config.tflm is None:
        raise TflmLibraryError(LibraryProblem.NOT_GIVEN, "BuildConfig(runtime=tflm) needs tflm=resolve_setup(library, includes)")
    setup: TflmSetup = config.tflm
    build_root = Path(config.build_dir).resolve()
    model_bytes = Path(config.model).read_bytes()
    model = read_tflite(model_bytes)
    check_graph(model)
    board = fb.link_board(config.board, config.target)  # FLASH as the image may use it
    arena_bytes = round_arena(config.arena_bytes) if config.arena_bytes else probe_arena_bytes(board.ram.size)
    fb._estimate_before_build(model, arena_bytes, board)
    resolver_ops(model, setup)  # refuse a missing kernel before anything is compiled

    firmware = fb.firmware_dir(config.firmware)
    extra = "\n".join((
        Runtime.TFLM.value, hashlib.sha256(model_bytes).hexdigest(), setup.library.sha256,
        _header_digest(setup.include_dirs), str(arena_bytes), fb._toolchain_version(),
        Protocol(config.protocol).value, Target(config.target).value, str(config.mlperf_model or ""),
        f"{board.flash.base:x}+{board.flash.size:x} {board.ram.base:x}+{board.ram.size:x}",
    ))
    key = fb._digest_files(fb._source_files(firmware), extra)
    build_dir = build_root / "firmware" / f"tflm-{key}"
    manifest = build_dir / "manifest.json"
    layers = tuple(
        fb.LayerInfo(index=i, operator_index=op.index, op_name=op.name, macs=macs)
        for i, (op, macs) in enumerate(zip(model.operators, _layer_macs(model)))
    )
    sha = hashlib.sha256(model_bytes).hexdigest()
    image = partial(fb.FirmwareImage, build_dir=build_dir, model_sha256=sha, build_id=model.build_id, layers=layers,
                    kernels=config.kernels, board=config.board, toolchain=fb._toolchain_version(),
                    runtime=Runtime.TFLM, tflm_library=setup.library)
    with fb._locked(build_dir):
        if manifest.exists():
            data = json.loads(manifest.read_text())
            elf = Path(data["elf"])
            if elf.exists():
                return image(elf=elf, memory=fb.MemoryUse(**data["memory"]), reused=True)
        note = (f"{arena_bytes} bytes, given" if config.arena_bytes else
                f"{arena_bytes} bytes, a probe: the bench reads arena_used_bytes() from it")
        source = generate_tflm_source(model, model_bytes, setup, arena_bytes, note, build_dir / "generated")
        runner = [firmware / RUNNER_DIR / name for name in RUNNER_SOURCES]
        elf = _compile(runner + [source], build_dir, setup, board, fb, firmware, fb.protocol_definitions(config, model),
                       Target(config.target))
        memory = fb.measure_memory(elf, arena_bytes, board)
        fb._check_fits(memory)
        temporary = manifest.with_suffix(".tmp")
        temporary.write_text(json.dumps({"elf": str(elf), "model_sha256": sha, "memory": asdict(memory),
                                         "tflm_library": setup.library.identity()}, indent=2))
        os.replace(temporary, manifest)
        return image(elf=elf, memory=memory, reused=False)


def _compile(sources: list[Path], build_dir: Path, setup: TflmSetup, board: Board, fb: ModuleType, firmware: Path,
             shell: list[str], target: Target) -> Path:
    cmake_dir = build_dir / "cmake"
    memory_dir = fb.write_memory_script(board, build_dir / "memory").parent
    fb._cmake(firmware, cmake_dir, [
        "-DTB_RUNTIME_SOURCES=" + ";".join(str(p.resolve()) for p in sources),
        f"-DTB_TFLM_LIBRARY={setup.library.path}",
        "-DTB_TFLM_INCLUDE_DIRS=" + ";".join(str(d) for d in setup.include_dirs),
        "-DTB_TFLM_DEFINITIONS=" + ";".join(runner_definitions(setup.library)),
        f"-DTB_MEMORY_DIR={memory_dir}",
        *shell,
        *fb.target_definitions(target),
    ], board=board)
    elf = cmake_dir / "firmware.elf"
    if not elf.exists():
        raise fb.FirmwareBuildError(f"the build finished but produced no {elf}")
    return elf
