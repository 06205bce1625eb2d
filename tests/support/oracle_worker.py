"""Run the host oracles in a child process, so that a crash of the pinned tflite-micro (a
segfault in a kernel's Prepare, say) is reported instead of killing the test process.

    with OracleWorker() as worker:
        verdict = worker.run(model_bytes, inputs, n_outputs)   # OracleVerdict
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType

import numpy as np

# What each run can come back as.
OK = "ok"  # both oracles loaded the model and invoked it
REFUSED = "refused"  # TFLM raised (OracleError): a validation gap of tflm-bench
# TFLM ran the model, TFLite's reference interpreter refused it: the intake follows TFLM's rules
# (e.g. a quantized dimension TFLM ignores and TFLite checks), and the bench then compares with
# TFLM only and says why; not a gap.
TFLITE_REFUSED = "tflite refused"
ERROR = "error"  # something else raised in the worker
CRASHED = "crashed"  # the worker process died (signal or exit) while running the model
HUNG = "hung"  # no answer within the timeout


@dataclass(frozen=True)
class OracleVerdict:
    outcome: str
    detail: str = ""


def _serve(conn: Connection) -> None:
    """Child: run each (model, inputs, outputs count) through TFLM, then (if TFLM ran it) TFLite's
    reference."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from ai_edge_litert import interpreter  # noqa: F401  (imported once, before the first model)
    from tflm_bench.errors import OracleError
    from tflm_bench.oracles import TfliteReferenceOracle, TflmOracle

    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        model_bytes, inputs, n_outputs = job
        try:
            TflmOracle(model_bytes, n_outputs).run(inputs)
        except OracleError as exc:
            conn.send((REFUSED, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            conn.send((ERROR, f"{type(exc).__name__}: {exc}"))
            continue
        try:
            TfliteReferenceOracle(model_bytes).run(inputs)
            conn.send((OK, ""))
        except OracleError as exc:
            conn.send((TFLITE_REFUSED, str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            conn.send((ERROR, f"{type(exc).__name__}: {exc}"))


class OracleWorker:
    """One child process at a time; a new one replaces a child that crashed or hung."""

    def __init__(self, timeout_s: float = 60.0) -> None:
        self._timeout_s = timeout_s
        self._context = multiprocessing.get_context("spawn")  # no forked interpreter state
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self.restarts = 0

    def _start(self) -> Connection:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        if not parent.poll(self._timeout_s * 2) or parent.recv() != "ready":
            process.kill()
            raise RuntimeError("the oracle worker did not start")
        self._process, self._conn = process, parent
        return parent

    def _stop(self, kill: bool) -> None:
        if self._process is not None:
            if kill:
                self._process.kill()
            self._process.join(timeout=10)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None

    def run(self, model_bytes: bytes, inputs: list[np.ndarray], n_outputs: int) -> OracleVerdict:
        conn = self._conn or self._start()
        try:
            conn.send((model_bytes, inputs, n_outputs))
            if not conn.poll(self._timeout_s):
                self._stop(kill=True)
                self.restarts += 1
                return OracleVerdict(HUNG, f"no answer within {self._timeout_s} s")
            outcome, detail = conn.recv()
            return OracleVerdict(outcome, detail)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            assert self._process is not None
            self._process.join(timeout=10)
            code = self._process.exitcode
            self._stop(kill=True)
            self.restarts += 1
            return OracleVerdict(CRASHED, f"the oracle process died (exit code {code})")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self._stop(kill=False)

    def __enter__(self) -> OracleWorker:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
