"""`tflm-bench export MODEL --renode-test DIR` (bench/renode_test_export.py): the suite's files, its
expected lines against host TFLM, the keywords it names, and a run under Renode's renode-test
when one is available."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main as cli_main
from tflm_bench.errors import InputError
from tflm_bench.generator import read_model
from tflm_bench.mlperf_client import host_results
from tflm_bench.renode_test_export import (BUILTIN_KEYWORDS, RENODE_KEYWORDS, SUITE_KEYWORDS, RenodeTestCase,
                                           command_exchanges, robot_cell, robot_suite, write_renode_test)

ROOT = Path(__file__).resolve().parents[2]
SINE = ROOT / "models" / "sine_int8.tflite"
PLATFORM = ROOT / "bench" / "board" / "platforms" / "nrf52840.repl"
FILES = {"model.robot", "model.resc", "firmware.elf", "nrf52840.repl", "README.md", "renode-test.json"}


@pytest.fixture(scope="module")
def sine_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rtest") / "sine"
    assert cli_main(["export", str(SINE), "--renode-test", str(root), "--count", "3", "--seed", "5"]) == 0
    return root


def robot_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        header = re.fullmatch(r"\*\*\* (.+) \*\*\*", line)
        if header:
            current = header.group(1)
            sections[current] = []
        elif line.strip():
            sections[current].append(line)
    return sections


def keywords_named(text: str) -> set[str]:
    """Every keyword called in the test cases and keywords sections."""
    sections = robot_sections(text)
    called = set()
    for line in sections["Test Cases"] + sections["Keywords"]:
        if not line.startswith(" "):
            continue  # a test or keyword name
        cells = re.split(r" {2,}", line.strip())
        if cells[0].startswith("[") or cells[0] in ("FOR", "END"):
            continue
        if re.fullmatch(r"\$\{\w+\}=", cells[0]):
            cells = cells[1:]
        called.add(cells[0])
    return called


def test_sine_suite_files_and_expected_lines(sine_suite: Path) -> None:
    assert {p.name for p in sine_suite.iterdir()} == FILES
    assert (sine_suite / "nrf52840.repl").read_text() == PLATFORM.read_text()
    manifest = json.loads((sine_suite / "renode-test.json").read_text())
    assert manifest["protocol"] == "mlperf" and len(manifest["cases"]) == 3
    robot = (sine_suite / "model.robot").read_text()
    model_bytes = SINE.read_bytes()
    # the recorded inputs are the bench's seeded random ones (seed 5), one int8 value each
    rng = np.random.default_rng(5)
    for case in manifest["cases"]:
        raw = bytes.fromhex(case["input_hex"])
        assert raw == rng.integers(-128, 127, size=(1, 1), endpoint=True).astype(np.int8).tobytes()
        assert case["expected"] == "m-results-[" + ",".join(host_results(model_bytes, raw)) + "]"
        assert "Command Should Answer    db load 1    m-[Expecting 1 bytes]" in robot
        assert f"Command Should Answer    db {raw.hex()}    m-load-done" in robot
        assert f"Inference Should Give             {case['expected']}" in robot
    tests = [line for line in robot_sections(robot)["Test Cases"] if not line.startswith(" ")]
    assert tests == ["Should Boot And Name Itself"] + [f"Input {n} Should Give Host TFLM's Outputs" for n in (1, 2, 3)]
    resc = (sine_suite / "model.resc").read_text().splitlines()
    assert "machine LoadPlatformDescription $ORIGIN/nrf52840.repl" in resc
    assert "sysbus LoadELF $ORIGIN/firmware.elf" in resc
    assert "sysbus.cpu VectorTableOffset 0x0" in resc
    assert "Execute Script                    ${CURDIR}/model.resc" in robot
    assert "renode-test model.robot" in (sine_suite / "README.md").read_text()


def test_the_suite_names_only_renode_and_builtin_keywords(sine_suite: Path) -> None:
    named = keywords_named((sine_suite / "model.robot").read_text())
    assert named - set(SUITE_KEYWORDS) <= RENODE_KEYWORDS | BUILTIN_KEYWORDS
    assert {"Create Terminal Tester", "Wait For Line On Uart", "Write To Uart"} <= named


def renode_tree() -> Path | None:
    """Renode's source tree (tests/renode-keywords.robot, src/Renode/RobotFrameworkEngine)."""
    candidates = [os.environ.get("TFLM_BENCH_RENODE_TREE", "")]
    found = shutil.which(os.environ.get("TFLM_BENCH_RENODE_TEST", "") or "renode-test")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    for candidate in filter(None, candidates):
        if (Path(candidate) / "tests" / "renode-keywords.robot").is_file():
            return Path(candidate)
    return None


