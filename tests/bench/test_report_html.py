"""The self-contained HTML report: sections, embedded figures, sorted profile, arena map."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from support.reports import MISMATCH, result, synthetic_report
from tflm_bench.checks import CheckResult
from tflm_bench.reports.rows import layer_rows, top_layers
from tflm_bench.reports.html import render_html

PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


class _Collector(HTMLParser):
    """Section ids, and any reference to a file outside the report."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and values.get("id"):
            self.sections.append(values["id"] or "")
        for name in ("src", "href"):
            value = values.get(name)
            if value and not value.startswith(("data:", "#")):
                self.external.append(value)


def _parse(text: str) -> _Collector:
    collector = _Collector()
    collector.feed(text)
    return collector


def _figures(text: str) -> list[bytes]:
    return [base64.b64decode(data) for data in PNG.findall(text)]


@pytest.mark.parametrize("model, count", [("sine_int8", 5), ("kws_dscnn_int8", 3)])
def test_run_writes_a_self_contained_html_report_with_its_figures(cli_reports, model: str, count: int) -> None:  # type: ignore[no-untyped-def]
    run = cli_reports(model, count)
    assert run.code == 0, run.out
    text = run.html.read_text()
    page = _parse(text)
    assert page.sections == ["verdict", "identity", "outputs", "profile", "memory"]  # bit-exact: no errors section
    assert not page.external, f"the report refers to outside files: {page.external}"
    figures = _figures(text)
    assert len(figures) == 3  # layers, flash/RAM, arena map
    assert all(f.startswith(b"\x89PNG\r\n\x1a\n") and len(f) > 2_000 for f in figures)
    assert "PASS" in text and f"{count}/{count} inputs bit-exact with TFLM" in text
    for needle in ("model sha256", "firmware sha256", "build key", "kernel set", "optimized", "tflite-micro",
                   "arm-none-eabi-gcc", "% of total", "first layer", "last layer",
                   # what a sketch needs, what the device answered, what it costs
                   "Inputs and outputs", "zero point", "outputs (dequantized)", "uJ per inference"):
        assert needle in text, needle
    if model == "kws_dscnn_int8":
        assert "top class" in text
        assert "DEPTHWISE_CONV_2D" in text and "CONV_2D" in text
    # Each weighted layer's flash and layout (generator/layout.py), both models have some.
    assert "Flash per weighted layer (optimize speed)" in text and "int16" in text


def test_errors_section_and_histogram_appear_only_when_not_bit_exact() -> None:
    report = synthetic_report((result(0), result(1, vs_tflm=MISMATCH)))
    text = render_html(report)
    assert _parse(text).sections == ["verdict", "identity", "profile", "memory", "errors"]
    assert len(_figures(text)) == 4
    assert "FAIL" in text and "MISMATCH" in text and "1/2 inputs bit-exact" in text
    assert "errors" not in _parse(render_html(synthetic_report())).sections


def test_checks_section_lists_failed_and_skipped_checks() -> None:
    checks = (CheckResult("baseline: instructions per inference", False, "instructions per inference: 1 -> 2"),
              CheckResult("baseline: estimated cycles per inference", True, "no cycles", skipped=True))
    text = render_html(synthetic_report(), checks, ("compared with kernels=optimized",))
    assert _parse(text).sections[-1] == "checks"
    assert "FAIL" in text and "1 of 2 checks failed" in text
    assert 'class="failed"' in text and 'class="skipped"' in text and "compared with kernels=optimized" in text


def test_profile_names_layers_by_op_and_output_and_sorts_them() -> None:
    report = synthetic_report()
    rows = layer_rows(report)
    assert [r.label for r in rows] == ["0 CONV_2D model/conv", "1 FULLY_CONNECTED model/dense|x", "2 SOFTMAX Identity:0"]
    assert sum(r.instructions_share for r in rows) == pytest.approx(1.0)
    assert [r.index for r in top_layers(rows, 2)] == [1, 0]
    text = render_html(report)
    profile = text[text.index('id="profile"'):text.index('id="memory"')]
    # The table is sorted by instructions, most first: FULLY_CONNECTED (300) before CONV_2D (100).
    assert profile.index("FULLY_CONNECTED</td>") < profile.index("CONV_2D</td>")
    assert "66.7%" in profile  # 300 of 450


def test_html_escapes_names_from_the_model() -> None:
    report = synthetic_report(layer_outputs=("<script>alert(1)</script>", "b", "c"))
    text = render_html(report)
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


def test_arena_map_lists_every_buffer_and_is_left_out_without_a_plan() -> None:
    report = synthetic_report()
    text = render_html(report)
    memory = text[text.index('id="memory"'):]
    body = memory.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr>") == len(report.tensors)  # one row per buffer
    assert "scratch" in memory
    bare = render_html(synthetic_report(tensors=()))
    assert "No arena map recorded" in bare and len(_figures(bare)) == 2
