"""A report from a real board (engine serial) calls its counts DWT cycles everywhere and makes up
no executed-instruction count; an emulator's report keeps calling them instructions."""
from __future__ import annotations

import json
from dataclasses import replace

from support.reports import result, synthetic_report
from tflm_bench.reports.html import render_html
from tflm_bench.reports.markdown import render_markdown


def board_report():  # type: ignore[no-untyped-def]
    measured = tuple(replace(result(i), estimated_cycles=None, layer_estimated_cycles=None) for i in range(2))
    return synthetic_report(measured, engine="serial", port="/dev/ttyACM0", count_unit="cycles")


def test_text_and_json_of_a_board_report_say_dwt_cycles() -> None:
    report = board_report()
    text = report.format_text()
    assert "engine serial (/dev/ttyACM0, a real board)" in text
    assert "DWT cycles per inference (measured on the board): min 460, max 460" in text
    assert "executed instructions: n/a" in text and "instructions per inference" not in text
    data = json.loads(report.to_json())
    assert data["count_unit"].startswith("cycles: the board's DWT CYCCNT") and data["executed_instructions"] is None
    assert data["config"]["port"] == "/dev/ttyACM0"


def test_html_and_markdown_of_a_board_report_say_dwt_cycles() -> None:
    report = board_report()
    html = render_html(report)
    assert "<th>DWT cycles</th>" in html and "DWT cycles per inference" in html
    assert "<th>instructions</th>" not in html
    markdown = render_markdown(report)
    assert "| DWT cycles / inference | 460 |" in markdown and "| # | op | output | DWT cycles |" in markdown


def test_an_emulator_report_still_counts_instructions() -> None:
    report = synthetic_report()
    assert "instructions per inference: min 460" in report.format_text()
    data = json.loads(report.to_json())
    assert data["count_unit"].startswith("instructions") and "executed_instructions" not in data
    assert "| instructions / inference |" in render_markdown(report)
