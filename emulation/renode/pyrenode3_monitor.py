"""Renode's monitor in this Python process, through pyrenode3 (used when it is importable).

pyrenode3 loads Renode with pythonnet; its Monitor wrapper runs one command and returns what
the command wrote and what it reported as an error. Renode then lives as long as this
process, so closing pauses the emulation and clears it instead of sending `quit`.
"""
from __future__ import annotations

from typing import Any

from .commands import PAUSE
from .errors import RenodeCommandError, RenodeProcessError
from .replies import Reply, strip_terminal


class Pyrenode3Monitor:
    """The same execute/close interface as MonitorProcess, in-process."""

    pid: int | None = None

    def __init__(self) -> None:
        self._monitor: Any = None
        self.last_prompt: str | None = None

    @property
    def alive(self) -> bool:
        return self._monitor is not None

    def start(self, timeout_s: float) -> None:
        try:
            from pyrenode3.wrappers import Monitor  # type: ignore[import-not-found]
        except Exception as exc:  # pyrenode3 raises various errors when it finds no Renode
            raise RenodeProcessError(
                f"pyrenode3 is installed but could not load Renode ({exc}); set PYRENODE_PKG or "
                f"PYRENODE_BIN (see pyrenode3's README), or uninstall pyrenode3 to run Renode as a process"
            ) from exc
        self._monitor = Monitor()
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
