"""The `tflm-bench` command line.

Every command ends with one of the exit codes in exit_codes.py; no Python traceback reaches the
user unless --debug is given (an internal error writes it to a log file and names that file).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # silences its start-up banner; no effect on int8 reference kernels

from tflm_bench.board import DEFAULT_PLATFORM  # noqa: E402
from tflm_bench.emulation import EngineName, check_elf, install_renode, serve_uart_pty, serve_uart_socket, vector_table_address  # noqa: E402
from tflm_bench.generator import IO_TYPES, QAT_PACKAGES, ExportFormat, KernelSet, missing_qat_packages, qat_install_command, Target, convert_model_file, export_library, prepare_model, write_flash_files  # noqa: E402

from .cache import cache_root  # noqa: E402
from .evaluate_cli import MERGE_GATES, add_arguments as add_evaluate_arguments, add_merge_arguments, finish as finish_evaluation, load_baseline as load_evaluation_baseline, run_command as run_evaluate  # noqa: E402
from .errors import InputError  # noqa: E402
from .exit_codes import ExitCode, classify  # noqa: E402
from .option_table import add_arguments, namespace_values, number_in, positive_int, to_bench_options  # noqa: E402
from .outputs import RunOutputs, add_baseline_command, add_run_arguments, save_baseline  # noqa: E402
from .progress import Progress  # noqa: E402
from .session import BenchOptions, BenchSession, run_bench  # noqa: E402
from .evaluate_merge import merge_shard_files  # noqa: E402
from .shards import shard_argument  # noqa: E402
from .trace import PhaseClock  # noqa: E402

if TYPE_CHECKING:  # their commands import these modules when they run
    from .compare_runtimes import Comparison as RuntimeComparison
    from .layer_diff import DiffReport

EPILOG = """exit codes:
  0    every output as expected (bit-exact with TFLM; float32 within tolerance)
  1    outputs differ from TFLM, or a budget or gate failed
  2    usage or input error (bad option, model, input file, platform, missing tool)
  3    internal error: a bug in tflm-bench; the message names a log file with the details
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM)

Builds are cached in $TFLM_BENCH_BUILD, else $XDG_CACHE_HOME/tflm-bench (~/.cache/tflm-bench);
--build-dir overrides both."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so cleanup (`finally`, context managers) runs."""


_port = number_in(int, "a port number", lambda v: 0 <= v <= 65535, "a TCP port is 0..65535 (0: any free port)")


