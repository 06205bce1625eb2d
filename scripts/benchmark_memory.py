"""Memory of every model in models/: our firmware against TFLM's arena for the same model.

    .venv/bin/python scripts/benchmark_memory.py [--markdown] [MODEL.tflite ...]

Ours: the static activation arena the generator plans, the firmware's RAM (arena + stack +
other statics) and flash (code, weights, constants). TFLM: the arena the tflite-micro runtime
plans for the same model, as its RecordingMicroAllocator reports it: head (planned tensors,
the counterpart of our arena), tail (persistent runtime structures) and total. A TFLM
deployment needs at least head + tail of RAM for its arena, plus its own stack and statics.
"ours/TFLM" is our arena over TFLM's head; "fused" lists the CONV_2D + MAX_POOL_2D pairs run
banded (generator/fusion.py), whose conv output is never materialised.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tflm_bench.generator.errors import GeneratorError  # noqa: E402
from tflm_bench.generator.planner import plan_arena  # noqa: E402
from tflm_bench.generator.tflite_reader import read_tflite  # noqa: E402
from tflm_bench.memory import model_memory, tflm_arena  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("model", "our arena", "TFLM head", "ours/TFLM", "TFLM tail", "TFLM total", "our RAM", "stack", "statics",
           "our flash", "fused")


def _ratio(ours: int, tflm: int) -> str:
    return f"{ours / tflm:.2f}x" if tflm else "-"


def _fused(data: bytes) -> str:
    fusions = plan_arena(read_tflite(data)).fusions
    return ", ".join(f"{f.conv_op}+{f.pool_op}" for f in fusions) or "-"


def rows(models: list[Path]) -> list[tuple[str, ...]]:
    table = []
    for path in models:
        try:
            m = model_memory(path)
            table.append((path.name, f"{m.arena:,}", f"{m.tflm.head:,}", _ratio(m.arena, m.tflm.head), f"{m.tflm.tail:,}",
                          f"{m.tflm.total:,}", f"{m.ram:,}", f"{m.stack:,}", f"{m.statics:,}", f"{m.flash:,}",
                          _fused(path.read_bytes())))
        except GeneratorError as exc:  # still compare the plans when the firmware cannot be built
            data = path.read_bytes()
            tflm = tflm_arena(data)
            arena = plan_arena(read_tflite(data)).arena_bytes
            reason = str(exc).splitlines()[0][:60]
            table.append((path.name, f"{arena:,}", f"{tflm.head:,}", _ratio(arena, tflm.head), f"{tflm.tail:,}",
                          f"{tflm.total:,}", "-", "-", "-", f"(no build: {reason})", _fused(data)))
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, help="default: every models/*.tflite")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    models = args.models or sorted((ROOT / "models").glob("*.tflite"))
    table = rows(models)
    if args.markdown:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "---|" * len(COLUMNS))
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(COLUMNS)]
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(COLUMNS, widths))))
        for row in table:
            print("  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))))
    print("\nbytes; arena = activations only. TFLM head/tail from tflite-micro's RecordingMicroAllocator.")
    worse = [r[0] for r in table if int(r[1].replace(",", "")) > int(r[2].replace(",", ""))]
    if worse:
        print(f"our arena exceeds TFLM's head for: {', '.join(worse)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
