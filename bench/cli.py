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
from tflm_bench.generator.intake import IO_TYPES, convert_model_file, prepare_model  # noqa: E402
from tflm_bench.generator.ops.c_emit import KERNEL_SETS  # noqa: E402

from . import paths  # noqa: E402
from .errors import BenchError  # noqa: E402
from .outputs import RunOutputs, add_baseline_command, add_run_arguments, save_baseline  # noqa: E402
from .progress import Progress  # noqa: E402
from .session import BenchOptions, BenchSession, run_bench  # noqa: E402

ENGINES = ("builtin", "renode")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tflm-bench",
        description="Build a quantized .tflite into nRF52840 firmware, run it on an emulator and "
        "check its outputs bit for bit against TFLM.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="build, run and verify a model")
    run.add_argument("model", type=Path, help="a quantized .tflite, or a Keras .keras/.h5 / SavedModel folder with --calibration")
    run.add_argument("--calibration", type=Path, help="for a Keras/SavedModel model: .npy [N, *input shape] to calibrate int8")
    run.add_argument("--io", choices=IO_TYPES, default="int8", help="for a Keras/SavedModel model: input/output type (default: int8)")
    run.add_argument("--inputs", type=Path, help=".npy with samples [N, *input shape] (default: seeded random)")
    run.add_argument("--engine", choices=ENGINES, default="builtin", help="emulator (default: builtin)")
    run.add_argument("--kernels", choices=KERNEL_SETS, default="optimized",
                     help="kernel set: reference (plain TFLM port) or optimized (default: optimized)")
    run.add_argument("--platform", type=Path, help="platform description .repl (default: emulation/platforms/nrf52840.repl)")
    run.add_argument("--count", type=int, default=10, help="random inputs to draw without --inputs (default: 10)")
    run.add_argument("--seed", type=int, default=0, help="seed for random inputs (default: 0)")
    run.add_argument("--json", type=Path, help="also write the full result as JSON here")
    run.add_argument("--no-tflite", action="store_true", help="skip the TFLite BUILTIN_REF comparison")
    add_run_arguments(run)

    build_cmd = commands.add_parser("build", help="generate and build the firmware only")
    build_cmd.add_argument("model", type=Path)

    convert = commands.add_parser("convert", help="convert a Keras/SavedModel model to a full-integer int8 .tflite")
    convert.add_argument("model", type=Path, help="a .keras / .h5 file or a SavedModel folder")
    convert.add_argument("--calibration", type=Path, help=".npy with calibration samples [N, *input shape] (required)")
    convert.add_argument("--out", type=Path, required=True, help="the .tflite to write")
    convert.add_argument("--io", choices=IO_TYPES, default="int8", help="input/output type: int8, uint8 or float (default: int8)")

    ops = commands.add_parser("ops", help="list the operators and types the built-in runtime supports")
    ops.add_argument("--markdown", action="store_true", help="print docs/supported-ops.md")

    emulate = commands.add_parser("emulate", help="run firmware on the built-in engine with uart0 on a TCP socket")
    emulate.add_argument("elf", type=Path, help="firmware ELF (e.g. from `tflm-bench build`)")
    emulate.add_argument("--uart-port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any free port)")
    emulate.add_argument("--platform", type=Path, help="platform description .repl (default: emulation/platforms/nrf52840.repl)")
    emulate.add_argument("--exit-after-disconnect", action="store_true", help="stop when the first client disconnects")

    renode = commands.add_parser("install-renode", help="download and unpack a pinned Renode portable release")
    renode.add_argument("--version", default="1.17.0", help="Renode release (default: 1.17.0, pinned SHA-256)")
    renode.add_argument("--dest", type=Path, help="where to unpack (default: build/renode/<version>/)")
    renode.add_argument("--sha256", help="expected digest, for a version without a pinned one")
    renode.add_argument("--archive", type=Path, help="install from this downloaded archive instead of downloading")
    add_baseline_command(commands, KERNEL_SETS, ENGINES)
    return parser


def _install_renode(args: argparse.Namespace) -> int:
    from tflm_bench.emulation.renode.install import install

    from . import paths

    dest = args.dest or paths.build_root() / "renode" / args.version
    result = install(args.version, dest, sha256=args.sha256, archive=args.archive)
    print(f"Renode {result.asset.version} {'installed' if result.downloaded or args.archive else 'already installed'}: {result.binary}")
    print(result.export_line)
    return 0


def _emulate(args: argparse.Namespace) -> int:
    from tflm_bench.emulation.builtin.uart_socket import serve_firmware

    from . import paths

    platform = args.platform or paths.default_platform()
    serve_firmware(str(args.elf), str(platform), args.uart_port, args.exit_after_disconnect,
                   lambda line: print(line, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "install-renode":
            return _install_renode(args)
        if args.command == "emulate":
            return _emulate(args)
        if args.command == "ops":
            from .ops_doc import ops_markdown, ops_text

            print(ops_markdown() if args.markdown else ops_text(), end="" if args.markdown else "\n")
            return 0
        if args.command == "convert":
            out = convert_model_file(args.model, args.calibration, args.out, args.io)
            print(f"wrote {out} ({out.stat().st_size:,} bytes, full-integer int8, {args.io} I/O)")
            return 0
        if args.command == "baseline":
            return save_baseline(args)
        if args.command == "build":
            image = BenchSession(args.model).build()
            m = image.memory
            print(f"{image.elf}{' (reused)' if image.reused else ''}")
            print(f"flash {m.flash_bytes:,} / {m.flash_limit:,} B, RAM {m.ram_bytes:,} / {m.ram_limit:,} B (arena {m.arena_bytes:,} B)")
            return 0
        options = BenchOptions(
            engine=args.engine, platform=args.platform, compare_tflite=not args.no_tflite, kernels=args.kernels
        )
        outputs = RunOutputs.from_args(args)
        model = prepare_model(args.model, args.calibration, paths.build_root(), args.io)
        report = run_bench(model, args.inputs, args.count, args.seed, options, progress=Progress())
    except (GeneratorError, EmulationError, BenchError) as exc:
        print(f"tflm-bench: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"tflm-bench: error: no such file: {exc.filename}", file=sys.stderr)
        return 2
    print(report.format_text())
    if args.json:
        args.json.write_text(report.to_json())
    return outputs.finish(report)


if __name__ == "__main__":
    sys.exit(main())