def _add_samples(command: argparse.ArgumentParser, count: int) -> None:
    command.add_argument("--inputs", type=Path, help=".npy with samples [N, *input shape] or one sample (default: seeded random)")
    command.add_argument("--count", type=positive_int, default=count, help=f"random inputs to draw without --inputs (default: {count})")
    command.add_argument("--seed", type=int, default=0, help="seed for random inputs (default: 0)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tflm-bench",
        description="Build a quantized .tflite into nRF52840 firmware, run it on an emulator and "
        "check its outputs bit for bit against TFLM.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks instead of one-line errors")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)

    run = add("run", "build, run and verify a model")
    run.add_argument("model", type=Path, help="a quantized .tflite, or a Keras .keras/.h5 / SavedModel folder with --calibration")
    run.add_argument("--calibration", type=Path, help="for a Keras/SavedModel model: .npy [N, *input shape] to calibrate int8")
    run.add_argument("--io", choices=IO_TYPES, default="int8", help="for a Keras/SavedModel model: input/output type (default: int8)")
    _add_samples(run, count=10)
    add_arguments(run, "run")
    run.add_argument("--json", type=Path, help="also write the full result as JSON here")
    run.add_argument("--no-tflite", action="store_true", help="skip the TFLite BUILTIN_REF comparison")
    run.add_argument("--shard", type=shard_argument, metavar="I/N",
                     help="run the I-th of N equal slices of the inputs (every shard draws the same inputs), for a "
                          "CI matrix; `tflm-bench merge` puts the shards' --json files together")
    run.add_argument("--labels", metavar="FILE|A,B,...",
                     help="class names of the first output, for the top class shown per input: a file with one "
                          "name per line, or names separated by commas")
    add_run_arguments(run)

    diff = add("diff", "compare every layer's output on the device with host TFLM; name the first that differs")
    diff.add_argument("model", type=Path, help="a .tflite")
    _add_samples(diff, count=1)
    add_arguments(diff, "diff")
    diff.add_argument("--json", type=Path, help="also write every layer's verdict as JSON here")

    build_cmd = add("build", "generate and build the firmware only")
    build_cmd.add_argument("model", type=Path, help="a quantized .tflite")
    add_arguments(build_cmd, "build")
    build_cmd.add_argument("--out", type=Path, metavar="FW.elf",
                           help="also copy the image here (the cache keeps its own copy)")

    export = add("export", "write the generated runtime the bench verified as a library for your own firmware")
    export.add_argument("model", type=Path, help="a quantized .tflite")
    export.add_argument("--out", type=Path, metavar="DIR",
                        help="the folder to write the library into (optional with --renode-test)")
    export.add_argument("--format", choices=tuple(ExportFormat), default=str(ExportFormat.default()),
                        help="c: src/ and an example main.c; cmake: the same as a CMake package; arduino: an Arduino "
                             f"library (library.properties, src/, examples/) (default: {ExportFormat.default()})")
    add_arguments(export, "export")
    export.add_argument("--renode-test", type=Path, metavar="DIR",
                        help="also (or only) write a renode-test suite into DIR: the model's MLPerf Tiny mode "
                             "firmware, the platform, a .resc and a .robot checking the outputs against host TFLM "
                             "with Renode's own keywords; run it with `renode-test DIR/model.robot`")
    export.add_argument("--inputs", type=Path,
                        help="--renode-test: .npy with the inputs to record [N, *input shape] or one sample "
                             "(default: seeded random)")
    export.add_argument("--count", type=positive_int, default=3,
                        help="--renode-test: random inputs to record without --inputs (default: 3)")
    export.add_argument("--seed", type=int, default=0, help="--renode-test: seed for random inputs (default: 0)")

    compare = add("compare", "A/B: our runtime (both kernel sets) and each TFLM library on the same inputs")
    compare.add_argument("model", type=Path, help="a .tflite")
    add_arguments(compare, "compare",
                  engine={"choices": tuple(n for n in EngineName if n is not EngineName.SERIAL),
                          "help": f"emulator (default: {EngineName.default()}); not serial: a board holds one image, "
                                  "compare boots several"},
                  tflm_lib={"help": "libtensorflow-microlite.a built for Cortex-M4F hard-float; repeat to compare "
                                    "several (default: $TFLM_LIB)"})
    _add_samples(compare, count=3)
    compare.add_argument("--json", type=Path, help="also write the comparison as JSON here")

    convert = add("convert", "convert a Keras/SavedModel model to a full-integer int8 .tflite")
    convert.add_argument("model", type=Path, help="a .keras / .h5 file or a SavedModel folder")
    convert.add_argument("--calibration", type=Path, help=".npy with calibration samples [N, *input shape] (required)")
    convert.add_argument("--out", type=Path, required=True, help="the .tflite to write")
    convert.add_argument("--io", choices=IO_TYPES, default="int8", help="input/output type: int8, uint8 or float (default: int8)")

    evaluate_cmd = add("evaluate", "accuracy or regression metrics on a data set, on the device, per model variant")
    add_evaluate_arguments(evaluate_cmd)
    add_arguments(evaluate_cmd, "evaluate")

    ops = add("ops", "list the operators and types the built-in runtime supports")
    ops.add_argument("--markdown", action="store_true", help="print docs/supported-ops.md")
    ops.add_argument("--missing", action="store_true",
                     help="print the operators and types TFLM registers that the built-in runtime does not support "
                          "(nothing when none)")

    corpus = add("corpus", "run every .tflite under a folder; print a table by directory: bit-exact, refused, differ")
    corpus.add_argument("folder", type=Path, metavar="DIR", help="a folder of .tflite files (searched recursively)")
    corpus.add_argument("--jobs", type=positive_int, default=1, help="models checked side by side (default: 1)")
    corpus.add_argument("--count", type=positive_int, default=2,
                        help="inputs per model: seeded random ones, the first replaced by the model's golden CSV "
                             "input where it has one (default: 2)")
    corpus.add_argument("--seed", type=int, default=0, help="seed for random inputs (default: 0)")
    corpus.add_argument("--kernels", choices=tuple(str(k) for k in KernelSet), default=str(KernelSet.default()),
                        help=f"kernel set (default: {KernelSet.default()})")
    corpus.add_argument("--build-dir", type=Path, metavar="DIR", help="build cache (default: $TFLM_BENCH_BUILD or ~/.cache/tflm-bench)")
    corpus.add_argument("--json", type=Path, help="also write every model's outcome as JSON here")

    emulate = add("emulate", "run firmware on the built-in engine with uart0 on a TCP socket")
    emulate.add_argument("elf", type=Path, help="firmware ELF (e.g. from `tflm-bench build`)")
    where = emulate.add_mutually_exclusive_group(required=True)
    where.add_argument("--uart-port", type=_port, help="TCP port on 127.0.0.1 (0: any free port)")
    where.add_argument("--uart-pty", action="store_true", help="uart0 on a pseudo-terminal; its path is the first stdout line")
    add_arguments(emulate, "emulate")
    emulate.add_argument("--exit-after-disconnect", action="store_true", help="stop when the first client disconnects")

    renode = add("install-renode", "download and unpack a pinned Renode portable release")
    renode.add_argument("--version", default="1.17.0", help="Renode release (default: 1.17.0, pinned SHA-256)")
    renode.add_argument("--dest", type=Path, help="where to unpack (default: <build cache>/renode/<version>/)")
    renode.add_argument("--sha256", help="expected digest, for a version without a pinned one")
    renode.add_argument("--archive", type=Path, help="install from this downloaded archive instead of downloading")
    merge = add("merge", "put the --json files of `run --shard` or `evaluate --shard` jobs (or the baselines of "
                         "`baseline save --shard`) together; gate a merged evaluation")
    merge.add_argument("shards", nargs="+", type=Path, metavar="SHARD.json", help="every shard's file, once each")
    merge.add_argument("--out", type=Path, required=True, metavar="FILE.json",
                       help="the merged run JSON, evaluation JSON or baseline")
    add_merge_arguments(merge)

    add("install-qat", "install what the qat variant of `evaluate` needs (tf-keras, tensorflow-model-optimization) "
                       "into this Python, without their dependencies")
    add_baseline_command(commands, lambda save: add_arguments(save, "baseline save"))
    return parser


