"""The reference interpreters, in child processes: one host process per kind of oracle.

Three reasons: a crash of theirs (TFLite's interpreter writes outside its memory on some models,
a TFLM kernel may segfault) is a named oracle failure, not a dead bench; the interpreters'
start-up (in C code, where Python cannot take a signal) runs beside the firmware build instead
of before the first input and never delays Ctrl-C; and the bench process never loads them at all.

Each kind (TFLM, TFLite) has one host per bench process, started on first use and kept: it
imports its interpreter once and holds the oracles of every model the process checks, as the
bench process itself did before. A host that crashed is replaced by the next oracle asked for;
hosts end with the bench (atexit), or when the bench's end closes their pipe. A host answers
every request in order, so when it dies the bench knows which request it died on: an oracle
whose request the dead host never reached (another model's crashed first, e.g. while its
interpreter was freed) is loaded again in a fresh host, and only the model that crashed it is
named.

    oracle = OracleProcess(OracleKind.TFLM, model_bytes, n_outputs)   # starts loading at once
    outputs = oracle.run(inputs)      # waits for the load the first time
    oracle.close()                    # drops the model from its host
    oracle.close(check=True)          # ... and waits: raises OracleCrash if freeing it crashed
"""
from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import signal
import tempfile
import threading
from enum import StrEnum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from tflm_bench.generator import Model

from .errors import BenchError, OracleError

# How long an oracle may take to answer before the bench calls it hung: loading an interpreter on
# a slow runner takes under a minute; one invoke of the largest corpus model a few seconds.
ANSWER_TIMEOUT_S = 600.0


class OracleKind(StrEnum):
    TFLM = "tflm"  # TFLM's kernels for the host (the tflite-micro package): the oracle
    TFLITE = "tflite"  # TFLite's interpreter with its BUILTIN_REF kernels: the second reference
    TFLITE_DEFAULT = "tflite-default"  # TFLite's default kernels (XNNPACK): evaluate's TFLite column


class OracleCrash(BenchError):
    """An oracle's process ended without answering (a signal such as SIGSEGV or SIGABRT)."""

    def __init__(self, oracle: str, stage: str, exitcode: int | None, last_lines: list[str] | None = None,
                 consequence: str = "so only that oracle's answer is lost") -> None:
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
                         f"{consequence}. This is a bug of that interpreter on this model")


# -- the host process -------------------------------------------------------------------------------

def _serve(conn: Connection, kind: str, log: str) -> None:
    """Child: hold oracles by id; answer each request, in order, with (request id, status, value).

    Its stdout and stderr go to `log`: the interpreters' start-up lines (absl, XNNPACK) stay
    off the user's terminal and Robot's console, and a crash's last words are kept for the report."""
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    oracles: dict[int, Any] = {}
    while True:
        try:
            request, operation, oracle_id, *arguments = conn.recv()
        except EOFError:  # the bench closed the pipe, or ended
            return
        conn.send((request, *_handle(oracles, kind, operation, oracle_id, arguments)))


def _handle(oracles: dict[int, Any], kind: str, operation: str, oracle_id: int,
            arguments: list[Any]) -> tuple[str, object]:
    """One request on a host's oracles: (status, value). A "drop" frees the oracle's interpreter
    (where a heap its kernels corrupted may crash the host) and answers ("ok", None)."""
    if operation == "drop":
        oracles.pop(oracle_id, None)
        return "ok", None
    try:
        if operation == "load":
            model_bytes, n_outputs, preserve_all = arguments
            oracles[oracle_id] = (_implementation(kind)(model_bytes, n_outputs, preserve_all=preserve_all)  # type: ignore[call-arg]
                                  if kind == OracleKind.TFLM else _implementation(kind)(model_bytes))
            return "ok", None
        oracle = oracles[oracle_id]
        return "ok", oracle.run(arguments[0]) if operation == "run" else oracle.tensor(arguments[0])
    except BenchError as error:
        return "error", _portable(error)


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


