"""firmware/shell/mlperf_shell.c: an MLPerf Tiny image served by `tflm-bench emulate --uart-pty`,
driven over pyserial as the MLCommons/EEMBC runner drives a board, outputs checked against host TFLM."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main as cli_main
from tflm_bench.errors import InputError
from tflm_bench.generator import Protocol, read_model
from tflm_bench.mlperf_client import BOOT_LINES, MlperfCommandError, MlperfDut, host_results, served_on_pty
from tflm_bench.oracles import TflmOracle
from tflm_bench.session import BenchOptions, BenchSession

ROOT = Path(__file__).resolve().parents[3]
# (model, the name `profile` reports: guessed from the input shape, see generator/mlperf.py)
MODELS = {"sine_int8": "ad01", "accel_cnn_int8": "kws01"}


@pytest.fixture(scope="module", params=sorted(MODELS))
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, MlperfDut]]:
    """`tflm-bench build MODEL --protocol mlperf --out FW.elf`, then the image on a PTY."""
    name = request.param
    elf = tmp_path_factory.mktemp("mlperf") / f"{name}.elf"
    assert cli_main(["build", str(ROOT / "models" / f"{name}.tflite"), "--protocol", "mlperf", "--out", str(elf)]) == 0
    with served_on_pty(elf) as pty:
        assert pty.boot == BOOT_LINES
        with MlperfDut(pty.path) as dut:
            yield name, dut


def _host_results(model_path: Path, raw: bytes) -> tuple[str, ...]:
    """Host TFLM's outputs for the raw input bytes, dequantized in float32 and printed with 3 decimals."""
    model_bytes = model_path.read_bytes()
    model = read_model(model_bytes)
    tensor = model.tensors[model.inputs[0]]
    sample = np.frombuffer(raw, dtype=np.int8).reshape(tensor.shape)
    texts: list[str] = []
    for index, output in zip(model.outputs, TflmOracle(model_bytes, len(model.outputs), model).run([sample])):
        quantization = model.tensors[index].quantization
        assert quantization is not None and output.dtype == np.int8
        real = (output.astype(np.int32) - quantization.zero_points[0]).astype(np.float32) * np.float32(quantization.scales[0])
        texts += [format(float(v), ".3f") for v in real.ravel()]
    return tuple(texts)


PROFILER_COUNTS_PER_LAYER = 16  # the shell's CYCCNT read and store around one layer, with margin


def _input_bytes(name: str) -> int:
    model = read_model((ROOT / "models" / f"{name}.tflite").read_bytes())
    return model.tensors[model.inputs[0]].num_bytes


def test_performance_mode_as_the_runner_does_it(served: tuple[str, MlperfDut]) -> None:
    name, dut = served
    assert dut.name() == "tflm-bench"
    assert dut.profile() == ("ULPMark for tinyML Firmware V0.0.1", MODELS[name])
    raw = np.random.default_rng(13).integers(-128, 128, _input_bytes(name), dtype=np.int8).tobytes()
    dut.load(raw)  # db load N, then 31-byte hex chunks, m-load-done on the last
    windows = [dut.infer(10, 2) for _ in range(2)]
    for window in windows:
        assert window.lap_us[1] > window.lap_us[0] > 0
        assert window.us_per_inference > 0 and window.inferences_per_s > 0
    assert windows[1].lap_us[0] > windows[0].lap_us[1]  # one clock, never going back
    # The emulated clock counts instructions: the same work takes the same time, within the
    # 1 us truncation of each stamp.
    assert abs(windows[0].elapsed_us - windows[1].elapsed_us) <= 1
    assert windows[0].results == windows[1].results == dut.results()
    # ... and it is the bench's clock: 64 counts a microsecond, and the bench protocol's count
    # for this input (its profiler adds a little per layer; the MLPerf loop copies the input).
    model = read_model((ROOT / "models" / f"{name}.tflite").read_bytes())
    tensor = model.tensors[model.inputs[0]]
    with BenchSession(ROOT / "models" / f"{name}.tflite", BenchOptions(compare_tflite=False)) as bench:
        counted = bench.run_sample(0, [np.frombuffer(raw, np.int8).reshape(tensor.shape)]).instructions
    # The window holds the inferences alone; the bench's count also holds its profiler's CYCCNT
    # reads around every layer (at most PROFILER_COUNTS_PER_LAYER each), which dominate a model
    # as small as sine.
    slack = 2 * 64 + 10 * len(model.operators) * PROFILER_COUNTS_PER_LAYER
    assert windows[0].elapsed_us * 64 == pytest.approx(10 * counted, rel=0.01, abs=slack)


