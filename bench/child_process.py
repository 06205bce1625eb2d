"""Ending a child process the bench started (an emulator serving a PTY): SIGTERM, a grace
period, then SIGKILL; its pipes closed either way."""
from __future__ import annotations

import subprocess


def end_child(process: subprocess.Popen[str], grace_s: float = 10.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