def _build_root(args: argparse.Namespace) -> Path:
    return args.build_dir.resolve() if getattr(args, "build_dir", None) else cache_root()


def _options(args: argparse.Namespace, **extra: object) -> BenchOptions:
    """The session options of a command; options it does not take keep their defaults."""
    return to_bench_options(namespace_values(args), **extra)


def _run(args: argparse.Namespace) -> int:
    options = _options(args, compare_tflite=not args.no_tflite)
    outputs = RunOutputs.from_args(args)  # a bad tolerance or baseline fails before the run
    clock = PhaseClock()
    with clock.phase("model intake"):
        model = prepare_model(args.model, args.calibration, _build_root(args), args.io)
    report = run_bench(model, args.inputs, args.count, args.seed, options, progress=Progress(), clock=clock,
                       labels=args.labels, shard=args.shard)
    print(report.format_text())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(report.to_json())
    return outputs.finish(report, clock.phases)


def _verdict(result: DiffReport | RuntimeComparison, json_path: Path | None, passed: bool) -> int:
    """Print a command's result, write its JSON when asked; 0 when it passed, else 1."""
    print(result.format_text())
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(result.to_json())
    return ExitCode.OK if passed else ExitCode.MISMATCH


def _diff(args: argparse.Namespace) -> int:
    from .layer_diff import diff_model

    options = _options(args, compare_tflite=False)
    with BenchSession(args.model, options) as session:
        samples = session.load_samples(args.inputs) if args.inputs else session.random_samples(args.count, args.seed)
        report = diff_model(session, samples)
    return _verdict(report, args.json, report.all_passed)


def _baseline(args: argparse.Namespace) -> int:
    return save_baseline(args, _options(args, compare_tflite=False))


