"""Baselines: a model's recorded figures, and a run's regressions and improvements against them.

A baseline file holds one entry per model (by SHA-256) and configuration (kernel set, engine,
runtime): the verdict, instructions and estimated cycles per inference and per layer (the worst
input of the run), arena, flash and RAM bytes, and an accuracy slot (null until the bench
measures one). The JSON is sorted and has no timestamps, so re-saving unchanged figures gives an
identical file and a changed figure is a one-line diff.

Which entry a run is compared with: the entry of the same model and configuration when there is
one; otherwise another entry of the same model, with the configuration difference recorded as a
note. A baseline states what a deployment of that model achieved, so a run that changed the
configuration - a CI job switched to `--kernels reference`, say - is exactly what it should
catch, not an input error. The model is found by SHA-256 first, then by file name (a retrained
model keeps its name; that is noted too). A run whose model has no entry at all is an error
(exit 2) naming the models the file has, unless the baseline is being updated.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import CheckResult, checks_summary
from .errors import BenchError
from .memory_map import short_name
from .io_view import IoTensor
from .report import BenchReport

FORMAT = "tflm-bench-baseline"
VERSION = 1


class BaselineError(BenchError):
    """A baseline file that cannot be used: missing, malformed, or without this model."""


class ToleranceError(BaselineError):
    """A --tolerance string that does not parse."""


# -- tolerances -----------------------------------------------------------------------------------

# metric -> units it accepts; "" is an absolute amount (instructions, cycles or bytes).
_UNITS: dict[str, tuple[str, ...]] = {
    "instructions": ("%", ""),
    "cycles": ("%", ""),
    "arena": ("%", ""),
    "flash": ("%", ""),
    "ram": ("%", ""),
    "accuracy": ("pp",),
    "energy": ("%", ""),  # "" : microjoules
}
DEFAULT_TOLERANCE = "instructions=1%,cycles=1%,arena=0,flash=0,ram=0,accuracy=0.5pp,energy=1%"
_ITEM = re.compile(r"^\s*([a-z_]+)\s*=\s*([0-9]+(?:\.[0-9]+)?)\s*(%|pp)?\s*$")


@dataclass(frozen=True)
class Limit:
    """How much worse a metric may get: `value` percent of the old figure, absolute, or points."""

    metric: str
    value: float
    unit: str  # "%", "" (absolute) or "pp" (accuracy percentage points)

    def allowed(self, old: float) -> float:
        if self.unit == "%":
            return abs(old) * self.value / 100
        if self.unit == "pp":
            return self.value / 100  # accuracy is a fraction in [0, 1]
        return self.value

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}{self.unit}" if self.unit else number


@dataclass(frozen=True)
class Tolerance:
    limits: dict[str, Limit]

    def __getitem__(self, metric: str) -> Limit:
        return self.limits[metric]

    def __str__(self) -> str:
        return ",".join(f"{m}={self.limits[m]}" for m in _UNITS)


def parse_tolerance(text: str | None) -> Tolerance:
    """`instructions=1%,cycles=1%,arena=0,flash=0,accuracy=0.5pp,energy=1%`; unnamed metrics keep defaults."""
    limits = dict(_parse_items(DEFAULT_TOLERANCE))
    if text:
        limits.update(_parse_items(text))
    return Tolerance(limits)


def _parse_items(text: str) -> list[tuple[str, Limit]]:
    items = []
    for raw in text.split(","):
        if not raw.strip():
            continue
        match = _ITEM.match(raw)
        if match is None:
            raise ToleranceError(
                f"tolerance {raw.strip()!r} is not METRIC=NUMBER[%|pp]; "
                f"e.g. --tolerance {DEFAULT_TOLERANCE}"
            )
        metric, number, unit = match.group(1), float(match.group(2)), match.group(3) or ""
        if metric not in _UNITS:
            raise ToleranceError(f"tolerance names unknown metric {metric!r}; known: {', '.join(_UNITS)}")
        if unit not in _UNITS[metric]:
            accepted = " or ".join(f"'{u}'" if u else "a plain number" for u in _UNITS[metric])
            raise ToleranceError(f"tolerance {raw.strip()!r}: {metric} takes {accepted}")
        items.append((metric, Limit(metric, number, unit)))
    return items


# -- entries --------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Configuration:
    kernels: str
    engine: str
    runtime: str

    def __str__(self) -> str:
        return f"kernels={self.kernels}, engine={self.engine}, runtime={self.runtime}"

    def differences(self, other: Configuration) -> list[str]:
        return [f"{name} {getattr(other, name)} -> {getattr(self, name)}"
                for name in ("kernels", "engine", "runtime") if getattr(self, name) != getattr(other, name)]


@dataclass(frozen=True)
class LayerFigures:
    index: int
    op: str
    output: str  # short output tensor name
    instructions: int
    estimated_cycles: int | None
    fused_into: int | None = None  # a CONV_2D run inside the MAX_POOL_2D after it: that layer's index

    @property
    def label(self) -> str:
        return f"layer {self.index} {self.op} {self.output}".rstrip()


@dataclass(frozen=True)
class BaselineEntry:
    model: str  # file name, the fallback key when the model's bytes changed
    model_sha256: str
    configuration: Configuration
    verdict: str  # "pass" or "fail"
    inputs: int
    instructions: int  # per inference, worst input
    estimated_cycles: int | None
    layers: tuple[LayerFigures, ...]
    arena_bytes: int
    flash_bytes: int
    ram_bytes: int
    accuracy: float | None = None  # fraction in [0, 1], from `evaluate` (device accuracy of the variant)
    # Each I/O tensor as "input 0 int8 [1, 49, 10, 1] scale 0.1 zero point -128": a change is a
    # regression of its own (a float model saved over an int8 one); empty in older baselines.
    io: tuple[str, ...] = ()
    energy_uj: float | None = None  # estimated energy per inference (bench/energy.py), worst input

    @property
    def key(self) -> tuple[str, Configuration]:
        return (self.model_sha256, self.configuration)

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "model_sha256": self.model_sha256,
            "configuration": {"kernels": self.configuration.kernels, "engine": self.configuration.engine,
                              "runtime": self.configuration.runtime},
            "verdict": self.verdict,
            "inputs": self.inputs,
            "instructions": self.instructions,
            "estimated_cycles": self.estimated_cycles,
            "layers": [{"index": layer.index, "op": layer.op, "output": layer.output,
                        "instructions": layer.instructions, "estimated_cycles": layer.estimated_cycles,
                        **({"fused_into": layer.fused_into} if layer.fused_into is not None else {})}
                       for layer in self.layers],
            "arena_bytes": self.arena_bytes,
            "flash_bytes": self.flash_bytes,
            "ram_bytes": self.ram_bytes,
            "accuracy": self.accuracy,
            "io": list(self.io),
            "energy_uj": self.energy_uj,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BaselineEntry:
        config = data["configuration"]
        return cls(
            model=str(data["model"]),
            model_sha256=str(data["model_sha256"]),
            configuration=Configuration(str(config["kernels"]), str(config["engine"]), str(config["runtime"])),
            verdict=str(data["verdict"]),
            inputs=int(data["inputs"]),
            instructions=int(data["instructions"]),
            estimated_cycles=None if data.get("estimated_cycles") is None else int(data["estimated_cycles"]),
            layers=tuple(
                LayerFigures(int(layer["index"]), str(layer["op"]), str(layer.get("output", "")),
                             int(layer["instructions"]),
                             None if layer.get("estimated_cycles") is None else int(layer["estimated_cycles"]),
                             None if layer.get("fused_into") is None else int(layer["fused_into"]))
                for layer in data.get("layers", [])
            ),
            arena_bytes=int(data["arena_bytes"]),
            flash_bytes=int(data["flash_bytes"]),
            ram_bytes=int(data["ram_bytes"]),
            accuracy=None if data.get("accuracy") is None else float(data["accuracy"]),
            io=tuple(str(t) for t in data.get("io", ())),
            energy_uj=None if data.get("energy_uj") is None else float(data["energy_uj"]),
        )


def configuration_of(report: BenchReport) -> Configuration:
    return Configuration(report.kernels or "unknown", report.engine, report.runtime or "generated")


def entry_from_report(report: BenchReport) -> BaselineEntry:
    """The figures a baseline keeps for one run: worst input per inference and per layer."""
    if not report.results:
        raise BaselineError(f"{report.model}: the run has no inputs, so there is nothing to record")
    results = report.results
    cycles = [r.estimated_cycles for r in results]
    layer_cycles = [r.layer_estimated_cycles for r in results]
    names = report.layer_outputs
    fused = dict(report.fused_layers)
    layers = []
    for i, info in enumerate(report.layers):
        per_input = [r.layer_instructions[i] for r in results if i < len(r.layer_instructions)]
        if not per_input:
            continue
        estimated = None
        if all(c is not None and i < len(c) for c in layer_cycles):
            estimated = max(c[i] for c in layer_cycles if c is not None)
        output = short_name(names[i]) if i < len(names) else ""
        layers.append(LayerFigures(info.index, info.op_name, output, max(per_input), estimated,
                                   fused.get(info.operator_index)))
    return BaselineEntry(
        model=Path(report.model).name,
        model_sha256=report.model_sha256,
        configuration=configuration_of(report),
        verdict="pass" if report.all_passed else "fail",
        inputs=len(results),
        instructions=max(r.instructions for r in results),
        estimated_cycles=None if any(c is None for c in cycles) else max(c for c in cycles if c is not None),
        layers=tuple(layers),
        arena_bytes=report.memory.arena_bytes,
        flash_bytes=report.memory.flash_bytes,
        ram_bytes=report.memory.ram_bytes,
        io=tuple(io_signature(t) for t in report.io),
        energy_uj=round(report.energy.microjoules, 3) if report.energy is not None else None,
    )


def io_signature(tensor: IoTensor) -> str:
    """What a sketch feeding the model relies on: role, type, shape and quantization."""
    quant = f" scale {tensor.scale:.9g} zero point {tensor.zero_point}" if tensor.quantized else ""
    return f"{tensor.role} {tensor.position} {tensor.dtype} {list(tensor.shape)}{quant}"


# -- the file -------------------------------------------------------------------------------------


@dataclass
class Baseline:
    entries: list[BaselineEntry] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise BaselineError(
                f"no baseline file {path}: record one with `tflm-bench baseline save MODEL -o {path}` "
                f"or add --update-baseline"
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"cannot read baseline {path}: {exc}") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BaselineError(f"{path} is not a tflm-bench baseline (no \"format\": \"{FORMAT}\")")
        if data.get("version") != VERSION:
            raise BaselineError(f"{path} has baseline version {data.get('version')}; this bench reads {VERSION}")
        try:
            return cls([BaselineEntry.from_json(e) for e in data.get("entries", [])])
        except (KeyError, TypeError, ValueError) as exc:
            raise BaselineError(f"{path}: malformed baseline entry ({exc!r}); re-save it") from None

    @classmethod
    def load_or_empty(cls, path: Path) -> Baseline:
        return cls.load(path) if Path(path).exists() else cls()

    def to_json(self) -> str:
        ordered = sorted(self.entries, key=lambda e: (e.model, e.model_sha256, e.configuration))
        data = {"format": FORMAT, "version": VERSION, "entries": [e.to_json() for e in ordered]}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json())

    def upsert(self, entry: BaselineEntry) -> BaselineEntry | None:
        """Add `entry`, replacing the one with its model and configuration; returns the replaced one."""
        for i, old in enumerate(self.entries):
            if old.key == entry.key:
                self.entries[i] = entry
                return old
        self.entries.append(entry)
        return None

    def describe(self) -> str:
        if not self.entries:
            return "the baseline is empty"
        return "; ".join(f"{e.model} [{e.configuration}]" for e in sorted(self.entries, key=lambda e: (e.model, e.configuration)))

    def match(self, run: BaselineEntry) -> tuple[BaselineEntry, list[str]]:
        """The entry to compare the `run`'s figures with, and notes on how it differs from the run."""
        config = run.configuration
        name = run.model
        notes: list[str] = []
        candidates = [e for e in self.entries if e.model_sha256 == run.model_sha256]
        if not candidates:
            candidates = [e for e in self.entries if e.model == name]
            if candidates:
                notes.append(f"model {name} changed since the baseline (sha256 {candidates[0].model_sha256[:16]} -> "
                             f"{run.model_sha256[:16]}); matched by file name")
        if not candidates:
            raise BaselineError(
                f"the baseline has no entry for model {name} (sha256 {run.model_sha256[:16]}); it has: "
                f"{self.describe()}. Add one with --update-baseline or `tflm-bench baseline save`"
            )

        def closeness(entry: BaselineEntry) -> tuple[int, int, int, Configuration]:
            c = entry.configuration
            # Kernel set first: it decides the figures most; then engine, then runtime.
            return (c.kernels != config.kernels, c.engine != config.engine, c.runtime != config.runtime, c)

        entry = min(candidates, key=closeness)
        if entry.configuration != config:
            notes.append(
                f"no baseline entry for this configuration ({config}); compared with the entry for "
                f"{entry.configuration} ({', '.join(config.differences(entry.configuration))})"
            )
        return entry, notes


