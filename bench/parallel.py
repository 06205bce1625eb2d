"""Running many samples: in this process, in worker processes (one engine each), or in shards on a
Dask distributed cluster.

The firmware is built once, by the caller; workers receive a `FirmwareBundle` (the model bytes
and the built image, plus the ELF bytes for workers that may sit on other machines) and boot it
without a toolchain. Each worker process keeps one booted session per firmware and thread, so a
worker that gets several shards boots once.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import signal
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tflm_bench.generator import FirmwareImage

from .errors import BenchError, InputError
from .progress import Progress
from .session import BenchOptions, BenchSession


DASK_CONNECT_TIMEOUT_S = 20.0  # a busy scheduler may take seconds to answer; none at all is an error


class ParallelRunError(BenchError):
    """A worker failed; the message names the sample and the worker's error."""


class ParallelInputError(ParallelRunError, InputError):
    """A worker refused its inputs (a user-fixable problem, exit code 2)."""


@dataclass(frozen=True)
class SampleRun:
    """One sample on the device: its raw outputs, counts and the verdict against TFLM."""

    index: int
    outputs: tuple[np.ndarray, ...]
    instructions: int
    estimated_cycles: int | None
    bit_exact: bool
    passed: bool  # bit-exact, or float32 within the bench's ULP tolerance


