"""Renode against the built-in engine on the same firmware: MIPS of INVOKE, and end-to-end time
of `tflm-bench run MODEL --count N`.

    RENODE=/path/to/renode .venv/bin/python scripts/benchmark_renode_speed.py \
        [--models sine_int8 kws_dscnn_int8] [--invokes 10] [--count 10] [--rounds 2]

For each model and round, both engines run back to back (builtin first, then renode), so a
machine shared with other jobs loads both alike; the table gives the median over rounds and
the range. Rows:
  - INVOKE ms: the wall time of INVOKE alone (input already loaded, the UART exchange
    included), median of --invokes; MIPS: the firmware's own instruction count of one
    inference (the bench's CYCCNT total, equal on both engines) over that time (for a small
    model such as sine the exchange dominates: its MIPS say little);
  - `run --count N` seconds: the CLI end to end (engine start-up, N inputs, host TFLM and TFLite
    oracles, report), after one warm-up run that builds the firmware.
Renode runs with the driver's defaults (exact counts: emulation/renode/exact_counts.md).
Prints figures only; nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINES = ("builtin", "renode")


@dataclass
class Figures:
    instructions: int = 0
    invoke_ms: list[float] = field(default_factory=list)
    run_s: list[float] = field(default_factory=list)


def invoke_ms(model: Path, engine: str, invokes: int, build_root: Path) -> tuple[int, float]:
    """(instructions of one inference, median wall time of INVOKE in ms over `invokes`)."""
    import numpy as np

    from tflm_bench.session import BenchOptions, BenchSession

    options = BenchOptions(engine=engine, build_root=build_root, compare_tflite=False)
    with BenchSession(model, options) as session:
        device = session.start()
        sample = session.random_samples(1, seed=0)[0]
        times, counts = [], []
        for _ in range(invokes):
            # The input is loaded again each time, outside the timing: the plan reuses the input
            # tensor's bytes for later tensors, so an INVOKE without it would run on what the
            # last inference left there (and count a few instructions differently).
            for index, value in enumerate(sample):
                device.set_input(index, np.asarray(value))
            start = time.perf_counter()
            reply = device.invoke()
            times.append(time.perf_counter() - start)
            counts.append(reply.total_cycles)
    if len(set(counts)) != 1:
        raise SystemExit(f"{model.name} on {engine}: one input gave different counts {sorted(set(counts))}")
    return counts[0], statistics.median(times) * 1e3


def run_seconds(model: Path, engine: str, count: int, build_root: Path) -> float:
    command = [str(Path(sys.executable).with_name("tflm-bench")), "run", str(model), "--engine", engine,
               "--count", str(count), "--build-dir", str(build_root)]
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(command + ["--json", str(Path(out) / "r.json")], check=True, capture_output=True)
        return time.perf_counter() - start


def spread(values: list[float], digits: int) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["sine_int8", "kws_dscnn_int8"],
                        help="model names in models/ (default: sine_int8 kws_dscnn_int8)")
    parser.add_argument("--invokes", type=int, default=10, help="INVOKEs timed per engine (default 10)")
    parser.add_argument("--count", type=int, default=10, help="inputs of each `run` (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of both engines (default 2)")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "renode-speed")
    args = parser.parse_args(argv)
    figures: dict[tuple[str, str], Figures] = {}
    for name in args.models:
        model = ROOT / "models" / f"{name}.tflite"
        for engine in ENGINES:  # warm-up: builds the firmware once, starts each engine once
            run_seconds(model, engine, 1, args.build_dir)
        for _ in range(args.rounds):
            for engine in ENGINES:
                entry = figures.setdefault((name, engine), Figures())
                entry.instructions, ms = invoke_ms(model, engine, args.invokes, args.build_dir)
                entry.invoke_ms.append(ms)
                entry.run_s.append(run_seconds(model, engine, args.count, args.build_dir))
    load = os.getloadavg()
    print(f"{'model':<16} {'engine':<8} {'instructions':>12} {'INVOKE ms':>22} {'MIPS':>22} "
          f"{f'run --count {args.count} s':>22}")
    for (name, engine), entry in figures.items():
        mips = [entry.instructions / (ms * 1e3) for ms in entry.invoke_ms]
        print(f"{name:<16} {engine:<8} {entry.instructions:>12,} {spread(entry.invoke_ms, 1):>22} "
              f"{spread(mips, 2):>22} {spread(entry.run_s, 1):>22}")
    print(f"median (range) over {args.rounds} rounds; load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
