"""Renode's monitor in this Python process, through pyrenode3 (used when it is importable).

pyrenode3 loads Renode with pythonnet; its Monitor wrapper runs one command and returns what
the command wrote and what it reported as an error. Renode then lives as long as this
process, so closing pauses the emulation and clears it instead of sending `quit`.

Renode deletes, when it starts, every `renode-*` folder of its temp folder that no live Renode
owns (TemporaryFilesManager; emulation/renode/exact_counts.md). The process backend gives its
Renode a private TMPDIR; here Renode starts inside this process, so TMPDIR points at a private
folder while pyrenode3 loads the runtime and builds the monitor (the runtime keeps the folder
it found then), and is put back afterwards for the rest of the process.

One Renode emulation per process also means one engine at a time: machine, terminal and
`start`/`pause`/clear are the emulation's, so a second engine opened while one is live is
refused with a message naming the process backend (which runs engines side by side).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .commands import PAUSE
from .errors import RenodeCommandError, RenodeProcessError
from .replies import Reply, strip_terminal


TMPDIR = "TMPDIR"
_renode_temp: Path | None = None


def renode_temp_folder() -> Path:
    """This process's private temp folder for the in-process Renode (one per process, as
    Renode's runtime lives as long as the process; removed at exit)."""
    global _renode_temp
    if _renode_temp is None:
        _renode_temp = Path(tempfile.mkdtemp(prefix="tflm-bench-pyrenode3-"))
        atexit.register(shutil.rmtree, _renode_temp, ignore_errors=True)
    return _renode_temp


@contextmanager
def _temp_folder_for_renode() -> Iterator[None]:
    before = os.environ.get(TMPDIR)
    os.environ[TMPDIR] = str(renode_temp_folder())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TMPDIR, None)
        else:
            os.environ[TMPDIR] = before


class Pyrenode3Monitor:
    """The same execute/close interface as MonitorProcess, in-process."""

    pid: int | None = None
    _live: "Pyrenode3Monitor | None" = None  # the one monitor whose machine is in the emulation

    def __init__(self) -> None:
        self._monitor: Any = None
        self.last_prompt: str | None = None

    @property
    def alive(self) -> bool:
        return self._monitor is not None

    def start(self, timeout_s: float) -> None:
        if Pyrenode3Monitor._live is not None and Pyrenode3Monitor._live is not self:
            raise RenodeProcessError(
                "pyrenode3 runs one Renode emulation per Python process and another Renode engine is open in "
                "this one: close it first, or set TFLM_BENCH_RENODE_BACKEND=process (with RENODE or `renode` "
                "on PATH) to give each engine a Renode process of its own")
        with _temp_folder_for_renode():
            try:
                from pyrenode3.wrappers import Monitor  # type: ignore[import-not-found]
            except (Exception, SystemExit) as exc:  # pyrenode3 raises various errors (or exits) when it finds no Renode
                raise RenodeProcessError(
                    f"pyrenode3 is installed but could not load Renode ({exc!r}); set PYRENODE_PKG, "
                    f"PYRENODE_BUILD_DIR (with PYRENODE_RUNTIME=mono for a Mono build) or PYRENODE_BIN (see "
                    f"pyrenode3's README), or set TFLM_BENCH_RENODE_BACKEND=process (or uninstall pyrenode3) "
                    f"to run Renode as a process"
                ) from exc
            self._monitor = Monitor()
        Pyrenode3Monitor._live = self
        self.last_prompt = "monitor"

    def execute(self, command: str, timeout_s: float, check: bool = True) -> Reply:
        """Run one command (timeout_s is not enforced in-process: Renode commands return promptly)."""
        if self._monitor is None:
            raise RenodeProcessError("pyrenode3's Renode is not loaded: open the engine first")
        output, error = self._monitor.execute(command)
        text = strip_terminal(f"{output or ''}\n{error or ''}")
        lines = tuple(line.rstrip() for line in text.split("\n") if line.strip())
        reply = Reply(command, lines, self.last_prompt or "monitor")
        failure = strip_terminal(str(error or "")).strip() or reply.error
        if check and failure:
            raise RenodeCommandError(command, failure)
        return reply

    def close(self) -> None:
        if self._monitor is None:
            return
        try:
            self._monitor.execute(PAUSE)
            from pyrenode3.wrappers import Emulation  # type: ignore[import-not-found]

            Emulation().clear()
        finally:
            self._monitor = None
            if Pyrenode3Monitor._live is self:
                Pyrenode3Monitor._live = None
