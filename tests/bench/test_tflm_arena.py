"""The arena search and the CLI's refusals for the tflm runtime; none of these need a TFLM library."""
from __future__ import annotations

import subprocess
import shutil
from pathlib import Path

import pytest

from tflm_bench.cli import main
from tflm_bench.errors import DeviceFault, ProtocolError
from tflm_bench.generator import Runtime
from tflm_bench.protocol import RuntimeInfo, RuntimeKind
from tflm_bench.session import BenchOptions
from tflm_bench.tflm_arena import ArenaSearchError, search_arena, smallest_arena

ROOT = Path(__file__).resolve().parents[2]
SINE = ROOT / "models" / "sine_int8.tflite"


def _probe(used: int, arena: int = 229_376, status: int = 0) -> RuntimeInfo:
    return RuntimeInfo(RuntimeKind.TFLM, status, arena, used, "")


@pytest.mark.parametrize("needed", [944, 1328, 16_000, 229_376])
def test_the_search_finds_the_smallest_multiple_of_16_that_allocates(needed: int) -> None:
    tried: list[int] = []

    def allocates(n: int) -> bool:
        tried.append(n)
        return n >= needed

    found, tries = smallest_arena(_probe(932), allocates)
    assert found == needed and found - 16 in tried and tries == len(tried)
    assert tries <= 2 * 14 + 2  # widening then bisecting: logarithmic in the probe size


def test_the_search_walks_down_when_used_bytes_already_allocate() -> None:
    found, _ = smallest_arena(_probe(1000), lambda n: n >= 960)
    assert found == 960


def test_a_probe_that_does_not_start_is_an_error_naming_why() -> None:
    with pytest.raises(ArenaSearchError, match="AllocateTensors"):
        smallest_arena(_probe(0, status=2), lambda n: True)


def test_search_rebuilds_with_the_size_found_and_reports_it() -> None:
    builds: list[int | None] = []

    def build(arena: int | None) -> object:
        builds.append(arena)
        return arena

    def boot(image: object):  # type: ignore[no-untyped-def]
        size = 229_376 if image is None else int(image)  # type: ignore[call-overload]
        return _probe(932 if image is None else 940, arena=size), lambda n: _probe(0, n, 0 if n >= 1328 else 2)

    image, report = search_arena(build, boot)
    assert builds == [None, 1328] and image == 1328
    assert (report.method, report.smallest_bytes, report.given_bytes, report.probe_used_bytes) == ("searched", 1328, 1328, 932)
    assert "kTensorArenaSize" in report.summary()



def test_a_size_at_which_the_firmware_faults_counts_as_too_small_and_the_device_is_booted_again() -> None:
    # TFLM 90b983c2 accepts 704 B for a 16->10 FULLY_CONNECTED and then writes past the arena;
    # 720 B is the smallest that works. A fault during the search must not end the run.
    boots: list[object] = []

    def build(arena: int | None) -> object:
        return arena

    def reinit(n: int) -> RuntimeInfo:
        if n == 704:
            raise DeviceFault("firmware fault: HardFault in GreedyMemoryPlanner")
        return _probe(0, n, 0 if n >= 720 else 2)

    def boot(image: object):  # type: ignore[no-untyped-def]
        boots.append(image)
        if image == 704:
            raise ProtocolError("corrupted frame from the device")
        return _probe(590 if image is None else 600, arena=229_376 if image is None else int(image)), reinit  # type: ignore[call-overload]

    image, report = search_arena(build, boot)
    assert image == 720 and report.smallest_bytes == 720 and report.faulted == (704,)
    assert boots.count(None) == 2  # the probe, and once more after the fault
    assert "704 B" in report.summary() and "counted as too small" in report.summary()

def test_runtime_has_one_default() -> None:
    assert Runtime.default() is Runtime.GENERATED and BenchOptions().runtime is Runtime.GENERATED


def test_tflm_runtime_without_a_library_exits_2_saying_what_to_pass(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TFLM_LIB", raising=False)
    monkeypatch.delenv("TFLM_INCLUDE", raising=False)
    assert main(["run", str(SINE), "--runtime", "tflm"]) == 2
    err = capsys.readouterr().err
    assert "--tflm-lib" in err and "--tflm-include" in err and "TFLM_LIB" in err and "Traceback" not in err


def test_a_text_file_as_the_library_exits_2_naming_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "libtensorflow-microlite.a"
    text.write_text("hello\n")
    assert main(["run", str(SINE), "--runtime", "tflm", "--tflm-lib", str(text), "--tflm-include", str(tmp_path)]) == 2
    assert "not an archive" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not installed")
def test_a_soft_float_library_exits_2_naming_the_float_abi(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "soft.c"
    source.write_text("float twice(float x) { return 2.0f * x; }\n")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft", "-c", str(source),
                    "-o", str(tmp_path / "soft.o")], check=True)
    library = tmp_path / "libsoft.a"
    subprocess.run(["arm-none-eabi-ar", "rcs", str(library), str(tmp_path / "soft.o")], check=True)
    assert main(["build", str(SINE), "--runtime", "tflm", "--tflm-lib", str(library)]) == 2
    assert "wrong float ABI" in capsys.readouterr().err


def test_run_takes_one_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(SINE), "--runtime", "tflm", "--tflm-lib", "a.a", "--tflm-lib", "b.a"]) == 2
    assert "compare" in capsys.readouterr().err
