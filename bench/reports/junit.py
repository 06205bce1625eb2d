"""JUnit XML: one testcase per input and one per baseline or budget check.

The shape is the one CI systems read (Jenkins' junit schema, GitLab, GitHub test reporters):
`<testsuites>` > `<testsuite name tests failures errors skipped time>` > `<properties>`, then
`<testcase name classname time>` with at most one `<failure message type>` or `<skipped>`.
A mismatching input is a failure (the device is wrong, not the bench), never an error.
"""
from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ..checks import CheckResult
from ..report import BenchReport, InputResult


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _input_failure(result: InputResult) -> tuple[str, str] | None:
    """(message, details) for an input that fails the verdict."""
    if result.passed:
        return None
    bad = [o for o in result.outputs if not o.vs_tflm.within_tolerance]
    message = "; ".join(f"output {o.index}: {o.vs_tflm.mismatches} values differ from TFLM "
                        f"(max {o.vs_tflm.max_diff} {o.vs_tflm.unit}, tolerance {o.vs_tflm.tolerance})" for o in bad)
    details = "\n".join(f"output {o.index}: difference {value:+d} {o.vs_tflm.unit} x {count}"
                        for o in bad for value, count in o.vs_tflm.histogram)
    return message, details


def render_junit(report: BenchReport, checks: Sequence[CheckResult] = (), notes: Sequence[str] = ()) -> str:
    stem = Path(report.model).stem
    classname = f"tflm_bench.{stem}"
    suite_name = f"{Path(report.model).name} [kernels={report.kernels or 'unknown'}, engine={report.engine}]"
    cases: list[ET.Element] = []
    failures = skipped = 0
    total_time = 0.0
    for result in report.results:
        case = ET.Element("testcase", name=f"input {result.index}", classname=classname,
                          time=_seconds(result.seconds))
        total_time += result.seconds
        failure = _input_failure(result)
        if failure is not None:
            failures += 1
            ET.SubElement(case, "failure", message=failure[0], type="mismatch").text = failure[1] or failure[0]
        cases.append(case)
    for check in checks:
        case = ET.Element("testcase", name=check.name, classname=f"{classname}.{check.group}", time=_seconds(0))
        if check.skipped:
            skipped += 1
            ET.SubElement(case, "skipped", message=check.message)
        elif not check.passed:
            failures += 1
            ET.SubElement(case, "failure", message=check.message, type=f"{check.group}-regression").text = (
                "\n".join((check.message, *check.details)))
        else:
            case.append(_system_out("\n".join((check.message, *check.details))))
        cases.append(case)

    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0", "skipped": str(skipped),
              "time": _seconds(total_time)}
    root = ET.Element("testsuites", name="tflm-bench", **{k: v for k, v in counts.items() if k != "skipped"})
    suite = ET.SubElement(root, "testsuite", name=suite_name, hostname=socket.gethostname(), **counts)
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("model", report.model), ("model_sha256", report.model_sha256), ("engine", report.engine),
        ("kernels", report.kernels), ("runtime", report.runtime), ("firmware", report.firmware),
        ("firmware_sha256", report.firmware_sha256), ("build_key", report.build_key),
        ("optimize", report.config.optimize), ("protocol", report.config.protocol), ("target", report.config.target),
        *((f"layer.{l.index}.weights", f"{l.op_name} {l.weight_layout} {l.flash_bytes} B")
          for l in report.layers if l.weight_layout),
        *((f"version.{k}", v) for k, v in sorted(report.versions.items())),
        *((f"note.{i}", n) for i, n in enumerate(notes)),
    ):
        ET.SubElement(properties, "property", name=key, value=value)
    suite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _system_out(text: str) -> ET.Element:
    element = ET.Element("system-out")
    element.text = text
    return element
