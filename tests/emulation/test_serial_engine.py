"""`--engine serial`: the bench protocol against a board on a serial port, tested against
`tflm-bench emulate FW.elf --uart-pty` standing in for the board (the CLI end to end), plus a
wrong image, a missing or busy port, a silent line and a line that talks but never answers."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import serial

from tflm_bench.child_process import emulate_child
from tflm_bench.device import BenchDevice
from tflm_bench.emulation import SerialPortError, SerialTimeout
from tflm_bench.emulation.serial.engine import SerialEngine
from tflm_bench.errors import NotBenchFirmware, ProtocolError
from tflm_bench.protocol import Command, encode_frame

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"
CLI = [sys.executable, "-m", "tflm_bench.cli"]


def cli(*args: str, timeout: float = 180.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """FW.elf of two models, from `tflm-bench build MODEL --out FW.elf`."""
    out = tmp_path_factory.mktemp("serial-images")
    built = {}
    for name in ("sine_int8", "accel_cnn_int8"):
        elf = out / f"{name}.elf"
        result = cli("build", str(MODELS / f"{name}.tflite"), "--out", str(elf))
        assert result.returncode == 0, result.stderr
        built[name] = elf
    return built


@contextmanager
def emulated_board(elf: Path, where: tuple[str, ...] = ("--uart-pty",)) -> Iterator[str]:
    """`tflm-bench emulate ELF --uart-pty` in the background; yields its PTY path (or, with
    --uart-port, its socket:// URL)."""
    with emulate_child(elf, where, grace_s=20, cwd=ROOT) as emulated:
        yield emulated.address


@pytest.mark.parametrize("name", ["sine_int8", "accel_cnn_int8"])
def test_run_against_the_emulated_board_is_bit_exact(images: dict[str, Path], name: str, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    with emulated_board(images[name]) as pty:
        result = cli("run", str(MODELS / f"{name}.tflite"), "--engine", "serial", "--port", pty,
                     "--count", "2", "--no-tflite", "--json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(out.read_text())
    assert report["all_bit_exact"] is True and len(report["results"]) == 2
    assert report["config"]["engine"] == "serial" and report["config"]["port"] == pty
    # Counts are the board's DWT CYCCNT: cycles, and no executed-instruction count is made up.
    assert report["config"]["count_unit"] == "cycles" and report["executed_instructions"] is None
    assert all(r["instructions"] > 0 for r in report["results"])
    assert "DWT cycles" in result.stdout and "executed instructions: n/a" in result.stdout


def test_a_second_client_resynchronises_after_one_left_mid_frame(images: dict[str, Path]) -> None:
    """A board is not reset: the next session finds stale replies and a half-received frame."""
    with emulated_board(images["sine_int8"]) as pty:
        with SerialEngine(pty) as first:
            first.write_uart(encode_frame(Command.PING, 1, b"never read"))  # its reply stays unread
            first.write_uart(encode_frame(Command.SET_INPUT, 2, bytes(600))[:300])  # cut mid-payload
            time.sleep(0.3)
        with SerialEngine(pty) as second:
            device = BenchDevice(second, timeout_s=10.0)
            device.resync(5.0)
            assert device.ping(b"again") == b"again"
            assert device.info().build_id != 0


def test_another_models_image_on_the_board_is_an_input_error(images: dict[str, Path]) -> None:
    with emulated_board(images["accel_cnn_int8"]) as pty:
        result = cli("run", str(MODELS / "sine_int8.tflite"), "--engine", "serial", "--port", pty, "--count", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"the board on {pty} runs bench firmware for another model" in result.stderr
    assert "flash FW.bin" in result.stderr and "Traceback" not in result.stderr


def test_a_missing_port_is_a_usage_error_before_any_build() -> None:
    result = cli("run", str(MODELS / "sine_int8.tflite"), "--engine", "serial", "--port", "/dev/tty-no-such-board")
    assert result.returncode == 2
    assert "serial port /dev/tty-no-such-board: no such device" in result.stderr and "--port" in result.stderr


@pytest.mark.parametrize("args, message", [
    (("run", "--engine", "serial"), "--engine serial needs the board's port: add --port DEVICE"),
    (("run", "--port", "/dev/ttyACM0"), "--port is for --engine serial"),
    (("diff", "--engine", "serial"), "--engine serial needs the board's port"),
    (("compare", "--engine", "serial"), "invalid choice: 'serial'"),  # it boots several images
])
def test_port_and_engine_must_go_together(args: tuple[str, ...], message: str) -> None:
    result = cli(args[0], str(MODELS / "sine_int8.tflite"), *args[1:])
    assert result.returncode == 2 and message in result.stderr, result.stderr


@contextmanager
def pty_pair() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal whose far end (the master) is ours: a 'board' that says what we say."""
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        yield master, os.ttyname(slave)
    finally:
        os.close(master)
        os.close(slave)


def test_a_board_that_never_answers_times_out_with_the_fix() -> None:
    with pty_pair() as (_, path):
        started = time.monotonic()
        result = cli("run", str(MODELS / "sine_int8.tflite"), "--engine", "serial", "--port", path, timeout=60)
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert f"no answer on serial port {path}" in result.stderr and "--baud" in result.stderr
    assert elapsed < 40, f"took {elapsed:.0f} s"


def test_a_board_that_talks_but_not_the_protocol_is_named() -> None:
    with pty_pair() as (master, path):
        stop = threading.Event()

        def chatter() -> None:  # e.g. a sketch printing text, or the wrong baud rate
            while not stop.is_set():
                os.write(master, b"hello from a sketch\r\n")
                os.read(master, 4096) if select.select([master], [], [], 0.05)[0] else None

        talker = threading.Thread(target=chatter, daemon=True)
        with SerialEngine(path, drain_limit_s=0.3) as engine:
            talker.start()
            try:
                with pytest.raises(NotBenchFirmware, match="never answered the bench's PING"):
                    BenchDevice(engine, timeout_s=5.0).resync(1.5)
            finally:
                stop.set()
                talker.join(timeout=5)


def test_a_busy_port_names_the_fix() -> None:
    with pty_pair() as (_, path):
        holder = serial.Serial(path, 115200, exclusive=True)
        try:
            with pytest.raises(SerialPortError, match="busy: another program has it open; close the program"):
                SerialEngine(path).open()
        finally:
            holder.close()


def test_reads_time_out_and_the_engine_records_the_image(images: dict[str, Path]) -> None:
    with pty_pair() as (master, path):
        with SerialEngine(path) as engine:
            engine.load_elf(images["sine_int8"])
            assert engine.elf == images["sine_int8"] and engine.executed_instructions is None
            os.write(master, b"ab")
            started = time.monotonic()
            with pytest.raises(SerialTimeout, match="got 2 byte"):
                engine.read_uart(3, timeout_s=0.5)
            assert time.monotonic() - started < 2.0


PLUGIN_TEST = '''
from tflm_bench.emulation import EngineName


def test_sine_on_the_board(bench_session, bench_options):
    assert bench_options.engine is EngineName.SERIAL and bench_options.port
    session = bench_session(MODEL)
    results = session.run_samples(session.random_samples(2, seed=5))
    assert len(results) == 2 and all(r.bit_exact for r in results)
    assert session.config().count_unit == "cycles"
'''


def run_plugin(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_board.py").write_text(f"MODEL = {str(MODELS / 'sine_int8.tflite')!r}\n" + PLUGIN_TEST)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           str(tmp_path / "test_board.py"), *options],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)


def test_the_pytest_plugin_runs_on_the_board_given_by_bench_port(images: dict[str, Path], tmp_path: Path) -> None:
    with emulated_board(images["sine_int8"]) as pty:
        result = run_plugin(tmp_path, "--bench-engine", "serial", "--bench-port", pty)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_the_pytest_plugin_wants_a_port_for_serial(tmp_path: Path) -> None:
    result = run_plugin(tmp_path, "--bench-engine", "serial")
    assert result.returncode == 4, result.stdout + result.stderr  # pytest's usage error
    assert "--bench-engine serial needs the board's port: add --bench-port DEVICE" in result.stderr + result.stdout


def test_evaluate_on_the_board_runs_one_sample_at_a_time(images: dict[str, Path], tmp_path: Path) -> None:
    import numpy as np

    x = np.linspace(0.0, 6.0, 12, dtype=np.float32).reshape(12, 1)
    np.savez(tmp_path / "sine.npz", x=x, y=np.sin(x))
    out = tmp_path / "evaluation.json"
    with emulated_board(images["sine_int8"]) as pty:
        result = cli("evaluate", str(MODELS / "sine_int8.tflite"), "--data", str(tmp_path / "sine.npz"),
                     "--engine", "serial", "--port", pty, "--jobs", "2", "--no-host", "--json", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 worker" in result.stdout and f"the real board on {pty}" in result.stdout  # not two on one board
    assert json.loads(out.read_text())["board_port"] == pty


def test_a_pyserial_url_works_too(images: dict[str, Path]) -> None:
    """socket://127.0.0.1:N from `emulate --uart-port 0`: the same path through pyserial's URL handlers."""
    with emulated_board(images["sine_int8"], ("--uart-port", "0")) as url:
        assert url.startswith("socket://127.0.0.1:")
        result = cli("run", str(MODELS / "sine_int8.tflite"), "--engine", "serial", "--port", url,
                     "--count", "1", "--no-tflite")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verdict: 1/1 inputs bit-exact with TFLM" in result.stdout


def test_diff_layer_by_layer_on_the_board(images: dict[str, Path]) -> None:
    with emulated_board(images["accel_cnn_int8"]) as pty:
        result = cli("diff", str(MODELS / "accel_cnn_int8.tflite"), "--engine", "serial", "--port", pty)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "first diverging layer: none, every layer matches TFLM" in result.stdout


def test_resync_retries_a_ping_the_board_missed() -> None:
    """A board busy in an INVOKE drops what arrives meanwhile: the first PING gets no answer,
    a later one does, and stale frames before it are skipped."""
    from support.uart_frames import read_frame

    with pty_pair() as (master, path):
        stop = threading.Event()
        pings: list[int] = []

        def board() -> None:
            busy_until = time.monotonic() + 1.2  # longer than one sync attempt
            stream = bytearray()
            while not stop.is_set():
                if not select.select([master], [], [], 0.05)[0]:
                    continue
                chunk = os.read(master, 4096)
                if time.monotonic() < busy_until:
                    continue  # dropped, as a busy UART drops bytes
                stream += chunk
                start = stream.find(b"\xa5\x5a")
                if start < 0:
                    stream.clear()
                    continue
                del stream[:start]
                view = bytes(stream)
                try:
                    frame_type, seq, payload = read_frame(_reader(view), "stream")
                except AssertionError:
                    continue  # not all of the frame yet
                except ProtocolError:
                    del stream[:2]  # a frame cut by the busy spell: hunt for the next start
                    continue
                del stream[: 10 + len(payload)]
                pings.append(seq)
                os.write(master, encode_frame(Command.INFO | 0x80, 99, b"stale"))  # skipped by resync
                os.write(master, encode_frame(frame_type | 0x80, seq, payload))

        responder = threading.Thread(target=board, daemon=True)
        responder.start()
        try:
            with SerialEngine(path, drain_quiet_s=0.05) as engine:
                device = BenchDevice(engine, timeout_s=5.0)
                device.resync(5.0)
                assert len(pings) == 1 and pings[0] == device._seq  # answered the latest PING only
                assert device._seq >= 2  # an earlier attempt went unanswered
        finally:
            stop.set()
            responder.join(timeout=5)


def _reader(data: bytes):  # type: ignore[no-untyped-def]
    """read(n) over a byte string, as uart_frames expects; b"" at its end."""
    position = 0

    def read(count: int) -> bytes:
        nonlocal position
        chunk = data[position : position + count]
        position += len(chunk)
        return chunk

    return read
