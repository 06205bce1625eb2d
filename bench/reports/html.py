"""One self-contained HTML file per run: no external CSS, scripts, fonts or images.

Sections (each a `<section id=...>`, which the tests look for): verdict, identity, profile,
memory, errors (only when an output is not bit-exact), checks (only with a baseline or budgets).
Figures are PNGs embedded as base64 data URIs, so the file can be attached to a CI run and
opened anywhere.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape
from pathlib import Path

from ..checks import CheckResult, checks_summary
from ..io_view import SHOWN_VALUES
from ..compare import FLOAT_TOLERANCE_ULP
from ..profile import op_profiles
from ..report import BenchReport, InputResult
from .rows import configuration_line, layer_rows, passed, verdict_line
from . import figures

SECTIONS = ("verdict", "identity", "profile", "memory", "errors", "checks")

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
th.sortable { cursor: pointer; } th.sortable:hover { background: #e8e8e8; }
.verdict { font-size: 1.3em; font-weight: bold; padding: .4em .8em; display: inline-block; border-radius: .3em; }
.pass { background: #dff0d8; color: #2b5e2b; } .fail { background: #f2dede; color: #8a1f1f; }
tr.failed td { background: #fbeaea; } tr.skipped td { color: #777; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption, .note { color: #555; font-size: .85em; }
code { font-size: .9em; } .wrap { word-break: break-all; }
"""

# Click a header to sort its table by that column; numbers sort by data-value.
_SORT_SCRIPT = """
document.querySelectorAll("th.sortable").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
    var desc = th.dataset.desc !== "1"; th.dataset.desc = desc ? "1" : "0";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.value, y = b.cells[col].dataset.value;
      var d = (x !== undefined && y !== undefined) ? parseFloat(x) - parseFloat(y)
              : a.cells[col].textContent.localeCompare(b.cells[col].textContent);
      return desc ? -d : d;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _n(value: int | float | None, unit: str = "") -> str:
    if value is None:
        return '<td class="n">-</td>'
    text = f"{value:,.0f}" if isinstance(value, int) or float(value).is_integer() else f"{value:,.2f}"
    return f'<td class="n" data-value="{value}">{text}{unit}</td>'


def _pct(share: float | None) -> str:
    if share is None:
        return '<td class="n">-</td>'
    return f'<td class="n" data-value="{share:.6f}">{share:.1%}</td>'


def _figure(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _kv_table(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td class=\"wrap\">{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _input_verdict(result: InputResult) -> str:
    if result.bit_exact:
        return "bit-exact"
    parts = [f"out{o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
             for o in result.outputs if not o.vs_tflm.exact]
    return ("within tolerance: " if result.passed else "MISMATCH: ") + ", ".join(parts)


def _verdict(report: BenchReport, checks: Sequence[CheckResult]) -> str:
    ok = passed(report, checks)
    failed_checks = [c for c in checks if not c.passed]
    lines = [f'<p><span class="verdict {"pass" if ok else "fail"}">{"PASS" if ok else "FAIL"}</span> '
             f"{escape(verdict_line(report))}"
             + (f"; {checks_summary(checks)}" if failed_checks else "")
             + "</p>"]
    counts = [r.instructions for r in report.results]
    estimates = [r.estimated_cycles for r in report.results if r.estimated_cycles is not None]
    summary = []
    if counts:
        summary.append((f"{report.count_label} per inference", f"min {min(counts):,}, max {max(counts):,}"))
    if estimates:
        summary.append(("estimated cycles per inference",
                        f"min {min(estimates):,}, max {max(estimates):,} "
                        f"({report.config.time_at_clock(max(estimates))}; a model, not a measurement)"))
    if report.energy is not None:
        summary += [(f"energy{' (estimate)' if i == 0 else ''}", " ".join(line.split()))
                    for i, line in enumerate(report.energy.format_lines())]
    lines.append(_kv_table([(k, escape(v)) for k, v in summary]))
    rows = []
    for r in report.results:
        css = "" if r.passed else ' class="failed"'
        rows.append(f"<tr{css}><td class=\"n\">{r.index}</td><td>{escape(_input_verdict(r))}</td>"
                    f"{_n(r.instructions)}{_n(r.estimated_cycles)}{_n(round(r.seconds * 1e3, 1), ' ms')}</tr>")
    table = (f"<table><thead><tr><th>input</th><th>vs TFLM</th><th>{report.count_label}</th><th>est. cycles</th>"
             f"<th>host time</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    if len(rows) > 20:
        table = f"<details><summary>{len(rows)} inputs</summary>{table}</details>"
    lines.append(table)
    return "".join(lines)


def _identity(report: BenchReport) -> str:
    rows = [
        ("model", f"<code>{escape(report.model)}</code>"),
        ("model sha256", f"<code>{escape(report.model_sha256)}</code>"),
        ("firmware", f"<code>{escape(report.firmware)}</code>" + (" (reused build)" if report.firmware_reused else "")),
        ("firmware sha256", f"<code>{escape(report.firmware_sha256 or 'not recorded')}</code>"),
        ("build key", f"<code>{escape(report.build_key or 'not recorded')}</code>"),
        ("engine", escape(report.engine)),
        ("runtime", escape(report.runtime)),
        ("kernel set", escape(report.kernels or "not recorded")),
        ("platform", f"<code>{escape(report.platform or 'default')}</code>"),
    ]
    versions = [(name, f"<code>{escape(version)}</code>") for name, version in sorted(report.versions.items())]
    return _kv_table(rows) + _io_table(report) + "<h3>Tool versions</h3>" + (_kv_table(versions) if versions else "<p>not recorded</p>")


def _trace_link(trace: str | None) -> str:
    if trace is None:
        return ""
    return (f'<p>Timeline of the first inference, layer by layer, and of the run\'s phases: '
            f'<a class="trace" href="{escape(trace)}">{escape(trace)}</a> (Trace Event Format: open it in Perfetto '
            "or Speedscope, or chrome://tracing).</p>")


def _io_table(report: BenchReport) -> str:
    """What a sketch feeding the model needs: each input and output's type and quantization."""
    if not report.io:
        return ""
    body = "".join(f"<tr><td>{t.role} {t.position}</td><td><code>{escape(t.name)}</code></td><td>{t.dtype}</td>"
                   f"<td>{list(t.shape)}</td><td class=\"n\">{t.scale:.9g}</td><td class=\"n\">{t.zero_point}</td></tr>"
                   for t in report.io)
    return ("<h3>Inputs and outputs</h3><table><thead><tr><th>tensor</th><th>name</th><th>dtype</th><th>shape</th>"
            f"<th>scale</th><th>zero point</th></tr></thead><tbody>{body}</tbody></table>"
            "<p class=\"note\">A real value x enters as round(x / scale) + zero point; an output q means "
            "scale &times; (q &minus; zero point). Scale 0: a float tensor.</p>")


