"""Export the generated runtime of one built model as a library a user's own firmware links.

The files are the ones the bench compiled and verified: the generated sources of the image's
own build folder, the kernels they reach and tb_runtime.h, the API (tb_runtime_info() describes
every input and output with dtype, shape, scale and zero point and where it lies;
tb_runtime_invoke() runs the model, calling an optional per-layer hook). Nothing of the bench's
UART protocol comes along. export.json records the build id the bench reports for the image.

Layouts (ExportFormat): `c` (src/ and an example main.c), `cmake` (the same plus a CMake
package: add_subdirectory() it, or install it and find_package() it), `arduino` (an Arduino
library: library.properties, src/, examples/ with a sketch printing the outputs over Serial).
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .codegen import DATA_HEADER, TEMPLATE_DIR
from .errors import GeneratorError
from .build import FirmwareImage, firmware_dir
from .model import Model
from .options import Choice, KernelSet, Runtime

RUNTIME_HEADER = Path("runtime") / "tb_runtime.h"  # under firmware/
# The bench compiles kernels and generated code with these (firmware/CMakeLists.txt); the counts
# it reports hold for them. Other flags compute the same outputs in other cycle counts.
VERIFIED_FLAGS = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c11", "-O2",
                  "-ffunction-sections", "-fdata-sections")
_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


class ExportError(GeneratorError):
    """The image cannot be exported (the message says why and what to do)."""


class ExportFormat(Choice, noun="export format", default="c"):
    C = "c"
    CMAKE = "cmake"
    ARDUINO = "arduino"


@dataclass(frozen=True)
class ExportedLibrary:
    """What was written: the folder, the library's name, its sources and the recorded identity."""

    root: Path
    name: str
    format: ExportFormat
    sources: tuple[Path, ...]  # every .c file of the library
    source_dir: Path  # the include root: #include "tb_runtime.h" resolves here
    manifest: Path  # export.json


def library_name(model_path: Path) -> str:
    """A C identifier from the model's file name: `sine_int8.tflite` -> `sine_int8_model`."""
    stem = re.sub(r"\W", "_", Path(model_path).stem).strip("_") or "model"
    return f"{'m_' if stem[0].isdigit() else ''}{stem}_model"