class _Host:
    """The parent's side of one host process: requests go out in order, replies are matched by id."""

    def __init__(self, kind: OracleKind) -> None:
        context = multiprocessing.get_context("spawn")  # no forked emulator or lock state in the child
        self._conn, child = context.Pipe()
        handle, self.log = tempfile.mkstemp(prefix=f"tflm-bench-{kind}-oracle-", suffix=".log")
        os.close(handle)
        self.process = context.Process(target=_serve, args=(child, str(kind), self.log), daemon=True,
                                       name=f"tflm-bench {kind} oracle")
        # The child starts with SIGINT ignored (inherited through exec): a Ctrl-C at the terminal
        # reaches the whole process group, and the bench, not the child, decides what it ends.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
        try:
            self.process.start()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        child.close()
        self._next = 0
        self._received = 0  # the last request answered: the host answers in order
        self._replies: dict[int, tuple[str, object]] = {}
        self._forgotten: set[int] = set()  # requests whose reply nobody waits for any more
        self.dead = False
        self.closed = False  # ended by the bench (close_hosts), not by a crash

    def request(self, operation: str, oracle_id: int, *arguments: object) -> int:
        """Send a request; its id, for reply()."""
        self._next += 1
        if not self.dead:
            try:
                self._conn.send((self._next, operation, oracle_id, *arguments))
            except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
                self.dead = True
        return self._next

    def answered(self, request: int) -> bool:
        """Whether reply(request) would not wait."""
        while request not in self._replies and not self.dead and self._conn.poll(0):
            self._take()
        return request in self._replies or self.dead

    def reply(self, request: int, timeout_s: float = ANSWER_TIMEOUT_S) -> tuple[str, object]:
        """(status, value) of `request`; ("dead", None) when the process ended first."""
        while request not in self._replies and not self.dead:
            if not self._conn.poll(timeout_s):
                return "hung", None
            self._take()
        return self._replies.pop(request, ("closed" if self.closed else "dead", None))

    def _take(self) -> None:
        try:
            request, status, value = self._conn.recv()
        except (EOFError, ConnectionResetError, OSError):
            self.dead = True
            self.process.join(timeout=5)
            return
        self._received = request
        if request in self._forgotten:
            self._forgotten.discard(request)
        else:
            self._replies[request] = (status, value)

    def forget(self, request: int) -> None:
        """Nobody will ask for `request`'s reply: drop it when it comes (or now, if it came)."""
        if self._replies.pop(request, None) is None:
            self._forgotten.add(request)

    def reached(self, request: int) -> bool:
        """Whether the host answered every request before `request`: if it then died, it died
        on `request` (else on an earlier one, and `request` never ran)."""
        return self._received >= request - 1

    def last_lines(self) -> list[str]:
        try:
            return Path(self.log).read_text(errors="replace").strip().splitlines()[-3:]
        except OSError:
            return []

    def close(self) -> None:
        self.dead = self.closed = True  # an oracle still holding this host asks a fresh one
        self._conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.log)


class _InProcessHost:
    """The oracles in this process: for a process that may not have children (a Dask worker is
    daemonic). A crash of theirs then takes the worker down, and the parent names that."""

    dead = False
    closed = False
    process = None

    def __init__(self, kind: OracleKind) -> None:
        self._kind = kind
        self._oracles: dict[int, Any] = {}
        self._replies: dict[int, tuple[str, object]] = {}
        self._next = 0

    def request(self, operation: str, oracle_id: int, *arguments: object) -> int:
        self._next += 1
        self._replies[self._next] = _handle(self._oracles, str(self._kind), operation, oracle_id, list(arguments))
        return self._next

    def answered(self, request: int) -> bool:
        return True

    def reply(self, request: int, timeout_s: float = ANSWER_TIMEOUT_S) -> tuple[str, object]:
        return self._replies.pop(request, ("dead", None))

    def forget(self, request: int) -> None:
        self._replies.pop(request, None)

    def reached(self, request: int) -> bool:
        return True

    def last_lines(self) -> list[str]:
        return []

    def close(self) -> None:
        self._oracles.clear()


# One host per kind for the whole bench process, as the interpreters' import was before: sessions
# come and go (a test suite opens hundreds), the interpreters stay loaded.
_HOSTS: dict[OracleKind, _Host | _InProcessHost] = {}
_IDS = iter(range(1, 1 << 62))


def _host(kind: OracleKind) -> _Host | _InProcessHost:
    host = _HOSTS.get(kind)
    if host is None or host.dead or (host.process is not None and not host.process.is_alive()):
        if host is not None:
            host.close()
        if not _HOSTS:
            atexit.register(close_hosts)
        daemonic = multiprocessing.current_process().daemon
        host = _HOSTS[kind] = _InProcessHost(kind) if daemonic else _Host(kind)
    return host


def close_hosts() -> None:
    """End every host process now (the bench is ending, or was interrupted)."""
    while _HOSTS:
        _HOSTS.popitem()[1].close()


# -- one oracle -------------------------------------------------------------------------------------