# -- comparison -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One figure that moved: a regression beyond its tolerance, or an improvement."""

    metric: str  # e.g. "instructions per inference", "instructions"
    old: float
    new: float
    limit: Limit | None
    layer: str | None = None  # "layer 1 FULLY_CONNECTED dense_1" for a per-layer change
    detail: str = ""  # what changed, for a change that is not a number (inputs and outputs)

    def describe(self) -> str:
        where = f"{self.layer} {self.metric}" if self.layer else self.metric
        if self.metric == "verdict":
            return "verdict: pass -> fail (outputs differ from TFLM)"
        if self.detail:
            return f"{self.metric} changed: {self.detail}"
        if self.metric == "accuracy":
            moved = f"{self.old:.2%} -> {self.new:.2%} ({(self.new - self.old) * 100:+.2f}pp"
        else:
            percent = f", {(self.new - self.old) / self.old:+.1%}" if self.old else ""
            digits = 1 if "uJ" in self.metric else 0  # energy is fractional; counts and bytes are whole
            moved = (f"{self.old:,.{digits}f} -> {self.new:,.{digits}f} ({self.new - self.old:+,.{digits}f}"
                     f"{percent}")
        allowed = f", tolerance {self.limit}" if self.limit is not None else ""
        return f"{where}: {moved}{allowed})"


