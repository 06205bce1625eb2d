"""JUnit XML: one testcase per input and per check, in the schema CI systems read."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from support.reports import MISMATCH, result, synthetic_report
from tflm_bench.checks import CheckResult
from tflm_bench.reports.junit import render_junit

# The JUnit schema CI systems read (Jenkins' junit-10.xsd, which GitLab and GitHub reporters
# follow): allowed children and attributes per element; counts and names are required.
ALLOWED = {
    "testsuites": ({"testsuite"}, {"name", "time", "tests", "failures", "disabled", "errors"}),
    "testsuite": ({"properties", "testcase", "system-out", "system-err"},
                  {"name", "tests", "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname",
                   "id", "package", "file", "log", "url", "version", "group"}),
    "properties": ({"property"}, set()),
    "property": (set(), {"name", "value"}),
    "testcase": ({"skipped", "error", "failure", "system-out", "system-err"},
                 {"name", "assertions", "time", "classname", "status", "group", "file", "line"}),
    "failure": (set(), {"message", "type"}),
    "skipped": (set(), {"message"}),
    "system-out": (set(), set()),
}
REQUIRED = {"testsuite": {"name", "tests", "failures", "errors", "skipped", "time"},
            "testcase": {"name", "classname", "time"}, "property": {"name", "value"}}


def check_schema(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    for element in root.iter():
        children, attributes = ALLOWED[element.tag]
        assert set(element.attrib) <= attributes, (element.tag, set(element.attrib) - attributes)
        assert REQUIRED.get(element.tag, set()) <= set(element.attrib), element.tag
        assert {child.tag for child in element} <= children, element.tag
        if element.tag == "testcase":
            assert len([c for c in element if c.tag in ("failure", "skipped", "error")]) <= 1
            float(element.get("time", "x"))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert int(suite.get("tests", -1)) == len(cases)
    assert int(suite.get("failures", -1)) == sum(c.find("failure") is not None for c in cases)
    assert int(suite.get("skipped", -1)) == sum(c.find("skipped") is not None for c in cases)
    assert int(suite.get("errors", -1)) == 0
    # properties come first, as the schema's sequence orders them
    assert [c.tag for c in suite][0] == "properties"


def test_cli_runs_write_one_testcase_per_input(cli_reports) -> None:  # type: ignore[no-untyped-def]
    for model, count in (("sine_int8", 5), ("kws_dscnn_int8", 3)):
        run = cli_reports(model, count)
        root = ET.parse(run.junit).getroot()
        check_schema(root)
        cases = root.findall("./testsuite/testcase")
        assert [c.get("name") for c in cases] == [f"input {i}" for i in range(count)]
        assert {c.get("classname") for c in cases} == {f"tflm_bench.{model}"}
        assert root.get("failures") == "0" and root.get("tests") == str(count)
        properties = {p.get("name"): p.get("value") for p in root.iter("property")}
        assert properties["kernels"] == "optimized" and len(properties["model_sha256"]) == 64
        assert (properties["optimize"], properties["protocol"], properties["target"]) == ("speed", "bench", "emulator")
        op, layout, flash, unit = properties["layer.0.weights"].split()
        assert (layout, unit) == ("int16", "B") and int(flash) > 0 and op in ("FULLY_CONNECTED", "CONV_2D")


def test_a_mismatch_is_a_failure_with_its_differences() -> None:
    root = ET.fromstring(render_junit(synthetic_report((result(0), result(1, vs_tflm=MISMATCH)))))
    check_schema(root)
    failure = root.find("./testsuite/testcase[@name='input 1']/failure")
    assert failure is not None and failure.get("type") == "mismatch"
    assert "output 0: 3 values differ from TFLM (max 2 LSB" in (failure.get("message") or "")
    assert "difference +2 LSB x 2" in (failure.text or "")
    assert root.find("./testsuite/testcase[@name='input 0']/failure") is None


def test_checks_are_testcases_failed_passed_or_skipped() -> None:
    checks = (
        CheckResult("baseline: instructions per inference", False, "instructions per inference: 10 -> 20",
                    ("layer 1 FULLY_CONNECTED x instructions: 5 -> 9",)),
        CheckResult("baseline: arena bytes", True, "2,048 -> 2,048 B"),
        CheckResult("baseline: estimated cycles per inference", True, "no cycles on this engine", skipped=True),
    )
    root = ET.fromstring(render_junit(synthetic_report(), checks, ("a note",)))
    check_schema(root)
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "1"
    assert suite.get("skipped") == "1"
    failure = suite.find("./testcase[@name='baseline: instructions per inference']/failure")
    assert failure is not None and "layer 1 FULLY_CONNECTED" in (failure.text or "")
    assert suite.find("./testcase[@name='baseline: estimated cycles per inference']/skipped") is not None
    assert any(p.get("value") == "a note" for p in suite.iter("property"))
