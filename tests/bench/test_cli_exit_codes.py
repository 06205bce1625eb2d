"""Exit codes a CI can trust: 0 as expected, 1 outputs differ, 2 usage or input error, 3 internal
error (with a log file), never a traceback without --debug."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tflm_bench import cli
from tflm_bench.cli import main
from tflm_bench.exit_codes import ExitCode

MODELS = Path(__file__).resolve().parents[2] / "models"
AD_MODEL = MODELS / "ad_autoencoder_float.tflite"


def _usage_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run argv expecting exit 2; return stderr."""
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("count", ["0", "-3", "many"])
def test_count_must_be_a_positive_number(sine_model: Path, capsys: pytest.CaptureFixture[str], count: str) -> None:
    assert "--count" in _usage_error(capsys, ["run", str(sine_model), "--count", count])


@pytest.mark.parametrize("shape", [(3,), (2, 2, 1), (3, 1, 2)])
def test_inputs_of_the_wrong_shape_name_both_shapes(
    sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: tuple[int, ...]
) -> None:
    inputs = tmp_path / "x.npy"
    np.save(inputs, np.zeros(shape, np.int8))
    err = _usage_error(capsys, ["run", str(sine_model), "--inputs", str(inputs), "--no-tflite"])
    assert str(shape) in err and "(1, 1)" in err


@pytest.mark.parametrize("shape,count", [((1, 1), 1), ((4, 1, 1), 4), ((5, 1), 5)])
def test_inputs_as_one_sample_or_stacked_on_the_batch_axis(
    sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: tuple[int, ...], count: int
) -> None:
    inputs = tmp_path / "x.npy"
    np.save(inputs, np.arange(np.prod(shape), dtype=np.int8).reshape(shape))
    assert main(["run", str(sine_model), "--inputs", str(inputs), "--no-tflite"]) == ExitCode.OK
    assert f"{count}/{count} inputs bit-exact" in capsys.readouterr().out


def test_float_inputs_for_a_quantized_model_are_quantized_and_said(
    sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Float data is quantized with the input's scale and zero point (never cast), announced and
    recorded in the JSON; other integer types are refused without a cast's advice."""
    inputs, report = tmp_path / "x.npy", tmp_path / "r.json"
    np.save(inputs, np.linspace(0, 6, 4).reshape(4, 1))  # float64 radians, as the sine model was trained
    assert main(["run", str(sine_model), "--inputs", str(inputs), "--no-tflite", "--json", str(report)]) == ExitCode.OK
    captured = capsys.readouterr()
    assert "inputs    x.npy: float64 values quantized to int8 with the input's scale" in captured.out
    assert "inputs: x.npy: float64 values quantized" in captured.err
    assert "quantized to int8" in json.loads(report.read_text())["input_conversion"]
    np.save(inputs, np.zeros((2, 1), np.int64))
    err = _usage_error(capsys, ["run", str(sine_model), "--inputs", str(inputs)])
    assert "astype(np.int8)" not in err and "give the real values as float32" in err


@pytest.mark.parametrize("content", [b"", b"not a numpy file", None])
def test_unreadable_inputs(sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None) -> None:
    inputs = tmp_path / "x.npy"
    if content is None:
        inputs.mkdir()
    else:
        inputs.write_bytes(content)
    assert "x.npy" in _usage_error(capsys, ["run", str(sine_model), "--inputs", str(inputs)])


def test_nan_and_inf_inputs_are_named_in_the_output_and_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    values = np.random.default_rng(0).uniform(-1, 1, (2, 640)).astype(np.float32)
    values[1, 3], values[1, 7] = np.nan, np.inf
    inputs, report = tmp_path / "x.npy", tmp_path / "r.json"
    np.save(inputs, values)
    code = main(["run", str(AD_MODEL), "--inputs", str(inputs), "--no-tflite", "--json", str(report)])
    out = capsys.readouterr().out
    assert code in (ExitCode.OK, ExitCode.MISMATCH)
    assert "warning: input 1, tensor 0: 1 NaN and 1 infinite values" in out
    assert json.loads(report.read_text())["warnings"] == ["input 1, tensor 0: 1 NaN and 1 infinite values"]


def test_a_directory_is_not_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "not a SavedModel" in _usage_error(capsys, ["run", str(tmp_path)])


def test_a_non_tflite_file_is_refused_before_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "model.tflite"
    text.write_text("this is not a flatbuffer at all, just text that is long enough")
    build = tmp_path / "build"
    _usage_error(capsys, ["run", str(text), "--build-dir", str(build)])
    assert not (build / "firmware").exists()


@pytest.mark.parametrize("what", ["directory", "model", "missing", "elf64"])
def test_emulate_wants_a_32_bit_elf(tmp_path: Path, sine_model: Path, capsys: pytest.CaptureFixture[str], what: str) -> None:
    target = {"directory": tmp_path, "model": sine_model, "missing": tmp_path / "nope.elf",
              "elf64": tmp_path / "host.elf"}[what]
    if what == "elf64":
        target.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(57))
    err = _usage_error(capsys, ["emulate", str(target), "--uart-port", "0"])
    assert {"directory": "is a directory", "model": "not an ELF", "missing": "no such firmware",
            "elf64": "64-bit"}[what] in err


def test_emulate_refuses_a_port_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "0..65535" in _usage_error(capsys, ["emulate", str(tmp_path / "x.elf"), "--uart-port", "70000"])


def test_a_bad_platform_is_a_usage_error(sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    platform = tmp_path / "bad.repl"
    platform.write_text("cpu: CPU.CortexM @ sysbus\n    cpuType: \"cortex-m4\"\n")
    assert "bad.repl" in _usage_error(capsys, ["build", str(sine_model), "--platform", str(platform)])


def test_an_internal_error_exits_3_with_a_log(
    sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TFLM_BENCH_BUILD", str(tmp_path))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the bench broke")

    monkeypatch.setattr(cli, "run_bench", broken)
    assert main(["run", str(sine_model)]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: the bench broke" in err and "this is a bug" in err
    assert "Traceback" not in err
    logs = list((tmp_path / "logs").glob("error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    assert "Traceback" in logs[0].read_text() and "the bench broke" in logs[0].read_text()


def test_debug_shows_the_traceback(sine_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "run_bench", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("deep")))
    with pytest.raises(RuntimeError, match="deep"):
        main(["--debug", "run", str(sine_model)])


def test_a_mismatch_exits_1(sine_model: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong oracle answer stands in for a device that computes wrong: the verdict must say 1."""
    from tflm_bench.oracle_process import OracleProcess

    real_run = OracleProcess.run
    monkeypatch.setattr(OracleProcess, "run", lambda self, sample: [o + 1 for o in real_run(self, sample)])
    assert main(["run", str(sine_model), "--count", "2", "--no-tflite"]) == ExitCode.MISMATCH
    assert "MISMATCH" in capsys.readouterr().out


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["run", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for line in ("0    every output as expected", "1    outputs differ", "2    usage or input error", "3    internal error"):
        assert line in out
