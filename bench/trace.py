"""Timelines in the Trace Event Format (the JSON that Perfetto, Speedscope and chrome://tracing open).

Two tracks: the device, one slice per layer of one inference, laid end to end at the board's
clock (estimated cycles when the engine has a cycle model, else the counts the firmware read);
and the host, one slice per phase of the run (build, boot, inputs, oracles) in wall time.
Timestamps and durations are microseconds, as the format requires.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .report import BenchReport

DEVICE_PID = 1
HOST_PID = 2


@dataclass(frozen=True)
class LayerSlice:
    """One layer of the traced inference."""

    index: int
    op_name: str
    cycles: int
    macs: int = 0
    output: str = ""  # the layer's output tensor name


@dataclass(frozen=True)
class Phase:
    """A phase of the run on the host, in seconds since the run started."""

    name: str
    start_s: float
    seconds: float


@dataclass
class PhaseClock:
    """Records the phases of a run in wall time, from the clock's creation."""

    started: float = field(default_factory=time.monotonic)
    phases: list[Phase] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        begin = time.monotonic()
        try:
            yield
        finally:
            self.phases.append(Phase(name, begin - self.started, time.monotonic() - begin))


def layer_events(layers: Sequence[LayerSlice], clock_hz: int, cycles_kind: str) -> list[dict[str, object]]:
    """Complete events ("X") end to end from 0: each lasts its cycles at `clock_hz`."""
    events: list[dict[str, object]] = []
    at = 0
    for layer in layers:
        events.append({
            "name": f"L{layer.index} {layer.op_name}", "cat": "layer", "ph": "X",
            "ts": at * 1e6 / clock_hz, "dur": layer.cycles * 1e6 / clock_hz,
            "pid": DEVICE_PID, "tid": 1,
            "args": {"layer": layer.index, "operator": layer.op_name, cycles_kind: layer.cycles,
                     "macs": layer.macs, **({"output": layer.output} if layer.output else {})},
        })
        at += layer.cycles
    return events


def phase_events(phases: Sequence[Phase]) -> list[dict[str, object]]:
    return [{"name": p.name, "cat": "phase", "ph": "X", "ts": p.start_s * 1e6, "dur": p.seconds * 1e6,
             "pid": HOST_PID, "tid": 1, "args": {}} for p in phases]


def _names(pid: int, process: str, thread: str) -> list[dict[str, object]]:
    return [
        {"name": "process_name", "ph": "M", "pid": pid, "tid": 1, "args": {"name": process}},
        {"name": "thread_name", "ph": "M", "pid": pid, "tid": 1, "args": {"name": thread}},
    ]


def trace_document(model: str, layers: Sequence[LayerSlice], clock_hz: int, cycles_kind: str,
                   phases: Sequence[Phase] = ()) -> dict[str, object]:
    """The whole trace: metadata naming both tracks, the layer slices and the run's phases."""
    events = _names(DEVICE_PID, f"device: {model}", f"one inference ({cycles_kind} at {clock_hz / 1e6:g} MHz)")
    events += layer_events(layers, clock_hz, cycles_kind)
    if phases:
        events += _names(HOST_PID, "host: tflm-bench", "phases (wall time)")
        events += phase_events(phases)
    return {"traceEvents": events, "displayTimeUnit": "ms",
            "otherData": {"model": model, "clock_hz": clock_hz, "cycles": cycles_kind}}


def write_trace(path: Path, document: dict[str, object]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path


def report_trace(report: BenchReport, phases: Sequence[Phase] = ()) -> dict[str, object]:
    """The first input's layers as the device ran them, and the run's phases.

    Slices last the engine's estimated cycles at the board clock; without an estimate (Renode)
    the counts the firmware read, labelled as what they are."""
    profile = report.profile()
    estimated = bool(profile) and all(p.estimated_cycles is not None for p in profile)
    kind = "estimated cycles" if estimated else report.count_label
    names = report.layer_outputs
    layers = [LayerSlice(p.index, p.op_name, int(p.estimated_cycles if estimated else p.instructions), p.macs,
                         names[p.index] if p.index < len(names) else "") for p in profile]
    return trace_document(Path(report.model).name, layers, report.config.clock_hz, kind, phases)