class OracleProcess:
    """One oracle (TFLM, or TFLite's reference) for one model, held by its kind's host process."""

    def __init__(self, kind: OracleKind, model_bytes: bytes, n_outputs: int, model: Model | None = None,
                 preserve_all: bool = False) -> None:
        from .oracles import tflm_crash_reason

        self.kind = OracleKind(kind)
        reason = tflm_crash_reason(model) if model is not None and self.kind is OracleKind.TFLM else None
        if reason is not None:
            raise BenchError(reason)
        implementation = _implementation(self.kind)
        self.name: str = implementation.name
        self.refuser: str = implementation.refuser
        self._loading = (model_bytes, n_outputs, preserve_all)  # kept to load it again in a fresh host
        self._restarted = False
        self._host = _host(self.kind)
        self._id = next(_IDS)
        self._load: int | None = self._host.request("load", self._id, *self._loading)
        self._closed = False

    def loaded(self) -> bool:
        """True once the host has answered the load (loaded or refused): ready() would not wait."""
        return self._load is None or self._host.answered(self._load)

    def ready(self) -> None:
        """Wait until the oracle has loaded the model.

        Raises:
            OracleError: the interpreter refused the model. OracleCrash: its process died.
        """
        while self._load is not None:
            try:
                self._answer(self._load, "loading and preparing it", may_restart=True)
            except _Restarted:  # self._load is the load sent to the fresh host
                continue
            self._load = None

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        while True:
            self.ready()
            try:
                return self._answer(self._host.request("run", self._id, inputs), "invoking it",  # type: ignore[return-value]
                                    may_restart=True)
            except _Restarted:
                continue

    def tensor(self, index: int) -> np.ndarray:
        """Tensor `index` of the last invoke (needs preserve_all)."""
        self.ready()
        return self._answer(self._host.request("tensor", self._id, index), "reading a tensor")  # type: ignore[return-value]

    def close(self, check: bool = False) -> None:
        """Drop the model from its host (the host stays for the next model). With `check`, wait
        until the host has freed the interpreter: a crash there (a heap its kernels corrupted
        while running this model) raises OracleCrash, naming this model, not the next one."""
        if self._closed:
            return
        self._closed = True
        if self._load is not None:
            self._host.forget(self._load)  # never wait for a load (an interrupted run ends now)
            check = False
        if self._host.closed:
            return  # the bench ended its host, and the interpreter with it
        drop = self._host.request("drop", self._id)
        if not check:
            self._host.forget(drop)
            return
        self._answer(drop, "freeing its interpreter after answering")

    def __enter__(self) -> OracleProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(self, request: int, stage: str, may_restart: bool = False) -> object:
        """The host's answer to `request`. Raises _Restarted when the host died on an earlier request
        (another model's) before reaching this one: the model is then loaded again in a fresh host,
        once, and the caller asks again."""
        status, value = self._host.reply(request)
        if status == "hung":
            close_hosts()  # an oracle that hangs holds its host: start afresh
            raise OracleError(self.refuser, stage, TimeoutError(f"no answer within {ANSWER_TIMEOUT_S:.0f} s"))
        if status == "closed":
            # The bench ended this host under the oracle (another oracle hung, or a test closed the
            # hosts): nothing of this model's doing, so it loads again in a fresh host.
            if not may_restart:
                raise BenchError(f"{self.name}'s process was ended by the bench before {stage}, and the model's "
                                 "state with it; run the model again")
            self._host = _host(self.kind)
            self._load = self._host.request("load", self._id, *self._loading)
            raise _Restarted
        if status == "dead" and may_restart and not self._restarted and not self._host.reached(request):
            self._restarted = True
            self._host = _host(self.kind)  # replaces the dead one
            self._load = self._host.request("load", self._id, *self._loading)
            raise _Restarted
        if status == "dead":
            process = self._host.process
            raise OracleCrash(self.refuser, stage, process.exitcode if process is not None else None,
                              self._host.last_lines(), _CONSEQUENCES[self.kind])
        if status == "error":
            raise _rebuilt(*value)  # type: ignore[misc]  # the OracleError / BenchError the host raised
        return value


# What the bench loses when an oracle crashes (OracleCrash's message).
_CONSEQUENCES = {
    OracleKind.TFLM: ("so the bench itself survives, but without host TFLM's outputs it has no verdict on this model "
                      "(TFLM is the oracle; TFLite's reference kernels round differently in places)"),
    OracleKind.TFLITE: "so only that oracle's answer is lost",
    OracleKind.TFLITE_DEFAULT: "so only its column is lost",
}


def _implementation(kind: str) -> type:
    from .oracles import TfliteDefaultInterpreter, TfliteReferenceOracle, TflmOracle

    return {OracleKind.TFLM: TflmOracle, OracleKind.TFLITE: TfliteReferenceOracle,
            OracleKind.TFLITE_DEFAULT: TfliteDefaultInterpreter}[OracleKind(kind)]


class _Restarted(Exception):
    """The oracle's host had died before reaching its request; it was loaded in a fresh host."""


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
