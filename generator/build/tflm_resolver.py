"""Which MicroMutableOpResolver method adds which operator, read from the user's TFLM headers.

The mapping follows their TFLM version: a method is found by its AddBuiltin(BuiltinOperator_X, ...)
call, and the kernel it registers (Register_X()) is checked against the library's symbols.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnsupportedOpError
from ..model import Model
from ..tflm_library import LibraryProblem, TflmLibraryError, TflmSetup

RESOLVER_HEADER = "tensorflow/lite/micro/micro_mutable_op_resolver.h"
# Headers whose contents shape the runner's build besides the library itself.
KEY_HEADERS = (RESOLVER_HEADER, "tensorflow/lite/micro/micro_interpreter.h",
               "tensorflow/lite/micro/micro_allocator.h")


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
    for op in model.all_operators:  # every subgraph's: TFLM prepares them all
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


def header_digest(include_dirs: tuple[Path, ...]) -> str:
    digest = hashlib.sha256("\n".join(str(d) for d in include_dirs).encode())
    for name in KEY_HEADERS:
        for folder in include_dirs:
            if (folder / name).is_file():
                digest.update(hashlib.sha256((folder / name).read_bytes()).digest())
                break
    return digest.hexdigest()