@dataclass(frozen=True)
class Comparison:
    entry: BaselineEntry
    configuration: Configuration
    notes: tuple[str, ...]
    regressions: tuple[Change, ...]
    improvements: tuple[Change, ...]
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return not self.regressions

    def format_text(self) -> str:
        lines = [f"baseline: {self.entry.model} [{self.entry.configuration}]"]
        lines += [f"  note: {n}" for n in self.notes]
        if self.regressions:
            lines.append(f"  REGRESSION: {checks_summary(self.checks)}:")
            lines += [f"    {c.describe()}" for c in self.regressions]
        if self.improvements:
            lines.append(f"  improved ({len(self.improvements)}; --update-baseline records them):")
            lines += [f"    {c.describe()}" for c in self.improvements]
        if not self.regressions:
            lines.append("  no regressions")
        return "\n".join(lines)


def _compare_value(metric: str, label: str, old: float | None, new: float | None, limit: Limit,
                   higher_is_better: bool = False, layer: str | None = None) -> tuple[Change | None, Change | None]:
    """(regression, improvement) for one figure; a lower count is better unless higher_is_better."""
    if old is None or new is None:
        return None, None
    worse = (old - new) if higher_is_better else (new - old)
    if worse > limit.allowed(old) + 1e-12:
        return Change(label, old, new, limit, layer), None
    if worse < 0:
        return None, Change(label, old, new, limit, layer)
    return None, None


