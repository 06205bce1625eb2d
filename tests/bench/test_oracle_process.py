"""Oracles in processes of their own: answers as in-process, refusals as OracleError, a crash of
the interpreter as OracleCrash naming the signal, and no process left behind."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.errors import OracleError
from tflm_bench.oracle_process import OracleCrash, OracleKind, OracleProcess, close_hosts
from tflm_bench.oracles import TflmOracle

ROOT = Path(__file__).resolve().parents[2]


def test_answers_equal_the_in_process_oracle_and_the_host_is_kept() -> None:
    data = (ROOT / "models" / "sine_int8.tflite").read_bytes()
    sample = [np.array([[17]], np.int8)]
    with OracleProcess(OracleKind.TFLM, data, 1) as oracle:
        assert np.array_equal(oracle.run(sample)[0], TflmOracle(data, 1).run(sample)[0])
        process = oracle._host.process
    # The next model's oracle is served by the same process: TFLM is loaded once per bench process.
    with OracleProcess(OracleKind.TFLM, data, 1) as again:
        assert again._host.process is process and again.run(sample)
    close_hosts()
    assert not process.is_alive()


def test_a_refusal_is_an_oracle_error() -> None:
    with OracleProcess(OracleKind.TFLM, b"TFL3" * 8, 1) as oracle:
        with pytest.raises(OracleError, match="TFLM .* refused the model while loading"):
            oracle.ready()


def test_a_crash_is_named_with_its_signal() -> None:
    data = (ROOT / "models" / "sine_int8.tflite").read_bytes()
    with OracleProcess(OracleKind.TFLM, data, 1) as oracle:
        oracle.ready()
        os.kill(oracle._host.process.pid, signal.SIGSEGV)  # stands in for a kernel that segfaults
        with pytest.raises(OracleCrash, match=r"crashed while invoking it \(signal SIGSEGV\)"):
            oracle.run([np.zeros((1, 1), np.int8)])
    with OracleProcess(OracleKind.TFLM, data, 1) as fresh:  # a new host replaces the dead one
        assert fresh.run([np.zeros((1, 1), np.int8)])