def _build(args: argparse.Namespace) -> int:
    if args.out is not None and args.out.suffix.lower() in (".bin", ".hex"):
        raise InputError(f"--out names the ELF to write (e.g. FW.elf), not {args.out.name}; "
                         "for --board nano33ble the .bin and .hex are written next to it")
    session = BenchSession(args.model, _options(args))
    image = session.build()
    m = image.memory
    print(f"{image.elf}{' (reused)' if image.reused else ''}")
    elf = image.elf
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image.elf, args.out)
        print(f"wrote {args.out}")
        elf = args.out
    if Target(args.target) is Target.NANO33BLE:
        files = write_flash_files(elf)
        print(f"wrote {files.binary} and {files.hex} (vector table at 0x{vector_table_address(elf):x}, after the bootloader)")
        print("flash: double-tap the board's reset button (the LED pulses: bootloader), then")
        print(f"  {files.bossac_command()}")
    print(f"runtime {image.runtime}, kernels {image.tflm_library.kernels if image.tflm_library else image.kernels}, flash {m.flash_bytes:,} / {m.flash_limit:,} B, "
          f"RAM {m.ram_bytes:,} / {m.ram_limit:,} B (arena {m.arena_bytes:,} B), optimize {image.optimize}")
    for layer in image.layers:
        if layer.weight_layout:
            print(f"  layer {layer.index:3d} {layer.op_name:<18} {layer.weight_layout:<5} weights, "
                  f"{layer.flash_bytes:>9,} B flash")
    for fusion in image.plan.fusions if image.plan is not None else ():
        conv_bytes = session.model.tensors[fusion.intermediate].num_bytes
        print(f"  layers {fusion.conv_op}+{fusion.pool_op} CONV_2D + MAX_POOL_2D fused: band {fusion.band_bytes:,} B "
              f"instead of the {conv_bytes:,} B conv output")
    return ExitCode.OK


def _export(args: argparse.Namespace) -> int:
    if args.out is None and args.renode_test is None:
        raise InputError("export needs --out DIR (the library), --renode-test DIR (a Renode test suite), or both")
    session = BenchSession(args.model, _options(args))
    if args.renode_test is not None:
        from .renode_test_export import export_renode_test

        suite = export_renode_test(session, args.renode_test, args.inputs, args.count, args.seed)
        print(f"wrote {suite.root} (renode-test suite: {suite.robot.name}, {suite.resc.name}, {suite.firmware.name}, "
              f"{suite.platform.name}, README.md; {len(suite.cases)} input(s) checked against host TFLM)")
        print(f"run it: {suite.command()}")
    if args.out is None:
        return ExitCode.OK
    image = session.build()
    library = export_library(image, session.model, args.model, args.out, ExportFormat(args.format))
    print(f"wrote {library.root} ({library.format} library {library.name}: {len(library.sources)} C sources, "
          f"export.json, README.md)")
    print(f"build id 0x{image.build_id:08x}, build {image.build_dir.name}, kernels {image.kernels}, optimize "
          f"{image.optimize}: the code `tflm-bench run` checks for this model with the same options")
    return ExitCode.OK


def _compare(args: argparse.Namespace) -> int:
    from .compare_runtimes import compare_runtimes

    libraries = list(args.tflm_lib) or ([Path(os.environ["TFLM_LIB"])] if os.environ.get("TFLM_LIB") else [])
    base = to_bench_options(namespace_values(args, leave_out=("tflm_lib", "tflm_include")))
    result = compare_runtimes(args.model, base, libraries, tuple(args.tflm_include), args.inputs, args.count, args.seed)
    return _verdict(result, args.json, result.all_passed)


def _emulate(args: argparse.Namespace) -> int:
    elf = check_elf(args.elf)
    if args.uart_pty:
        serve_uart_pty(str(elf), str(args.platform or DEFAULT_PLATFORM), lambda line: print(line, flush=True),
                       [str(p) for p in args.repl_path])
        return ExitCode.OK
    serve_uart_socket(str(elf), str(args.platform or DEFAULT_PLATFORM), args.uart_port, args.exit_after_disconnect,
                      lambda line: print(line, flush=True), [str(p) for p in args.repl_path])
    return ExitCode.OK


def _install_renode(args: argparse.Namespace) -> int:
    dest = args.dest or cache_root() / "renode" / args.version
    result = install_renode(args.version, dest, sha256=args.sha256, archive=args.archive)
    print(f"Renode {result.asset.version} {'installed' if result.downloaded or args.archive else 'already installed'}: {result.binary}")  # type: ignore[attr-defined]
    print(result.export_line)  # type: ignore[attr-defined]
    return ExitCode.OK


def _merge(args: argparse.Namespace) -> int:
    given = [name for name in MERGE_GATES if getattr(args, name, None) not in (None, False)]
    baseline = load_evaluation_baseline(args)  # a bad baseline fails before the merge
    kind, merged = merge_shard_files(args.shards, allow_partial=args.allow_partial)
    if kind == "evaluation":
        return finish_evaluation(args, merged, baseline, args.out, {"merged_from": [str(p) for p in args.shards]})
    if given:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise InputError(f"{flags}: merge gates and reports evaluations (the shards of `evaluate --shard`); for "
                         "the shards of `run`, gate each job's run, or the merged JSON's all_passed")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merged, indent=2) + "\n")
    if kind == "baseline":
        print(f"wrote {args.out}: {len(merged['entries'])} baseline entries from {len(args.shards)} files")
        return ExitCode.OK
    results = merged["results"]
    exact = sum(all(o["vs_tflm"]["mismatches"] == 0 for o in r["outputs"]) for r in results)
    print(f"wrote {args.out}: {len(results)} inputs from {len(args.shards)} shards")
    print(f"verdict: {exact}/{len(results)} inputs bit-exact with TFLM")
    return ExitCode.OK if merged["all_passed"] else ExitCode.MISMATCH