def _outputs(report: BenchReport) -> str:
    """Each input's outputs on the device, dequantized, and the top class of a classifier."""
    tops = report.top_classes()
    rows = []
    for result, top in zip(report.results, tops):
        values = " | ".join(", ".join(f"{v:.4g}" for v in row[:SHOWN_VALUES]) + (" ..." if len(row) > SHOWN_VALUES else "")
                            for row in result.values)
        cls = "" if top is None else f"{top[0]}{f' ({top[1]})' if top[1] else ''}"
        rows.append(f"<tr><td class=\"n\">{result.index}</td><td>{escape(values)}</td><td>{escape(cls)}</td></tr>")
    table = (f"<table><thead><tr><th>input</th><th>outputs (dequantized)</th><th>top class</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    return f"<details><summary>{len(rows)} inputs</summary>{table}</details>" if len(rows) > 20 else table


def _profile(report: BenchReport) -> str:
    rows = layer_rows(report)
    if not rows:
        return "<p>No inputs ran, so there is no profile.</p>"
    label = report.count_label
    measured = ("DWT cycles measured on the board" if label != "instructions"
                else "instructions (one DWT count each) and the engine's estimated Cortex-M4 cycles "
                     "(docs/cycle-model.md; an estimate, never a measurement)")
    parts = [_figure(figures.layer_chart(rows, label), f"per-layer {label} and estimated cycles",
                     f"Per layer, first input: {measured}.")]
    ordered = sorted(rows, key=lambda r: (-r.instructions, r.index))
    body = "".join(
        f"<tr><td class=\"n\" data-value=\"{r.index}\">{r.index}</td><td>{escape(r.op)}</td>"
        f"<td class=\"wrap\" title=\"{escape(r.output)}\">{escape(r.short_output)}</td>"
        f"{_n(r.instructions)}{_pct(r.instructions_share)}{_n(r.estimated_cycles)}{_pct(r.cycles_share)}"
        f"{_n(r.macs)}{_n(None if not r.macs else round(r.instructions / r.macs, 2))}</tr>"
        for r in ordered
    )
    head = "".join(f'<th class="sortable">{h}</th>' for h in (
        "#", "op", "output tensor", label, "% of total", "est. cycles", "% of cycles", "MACs",
        "instr/MAC" if label == "instructions" else "count/MAC"))
    parts.append(f"<p class=\"note\">Sorted by {label}, most first; click a header to sort by it "
                 "(\"#\" gives execution order).</p>")
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    ops = op_profiles(report.profile())
    total = sum(o.instructions for o in ops) or 1
    op_body = "".join(
        f"<tr><td>{escape(o.op_name)}</td>{_n(o.layers)}{_n(o.instructions)}{_pct(o.instructions / total)}"
        f"{_n(o.estimated_cycles)}{_n(o.macs)}</tr>"
        for o in sorted(ops, key=lambda o: -o.instructions)
    )
    parts.append(f"<h3>Per operator type</h3><table><thead><tr><th>op type</th><th>layers</th><th>{label}</th>"
                 f"<th>% of total</th><th>est. cycles</th><th>MACs</th></tr></thead><tbody>{op_body}</tbody></table>")
    return "".join(parts)


def _memory(report: BenchReport) -> str:
    m = report.memory
    parts = [_figure(figures.memory_chart(m), "flash and RAM use",
                     f"flash {m.flash_bytes:,} of {m.flash_limit:,} B; RAM {m.ram_bytes:,} of {m.ram_limit:,} B, "
                     f"of which the tensor arena is {m.arena_bytes:,} B.")]
    weighted = [layer for layer in report.layers if layer.weight_layout]
    if weighted:
        rows = "".join(
            f"<tr>{_n(layer.index)}<td>{escape(layer.op_name)}</td><td>{escape(layer.weight_layout)}</td>"
            f"{_n(layer.flash_bytes)}</tr>" for layer in weighted)
        parts.append(f"<h3>Flash per weighted layer (optimize {escape(report.config.optimize)})</h3>"
                     "<p>int16: weights expanded for the DSP kernel; int8: kept as in the model "
                     "(generator/layout.py).</p><table><thead><tr><th>layer</th><th>op</th><th>weights</th>"
                     f"<th>flash (B)</th></tr></thead><tbody>{rows}</tbody></table>")
    tensors = report.tensors
    if not tensors:
        parts.append("<p>No arena map recorded for this run.</p>")
        return "".join(parts)
    parts.append(_figure(figures.arena_chart(tensors, len(report.layers), m.arena_bytes), "arena map",
                         "Our planner's arena: each buffer spans its byte offsets (up) over the layers it is "
                         "alive for (across); buffers whose lifetimes do not overlap share bytes."))
    body = "".join(
        f"<tr><td class=\"n\" data-value=\"{t.tensor}\">{t.tensor if t.tensor >= 0 else '-'}</td>"
        f"<td class=\"wrap\" title=\"{escape(t.name)}\">{escape(figures.tensor_label(t))}</td>"
        f"<td>{escape(t.kind)}</td>{_n(t.offset)}{_n(t.size)}{_n(t.end)}{_n(t.first_layer)}{_n(t.last_layer)}</tr>"
        for t in tensors
    )
    head = "".join(f'<th class="sortable">{h}</th>' for h in (
        "tensor", "name", "kind", "offset", "size (B)", "end", "first layer", "last layer"))
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return "".join(parts)


def _errors(report: BenchReport) -> str:
    png = figures.error_histograms(report)
    if png is None:
        return ""
    rows = "".join(
        f"<tr><td class=\"n\">{r.index}</td><td class=\"n\">{o.index}</td>{_n(o.vs_tflm.mismatches)}"
        f"{_n(o.vs_tflm.max_diff)}<td>{escape(o.vs_tflm.unit)}</td>"
        f"<td>{'yes' if o.vs_tflm.within_tolerance else 'no'}</td></tr>"
        for r in report.results for o in r.outputs if not o.vs_tflm.exact
    )
    return (_figure(png, "output error histograms",
                    f"Signed difference device - TFLM over every differing element (integer outputs in LSB "
                    f"must be 0; float32 outputs pass within {FLOAT_TOLERANCE_ULP} ULP).")
            + "<table><thead><tr><th>input</th><th>output</th><th>differing</th><th>max diff</th><th>unit</th>"
            f"<th>within tolerance</th></tr></thead><tbody>{rows}</tbody></table>")


def _checks(checks: Sequence[CheckResult], notes: Sequence[str]) -> str:
    parts = [f"<p class=\"note\">{escape(n)}</p>" for n in notes]
    rows = "".join(
        f"<tr class=\"{c.status}\"><td>{escape(c.name)}</td><td>{c.status}</td><td>{escape(c.message)}"
        + "".join(f"<br>{escape(d)}" for d in c.details) + "</td></tr>"
        for c in checks
    )
    parts.append(f"<table><thead><tr><th>check</th><th>result</th><th>details</th></tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)


def render_html(report: BenchReport, checks: Sequence[CheckResult] = (), notes: Sequence[str] = (),
                trace: str | None = None) -> str:
    """The page; `trace` is the path of a timeline (Trace Event Format) relative to the page."""
    name = Path(report.model).name
    sections = [
        ("verdict", "Verdict", _verdict(report, checks)),
        ("identity", "Model, firmware and tools", _identity(report)),
        *([("outputs", "Outputs on the device", _outputs(report))] if any(r.values for r in report.results) else []),
        ("profile", "Profile", _profile(report) + _trace_link(trace)),
        ("memory", "Memory", _memory(report)),
    ]
    errors = _errors(report)
    if errors:
        sections.append(("errors", "Output errors against TFLM", errors))
    if checks or notes:
        sections.append(("checks", "Baseline and budget checks", _checks(checks, notes)))
    body = "".join(f'<section id="{sid}"><h2>{escape(title)}</h2>{content}</section>' for sid, title, content in sections)
    ok = passed(report, checks)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>tflm-bench {'PASS' if ok else 'FAIL'}: {escape(name)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>tflm-bench: {escape(name)}</h1><p class=\"note\">{escape(configuration_line(report))}</p>"
        f"{body}<script>{_SORT_SCRIPT}</script></body></html>\n"
    )
