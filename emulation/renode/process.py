"""A Renode process whose monitor speaks on its stdin/stdout.

The process gets its own session (process group), so closing it ends Renode and anything it
started. Shutdown: `quit`, a grace period, then SIGTERM and SIGKILL to that group only. The
group leader is left unreaped (waitid with WNOWAIT) until the group is signalled, so its id
cannot have been reused by another process. A finaliser does the same if the owner forgets
to close (or the interpreter exits).
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Mapping
from pathlib import Path

from ..errors import EmulatorTimeout
from .commands import QUIT, command_line
from .errors import RenodeCommandError, RenodeProcessError
from .replies import Reply, split_reply

STDERR_TAIL = 4000


def _exit_status(pid: int) -> int | None:
    """The exit status of our child `pid` if it has ended, without reaping it."""
    try:
        result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return -1  # already reaped
    if result is None or result.si_pid == 0:
        return None
    return result.si_status if result.si_code == os.CLD_EXITED else -result.si_status


def _end_group(proc: subprocess.Popen[bytes], grace_s: float) -> None:
    """SIGTERM, then SIGKILL, to the child's process group; then reap the child."""
    if proc.returncode is None:
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                break
            deadline = time.monotonic() + wait_s
            while _exit_status(proc.pid) is None and time.monotonic() < deadline:
                time.sleep(0.02)
            if _exit_status(proc.pid) is not None:
                try:  # what the leader started may outlive it: end the rest of the group
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                break
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            pass
    if proc.stdin is not None:  # stdout/stderr are closed by their reader threads at end of stream
        try:
            proc.stdin.close()
        except OSError:
            pass


def _pump(stream, sink: bytearray, limit: int | None, changed: threading.Condition) -> None:  # type: ignore[no-untyped-def]
    """Copy a pipe into sink (keeping its last `limit` bytes) and wake waiters, until it ends."""
    fd = stream.fileno()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        with changed:
            sink += chunk
            if limit is not None and len(sink) > limit:
                del sink[: len(sink) - limit]
            changed.notify_all()  # also at end of stream, so a waiter sees the exit
        if not chunk:
            stream.close()
            return


class MonitorProcess:
    """Start Renode headless, send monitor commands one at a time, read their replies."""

    def __init__(
        self,
        binary: Path,
        workdir: Path,
        *,
        extra_env: Mapping[str, str] | None = None,
        grace_s: float = 5.0,
    ) -> None:
        self.binary = binary
        self.workdir = workdir
        self.grace_s = grace_s
        self._extra_env = dict(extra_env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._output = bytearray()
        self._stderr = bytearray()
        self._changed = threading.Condition()
        self._lock = threading.Lock()
        self._finalizer: weakref.finalize | None = None
        self.last_prompt: str | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.returncode is None and _exit_status(self._proc.pid) is None

    def start(self, timeout_s: float) -> None:
        """Launch Renode and wait for its first prompt."""
        pid_file = self.workdir / "renode.pid"
        argv = command_line(self.binary, pid_file=pid_file, config_file=self.workdir / "renode.config")
        # Renode's TemporaryFilesManager deletes, at start-up, every folder of the temp folder
        # named `renode-*` that is not a live Renode's (e.g. a build folder /tmp/renode-builds):
        # give it a private temp folder so it can only clean up after itself.
        temp = self.workdir / "tmp"
        temp.mkdir(exist_ok=True)
        env = {**os.environ, "RENODE_CI_MODE": "YES", "TMPDIR": str(temp), **self._extra_env}
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self.workdir, env=env, start_new_session=True,
            )
        except OSError as exc:
            raise RenodeProcessError(f"cannot start Renode ({' '.join(argv)}): {exc}") from exc
        self._finalizer = weakref.finalize(self, _end_group, self._proc, 1.0)
        for stream, sink, limit in ((self._proc.stdout, self._output, None), (self._proc.stderr, self._stderr, STDERR_TAIL)):
            # The threads hold no reference to self, so a forgotten engine can still be finalised.
            threading.Thread(target=_pump, args=(stream, sink, limit, self._changed), daemon=True, name="renode-output").start()
        self.last_prompt = self._wait_reply("", timeout_s, "Renode's first monitor prompt").prompt

    def execute(self, command: str, timeout_s: float, check: bool = True) -> Reply:
        """Send one command and wait for the prompt after it; raise on Renode's failure text."""
        if "\n" in command or "\r" in command:
            raise ValueError(f"one monitor command per line, got {command!r}")
        with self._lock:
            proc = self._running()
            with self._changed:
                self._output.clear()
            try:
                assert proc.stdin is not None
                proc.stdin.write(command.encode() + b"\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise self._died(f"while sending `{command}`") from exc
            reply = self._wait_reply(command, timeout_s, f"Renode's monitor to answer `{command}`")
        self.last_prompt = reply.prompt
        if check and reply.error is not None:
            raise RenodeCommandError(command, reply.error)
        return reply

    def close(self) -> None:
        """`quit`, wait up to grace_s, then end the process group. Idempotent."""
        proc = self._proc
        if proc is None:
            return
        if proc.returncode is None and _exit_status(proc.pid) is None:
            try:
                assert proc.stdin is not None
                proc.stdin.write(QUIT.encode() + b"\n")
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass
            deadline = time.monotonic() + self.grace_s
            while _exit_status(proc.pid) is None and time.monotonic() < deadline:
                time.sleep(0.02)
        _end_group(proc, self.grace_s)
        if self._finalizer is not None:
            self._finalizer.detach()
        self._proc = None

    # --- internals ---------------------------------------------------------------------------

    def _running(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RenodeProcessError("Renode is not running: open the engine first")
        if _exit_status(self._proc.pid) is not None:
            raise self._died("before the command was sent")
        return self._proc

    def _wait_reply(self, command: str, timeout_s: float, waiting_for: str) -> Reply:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                reply = split_reply(command, self._output.decode("utf-8", "replace"))
                if reply is not None:
                    return reply
                if self._proc is None or _exit_status(self._proc.pid) is not None:
                    raise self._died(f"while waiting for {waiting_for}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = self._output.decode("utf-8", "replace")[-300:]
                    raise EmulatorTimeout(f"{waiting_for} (monitor output so far: {seen!r})", timeout_s)
                self._changed.wait(min(remaining, 0.1))

    def _died(self, when: str) -> RenodeProcessError:
        status = _exit_status(self._proc.pid) if self._proc is not None else None
        with self._changed:
            out = self._output.decode("utf-8", "replace")[-600:]
            err = self._stderr.decode("utf-8", "replace")[-1500:]
        return RenodeProcessError(
            f"Renode ({self.binary}) exited {when}"
            f"{f' with status {status}' if status is not None else ''}; "
            f"last monitor output {out!r}; stderr {err.strip()!r}. Run `{self.binary} --console "
            f"--disable-gui` by hand to see why it does not start"
        )
