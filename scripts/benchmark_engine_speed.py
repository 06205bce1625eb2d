"""Emulation speed of the built-in engine: exact counting vs. uninstrumented Unicorn vs. QEMU.

    .venv/bin/python scripts/benchmark_engine_speed.py [--reps N] [--inferences N]

Workloads, all measured in this run:
  - an int8 GEMM in C (scripts/benchmark/gemm.c) built with the firmware's flags, start-up code
    and linker script: our engine with exact counting, and Unicorn with no hooks on the same ELF
    from reset to the same address (bench_done);
  - the same GEMM built for QEMU's mps2-an386 (a two-entry vector table, semihosting exit): its
    instruction count comes from our engine, its time from two loop lengths, differenced so
    QEMU's start-up drops out;
  - the largest model in models/ through BenchSession, many inferences (protocol included).
Prints figures only; nothing here is a pass/fail test.
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tools/: the checkout's development tools
SOURCES = ROOT / "scripts" / "benchmark"
GOAL = 0.60


@dataclass(frozen=True)
class Row:
    workload: str
    instructions: int
    counting_mips: float | None
    uninstrumented_mips: float | None
    qemu_mips: float | None


def build_gemm(reps: int, out: Path) -> tuple[Path, Path]:
    """(nRF52840 ELF, mps2-an386 ELF) of the GEMM with `reps` repetitions."""
    from tools.baremetal import build_baremetal

    nrf = build_baremetal([SOURCES / "nrf_main.c", SOURCES / "gemm.c"], out,
                          defines={"GEMM_REPS": reps}, name=f"gemm-nrf-{reps}")
    qemu = build_baremetal([SOURCES / "qemu_start.c", SOURCES / "gemm.c"], out,
                           defines={"GEMM_REPS": reps}, name=f"gemm-qemu-{reps}",
                           platform=False, linker_script=SOURCES / "qemu_mps2.ld")
    return nrf, qemu


def gemm_rows(reps: int, short_reps: int, out: Path, repeats: int = 3) -> tuple[Row, float]:
    """The GEMM row (counting, uninstrumented, QEMU) and the counting/uninstrumented ratio."""
    import shutil

    from tools.speed import QEMU, measure_qemu, measure_speed

    nrf, qemu_long = build_gemm(reps, out)
    _, qemu_short = build_gemm(short_reps, out)
    speed = measure_speed(nrf, stop_symbol="bench_done", repeats=repeats)
    # QEMU is only a yardstick: without it the Unicorn rows still print.
    qemu_mips = measure_qemu(qemu_short, qemu_long, repeats=repeats).mips if shutil.which(QEMU) else None
    row = Row(f"int8 GEMM x{reps} (C -O2)", int(speed["instructions"]),
              float(speed["counting_mips"]), float(speed["uninstrumented_mips"]), qemu_mips)
    return row, float(speed["ratio"])


def largest_model() -> Path:
    return max((ROOT / "models").glob("*.tflite"), key=lambda p: p.stat().st_size)


def model_row(model: Path, inferences: int) -> Row:
    """Our engine running a model's firmware for many inferences through BenchSession."""
    import numpy as np

    from tflm_bench.session import BenchOptions, BenchSession

    with BenchSession(model, BenchOptions(compare_tflite=False)) as session:
        device = session.start()
        samples = session.random_samples(min(inferences, 16), seed=0)
        start_count = device.engine.executed_instructions
        start = time.perf_counter()
        for i in range(inferences):
            for index, value in enumerate(samples[i % len(samples)]):
                device.set_input(index, np.asarray(value))
            device.invoke()
        elapsed = time.perf_counter() - start
        executed = device.engine.executed_instructions - start_count
    return Row(f"{model.name} x{inferences} (protocol incl.)", executed,
               executed / elapsed / 1e6, None, None)


def format_table(rows: list[Row], ratio: float) -> str:
    def mips(value: float | None) -> str:
        return "-" if value is None else f"{value:,.1f}"

    lines = [f"{'workload':<52} {'instructions':>13} {'counting':>9} {'uninstr.':>9} {'QEMU':>9}",
             f"{'':<52} {'':>13} {'MIPS':>9} {'MIPS':>9} {'MIPS':>9}"]
    for r in rows:
        lines.append(f"{r.workload:<52} {r.instructions:>13,} {mips(r.counting_mips):>9} "
                     f"{mips(r.uninstrumented_mips):>9} {mips(r.qemu_mips):>9}")
    if any(r.qemu_mips is None and r.uninstrumented_mips is not None for r in rows):
        lines.append("QEMU not installed (apt-get install qemu-system-arm): its column is left empty")
    verdict = "meets" if ratio >= GOAL else "MISSES"
    lines.append(f"\nratio counting / uninstrumented (GEMM): {ratio:.2f} ({verdict} the goal of "
                 f">= {GOAL:.2f})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1200, help="GEMM repetitions (default 1200)")
    parser.add_argument("--inferences", type=int, default=300, help="model inferences (default 300)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmark")
    args = parser.parse_args(argv)
    row, ratio = gemm_rows(args.reps, max(1, args.reps // 10), args.out)
    rows = [row, model_row(largest_model(), args.inferences)]
    print(format_table(rows, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
