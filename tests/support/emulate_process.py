"""`tflm-bench emulate ELF --uart-pty` (or --uart-port) as a child process for a test: started,
its first stdout line read for the PTY path or socket:// URL, and always ended afterwards."""
from __future__ import annotations

import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tflm_bench.child_process import end_child


@dataclass
class EmulateProcess:
    process: subprocess.Popen[str]
    path: str  # /dev/pts/N, or socket://127.0.0.1:PORT with --uart-port


@contextmanager
def emulate_process(elf: Path, *where: str, cwd: Path | None = None) -> Iterator[EmulateProcess]:
    process = subprocess.Popen([sys.executable, "-m", "tflm_bench.cli", "emulate", str(elf), *(where or ("--uart-pty",))],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60.0)
        assert ready, "emulate printed no PTY path within 60 s"
        line = process.stdout.readline().strip()
        path = next((word for word in line.split() if word.startswith(("/dev/", "socket://"))), "")
        assert path, f"{line!r}: {process.stderr.read() if process.stderr else ''}"
        yield EmulateProcess(process, path)
    finally:
        end_child(process, grace_s=20)
