"""The Markdown summary: short, a verdict table and the top layers; fits a CI job summary."""
from __future__ import annotations

from support.reports import MISMATCH, result, synthetic_report
from tflm_bench.checks import CheckResult
from tflm_bench.reports.markdown import render_markdown


def test_cli_runs_write_a_short_summary(cli_reports) -> None:  # type: ignore[no-untyped-def]
    for model, count in (("sine_int8", 5), ("kws_dscnn_int8", 3)):
        text = cli_reports(model, count).markdown.read_text()
        assert text.startswith(f"### tflm-bench: PASS `{model}.tflite`")
        assert f"**PASS**: {count}/{count} inputs bit-exact with TFLM" in text
        assert "kernels optimized, engine builtin, runtime generated" in text
        assert "**Top" in text and "| # | op | output |" in text
        assert "| weights flash (optimize speed) | L0 int16 " in text
        assert len(text.splitlines()) < 40 and len(text) < 4_000


def test_summary_table_top_layers_and_cells_are_escaped() -> None:
    text = render_markdown(synthetic_report())
    lines = text.splitlines()
    top = [line for line in lines if line.startswith("| 1 | FULLY_CONNECTED")]
    assert top and "`model/dense\\|x`" in top[0] and "66.7%" in top[0]  # a '|' in a name stays in its cell
    assert lines.index(top[0]) < next(i for i, line in enumerate(lines) if line.startswith("| 0 | CONV_2D"))
    assert "| flash / RAM / arena | 20,000 B / 12,000 B / 2,048 B |" in text


def test_failures_show_in_the_verdict_and_failed_checks_are_listed_briefly() -> None:
    text = render_markdown(synthetic_report((result(0, vs_tflm=MISMATCH),)))
    assert "**FAIL**: 0/1 inputs bit-exact" in text
    checks = tuple(CheckResult(f"baseline: metric {i}", False, f"metric {i}: 1 -> 2") for i in range(15))
    text = render_markdown(synthetic_report(), checks, ("compared with kernels=optimized",))
    assert "**FAIL**" in text and "| checks | 15 of 15 checks failed (15 figures regressed) |" in text
    assert "- metric 0: 1 -> 2" in text and "- metric 9: 1 -> 2" in text and "- metric 10" not in text
    assert "and 5 more" in text and "> compared with kernels=optimized" in text