def test_accuracy_mode_matches_host_tflm(served: tuple[str, MlperfDut]) -> None:
    name, dut = served
    rng = np.random.default_rng(29)
    for _ in range(4):
        raw = rng.integers(-128, 128, _input_bytes(name), dtype=np.int8).tobytes()
        dut.load(raw)
        result = dut.infer(1, 0)
        model = ROOT / "models" / f"{name}.tflite"
        assert result.results == _host_results(model, raw) == host_results(model.read_bytes(), raw)
        assert dut.results() == result.results


def test_errors_end_with_ready_and_change_nothing(served: tuple[str, MlperfDut]) -> None:
    name, dut = served
    with pytest.raises(MlperfCommandError, match="Unknown command: bogus"):
        dut.command("bogus")
    assert dut.command("db load 1") == ["m-[Expecting 1 bytes]"]
    with pytest.raises(MlperfCommandError, match="Odd number of hex digits"):
        dut.command("db 123")
    with pytest.raises(MlperfCommandError, match="Invalid hex digit"):
        dut.command("db zz")
    with pytest.raises(MlperfCommandError, match=f"it takes {_input_bytes(name)} bytes"):
        dut.command("infer 1 0")  # one byte of the input is not the input
    with pytest.raises(MlperfCommandError, match="Inference iterations must be >0"):
        dut.command("infer 0")
    assert dut.command("db 7f") == ["m-load-done"]
    assert dut.command("db print") == ["m-buffer-7f"]
    with pytest.raises(MlperfCommandError, match="Buffer already full"):
        dut.command("db 01")
    assert "infer N [W=10]" in dut.command("help")[1]
    with pytest.raises(MlperfCommandError, match=r"Unknown command: (x{80})\]?$"):
        dut.command("x" * 100)  # the runner's 80-character command buffer: the rest is dropped
    assert dut.name() == "tflm-bench"  # still answering


def test_db_before_db_load_is_refused(tmp_path: Path) -> None:
    """A fresh image knows no size yet: data before `db load` is refused, not written anywhere."""
    elf = tmp_path / "sine.elf"
    assert cli_main(["build", str(ROOT / "models" / "sine_int8.tflite"), "--protocol", "mlperf",
                     "--mlperf-model", "kws01", "--out", str(elf)]) == 0
    with served_on_pty(elf) as pty, MlperfDut(pty.path) as dut:
        assert dut.profile()[1] == "kws01"  # the name given beats the guess
        with pytest.raises(MlperfCommandError, match="'db load N' must come before"):
            dut.command("db 00")
        with pytest.raises(MlperfCommandError, match="No results yet"):
            dut.command("results")
        assert dut.command("db print") == []
        assert 0 < dut.timestamp() < dut.timestamp()


def test_the_tflm_runtime_serves_the_same_protocol(bench_tflm_options: BenchOptions, tmp_path: Path) -> None:
    """The shell sees only tb_runtime.h: with the user's TFLM library (arena searched over the
    bench protocol first) the results are host TFLM's too."""
    model = ROOT / "models" / "sine_int8.tflite"
    options = replace(bench_tflm_options, protocol=Protocol.MLPERF)
    session = BenchSession(model, options)
    image = session.build()
    assert session.arena is not None and image.memory.arena_bytes == session.arena.given_bytes
    with served_on_pty(image.elf) as pty, MlperfDut(pty.path) as dut:
        raw = bytes([0x40])
        dut.load(raw)
        assert dut.infer(1, 0).results == _host_results(model, raw)


def test_run_refuses_an_mlperf_image_with_the_way_to_serve_it() -> None:
    session = BenchSession(ROOT / "models" / "sine_int8.tflite", BenchOptions(protocol="mlperf"))
    with pytest.raises(InputError, match="emulate FW.elf --uart-pty"):
        session.start()
