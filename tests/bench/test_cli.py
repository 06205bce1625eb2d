"""The tflm-bench command line: verdicts, JSON, exit codes and error messages."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main


def test_run_prints_verdict_and_writes_json(sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    assert main(["run", str(sine_model), "--count", "4", "--seed", "3", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4/4 inputs bit-exact with TFLM" in text and "FULLY_CONNECTED" in text
    data = json.loads(out.read_text())
    assert data["all_bit_exact"] is True and len(data["results"]) == 4
    assert data["results"][0]["instructions"] > 0


def test_run_with_inputs_file(sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "x.npy"
    np.save(inputs, np.array([[-128], [0], [127]], dtype=np.int8))
    assert main(["run", str(sine_model), "--inputs", str(inputs), "--no-tflite"]) == 0
    assert "3/3 inputs bit-exact" in capsys.readouterr().out


def test_unsupported_op_fails_with_its_name(unsupported_op_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(unsupported_op_model)]) == 2
    err = capsys.readouterr().err
    assert "CEIL" in err and "FULLY_CONNECTED" in err and "Traceback" not in err


def test_malformed_model_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"\x10\x00\x00\x00TFL3" + bytes(40))
    assert main(["run", str(bad)]) == 2
    assert "tflm-bench: error:" in capsys.readouterr().err


def test_missing_model_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nope.tflite")]) == 2
    assert "nope.tflite" in capsys.readouterr().err


def test_build_out_copies_the_image_and_json_records_protocol_and_target(
    sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fw = tmp_path / "out" / "FW.elf"
    assert main(["build", str(sine_model), "--out", str(fw)]) == 0
    cached = Path(capsys.readouterr().out.splitlines()[0].split(" (")[0])
    assert fw.read_bytes() == cached.read_bytes() and fw.read_bytes()[:4] == b"\x7fELF"
    out = tmp_path / "r.json"
    assert main(["run", str(sine_model), "--count", "1", "--no-tflite", "--json", str(out)]) == 0
    config = json.loads(out.read_text())["config"]
    assert (config["protocol"], config["target"]) == ("bench", "emulator")
