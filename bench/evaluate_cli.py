"""`tflm-bench evaluate` on the command line: its arguments, then what it prints, writes and gates
after the evaluation (evaluate.py): the checks (device = TFLM, the --min-accuracy floor, the
baseline), Markdown, HTML and JUnit, and the baseline entries.

Every variant that ran on the device is a baseline entry of its own, keyed by the variant's
.tflite (model "digits_cnn.keras [int8]"), with its accuracy recorded and gated in percentage
points (`--tolerance accuracy=0.5pp`) beside its counts, bytes and energy.

The same printing, reports and gates serve `tflm-bench merge` of `evaluate --shard` JSONs
(finish()); a partial evaluation (one stopped by Ctrl-C or SIGTERM, written with what it has)
is refused by the gates unless --allow-partial asks for it.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import signal
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from .baseline import Baseline, BaselineEntry, BaselineError, Configuration, Tolerance, compare_entry, parse_tolerance
from .checks import CheckResult, checks_summary
from .errors import InputError
from .evaluate import METRICS, EvaluateRequest, EvaluationReport, VariantEvaluation, _json_default, evaluate
from .outputs import add_run_arguments
from .session import BenchOptions
from .shards import shard_argument


class PartialEvaluationError(InputError):
    """A gate or a baseline update asked of a partial evaluation without --allow-partial."""


def refuse_partial(report: EvaluationReport, what: str, allow_partial: bool) -> None:
    if report.partial is not None and not allow_partial:
        raise PartialEvaluationError(f"{report.partial.summary()}: {what} would judge part of the samples as the "
                                     "whole; evaluate (or merge) every sample, or give --allow-partial to accept it")


def variant_entry(report: EvaluationReport, variant: VariantEvaluation) -> BaselineEntry | None:
    """The baseline figures of one variant that ran on the device (None for one that did not)."""
    device = variant.device
    if device is None or variant.tflite is None:
        return None
    config = report.configuration
    return BaselineEntry(
        model=f"{Path(report.model).name} [{variant.name}]",
        model_sha256=variant.tflite_sha256 or hashlib.sha256(Path(variant.tflite).read_bytes()).hexdigest(),
        configuration=Configuration(config.get("kernels", "unknown"), config.get("engine", "unknown"),
                                    config.get("runtime", "generated")),
        verdict="pass" if device.tflm_mismatches == 0 else "fail",
        inputs=device.samples,
        instructions=device.instructions_max,
        estimated_cycles=round(device.estimated_cycles_mean) if device.estimated_cycles_mean is not None else None,
        layers=(),
        arena_bytes=device.memory.arena_bytes,
        flash_bytes=device.memory.flash_bytes,
        ram_bytes=device.memory.ram_bytes,
        accuracy=device.scores.accuracy,
        energy_uj=round(device.energy.microjoules, 3) if device.energy is not None else None,
    )


@dataclass
class EvaluationChecks:
    """The checks of one evaluation, and the notes of its baseline comparison."""

    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed or c.skipped for c in self.checks)


def evaluation_checks(report: EvaluationReport, min_accuracy: float | None, baseline: Baseline | None,
                      tolerance: Tolerance | None, allow_partial: bool = False) -> EvaluationChecks:
    """Device = TFLM per variant, the accuracy floor, and each variant against the baseline.

    Raises:
        BaselineError: the baseline has no entry for a variant (update it with --update-baseline).
        PartialEvaluationError: the report is partial and allow_partial is not given.
    """
    refuse_partial(report, "its gates", allow_partial)
    found = EvaluationChecks()
    if report.partial is not None:
        found.checks.append(CheckResult("evaluation complete", False, report.partial.summary(), skipped=True,
                                        group="verdict"))
    for variant in report.variants:
        device = variant.device
        if device is None:
            continue
        found.checks.append(CheckResult(
            f"{variant.name}: device outputs as TFLM gives them", device.tflm_mismatches == 0,
            f"{device.tflm_mismatches} of {device.samples} samples differ from TFLM" if device.tflm_mismatches
            else f"all {device.samples} samples", group="verdict"))
        accuracy = device.scores.accuracy
        if min_accuracy is not None:
            found.checks.append(CheckResult(
                f"{variant.name}: device accuracy", accuracy is not None and accuracy >= min_accuracy,
                f"device accuracy {accuracy if accuracy is not None else float('nan'):.4f} "
                f"{'is below' if accuracy is None or accuracy < min_accuracy else 'meets'} --min-accuracy "
                f"{min_accuracy:g}", group="gate"))
        entry = variant_entry(report, variant)
        if baseline is not None and entry is not None:
            comparison = compare_entry(entry, baseline, tolerance or parse_tolerance(None))
            found.checks += [CheckResult(f"{variant.name}: {c.name}", c.passed, c.message, c.details, c.skipped,
                                         c.group) for c in comparison.checks]
            found.notes += [f"{variant.name}: {n}" for n in comparison.notes]
    return found


def update_baseline(path: Path, report: EvaluationReport, allow_partial: bool = False) -> list[str]:
    """Record every device-run variant in the baseline at `path`; one line per entry written."""
    refuse_partial(report, "--update-baseline", allow_partial)
    baseline = Baseline.load_or_empty(path)
    lines = []
    for variant in report.variants:
        entry = variant_entry(report, variant)
        if entry is not None:
            replaced = baseline.upsert(entry)
            lines.append(f"baseline: {'replaced' if replaced else 'added'} {entry.model} [{entry.configuration}] "
                         f"accuracy {entry.accuracy if entry.accuracy is not None else 'n/a'}")
    baseline.save(path)
    return lines


def render_markdown(report: EvaluationReport, found: EvaluationChecks) -> str:
    verdict = ("PASS" if found.passed else "FAIL") + (" (PARTIAL)" if report.partial is not None else "")
    lines = [f"### tflm-bench evaluate: {verdict} `{Path(report.model).name}`", "",
             f"{report.samples} samples of `{Path(report.dataset).name}`, {report.task}; "
             f"{checks_summary(found.checks)}", "", "```", *report.format_text().splitlines()[2:], "```"]
    if report.partial is not None:
        lines[1:1] = ["", f"**{report.partial.summary()}**"]
    failed = [c for c in found.checks if not c.passed and not c.skipped]
    if failed:
        lines += ["", "**Failed checks**", ""] + [f"- {c.name}: {c.message}" for c in failed]
    lines += [f"- note: {n}" for n in found.notes]
    return "\n".join(lines) + "\n"


def render_html(report: EvaluationReport, found: EvaluationChecks) -> str:
    verdict = ("PASS" if found.passed else "FAIL") + (" (PARTIAL)" if report.partial is not None else "")
    rows = "".join(f"<tr class=\"{'failed' if not c.passed and not c.skipped else ''}\"><td>{html.escape(c.name)}</td>"
                   f"<td>{'skipped' if c.skipped else ('passed' if c.passed else 'FAILED')}</td>"
                   f"<td>{html.escape(c.message)}</td></tr>" for c in found.checks)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in found.notes)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>tflm-bench evaluate {verdict}: {html.escape(Path(report.model).name)}</title>"
            "<style>body{font-family:sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}"
            "td,th{padding:.2em .6em;border-bottom:1px solid #ddd}.failed{background:#fdd}</style></head><body>"
            f"<h1>tflm-bench evaluate: {html.escape(Path(report.model).name)}</h1>"
            f"<p><b>{verdict}</b>: {html.escape(checks_summary(found.checks))}</p>"
            f"<pre>{html.escape(report.format_text())}</pre>"
            f"<h2>Checks</h2><table><tr><th>check</th><th>status</th><th>detail</th></tr>{rows}</table>"
            + (f"<ul>{notes}</ul>" if notes else "") + "</body></html>\n")


def render_junit(report: EvaluationReport, found: EvaluationChecks) -> str:
    suite = ET.Element("testsuite", name=f"evaluate {Path(report.model).name}", tests=str(len(found.checks)),
                       failures=str(sum(not c.passed and not c.skipped for c in found.checks)), errors="0",
                       skipped=str(sum(c.skipped for c in found.checks)), time="0")
    classname = f"tflm_bench.evaluate.{Path(report.model).stem}"
    for check in found.checks:
        case = ET.SubElement(suite, "testcase", name=check.name, classname=f"{classname}.{check.group}", time="0")
        if check.skipped:
            ET.SubElement(case, "skipped", message=check.message)
        elif not check.passed:
            ET.SubElement(case, "failure", message=check.message, type=check.group).text = "\n".join(
                (check.message, *check.details))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_outputs(args: argparse.Namespace, report: EvaluationReport, found: EvaluationChecks) -> list[Path]:
    written = []
    for path, render in ((getattr(args, "report", None), render_html), (getattr(args, "markdown", None), render_markdown),
                         (getattr(args, "junit", None), render_junit)):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(report, found), encoding="utf-8")
            written.append(path)
    return written


def load_baseline(args: argparse.Namespace) -> Baseline | None:
    """The --baseline to compare with, loaded before the evaluation so a bad file fails fast."""
    path, update = getattr(args, "baseline", None), bool(getattr(args, "update_baseline", False))
    if path is None:
        if update or getattr(args, "tolerance", None) is not None:
            raise BaselineError(f"{'--update-baseline' if update else '--tolerance'} needs --baseline FILE")
        return None
    return Baseline.load_or_empty(path) if update else Baseline.load(path)


# -- command line (`tflm-bench evaluate`; cli.py adds the engine and build options) -----------------

def add_arguments(command: argparse.ArgumentParser) -> None:
    from .datasets import X_KINDS
    from .parallel import default_jobs

    def count(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
        return int(text)

    command.add_argument("model", type=Path, help="a .tflite, or a Keras .keras/.h5 / SavedModel (see --variants)")
    command.add_argument("--data", type=Path, required=True,
                         help=".npz with x (samples) and y (integer labels or reference outputs), or an image folder "
                              "with one subfolder per class")
    command.add_argument("--calibration", type=Path, help="Keras model: representative samples (.npy, or .npz with x)")
    command.add_argument("--variants", default="float,int8",
                         help="Keras model: comma-separated float,dynamic,int8,uint8-io,qat (default: float,int8)")
    command.add_argument("--train", type=Path, help="qat variant: training data .npz (x, y) to fine-tune on")
    command.add_argument("--qat-epochs", type=count, default=1, help="qat variant: fine-tuning epochs (default: 1)")
    command.add_argument("--jobs", type=count, default=default_jobs(),
                         help="worker processes, one engine each (default: the cores, here %(default)s)")
    command.add_argument("--dask", metavar="ADDRESS", help="run shards on this Dask scheduler (tcp://host:port)")
    command.add_argument("--metric", choices=METRICS, default="auto",
                         help="auto: accuracy for integer labels and a vector output, else regression")
    command.add_argument("--top-k", type=count, default=5, help="also report top-k accuracy (default: 5)")
    command.add_argument("--x-kind", choices=X_KINDS, default="auto",
                         help="x is real-valued (quantized here as TFLite does) or already quantized; auto: "
                              "quantized when x has the input's integer type")
    command.add_argument("--limit", type=count, help="evaluate the first N samples only")
    command.add_argument("--min-accuracy", type=float, metavar="FRACTION",
                         help="exit 1 if a variant's device accuracy is below this (e.g. 0.95)")
    command.add_argument("--no-host", action="store_true",
                         help="skip the host columns (host TFLM, and TFLite's interpreter with its default kernels)")
    command.add_argument("--seed", type=int, default=0, help="seed for QAT fine-tuning (default: 0)")
    command.add_argument("--json", type=Path,
                         help="also write the full report (per-sample predictions and outputs too) here; replaced at "
                              "the start, and written with the samples finished so far if Ctrl-C or SIGTERM stops it")
    command.add_argument("--shard", type=shard_argument, metavar="I/N",
                         help="evaluate the I-th of N equal slices of the samples (needs --json), for a CI matrix; "
                              "`tflm-bench merge` puts the shards' JSON files together and gates the whole")
    add_run_arguments(command, trace=False)


def add_merge_arguments(merge: argparse.ArgumentParser) -> None:
    """The gates and reports of `tflm-bench merge` for evaluation shards (as evaluate's own)."""
    merge.add_argument("--min-accuracy", type=float, metavar="FRACTION",
                       help="evaluation shards: exit 1 if a variant's device accuracy is below this (e.g. 0.95)")
    merge.add_argument("--allow-partial", action="store_true",
                       help="evaluation shards: merge and gate a partial shard (one stopped by Ctrl-C or SIGTERM) "
                            "instead of refusing it; the result is marked partial")
    add_run_arguments(merge, trace=False)


MERGE_GATES = ("min_accuracy", "allow_partial", "report", "markdown", "junit", "baseline", "tolerance", "update_baseline")


def run_command(args: argparse.Namespace, options: BenchOptions) -> int:
    """Print the table, write the reports, gate; 0 if every device output matches TFLM, --min-accuracy
    holds and no figure regressed against --baseline, else 1 (2: the baseline cannot be used).
    Stopped by a signal: the samples finished so far go to --json as a partial evaluation."""
    from .variants import parse_variants

    if args.shard is not None:
        if args.json is None:
            raise InputError(f"--shard {args.shard.index}/{args.shard.count} needs --json FILE: `tflm-bench merge` "
                             "puts the shards' JSON files together")
        if args.baseline is not None:
            raise InputError("--baseline with --shard would judge one shard's samples against the whole evaluation's "
                             "figures: gate in the job after the shards, `tflm-bench merge S1.json S2.json ... --out "
                             "E.json --baseline B.json`")
    baseline = load_baseline(args)  # a bad baseline fails before the evaluation
    if args.json is not None and args.json.exists():
        args.json.unlink()  # an earlier evaluation's file must not pass for this one's if this one stops
    report = evaluate(EvaluateRequest(
        model=args.model, data=args.data, options=replace(options, compare_tflite=False),
        variants=parse_variants(args.variants), calibration=args.calibration, train=args.train,
        qat_epochs=args.qat_epochs, seed=args.seed, jobs=args.jobs, dask=args.dask, metric=args.metric,
        top_k=args.top_k, x_kind=args.x_kind, limit=args.limit, host=not args.no_host, progress=True,
        shard=args.shard,
    ), on_interrupt=lambda stopped: write_partial(args.json, stopped))
    try:
        return finish(args, report, baseline, args.json)
    except BaseException as error:
        # A signal after the last sample, before finish() wrote --json: the evaluation is whole, keep it.
        if not isinstance(error, Exception) and args.json is not None and not args.json.exists():
            write_json(args.json, report.to_dict())
            print(f"tflm-bench: stopped after the last sample; wrote {args.json}: the whole evaluation",
                  file=sys.stderr)
        raise


def write_json(path: Path, data: dict) -> None:
    """Written whole or not at all (a temporary file renamed), with Ctrl-C and SIGTERM held meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        temporary.write_text(json.dumps(data, indent=2, default=_json_default) + "\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def write_partial(path: Path | None, report: EvaluationReport) -> None:
    """On a signal: the samples finished so far, marked partial, to --json (or say it was not kept)."""
    assert report.partial is not None
    if path is None:
        print(f"tflm-bench: evaluate stopped; {report.partial.summary()} (not kept: give --json FILE to keep a "
              "partial evaluation)", file=sys.stderr)
        return
    write_json(path, report.to_dict())
    print(f"tflm-bench: evaluate stopped; wrote {path}: {report.partial.summary()}", file=sys.stderr)


def finish(args: argparse.Namespace, report: EvaluationReport, baseline: Baseline | None, json_path: Path | None,
           extra: dict | None = None) -> int:
    """Print the table, write the JSON, gate and write the reports (evaluate, and merge of its shards)."""
    allow_partial = bool(getattr(args, "allow_partial", False))
    refuse_partial(report, "its gates", allow_partial)
    print(report.format_text())
    if json_path:
        write_json(json_path, report.to_dict() | (extra or {}))
    compared = baseline if baseline is not None and baseline.entries and not args.update_baseline else None
    found = evaluation_checks(report, args.min_accuracy, compared, args.tolerance, allow_partial)
    for check in found.checks:
        if not check.passed and not check.skipped:
            print(f"gate: {check.name.split(':', 1)[0]}: {check.message}" if check.group == "gate"
                  else f"FAILED {check.name}: {check.message}")
    if compared is not None:
        print(f"baseline: {checks_summary(found.checks)}")
        for note in found.notes:
            print(f"  note: {note}")
    if args.update_baseline and args.baseline is not None:
        print("\n".join(update_baseline(args.baseline, report, allow_partial)))
    for path in write_outputs(args, report, found):
        print(f"wrote {path}")
    return 0 if found.passed else 1
