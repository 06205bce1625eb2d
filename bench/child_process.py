"""`tflm-bench emulate ELF` as a child process (an emulator serving uart0 on a PTY or a socket):
started, the address it prints first read, and always ended afterwards (SIGTERM, a grace period,
then SIGKILL; its pipes closed either way)."""
from __future__ import annotations

import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .errors import BenchError


class EmulateChildError(BenchError):
    """The emulator child printed no address in time, or failed to start."""


@dataclass
class EmulateChild:
    process: subprocess.Popen[str]
    address: str  # /dev/pts/N (--uart-pty), or socket://127.0.0.1:PORT (--uart-port)


@contextmanager
def emulate_child(elf: Path, where: tuple[str, ...] = ("--uart-pty",), platform: Path | None = None,
                  timeout_s: float = 60.0, grace_s: float = 10.0, cwd: Path | None = None) -> Iterator[EmulateChild]:
    command = [sys.executable, "-m", "tflm_bench.cli", "emulate", str(elf), *where,
               *(["--platform", str(platform)] if platform else [])]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        assert process.stdout is not None
        if not select.select([process.stdout], [], [], timeout_s)[0]:
            raise EmulateChildError(f"`tflm-bench emulate {' '.join(where)}` told no address in {timeout_s:g} s")
        line = process.stdout.readline().strip()
        address = next((word for word in line.split() if word.startswith(("/dev/", "socket://"))), "")
        if not address:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise EmulateChildError(f"`tflm-bench emulate {' '.join(where)}` failed: {(line + ' ' + err).strip()}")
        yield EmulateChild(process, address)
    finally:
        end_child(process, grace_s)


def end_child(process: subprocess.Popen[str], grace_s: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()