def export_library(image: FirmwareImage, model: Model, model_path: Path, out_dir: Path,
                   fmt: ExportFormat = ExportFormat.default()) -> ExportedLibrary:
    """Write the library of `image` (a generated-runtime build of `model`) into `out_dir`.

    Raises:
        ExportError: the image runs TFLM's interpreter, or its generated sources are gone.
    """
    if Runtime(image.runtime) is not Runtime.GENERATED:
        raise ExportError("export writes the generated runtime; an image with --runtime tflm runs your own TFLM "
                          "library, which you link into your firmware as it is")
    generated = image.build_dir / "generated"
    if not (generated / DATA_HEADER).is_file():
        raise ExportError(f"the build folder {image.build_dir} holds no generated sources; remove it and build again")
    fmt = ExportFormat(fmt)
    name = library_name(model_path)
    root = Path(out_dir) / name if fmt is ExportFormat.ARDUINO else Path(out_dir)
    src = root / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    firmware = firmware_dir()
    for path in sorted(generated.iterdir()):
        shutil.copy2(path, src / path.name)
    shutil.copy2(firmware / RUNTIME_HEADER, src / RUNTIME_HEADER.name)
    kernels = firmware / "kernels"
    for relative in _kernel_files(kernels, generated, KernelSet(image.kernels)):
        (src / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(kernels / relative, src / relative)
    context = _context(image, model, model_path, name, fmt)
    for template, target in _FILES[fmt]:
        path = root / target.format(name=name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_templates().get_template(template).render(context), encoding="utf-8", newline="\n")
    manifest = root / "export.json"
    manifest.write_text(json.dumps(context["manifest"], indent=2) + "\n", encoding="utf-8")
    return ExportedLibrary(root, name, fmt, tuple(sorted(src.rglob("*.c"))), src, manifest)


_FILES: dict[ExportFormat, tuple[tuple[str, str], ...]] = {
    ExportFormat.C: (("export/README.md.j2", "README.md"), ("export/main.c.j2", "examples/main.c")),
    ExportFormat.CMAKE: (("export/README.md.j2", "README.md"), ("export/main.c.j2", "examples/main.c"),
                         ("export/CMakeLists.txt.j2", "CMakeLists.txt"),
                         ("export/Config.cmake.in.j2", "cmake/{name}Config.cmake.in")),
    ExportFormat.ARDUINO: (("export/README.md.j2", "README.md"), ("export/library.properties.j2", "library.properties"),
                           ("export/arduino.h.j2", "src/{name}.h"),
                           ("export/example.ino.j2", "examples/{name}_example/{name}_example.ino")),
}


def _kernel_files(kernels: Path, generated: Path, kernel_set: KernelSet) -> list[Path]:
    """Kernel files the generated code reaches: every header in the include closure of the
    generated sources, and the .c files of each kernel folder that closure touches (the DSP
    ones only for the optimized set). Paths relative to firmware/kernels."""
    pending = [text for path in generated.iterdir() for text in _INCLUDE.findall(path.read_text())]
    headers: set[Path] = set()
    while pending:
        relative = Path(pending.pop())
        if relative in headers or not (kernels / relative).is_file():
            continue  # tb_runtime.h, the generated header, or a system header
        headers.add(relative)
        pending += _INCLUDE.findall((kernels / relative).read_text())
    folders = {h.parent for h in headers if h.parent != Path(".")}
    sources = {
        c.relative_to(kernels) for folder in folders for c in (kernels / folder).glob("*.c")
        if kernel_set is KernelSet.OPTIMIZED or not c.stem.endswith("_dsp")
    }
    # A kernel source may include headers of folders the generated code does not name.
    pending = [text for c in sources for text in _INCLUDE.findall((kernels / c).read_text())]
    while pending:
        relative = Path(pending.pop())
        if relative not in headers and (kernels / relative).is_file():
            headers.add(relative)
            pending += _INCLUDE.findall((kernels / relative).read_text())
    return sorted(headers | sources)


def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def _tensor(model: Model, index: int) -> dict[str, object]:
    tensor = model.tensors[index]
    q = tensor.quantization
    quantized = tensor.dtype != "float32" and q is not None
    return {"name": tensor.name, "dtype": tensor.dtype, "shape": list(tensor.shape),
            "scale": float(q.scales[0]) if quantized else 0.0, "zero_point": int(q.zero_points[0]) if quantized else 0,
            "bytes": tensor.num_bytes}


def _context(image: FirmwareImage, model: Model, model_path: Path, name: str, fmt: ExportFormat) -> dict[str, object]:
    manifest = {
        "library": name,
        "format": str(fmt),
        "model": Path(model_path).name,
        "model_sha256": image.model_sha256,
        "build_id": f"0x{image.build_id:08x}",
        "build_key": image.build_dir.name,
        "runtime": str(image.runtime),
        "kernels": str(image.kernels),
        "optimize": str(image.optimize),
        "arena_bytes": image.memory.arena_bytes,
        "bench_image": {"flash_bytes": image.memory.flash_bytes, "ram_bytes": image.memory.ram_bytes},
        "toolchain": image.toolchain,
        "verified_flags": list(VERIFIED_FLAGS),
        "inputs": [_tensor(model, i) for i in model.inputs],
        "outputs": [_tensor(model, i) for i in model.outputs],
        "layers": [{"index": layer.index, "operator": layer.op_name, "macs": layer.macs} for layer in image.layers],
    }
    return {"name": name, "manifest": manifest, "flags": " ".join(VERIFIED_FLAGS)}
