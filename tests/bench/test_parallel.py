"""Samples in worker processes and on a Dask cluster give what one process gives; progress output."""
from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main
from tflm_bench.datasets import io_specs, prepare_inputs
from tflm_bench.parallel import SampleRun, Throughput, WorkerPool, chunks, run_samples
from tflm_bench.progress import Progress
from tflm_bench.session import BenchOptions, BenchSession
from tflm_bench.variants import VariantModel

SAMPLES = 60


@pytest.fixture(scope="module")
def int8_samples(digits: Path, digits_variants: dict[str, VariantModel]) -> tuple[Path, list[list[np.ndarray]]]:
    model = digits_variants["int8"].tflite
    assert model is not None
    from tflm_bench.generator import read_model

    (spec, *_), _ = io_specs(read_model(model.read_bytes()))
    x = prepare_inputs(np.load(digits / "test.npz")["x"][:SAMPLES], spec, "real", "test.npz")
    return model, [[sample] for sample in x]


def _run(model: Path, samples: list[list[np.ndarray]], options: BenchOptions,
         **mode: object) -> tuple[list[SampleRun], Throughput]:
    session = BenchSession(model, replace(options, compare_tflite=False))
    try:
        return run_samples(session, samples, **mode)  # type: ignore[arg-type]
    finally:
        session.stop()


def _same(a: list[SampleRun], b: list[SampleRun]) -> None:
    assert [r.index for r in a] == [r.index for r in b] == list(range(SAMPLES))
    for x, y in zip(a, b):
        assert x.instructions == y.instructions and x.estimated_cycles == y.estimated_cycles
        assert x.bit_exact and y.bit_exact
        for p, q in zip(x.outputs, y.outputs):
            np.testing.assert_array_equal(p, q)


@pytest.fixture(scope="module")
def one_process(int8_samples: tuple[Path, list[list[np.ndarray]]], bench_options: BenchOptions) -> list[SampleRun]:
    runs, throughput = _run(*int8_samples, bench_options, jobs=1)
    assert throughput.mode == "in-process" and throughput.samples == SAMPLES
    return runs


def test_two_jobs_give_the_same_results(int8_samples: tuple[Path, list[list[np.ndarray]]],
                                        one_process: list[SampleRun], bench_options: BenchOptions) -> None:
    runs, throughput = _run(*int8_samples, bench_options, jobs=2)
    assert throughput.mode == "processes" and throughput.workers == 2 and throughput.per_second > 0
    _same(one_process, runs)


def test_a_pool_serves_several_firmwares(int8_samples: tuple[Path, list[list[np.ndarray]]],
                                         digits_variants: dict[str, VariantModel], one_process: list[SampleRun],
                                         bench_options: BenchOptions) -> None:
    model, samples = int8_samples
    qat = digits_variants["qat"].tflite
    assert qat is not None
    with WorkerPool(2) as pool:
        first, _ = _run(model, samples, bench_options, jobs=2, pool=pool)
        other, _ = _run(qat, samples, bench_options, jobs=2, pool=pool)  # same int8 input, other firmware
        again, _ = _run(model, samples, bench_options, jobs=2, pool=pool)
    _same(one_process, first)
    _same(one_process, again)
    assert [r.instructions for r in other] != [r.instructions for r in first]


def test_dask_local_cluster_gives_the_same_results(int8_samples: tuple[Path, list[list[np.ndarray]]],
                                                   one_process: list[SampleRun], bench_options: BenchOptions,
                                                   digits: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        runs, throughput = _run(*int8_samples, bench_options, dask=cluster.scheduler_address)
        assert throughput.mode == "dask" and throughput.workers == 2
        _same(one_process, runs)
        # The same through the command line.
        model = int8_samples[0]
        data = tmp_path / "few.npz"
        np.savez(data, x=np.load(digits / "test.npz")["x"][:10], y=np.load(digits / "test.npz")["y"][:10])
        assert main(["evaluate", str(model), "--data", str(data), "--dask", cluster.scheduler_address, "--no-host"]) == 0
        assert "(dask, 2 workers)" in capsys.readouterr().out


def test_dask_unreachable_is_a_usage_error(int8_samples: tuple[Path, list[list[np.ndarray]]],
                                           bench_options: BenchOptions, monkeypatch: pytest.MonkeyPatch) -> None:
    from tflm_bench import parallel
    from tflm_bench.errors import InputError

    monkeypatch.setattr(parallel, "DASK_CONNECT_TIMEOUT_S", 2.0)
    model, samples = int8_samples
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        _run(model, samples[:2], bench_options, dask="tcp://127.0.0.1:9")


def test_chunks() -> None:
    assert list(chunks(list(range(10)), 3)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(chunks(list(range(100)), 1, largest=32))[0] == list(range(32))
    assert list(chunks([], 4)) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_lines_in_logs_and_a_bar_on_a_terminal() -> None:
    log = io.StringIO()
    progress = Progress(stream=log, interval_s=0.0)
    with progress.counting(3):
        for _ in range(3):
            progress.after(None)
    lines = log.getvalue().splitlines()
    assert lines[0].startswith("inputs 1/3") and lines[-1].startswith("inputs 3/3 done")
    assert "ETA" in lines[0]
    terminal = _Terminal()
    bar = Progress(stream=terminal)
    with bar.counting(2):
        bar.advance(2)
    assert "inputs 2/2" in terminal.getvalue() and terminal.getvalue().endswith("\n")
    quiet = io.StringIO()
    with Progress(stream=quiet, enabled=False).counting(2) as off:
        off.after(None)
    assert quiet.getvalue() == ""
