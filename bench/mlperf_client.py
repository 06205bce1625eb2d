"""A host for MLPerf Tiny mode firmware, doing what the MLCommons/EEMBC runner does.

The runner sends `cmd%`, reads lines until one contains `m-ready` (5 s, 30 s for `infer`), loads
inputs with `db load N` and `db` chunks of 31 bytes as hex, and reads `m-lap-us-` stamps and
`m-results-[...]` (docs/mlperf.md). `served_on_pty` starts `tflm-bench emulate FW.elf
--uart-pty` for an image built with `--protocol mlperf`; `MlperfDut` talks to any serial port.
"""
from __future__ import annotations

import os
import re
import select
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .child_process import EmulateChildError, emulate_child
from .errors import BenchError

BAUD = 115200
CHUNK_BYTES = 31  # the runner's bytes per `db` command
COMMAND_TIMEOUT_S = 5.0  # the runner's, for every command but infer
INFER_TIMEOUT_S = 30.0
BOOT_LINES = ("m-timestamp-mode-performance", "m-init-done", "m-ready")

_LAP = re.compile(r"^m-lap-us-(\d+)$")
_RESULTS = re.compile(r"^m-results-\[(.*)\]$")


class MlperfError(BenchError):
    """The firmware's MLPerf Tiny replies are missing, late, or not what the runner expects."""


class MlperfCommandError(MlperfError):
    """The firmware answered a command with an `e-[...]` line."""

    def __init__(self, command: str, message: str) -> None:
        self.command = command
        self.message = message
        super().__init__(f"the firmware refused {command!r}: {message}")


@dataclass(frozen=True)
class InferResult:
    """One `infer N W` exchange."""

    runs: int
    warmup: int
    lap_us: tuple[int, int]  # the stamps around the N timed inferences
    results: tuple[str, ...]  # m-results-[...] as printed (three decimals each)

    @property
    def elapsed_us(self) -> int:
        """Microseconds between the two stamps; the u32 clock may wrap once in between."""
        return (self.lap_us[1] - self.lap_us[0]) % (1 << 32)

    @property
    def us_per_inference(self) -> float:
        return self.elapsed_us / self.runs

    @property
    def inferences_per_s(self) -> float:
        """The runner's throughput figure for this window."""
        return self.runs * 1e6 / self.elapsed_us if self.elapsed_us else float("inf")

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(float(text) for text in self.results)


def parse_results(line: str) -> tuple[str, ...]:
    """The fields of an `m-results-[a,b,...]` line, as printed."""
    match = _RESULTS.match(line)
    if match is None:
        raise MlperfError(f"expected m-results-[...], got {line!r}")
    return tuple(match.group(1).split(",")) if match.group(1) else ()


def parse_lap(line: str) -> int:
    match = _LAP.match(line)
    if match is None:
        raise MlperfError(f"expected m-lap-us-<microseconds>, got {line!r}")
    return int(match.group(1))


class MlperfDut:
    """A device under test speaking the runner's protocol on a serial port (e.g. a PTY)."""

    def __init__(self, port: str, timeout_s: float = COMMAND_TIMEOUT_S) -> None:
        import serial  # pyserial, pinned

        try:
            self._serial = serial.Serial(port, BAUD, timeout=0.1)
        except serial.SerialException as error:
            raise MlperfError(f"cannot open {port}: {error}; is the emulator (or the board) still running?") from None
        self.port = port
        self.timeout_s = timeout_s

    def close(self) -> None:
        self._serial.close()

    def __enter__(self) -> MlperfDut:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_line(self, deadline: float, command: str) -> str:
        data = b""
        while not data.endswith(b"\n"):
            if time.monotonic() > deadline:
                raise MlperfError(f"no complete reply line to {command!r} in time (got {data!r} so far)")
            data += self._serial.readline()
        return data.decode("ascii", errors="replace").rstrip("\r\n")

    def command(self, text: str, timeout_s: float | None = None) -> list[str]:
        """Send `text%`; the lines up to m-ready (without it). `e-[...]` raises MlperfCommandError."""
        self._serial.write(text.encode("ascii") + b"%")
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        lines: list[str] = []
        while True:
            line = self._read_line(deadline, text)
            if "m-ready" in line:
                break
            lines.append(line)
        for line in lines:
            if line.startswith("e-["):
                raise MlperfCommandError(text, line[3:].rstrip("]"))
        return lines

    def name(self) -> str:
        return _single(self.command("name"), r"^m-name-dut-\[(.+)\]$", "name")

    def profile(self) -> tuple[str, str]:
        """(firmware version, model name), e.g. ('ULPMark for tinyML Firmware V0.0.1', 'kws01')."""
        lines = self.command("profile")
        return (_single(lines[:1], r"^m-profile-\[(.+)\]$", "profile"),
                _single(lines[1:], r"^m-model-\[(.+)\]$", "profile"))

    def timestamp(self) -> int:
        return parse_lap(_single(self.command("timestamp"), r"^(m-lap-us-\d+)$", "timestamp"))

    def load(self, data: bytes, chunk: int = CHUNK_BYTES) -> None:
        """`db load N`, then `db` with `chunk` bytes of hex at a time, as the runner does."""
        expecting = self.command(f"db load {len(data)}")
        if expecting != [f"m-[Expecting {len(data)} bytes]"]:
            raise MlperfError(f"db load {len(data)}: expected m-[Expecting {len(data)} bytes], got {expecting!r}")
        for start in range(0, len(data), chunk):
            lines = self.command("db " + data[start:start + chunk].hex())
            done = start + chunk >= len(data)
            if lines != (["m-load-done"] if done else []):
                raise MlperfError(f"db chunk at byte {start}: unexpected reply {lines!r}")

    def infer(self, runs: int, warmup: int, timeout_s: float = INFER_TIMEOUT_S) -> InferResult:
        lines = self.command(f"infer {runs} {warmup}", timeout_s)
        expected = [f"m-warmup-start-{warmup}", "m-warmup-done", f"m-infer-start-{runs}"]
        if len(lines) != 7 or lines[:3] != expected or lines[5] != "m-infer-done":
            raise MlperfError(f"infer {runs} {warmup}: unexpected replies {lines!r}")
        return InferResult(runs, warmup, (parse_lap(lines[3]), parse_lap(lines[4])), parse_results(lines[6]))

    def results(self) -> tuple[str, ...]:
        return parse_results(_single(self.command("results"), r"^(m-results-\[.*\])$", "results"))


