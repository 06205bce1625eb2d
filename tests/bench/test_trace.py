"""Trace Event Format documents: the format's required fields, and layer slices whose durations
are their cycles at the board clock."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tflm_bench.trace import LayerSlice, Phase, trace_document, write_trace

# The Trace Event Format's required keys per phase type ("X" complete events, "M" metadata).
REQUIRED = {"X": {"name", "ph", "ts", "dur", "pid", "tid"}, "M": {"name", "ph", "pid", "args"}}


def check_trace_event_format(document: dict) -> None:
    """Fails unless `document` is a JSON-object trace every event of which has its required fields."""
    assert isinstance(document.get("traceEvents"), list)
    for event in document["traceEvents"]:
        missing = REQUIRED[event["ph"]] - event.keys()
        assert not missing, f"event {event} lacks {missing}"
        if event["ph"] == "X":
            assert isinstance(event["ts"], (int, float)) and event["dur"] >= 0


def test_layers_are_end_to_end_at_the_clock(tmp_path: Path) -> None:
    layers = [LayerSlice(0, "CONV_2D", 64_000, macs=1000), LayerSlice(1, "SOFTMAX", 640)]
    document = trace_document("m.tflite", layers, 64_000_000, "estimated cycles", [Phase("build", 0.0, 1.5)])
    path = write_trace(tmp_path / "t.json", document)
    loaded = json.loads(path.read_text())
    check_trace_event_format(loaded)
    slices = [e for e in loaded["traceEvents"] if e["ph"] == "X" and e["cat"] == "layer"]
    assert [(s["ts"], s["dur"]) for s in slices] == [(0.0, pytest.approx(1000.0)), (pytest.approx(1000.0), pytest.approx(10.0))]
    phases = [e for e in loaded["traceEvents"] if e["ph"] == "X" and e["cat"] == "phase"]
    assert phases[0]["dur"] == pytest.approx(1.5e6) and phases[0]["pid"] != slices[0]["pid"]


def test_the_checker_sees_a_missing_field() -> None:
    with pytest.raises(AssertionError, match="lacks"):
        check_trace_event_format({"traceEvents": [{"name": "x", "ph": "X", "ts": 0, "pid": 1, "tid": 1}]})


def test_a_kws_trace_has_one_slice_per_layer_at_the_board_clock(tmp_path: Path) -> None:
    from tflm_bench.cli import main

    root = Path(__file__).resolve().parents[2]
    trace, report = tmp_path / "kws.json", tmp_path / "run.json"
    html = tmp_path / "reports" / "kws.html"
    assert main(["run", str(root / "models" / "kws_dscnn_int8.tflite"), "--count", "1", "--no-tflite",
                 "--trace", str(trace), "--json", str(report), "--report", str(html)]) == 0
    assert 'class="trace" href="../kws.json"' in html.read_text()  # the report links the timeline
    document = json.loads(trace.read_text())
    check_trace_event_format(document)
    data = json.loads(report.read_text())
    clock = data["config"]["board"]["dwt_hz"]
    layers = [e for e in document["traceEvents"] if e.get("cat") == "layer"]
    profile = data["profile"]["layers"]
    assert len(layers) == len(profile) == len(data["layers"])
    for event, layer in zip(layers, profile):
        assert event["dur"] == pytest.approx(layer["estimated_cycles"] * 1e6 / clock)
        assert event["args"]["estimated cycles"] == layer["estimated_cycles"]
    # End to end: each slice starts where the one before ended.
    assert all(b["ts"] == pytest.approx(a["ts"] + a["dur"]) for a, b in zip(layers, layers[1:]))
    phases = [e["name"] for e in document["traceEvents"] if e.get("cat") == "phase"]
    assert phases[:3] == ["model intake", "build", "boot"] and phases[-1].endswith("inputs on the device and the oracles")
