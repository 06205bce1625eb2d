"""The reference interpreters, each in a child process of its own.

Three reasons: a crash of theirs (TensorFlow's interpreter aborts on some models, a TFLM kernel
may segfault) is a named oracle failure, not a dead bench; TensorFlow's start-up (seconds in C
code, where Python cannot take a signal) runs beside the firmware build instead of before the
first input and never delays Ctrl-C; and the bench process never loads TensorFlow at all.

    oracle = OracleProcess(OracleKind.TFLM, model_bytes, n_outputs)   # starts loading at once
    outputs = oracle.run(inputs)      # waits for the load the first time
    oracle.close()                    # ends the process
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import tempfile
from enum import StrEnum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from tflm_bench.generator import Model

from .errors import BenchError, OracleError

# How long an oracle may take to answer before the bench calls it hung: loading TensorFlow on a
# slow runner takes under a minute; one invoke of the largest corpus model a few seconds.
ANSWER_TIMEOUT_S = 600.0


class OracleKind(StrEnum):
    TFLM = "tflm"  # TFLM's kernels for the host (the tflite-micro package): the oracle
    TFLITE = "tflite"  # TFLite's interpreter with its BUILTIN_REF kernels: the second reference


class OracleCrash(BenchError):
    """An oracle's process ended without answering (a signal such as SIGSEGV or SIGABRT)."""

    def __init__(self, oracle: str, stage: str, exitcode: int | None, last_lines: list[str] | None = None) -> None:
        self.oracle = oracle
        self.stage = stage
        if exitcode is not None and exitcode < 0:
            try:
                how = f"signal {signal.Signals(-exitcode).name}"
            except ValueError:
                how = f"signal {-exitcode}"
        else:
            how = f"exit status {exitcode}"
        said = f"; its last output: {' | '.join(last_lines)}" if last_lines else ""
        super().__init__(f"{oracle} crashed while {stage} ({how}){said}; the bench ran it in a process of its own, "
                         "so only that oracle's answer is lost. This is a bug of that interpreter on this model")


def _serve(conn: Connection, kind: str, model_bytes: bytes, n_outputs: int, preserve_all: bool, log: str) -> None:
    """Child: load the oracle, say whether it could, then answer run/tensor requests until EOF.

    Its stdout and stderr go to `log`: TensorFlow's start-up lines (absl, oneDNN, XNNPACK) stay
    off the user's terminal and Robot's console, and a crash's last words are kept for the report."""
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    from .oracles import TfliteReferenceOracle, TflmOracle

    try:
        oracle: Any = (TflmOracle(model_bytes, n_outputs, preserve_all=preserve_all) if kind == OracleKind.TFLM
                       else TfliteReferenceOracle(model_bytes))
    except BenchError as error:
        conn.send(("error", _portable(error)))
        return
    conn.send(("ready", None))
    while True:
        try:
            request, argument = conn.recv()
        except EOFError:  # the bench closed the pipe or ended
            return
        try:
            answer = oracle.run(argument) if request == "run" else oracle.tensor(argument)
            conn.send(("ok", answer))
        except BenchError as error:
            conn.send(("error", _portable(error)))


def _portable(error: BenchError) -> tuple[str, str, str | None, str | None]:
    """An error as plain data: OracleError's constructor does not take its own message back."""
    return (type(error).__name__, str(error), getattr(error, "oracle", None), getattr(error, "stage", None))


def _rebuilt(kind: str, message: str, oracle: str | None, stage: str | None) -> BenchError:
    if kind != OracleError.__name__:
        return BenchError(message)
    error = OracleError.__new__(OracleError)
    BenchError.__init__(error, message)
    error.oracle, error.stage = oracle or "", stage or ""
    return error


class OracleProcess:
    """One oracle (TFLM, or TFLite's reference) running in a child process."""

    def __init__(self, kind: OracleKind, model_bytes: bytes, n_outputs: int, model: Model | None = None,
                 preserve_all: bool = False) -> None:
        from .oracles import TfliteReferenceOracle, TflmOracle, tflm_crash_reason

        self.kind = OracleKind(kind)
        reason = tflm_crash_reason(model) if model is not None and self.kind is OracleKind.TFLM else None
        if reason is not None:
            raise BenchError(reason)
        implementation = TflmOracle if self.kind is OracleKind.TFLM else TfliteReferenceOracle
        self.name: str = implementation.name
        self.refuser: str = implementation.refuser
        context = multiprocessing.get_context("spawn")  # no forked emulator or lock state in the child
        self._conn, child = context.Pipe()
        handle, self._log = tempfile.mkstemp(prefix=f"tflm-bench-{self.kind}-oracle-", suffix=".log")
        os.close(handle)
        self._process = context.Process(target=_serve, args=(child, str(self.kind), model_bytes, n_outputs, preserve_all,
                                                             self._log),
                                        daemon=True, name=f"tflm-bench {self.kind} oracle")
        # The child starts with SIGINT ignored (inherited through exec): a Ctrl-C at the terminal
        # reaches the whole process group, and the bench, not the child, decides what it ends.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            self._process.start()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        child.close()
        self._ready = False

    def loaded(self) -> bool:
        """True once the child has answered (loaded or refused): ready() would not wait."""
        return self._ready or self._conn.poll(0)

    def ready(self) -> None:
        """Wait until the oracle has loaded the model.

        Raises:
            OracleError: the interpreter refused the model. OracleCrash: its process died.
        """
        if not self._ready:
            self._answer("loading and preparing it")
            self._ready = True

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        self.ready()
        self._send(("run", inputs), "invoking it")
        return self._answer("invoking it")  # type: ignore[no-any-return]

    def tensor(self, index: int) -> np.ndarray:
        """Tensor `index` of the last invoke (needs preserve_all)."""
        self.ready()
        self._send(("tensor", index), "reading a tensor")
        return self._answer("reading a tensor")  # type: ignore[no-any-return]

    def close(self) -> None:
        """End the process now: it holds no state worth a clean exit."""
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._log)

    def __enter__(self) -> OracleProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, message: tuple[str, object], stage: str) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            raise self._crash(stage) from None

    def _answer(self, stage: str) -> object:
        if not self._conn.poll(ANSWER_TIMEOUT_S):
            self.close()
            raise OracleError(self.refuser, stage, TimeoutError(f"no answer within {ANSWER_TIMEOUT_S:.0f} s"))
        try:
            status, value = self._conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            raise self._crash(stage) from None
        if status == "error":
            raise _rebuilt(*value)  # type: ignore[misc]  # the OracleError / BenchError the child raised
        return value

    def _crash(self, stage: str) -> OracleCrash:
        self._process.join(timeout=5)
        try:
            last = Path(self._log).read_text(errors="replace").strip().splitlines()[-3:]
        except OSError:
            last = []
        return OracleCrash(self.refuser, stage, self._process.exitcode, last)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