@dataclass(frozen=True)
class Throughput:
    mode: str  # "in-process", "processes", "dask"
    workers: int
    samples: int
    seconds: float  # wall time from the first sample sent to the last result, start-up included

    @property
    def per_second(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        return (f"{self.samples} inferences in {self.seconds:.1f} s = {self.per_second:.1f}/s "
                f"({self.mode}, {self.workers} worker{'s' if self.workers != 1 else ''})")


@dataclass(frozen=True)
class FirmwareBundle:
    """What a worker needs to boot the firmware without building it."""

    model_bytes: bytes
    image: FirmwareImage
    options: BenchOptions
    elf_bytes: bytes | None = None  # shipped to workers that may not share this file system
    platform_text: str | None = None  # likewise, for a custom platform description

    @staticmethod
    def of(session: BenchSession, ship_files: bool = False) -> FirmwareBundle:
        image = session.build()
        options = replace(session.options, compare_tflite=False)  # TFLM is the oracle; no TFLite in workers
        custom_platform = session.options.platform is not None
        return FirmwareBundle(
            session.model_bytes, image, options,
            image.elf.read_bytes() if ship_files else None,
            session.options.platform_path.read_text() if ship_files and custom_platform else None,
        )


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class WorkerPool:
    """Worker processes kept for several runs (e.g. one per variant): each boots a firmware once
    and keeps it until a task for another firmware arrives.

    Workers are started with spawn, not fork: the parent may hold TensorFlow's threads, which a
    fork does not survive. Spawn imports the main module again, so a script that uses this must
    guard its entry with `if __name__ == "__main__":` (the CLI, pytest and Robot do)."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_leave_interrupts_to_the_parent)
        # Start every worker now, so a run's throughput measures inferences, not interpreter start-up.
        for future in [self._pool.submit(_warm_up, 0.2) for _ in range(jobs)]:
            future.result()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(interrupted=kind is not None and not issubclass(kind, Exception))

    def close(self, interrupted: bool = False) -> None:
        """Shut the workers down. After an interrupt (Ctrl-C, SIGTERM) the shards not started are
        cancelled and the bench does not wait here; the workers end once their current shard is
        done (a fraction of a second; killing them instead trips Python 3.11's executor)."""
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)

    def run(self, bundle: FirmwareBundle, samples: list[list[np.ndarray]], indices: list[int],
            progress: Progress, into: list[SampleRun] | None = None) -> list[SampleRun]:
        """The samples' runs, appended to `into` (if given) as they arrive, in no particular order."""
        runs: list[SampleRun] = into if into is not None else []
        pending = {self._pool.submit(run_shard, bundle, part, [samples[i] for i in part])
                   for part in chunks(indices, self.jobs * 8)}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    part = future.result()
                    runs += part
                    progress.advance(len(part))
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        return runs


def run_samples(session: BenchSession, samples: list[list[np.ndarray]], jobs: int = 1, dask: str | None = None,
                progress: Progress | None = None, pool: WorkerPool | None = None,
                finished: list[SampleRun] | None = None) -> tuple[list[SampleRun], Throughput]:
    """Every sample on the device, results in sample order, with the throughput of the mode used.

    jobs > 1 runs in worker processes (`pool`'s if given, else a pool for this call); `dask` (a
    scheduler address) sends shards to a Dask cluster instead. `finished` receives each run as it
    arrives, so a caller stopped by a signal still has the samples done so far."""
    progress = progress or Progress(enabled=False)
    indices = list(range(len(samples)))
    start = time.monotonic()
    with progress.counting(len(samples)):
        if dask is not None:
            mode = "dask"
            runs, workers = _run_dask(FirmwareBundle.of(session, ship_files=True), samples, indices, dask, progress,
                                      finished)
        elif jobs <= 1 or len(samples) <= 1:
            runs, workers, mode = finished if finished is not None else [], 1, "in-process"
            for index in indices:
                runs.append(_run_one(session, index, samples[index]))
                progress.after(runs[-1])
        elif pool is not None:
            workers, mode = pool.jobs, "processes"
            runs = pool.run(FirmwareBundle.of(session), samples, indices, progress, finished)
        else:
            workers, mode = min(jobs, len(samples)), "processes"
            with WorkerPool(workers) as own:
                runs = own.run(FirmwareBundle.of(session), samples, indices, progress, finished)
    runs.sort(key=lambda r: r.index)
    return runs, Throughput(mode, workers, len(samples), time.monotonic() - start)


def chunks(indices: list[int], parts: int, largest: int = 32) -> Iterator[list[int]]:
    """Consecutive slices of `indices`: about `parts` of them, none longer than `largest`."""
    size = max(1, min(largest, -(-len(indices) // max(1, parts))))
    for begin in range(0, len(indices), size):
        yield indices[begin:begin + size]


# -- one sample -----------------------------------------------------------------------------------

def _run_one(session: BenchSession, index: int, sample: list[np.ndarray]) -> SampleRun:
    result, outputs = session.run_sample_with_outputs(index, sample)
    return SampleRun(index, tuple(outputs), result.instructions, result.estimated_cycles, result.bit_exact, result.passed)


def run_shard(bundle: FirmwareBundle, indices: list[int], samples: list[list[np.ndarray]]) -> list[SampleRun]:
    """Run a shard in this (worker) process; errors come back as one picklable exception."""
    try:
        session = _worker_session(bundle)
        return [_run_one(session, index, sample) for index, sample in zip(indices, samples)]
    except InputError as exc:
        raise ParallelInputError(f"worker {os.getpid()}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - some bench errors cannot be unpickled with their own arguments
        raise ParallelRunError(f"worker {os.getpid()} (samples {indices[0]}..{indices[-1]}): "
                               f"{type(exc).__name__}: {exc}") from None


def _warm_up(pause_s: float) -> int:
    time.sleep(pause_s)  # hold this worker so each of the others gets a warm-up task too
    return os.getpid()


# -- worker side ------------------------------------------------------------------------------------

_local = threading.local()


def _leave_interrupts_to_the_parent() -> None:
    """Worker start-up: a Ctrl-C at the terminal reaches every process of the group; the parent
    alone takes it (and ends the workers), so no worker prints a traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _worker_session(bundle: FirmwareBundle) -> BenchSession:
    """This thread's session for the bundle's firmware; one at a time, so an engine per worker."""
    key = (bundle.image.model_sha256, bundle.image.build_id, bundle.options)
    current: tuple[object, BenchSession] | None = getattr(_local, "session", None)
    if current is not None and current[0] == key:
        return current[1]
    if current is not None:
        current[1].stop()
    session = _open(bundle)
    _local.session = (key, session)
    return session


def _open(bundle: FirmwareBundle) -> BenchSession:
    folder = Path(tempfile.gettempdir()) / f"tflm-bench-worker-{os.getuid()}"
    model = _write_once(folder / f"{bundle.image.model_sha256[:16]}.tflite", bundle.model_bytes)
    image, options = bundle.image, bundle.options
    if bundle.elf_bytes is not None:
        elf = _write_once(folder / f"{hashlib.sha256(bundle.elf_bytes).hexdigest()[:16]}.elf", bundle.elf_bytes)
        image = replace(image, elf=elf)
    if bundle.platform_text is not None:
        digest = hashlib.sha256(bundle.platform_text.encode()).hexdigest()[:16]
        options = replace(options, platform=_write_once(folder / f"{digest}.repl", bundle.platform_text.encode()))
    session = BenchSession(model, options, image=image)
    session.start()
    return session


def _write_once(path: Path, data: bytes) -> Path:
    """Content-named files: written atomically once, shared by the workers of one machine."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    return path


# -- Dask -------------------------------------------------------------------------------------------

def _run_dask(bundle: FirmwareBundle, samples: list[list[np.ndarray]], indices: list[int], address: str,
              progress: Progress, into: list[SampleRun] | None = None) -> tuple[list[SampleRun], int]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise InputError(f"--dask needs the distributed package ({exc}); scripts/setup.sh installs the pinned one") from exc
    try:
        client = Client(address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s")
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}; start one (dask scheduler) "
                         "and its workers, or drop --dask") from exc
    with client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        shipped = client.scatter(bundle, broadcast=True)
        futures = [client.submit(run_shard, shipped, part, [samples[i] for i in part], pure=False)
                   for part in chunks(indices, workers * 4)]
        runs: list[SampleRun] = into if into is not None else []
        for future in as_completed(futures):
            part = future.result()
            runs += part
            progress.advance(len(part))
    return runs, workers