def _single(lines: Sequence[str], pattern: str, command: str) -> str:
    match = re.match(pattern, lines[0]) if len(lines) == 1 else None
    if match is None:
        raise MlperfError(f"{command}: expected one line matching {pattern}, got {list(lines)!r}")
    return match.group(1)


@dataclass(frozen=True)
class ServedPty:
    path: str  # the pseudo-terminal's slave side, to open as a serial port
    boot: tuple[str, ...]  # the lines the firmware printed at reset


def _read_boot(path: str, timeout_s: float) -> tuple[str, ...]:
    """The boot lines, read before anything opens the port: pyserial's open discards input."""
    import termios
    import tty

    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        tty.setraw(fd, termios.TCSANOW)
        data = b""
        deadline = time.monotonic() + timeout_s
        while data.count(b"\n") < len(BOOT_LINES):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise MlperfError(f"the firmware printed no MLPerf boot lines in {timeout_s:g} s (got {data!r}); "
                                  "was it built with --protocol mlperf?")
            data += os.read(fd, 256)
    finally:
        os.close(fd)
    return tuple(line.rstrip("\r") for line in data.decode("ascii", errors="replace").split("\n")[:len(BOOT_LINES)])


@contextmanager
def served_on_pty(elf: Path, timeout_s: float = 60.0, platform: Path | None = None) -> Iterator[ServedPty]:
    """`tflm-bench emulate ELF --uart-pty` as a child process, ended on exit."""
    try:
        with emulate_child(elf, platform=platform, timeout_s=timeout_s) as child:
            yield ServedPty(child.address, _read_boot(child.address, timeout_s))
    except EmulateChildError as error:
        raise MlperfError(str(error)) from None


def host_results(model_bytes: bytes, raw: bytes) -> tuple[str, ...]:
    """What `m-results-[...]` must print for the raw input bytes: host TFLM's outputs, each
    dequantized as the firmware does it ((q - zero_point) x scale in float32; float outputs as
    they are) and formatted with three decimals."""
    import numpy as np

    from tflm_bench.generator import read_model

    from .oracles import TflmOracle

    model = read_model(model_bytes)
    samples, offset = [], 0
    for index in model.inputs:
        tensor = model.tensors[index]
        size = tensor.num_bytes
        if offset + size > len(raw):
            raise MlperfError(f"the model's inputs take more than the {len(raw)} bytes given")
        samples.append(np.frombuffer(raw[offset:offset + size], dtype=np.dtype(tensor.dtype)).reshape(tensor.shape))
        offset += size
    texts: list[str] = []
    for index, output in zip(model.outputs, TflmOracle(model_bytes, len(model.outputs), model).run(samples)):
        quantization = model.tensors[index].quantization
        values = output.ravel()
        if output.dtype != np.float32 and quantization is not None and quantization.scales:
            values = (values.astype(np.int64) - quantization.zero_points[0]).astype(np.float32) * np.float32(quantization.scales[0])
        texts += [format(float(np.float32(v)), ".3f") for v in values]
    return tuple(texts)