def _install_qat(args: argparse.Namespace) -> int:
    missing = missing_qat_packages()
    if not missing:
        print(f"QAT packages already installed: {', '.join(QAT_PACKAGES)}")
        return ExitCode.OK
    command = qat_install_command(sys.executable)
    print(f"installing {', '.join(missing)}: {' '.join(command)}")
    # --no-deps: tf-keras declares `tensorflow`, which would be a second TensorFlow beside tensorflow-cpu.
    result = subprocess.run(command)
    if result.returncode != 0:
        raise InputError(f"pip could not install {', '.join(missing)} (exit {result.returncode}); run the command "
                         "above yourself to see why")
    return ExitCode.OK


def _ops(args: argparse.Namespace) -> int:
    from .ops_doc import missing_text, ops_markdown, ops_text

    if args.markdown and args.missing:
        raise InputError("ops takes --markdown or --missing, not both")
    if args.missing:
        print(missing_text(), end="")
    else:
        print(ops_markdown() if args.markdown else ops_text(), end="" if args.markdown else "\n")
    return ExitCode.OK


def _corpus(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .corpus import Status, corpus_table, find_models, run_corpus

    models = find_models(args.folder)
    options = BenchOptions(kernels=args.kernels, build_root=_build_root(args), compare_tflite=False)
    done = iter(range(1, len(models) + 1))

    def progress(outcome: object) -> None:
        print(f"tflm-bench: [{next(done)}/{len(models)}] {outcome.model}: {outcome.status}",  # type: ignore[attr-defined]
              file=sys.stderr, flush=True)

    outcomes = run_corpus(args.folder, options, models, jobs=args.jobs, samples=args.count, seed=args.seed,
                          progress=progress)
    print(corpus_table(outcomes), end="")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2) + "\n")
    if any(o.status is Status.FAILED for o in outcomes):
        return ExitCode.INTERNAL
    return ExitCode.OK if all(o.ok for o in outcomes) else ExitCode.MISMATCH


def _convert(args: argparse.Namespace) -> int:
    out = convert_model_file(args.model, args.calibration, args.out, args.io)
    print(f"wrote {out} ({out.stat().st_size:,} bytes, full-integer int8, {args.io} I/O)")
    return ExitCode.OK


def _evaluate(args: argparse.Namespace) -> int:
    return run_evaluate(args, _options(args))


COMMANDS = {"evaluate": _evaluate, "run": _run, "diff": _diff, "baseline": _baseline, "build": _build, "export": _export, "compare": _compare, "emulate": _emulate, "install-renode": _install_renode, "install-qat": _install_qat, "merge": _merge,
            "ops": _ops, "convert": _convert, "corpus": _corpus}


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def _log_internal_error(error: BaseException) -> Path | None:
    """Write the traceback where a bug report can quote it; None if even that fails."""
    try:
        folder = cache_root() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        path.write_text("".join(traceback.format_exception(error)))
        return path
    except OSError:
        return None


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or error}: {error.filename}"
    return str(error) or type(error).__name__


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits 2 on a usage error, with argparse's message
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        print("tflm-bench: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Terminated:
        print("tflm-bench: terminated", file=sys.stderr)
        return ExitCode.TERMINATED
    except Exception as error:  # noqa: BLE001 - every failure ends in one line and a defined code
        if args.debug:
            raise
        code = classify(error)
        if code is ExitCode.USAGE:
            print(f"tflm-bench: error: {_describe(error)}", file=sys.stderr)
        else:
            log = _log_internal_error(error)
            print(f"tflm-bench: internal error: {type(error).__name__}: {_describe(error)}", file=sys.stderr)
            print("tflm-bench: this is a bug in tflm-bench; please report it"
                  + (f" with the log {log}" if log else "") + " (rerun with --debug for the traceback)",
                  file=sys.stderr)
        return code
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
