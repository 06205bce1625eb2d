"""The `tflm-bench` command line."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # silences its start-up banner; no effect on int8 reference kernels

from tflm_bench.emulation.errors import EmulationError  # noqa: E402
from tflm_bench.generator.errors import GeneratorError  # noqa: E402

from .errors import BenchError  # noqa: E402
from .session import BenchOptions, BenchSession, run_bench  # noqa: E402

ENGINES = ("builtin",)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tflm-bench",
        description="Build a quantized .tflite into nRF52840 firmware, run it on an emulator and "
        "check its outputs bit for bit against TFLM.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="build, run and verify a model")
    run.add_argument("model", type=Path, help="a quantized .tflite")
    run.add_argument("--inputs", type=Path, help=".npy with samples [N, *input shape] (default: seeded random)")
    run.add_argument("--engine", choices=ENGINES, default="builtin", help="emulator (default: builtin)")
    run.add_argument("--platform", type=Path, help="platform description .repl (default: emulation/platforms/nrf52840.repl)")
    run.add_argument("--count", type=int, default=10, help="random inputs to draw without --inputs (default: 10)")
    run.add_argument("--seed", type=int, default=0, help="seed for random inputs (default: 0)")
    run.add_argument("--json", type=Path, help="also write the full result as JSON here")
    run.add_argument("--no-tflite", action="store_true", help="skip the TFLite BUILTIN_REF comparison")

    build_cmd = commands.add_parser("build", help="generate and build the firmware only")
    build_cmd.add_argument("model", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            image = BenchSession(args.model).build()
            m = image.memory
            print(f"{image.elf}{' (reused)' if image.reused else ''}")
            print(f"flash {m.flash_bytes:,} / {m.flash_limit:,} B, RAM {m.ram_bytes:,} / {m.ram_limit:,} B (arena {m.arena_bytes:,} B)")
            return 0
        options = BenchOptions(engine=args.engine, platform=args.platform, compare_tflite=not args.no_tflite)
        report = run_bench(args.model, args.inputs, args.count, args.seed, options)
    except (GeneratorError, EmulationError, BenchError) as exc:
        print(f"tflm-bench: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"tflm-bench: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    print(report.format_text())
    if args.json:
        args.json.write_text(report.to_json())
    return 0 if report.all_bit_exact else 1


if __name__ == "__main__":
    sys.exit(main())
