"""tflm-bench export: the library of a model the bench verified, built into a user's own firmware
(CMake, the Arm toolchain, their main) and run on the built-in engine: bit-exact with what the
bench's image computed, with the same instruction count per inference; and the layouts' files."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.board import DEFAULT_PLATFORM
from tflm_bench.emulation import EngineName, create_engine
from tflm_bench.generator import firmware_dir, read_model, write_memory_script
from tflm_bench.generator.export import ExportFormat, ExportError, export_library, library_name
from tflm_bench.session import BenchOptions, BenchSession

ROOT = Path(__file__).resolve().parents[2]
USER_FIRMWARE = ROOT / "tests" / "firmware" / "export"
# The bench's shell reads the counter around its INVOKE request; the user's main around its own
# call. Both hook every layer the same way, so only a few instructions of call set-up differ.
COUNT_TOLERANCE = 0.01


def _user_firmware(library: Path, name: str, sample: np.ndarray, tmp_path: Path, board: object) -> Path:
    inputs = tmp_path / "input"
    inputs.mkdir()
    data = ", ".join(str(b) for b in sample.tobytes())
    (inputs / "user_input.h").write_text(f"static const unsigned char user_input[{sample.nbytes}] = {{{data}}};\n")
    memory = write_memory_script(board, tmp_path / "memory").parent  # type: ignore[arg-type]
    build = tmp_path / "build"
    firmware = firmware_dir()
    for command in (
        ["cmake", "-S", str(USER_FIRMWARE), "-B", str(build), "-G", "Unix Makefiles",
         f"-DCMAKE_TOOLCHAIN_FILE={firmware / 'cmake' / 'arm-none-eabi.cmake'}", "-DCMAKE_BUILD_TYPE=Release",
         f"-DEXPORTED_LIBRARY={library}", f"-DEXPORTED_NAME={name}", f"-DTB_FIRMWARE_DIR={firmware}",
         f"-DTB_MEMORY_DIR={memory}", f"-DUSER_INPUT_DIR={inputs}"],
        ["cmake", "--build", str(build), "--parallel", "2"],
    ):
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return build / "firmware.elf"


def _run_until_done(elf: Path) -> dict[str, list[str]]:
    with create_engine(EngineName.BUILTIN, DEFAULT_PLATFORM) as engine:
        engine.load_elf(elf)
        text, deadline = b"", time.monotonic() + 60
        while not text.endswith(b"done\n"):
            assert time.monotonic() < deadline, f"no 'done' from the user firmware: {text!r}"
            text += engine.read_uart(1, timeout_s=30)
    lines: dict[str, list[str]] = {}
    for line in text.decode().splitlines():
        key, _, value = line.partition(" ")
        lines.setdefault(key, []).append(value)
    return lines


@pytest.mark.parametrize("model_name", ["sine_int8", "accel_cnn_int8"])
def test_an_exported_library_runs_bit_exact_with_the_bench_count(model_name: str, tmp_path: Path) -> None:
    model = ROOT / "models" / f"{model_name}.tflite"
    with BenchSession(model, BenchOptions(compare_tflite=False)) as session:
        sample = session.random_samples(1, seed=3)[0]
        result, outputs = session.run_sample_with_outputs(0, sample)
        image = session.build()
    assert result.bit_exact
    exported = export_library(image, read_model(model.read_bytes()), model, tmp_path / "lib", ExportFormat.CMAKE)
    manifest = json.loads(exported.manifest.read_text())
    assert manifest["build_id"] == f"0x{image.build_id:08x}" and manifest["model_sha256"] == image.model_sha256

    elf = _user_firmware(exported.root, exported.name, sample[0], tmp_path, image.board)
    printed = _run_until_done(elf)
    assert printed["layers"] == [str(len(image.layers))], printed
    assert printed["output"] == [o.tobytes().hex() for o in outputs], "the user firmware's outputs differ"
    total = int(printed["total"][0])
    assert abs(total - result.instructions) <= COUNT_TOLERANCE * result.instructions, (total, result.instructions)
    layers = [int(v) for v in printed["layer"]]
    assert sum(layers) <= total
    assert all(abs(a - b) <= max(8, COUNT_TOLERANCE * b) for a, b in zip(layers, result.layer_instructions)), [
        (i, a, b) for i, (a, b) in enumerate(zip(layers, result.layer_instructions)) if a != b]



def test_the_arduino_layout(tmp_path: Path) -> None:
    model = ROOT / "models" / "sine_int8.tflite"
    with BenchSession(model, BenchOptions(compare_tflite=False)) as session:
        image = session.build()
    exported = export_library(image, read_model(model.read_bytes()), model, tmp_path, ExportFormat.ARDUINO)
    root = exported.root
    assert root.name == "sine_int8_model" == exported.name
    fields = dict(line.split("=", 1) for line in (root / "library.properties").read_text().splitlines() if "=" in line)
    for field in ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
                  "architectures", "includes"):
        assert fields.get(field), f"library.properties lacks {field}"
    assert fields["name"] == "sine_int8_model" and "mbed_nano" in fields["architectures"]
    assert (root / "src" / fields["includes"]).is_file()
    assert (root / "src" / "tb_runtime.h").is_file() and (root / "src" / "tb_model.c").is_file()
    sketch = root / "examples" / "sine_int8_model_example" / "sine_int8_model_example.ino"
    assert "#include <sine_int8_model.h>" in sketch.read_text() and "Serial.println" in sketch.read_text()
    # Every quoted include of the library resolves inside src/ (Arduino puts only src/ on the path).
    for source in (root / "src").rglob("*.[ch]"):
        for include in __import__("re").findall(r'#include "([^"]+)"', source.read_text()):
            assert (root / "src" / include).is_file() or (source.parent / include).is_file(), (source, include)


def test_reference_exports_leave_the_dsp_kernels_out(tmp_path: Path) -> None:
    model = ROOT / "models" / "sine_int8.tflite"
    with BenchSession(model, BenchOptions(compare_tflite=False, kernels="reference")) as session:
        image = session.build()
    exported = export_library(image, read_model(model.read_bytes()), model, tmp_path, ExportFormat.C)
    assert exported.sources and not [s for s in exported.sources if s.stem.endswith("_dsp")]
    assert (tmp_path / "examples" / "main.c").is_file() and (tmp_path / "README.md").is_file()


def test_names_and_refusals(tmp_path: Path) -> None:
    assert library_name(Path("my model-v2.tflite")) == "my_model_v2_model"
    assert library_name(Path("2layer.tflite")) == "m_2layer_model"
    with pytest.raises(ValueError, match="choose one of c, cmake, arduino"):
        ExportFormat.parse("zip")


def test_a_tflm_runtime_image_is_refused() -> None:
    from dataclasses import dataclass

    @dataclass
    class TflmImage:
        runtime: str = "tflm"

    with pytest.raises(ExportError, match="runs your own TFLM library"):
        export_library(TflmImage(), None, Path("m.tflite"), Path("/nonexistent"))  # type: ignore[arg-type]


def test_the_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tflm_bench.cli import main

    model = ROOT / "models" / "sine_int8.tflite"
    assert main(["export", str(model), "--out", str(tmp_path / "lib"), "--format", "cmake", "--kernels", "reference"]) == 0
    out = capsys.readouterr().out
    assert "cmake library sine_int8_model" in out and "kernels reference" in out
    manifest = json.loads((tmp_path / "lib" / "export.json").read_text())
    assert manifest["kernels"] == "reference" and (tmp_path / "lib" / "CMakeLists.txt").is_file()
    with pytest.raises(SystemExit) as usage:
        main(["export", str(model), "--out", str(tmp_path / "x"), "--format", "zip"])
    assert usage.value.code == 2 and "invalid choice: 'zip'" in capsys.readouterr().err
