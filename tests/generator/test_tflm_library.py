"""The TFLM library checks, on small archives made here: they run without any TFLM library."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tflm_bench.generator import LibraryProblem, TflmLibraryError, check_library, resolve_setup
from tflm_bench.generator.tflm_library import TAG_ABI_VFP_ARGS, TAG_CPU_ARCH, check_includes, parse_arm_attributes

HARD = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
# The interpreter entry points, defined under their C++ names so a tiny C file can stand in for TFLM.
INTERPRETER = """
void allocate(void) __asm__("_ZN6tflite16MicroInterpreter15AllocateTensorsEv");
void allocate(void) {}
void invoke(void) __asm__("_ZN6tflite16MicroInterpreter6InvokeEv");
void invoke(void) {}
void construct(void) __asm__("_ZN6tflite16MicroInterpreterC1EPKNS_5ModelERKNS_15MicroOpResolverEPhjPNS_22MicroResourceVariablesEPNS_22MicroProfilerInterfaceEb");
void construct(void) {}
void reg(void) __asm__("_ZN6tflite24Register_FULLY_CONNECTEDEv");
void reg(void) {}
float scale(float x) { return x * 2.0f; }
"""

needs_arm = pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not installed")


def _archive(tmp_path: Path, source: str, flags: list[str], compiler: str = "arm-none-eabi-gcc",
             ar: str = "arm-none-eabi-ar", name: str = "lib.a") -> Path:
    c_file = tmp_path / "member.c"
    c_file.write_text(source)
    obj = tmp_path / "member.o"
    subprocess.run([compiler, *flags, "-c", str(c_file), "-o", str(obj)], check=True)
    library = tmp_path / name
    subprocess.run([ar, "rcs", str(library), str(obj)], check=True)
    return library


def _refused(path: Path) -> TflmLibraryError:
    with pytest.raises(TflmLibraryError) as caught:
        check_library(path)
    return caught.value


@needs_arm
def test_a_hard_float_cortex_m4_library_with_the_interpreter_is_accepted(tmp_path: Path) -> None:
    library = check_library(_archive(tmp_path, INTERPRETER, HARD))
    assert library.cpu_arch == "Armv7E-M" and library.float_abi == "hard"
    assert not library.cmsis_nn and library.kernels == "reference"
    assert "FULLY_CONNECTED" in library.registrations
    assert len(library.sha256) == 64 and library.identity()["sha256"] == library.sha256


@needs_arm
def test_cmsis_nn_functions_are_reported(tmp_path: Path) -> None:
    library = check_library(_archive(tmp_path, INTERPRETER + "int arm_convolve_s8(void) { return 0; }\n", HARD))
    assert library.cmsis_nn and library.cmsis_nn_functions == ("arm_convolve_s8",)


@needs_arm
def test_a_soft_float_library_is_refused_naming_the_float_abi(tmp_path: Path) -> None:
    error = _refused(_archive(tmp_path, INTERPRETER, ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"]))
    assert error.problem is LibraryProblem.WRONG_FLOAT_ABI
    assert "Tag_ABI_VFP_args" in str(error) and "-mfloat-abi=hard" in str(error)


@needs_arm
def test_a_cortex_m0_library_is_refused_naming_the_architecture(tmp_path: Path) -> None:
    error = _refused(_archive(tmp_path, INTERPRETER, ["-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"]))
    assert error.problem is LibraryProblem.WRONG_ARCHITECTURE and "Armv6S-M" in str(error)


@pytest.mark.skipif(shutil.which("gcc") is None or shutil.which("ar") is None, reason="host gcc/ar not installed")
def test_an_x86_object_is_refused_naming_its_machine(tmp_path: Path) -> None:
    error = _refused(_archive(tmp_path, "int f(void) { return 1; }\n", [], compiler="gcc", ar="ar"))
    assert error.problem is LibraryProblem.WRONG_ARCHITECTURE and "x86" in str(error)


@needs_arm
def test_a_library_without_the_interpreter_is_refused(tmp_path: Path) -> None:
    error = _refused(_archive(tmp_path, "int f(void) { return 1; }\n", HARD))
    assert error.problem is LibraryProblem.MISSING_SYMBOLS
    assert "tflite::MicroInterpreter::Invoke()" in str(error)


def test_a_text_file_is_not_an_archive(tmp_path: Path) -> None:
    text = tmp_path / "libtensorflow-microlite.a"
    text.write_text("not a library\n")
    error = _refused(text)
    assert error.problem is LibraryProblem.NOT_AN_ARCHIVE and "ar" in str(error)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    assert _refused(tmp_path / "nothing.a").problem is LibraryProblem.NOT_FOUND


@needs_arm
def test_an_elf_object_given_as_the_library_is_not_an_archive(tmp_path: Path) -> None:
    _archive(tmp_path, INTERPRETER, HARD)
    error = _refused(tmp_path / "member.o")
    assert error.problem is LibraryProblem.NOT_AN_ARCHIVE and "ELF" in str(error)


def test_no_library_at_all_says_what_to_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TFLM_LIB", raising=False)
    monkeypatch.delenv("TFLM_INCLUDE", raising=False)
    with pytest.raises(TflmLibraryError) as caught:
        resolve_setup(None, ())
    assert caught.value.problem is LibraryProblem.NOT_GIVEN
    assert "--tflm-lib" in str(caught.value) and "TFLM_LIB" in str(caught.value)


def test_include_folders_without_tflm_headers_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TflmLibraryError) as caught:
        check_includes([tmp_path])
    assert caught.value.problem is LibraryProblem.MISSING_HEADERS
    assert "micro_interpreter.h" in str(caught.value) and "flatbuffers" in str(caught.value)


def test_arm_attributes_are_read() -> None:
    # 'A', subsection length, "aeabi\0", Tag_File (1) with its size, then tag/value pairs:
    # Tag_CPU_name (5) "7E-M", Tag_CPU_arch (6) = 13, Tag_ABI_VFP_args (28) = 1.
    body = bytes([5]) + b"7E-M\0" + bytes([6, 13, 28, 1])
    file_sub = bytes([1]) + (5 + len(body)).to_bytes(4, "little") + body
    vendor = b"aeabi\0" + file_sub
    section = b"A" + (4 + len(vendor)).to_bytes(4, "little") + vendor
    assert parse_arm_attributes(section) == {TAG_CPU_ARCH: 13, TAG_ABI_VFP_ARGS: 1}
