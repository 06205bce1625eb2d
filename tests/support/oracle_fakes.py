"""A host process for the oracles that aborts on purpose, standing in for an interpreter that
crashes (SIGABRT), as TFLite's does on some models: monkeypatch `oracle_process._serve` with
`serve_and_abort` and set TFLM_BENCH_TEST_ABORT to "KIND:OPERATION" (e.g. "tflm:run",
"tflite:drop"). The host is spawned, so it reads the variable from the environment it inherits
and imports this module by name (the test's sys.path goes with it)."""
from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection
from typing import Any

VARIABLE = "TFLM_BENCH_TEST_ABORT"


def serve_and_abort(conn: Connection, kind: str, log: str) -> None:
    from tflm_bench import oracle_process

    target_kind, _, target_operation = os.environ.get(VARIABLE, "").partition(":")
    handle = oracle_process._handle

    def aborting(oracles: dict[int, Any], host_kind: str, operation: str, oracle_id: int,
                 arguments: list[Any]) -> tuple[str, object]:
        if host_kind == target_kind and operation == target_operation:
            time.sleep(0.3)  # the parent has sent its next requests by then (a crash seen late)
            os.abort()
        return handle(oracles, host_kind, operation, oracle_id, arguments)

    oracle_process._handle = aborting  # type: ignore[assignment]
    oracle_process._serve(conn, kind, log)