def test_the_renode_keywords_exist_in_renode() -> None:
    tree = renode_tree()
    if tree is None:
        pytest.skip("no Renode source tree: set TFLM_BENCH_RENODE_TREE to a Renode checkout (with "
                    "tests/renode-keywords.robot)")
    sources = "".join(p.read_text(errors="replace") for p in (tree / "src" / "Renode" / "RobotFrameworkEngine").glob("*.cs"))
    methods = set(re.findall(r"\[RobotFrameworkKeyword[^\]]*\]\s*public\s+\S+\s+(\w+)\(", sources))
    spelled = {re.sub(r"(?<!^)([A-Z])", r" \1", m) for m in methods}
    assert RENODE_KEYWORDS <= spelled, RENODE_KEYWORDS - spelled


def test_robot_cells_are_escaped() -> None:
    assert robot_cell("m-results-[0.500,-1.000]") == "m-results-[0.500,-1.000]"
    assert robot_cell("a=b") == "a\\=b"
    assert robot_cell("#x ${y}") == "\\#x \\${y}"
    with pytest.raises(ValueError):
        robot_cell("two  spaces")


def test_inputs_load_in_the_runners_31_byte_chunks() -> None:
    exchanges = command_exchanges(bytes(range(70)))
    assert exchanges[0] == ("db load 70", ("m-[Expecting 70 bytes]",))
    assert [len(c.split()[1]) for c, _ in exchanges[1:]] == [62, 62, 16]
    assert [r for _, r in exchanges[1:]] == [(), (), ("m-load-done",)]
    assert all(len(c) + 1 <= 80 for c, _ in exchanges)  # the firmware keeps 80 characters a command


def test_inputs_from_a_file_are_recorded(tmp_path: Path) -> None:
    np.save(tmp_path / "in.npy", np.array([[[7]], [[-100]]], dtype=np.int8))
    root = tmp_path / "suite"
    assert cli_main(["export", str(SINE), "--renode-test", str(root), "--inputs", str(tmp_path / "in.npy")]) == 0
    cases = json.loads((root / "renode-test.json").read_text())["cases"]
    assert [c["input_hex"] for c in cases] == ["07", "9c"]
    assert cases[0]["origin"] == "in.npy sample 0"


def test_export_needs_out_or_renode_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["export", str(SINE)]) != 0
    assert "--out DIR" in capsys.readouterr().err


def test_a_platform_with_using_lines_is_refused(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.repl"
    overlay.write_text(f'using "{PLATFORM}"\n')
    case = RenodeTestCase(b"\x00", "m-results-[0.000]", "zero")
    with pytest.raises(InputError, match="self-contained"):
        write_renode_test(tmp_path / "suite", "sine_int8", tmp_path / "fw.elf", overlay, 0, [case], 1)
    assert "Should Be Equal" in robot_suite("sine_int8", [case])


def renode_test_command() -> list[str] | None:
    chosen = os.environ.get("TFLM_BENCH_RENODE_TEST") or shutil.which("renode-test")
    return [chosen] if chosen else None


def test_the_sine_suite_passes_under_renode_test(sine_suite: Path, tmp_path: Path) -> None:
    command = renode_test_command()
    if command is None:
        pytest.skip("no renode-test: set TFLM_BENCH_RENODE_TEST to Renode's renode-test (or put it on PATH)")
    # Renode removes renode-* folders from its temp folder when it starts: give it its own.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    result = subprocess.run([*command, str(sine_suite / "model.robot"), "-r", str(tmp_path / "results")],
                            capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ["Should Boot And Name Itself"] + [f"Input {n} Should Give Host TFLM's Outputs" for n in (1, 2, 3)]:
        assert re.search(rf"Finished test 'model\.{re.escape(name)}' in [\d.]+ seconds with status \S*OK", result.stdout)
    assert "Tests finished successfully" in result.stdout


def test_a_renode_folder_in_the_temp_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # gettempdir() reads TMPDIR again
    case = RenodeTestCase(b"\x00", "m-results-[0.000]", "zero")
    with pytest.raises(InputError, match="Renode removes renode-"):
        write_renode_test(tmp_path / "renode-suite", "sine_int8", tmp_path / "fw.elf", PLATFORM, 0, [case], 1)
    assert not (tmp_path / "renode-suite").exists()