def compare(report: BenchReport, baseline: Baseline, tolerance: Tolerance | None = None) -> Comparison:
    """Every baseline metric of `report` against its matching entry (see the module docstring)."""
    return compare_entry(entry_from_report(report), baseline, tolerance)


def compare_entry(run: BaselineEntry, baseline: Baseline, tolerance: Tolerance | None = None) -> Comparison:
    """Every figure of `run` (a run's, or an evaluated variant's) against its matching entry."""
    tolerance = tolerance or parse_tolerance(None)
    entry, notes = baseline.match(run)
    regressions: list[Change] = []
    improvements: list[Change] = []
    checks: list[CheckResult] = []

    def record(name: str, found: list[tuple[Change | None, Change | None]], skipped_because: str = "",
               summary: str = "") -> None:
        worse = [r for r, _ in found if r is not None]
        better = [i for _, i in found if i is not None]
        regressions.extend(worse)
        improvements.extend(better)
        if skipped_because:
            checks.append(CheckResult(f"baseline: {name}", True, skipped_because, skipped=True))
        elif worse:
            checks.append(CheckResult(f"baseline: {name}", False, worse[0].describe(),
                                      tuple(c.describe() for c in worse[1:])))
        else:
            checks.append(CheckResult(f"baseline: {name}", True, summary or "within tolerance",
                                      tuple(f"improved: {c.describe()}" for c in better)))

    # Verdict: a run that fails where the baseline passed regresses whatever its counts.
    verdict_change = Change("verdict", 1, 0, None) if entry.verdict == "pass" and run.verdict == "fail" else None
    if verdict_change is not None:
        regressions.append(verdict_change)
        checks.append(CheckResult("baseline: verdict", False, verdict_change.describe()))
    else:
        checks.append(CheckResult("baseline: verdict", True, f"verdict: {entry.verdict} -> {run.verdict}"))

    if entry.io and run.io and entry.io != run.io:
        # Not a figure that can be tolerated: a sketch feeding the old tensors feeds wrong data.
        changed = Change("inputs and outputs", 1, 0, None, detail="; ".join(
            f"{old} -> {new}" for old, new in zip(entry.io, run.io) if old != new) or
            f"{len(entry.io)} -> {len(run.io)} tensors")
        regressions.append(changed)
        checks.append(CheckResult("baseline: inputs and outputs", False, changed.describe()))
    elif entry.io and run.io:
        checks.append(CheckResult("baseline: inputs and outputs", True, "types, shapes and quantization unchanged"))

    record("instructions per inference", [_compare_value(
        "instructions per inference", "instructions per inference", entry.instructions, run.instructions,
        tolerance["instructions"])], summary=f"{entry.instructions:,} -> {run.instructions:,}")
    no_cycles = "" if entry.estimated_cycles is not None and run.estimated_cycles is not None else (
        "no estimated cycles on one side (an engine without a cycle model)")
    record("estimated cycles per inference", [_compare_value(
        "estimated cycles per inference", "estimated cycles per inference", entry.estimated_cycles,
        run.estimated_cycles, tolerance["cycles"])], no_cycles)

    same_layers = [(l.op) for l in entry.layers] == [(l.op) for l in run.layers]
    if not same_layers:
        notes.append(f"the layers differ from the baseline's ({len(entry.layers)} -> {len(run.layers)} layers, "
                     "or other operators): per-layer figures not compared")
    layer_skip = "" if same_layers else "the model's layers differ from the baseline's"
    pairs = list(zip(entry.layers, run.layers)) if same_layers else []
    fused = [(old, new) for old, new in pairs if old.fused_into != new.fused_into]
    for old, new in fused:
        # Its work moved into the pool layer (counted there): not an improvement of -100%.
        now = f"runs fused into layer {new.fused_into}" if new.fused_into is not None else "runs on its own"
        before = f"fused into layer {old.fused_into}" if old.fused_into is not None else "on its own"
        notes.append(f"{new.label} {now} (in the baseline: {before}); its figures are counted in that pair, "
                     "not compared layer by layer")
    pairs = [pair for pair in pairs if pair not in fused]
    record("per-layer instructions", [
        _compare_value("instructions", "instructions", old.instructions, new.instructions,
                       tolerance["instructions"], layer=new.label) for old, new in pairs], layer_skip)
    layer_cycles_skip = layer_skip or ("" if all(o.estimated_cycles is not None and n.estimated_cycles is not None
                                                 for o, n in pairs) else no_cycles or "no per-layer estimated cycles")
    record("per-layer estimated cycles", [] if layer_cycles_skip else [
        _compare_value("estimated cycles", "estimated cycles", old.estimated_cycles, new.estimated_cycles,
                       tolerance["cycles"], layer=new.label) for old, new in pairs], layer_cycles_skip)

    for name, metric, old_bytes, new_bytes in (
        ("arena bytes", "arena", entry.arena_bytes, run.arena_bytes),
        ("flash bytes", "flash", entry.flash_bytes, run.flash_bytes),
        ("RAM bytes", "ram", entry.ram_bytes, run.ram_bytes),
    ):
        record(name, [_compare_value(name, name, old_bytes, new_bytes, tolerance[metric])],
               summary=f"{old_bytes:,} -> {new_bytes:,} B")

    if entry.energy_uj is not None and run.energy_uj is not None:
        record("energy per inference", [_compare_value("energy per inference (uJ, estimated)",
                                                       "energy per inference (uJ, estimated)", entry.energy_uj,
                                                       run.energy_uj, tolerance["energy"])],
               summary=f"{entry.energy_uj:,.1f} -> {run.energy_uj:,.1f} uJ")

    if entry.accuracy is not None and run.accuracy is not None and not math.isnan(run.accuracy):
        record("accuracy", [_compare_value("accuracy", "accuracy", entry.accuracy, run.accuracy,
                                           tolerance["accuracy"], higher_is_better=True)])

    return Comparison(entry, run.configuration, tuple(notes), tuple(regressions), tuple(improvements), tuple(checks))


def update(path: Path, report: BenchReport) -> tuple[BaselineEntry, BaselineEntry | None]:
    """Record `report` in the baseline at `path` (created if absent); returns (new, replaced)."""
    baseline = Baseline.load_or_empty(path)
    entry = entry_from_report(report)
    replaced = baseline.upsert(entry)
    baseline.save(path)
    return entry, replaced
