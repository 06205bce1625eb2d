"""A/B in one run: our runtime (both kernel sets) and each given TFLM library on the same inputs.

Every variant is one BenchSession on the same engine, fed the same samples, checked against
the same host TFLM oracle. Per variant: the verdict (bit-exact, within the float tolerance, or
the outputs that differ), instructions and estimated cycles per inference and per operator
type, the arena (our plan, or TFLM's smallest arena and its arena_used_bytes), flash and RAM.
A CMSIS-NN library is meant to be bit-exact with TFLM's reference kernels; this is where
that is checked.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from tflm_bench.generator import GeneratorError, KernelSet, Runtime, fixed_input_values

from .compare import FLOAT_TOLERANCE_ULP
from .errors import BenchError
from .inputs import load_inputs, random_inputs
from .profile import op_profiles
from .report import BenchReport, instructions_unit
from .session import BenchOptions, BenchSession, float_input_ranges


@dataclass(frozen=True)
class Variant:
    name: str
    options: BenchOptions


@dataclass(frozen=True)
class OpTypeCounts:
    op_name: str
    layers: int
    instructions: int
    estimated_cycles: int | None


@dataclass(frozen=True)
class VariantResult:
    name: str
    runtime: str
    kernels: str
    library: dict | None  # the TFLM library's identity, None for our runtime
    verdict: str  # "bit-exact", "within N ULP", "MISMATCH" or "not run"
    bit_exact: bool
    passed: bool
    findings: tuple[str, ...]  # per output that differs: "input i output j: ..."; or why it did not run
    instructions: int | None  # per inference, first input
    instructions_max: int | None
    estimated_cycles: int | None
    op_types: tuple[OpTypeCounts, ...]
    arena_bytes: int | None  # ours: the planned arena; TFLM: the arena given (the smallest found)
    tflm_arena_used_bytes: int | None  # TFLM's arena_used_bytes()
    flash_bytes: int | None
    ram_bytes: int | None


@dataclass(frozen=True)
class Comparison:
    model: str
    engine: str
    inputs: int
    variants: tuple[VariantResult, ...]
    notes: tuple[str, ...] = field(default=())
    count_unit: str = "instructions"  # what the counts are on the board the variants ran on

    @property
    def all_passed(self) -> bool:
        """Every variant that ran agrees with TFLM (bit-exact; float32 within the tolerance)."""
        ran = [v for v in self.variants if v.verdict != "not run"]
        return bool(ran) and all(v.passed for v in ran)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["count_unit"]  # written last, as before the board gave it
        data["all_passed"] = self.all_passed
        data["float_tolerance_ulp"] = FLOAT_TOLERANCE_ULP
        data["count_unit"] = f"{self.count_unit}, first input"
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def format_text(self) -> str:
        head = (f"{'variant':<28} {'verdict':<12} {'instructions':>12} {'est. cycles':>12} "
                f"{'arena B':>9} {'TFLM used B':>11} {'flash B':>9} {'RAM B':>9}")
        lines = [f"model {self.model}, engine {self.engine}, {self.inputs} inputs, same for every variant", "", head]
        for v in self.variants:
            lines.append(f"{v.name:<28} {v.verdict:<12} {_n(v.instructions):>12} {_n(v.estimated_cycles):>12} "
                         f"{_n(v.arena_bytes):>9} {_n(v.tflm_arena_used_bytes):>11} {_n(v.flash_bytes):>9} "
                         f"{_n(v.ram_bytes):>9}")
        ran = [v for v in self.variants if v.op_types]
        if ran:
            names: list[str] = []
            for v in ran:
                names += [o.op_name for o in v.op_types if o.op_name not in names]
            lines += ["", "instructions / estimated cycles per operator type (first input):",
                      f"{'op type':<18}" + "".join(f" {v.name[:27]:>27}" for v in ran)]
            for name in names:
                cells = []
                for v in ran:
                    o = next((o for o in v.op_types if o.op_name == name), None)
                    cells.append("-" if o is None else f"{o.instructions:,} / {_n(o.estimated_cycles)}")
                lines.append(f"{name:<18}" + "".join(f" {c:>27}" for c in cells))
        findings = [(v.name, f) for v in self.variants for f in v.findings]
        if findings:
            lines += ["", "findings:"] + [f"  {name}: {text}" for name, text in findings]
        lines += [""] + list(self.notes)
        lines.append("verdict: " + ("every variant agrees with TFLM" if self.all_passed else
                                    "NOT every variant agrees with TFLM (see findings)"))
        return "\n".join(lines)


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def tflm_variant(base: BenchOptions, library: Path, include_dirs: tuple[Path, ...]) -> Variant:
    """The variant running `library` (checked here), named after its kernels and hash."""
    options = replace(base, runtime=Runtime.TFLM, tflm_lib=library, tflm_include=include_dirs, tflm=None)
    lib = options.tflm.library  # type: ignore[union-attr]
    return Variant(f"tflm/{lib.kernels} {lib.sha256[:8]}", options)


def variants(base: BenchOptions, libraries: list[Path], include_dirs: tuple[Path, ...]) -> list[Variant]:
    """Our runtime with each kernel set, then one variant per TFLM library (checked here)."""
    found = [Variant(f"generated/{k}", replace(base, runtime=Runtime.GENERATED, kernels=k, tflm=None))
             for k in (KernelSet.OPTIMIZED, KernelSet.REFERENCE)]
    return found + [tflm_variant(base, library, include_dirs) for library in libraries]


def variant_result(variant: Variant, report: BenchReport) -> VariantResult:
    """One variant's verdict and figures from its report (scripts/benchmark_kernels.py uses it too)."""
    results = report.results
    findings = tuple(
        f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} values differ "
        f"(max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
        for r in results for o in r.outputs if not o.vs_tflm.exact
    )
    exact, passed = report.all_bit_exact, report.all_passed
    verdict = "bit-exact" if exact else (f"within {FLOAT_TOLERANCE_ULP} ULP" if passed else "MISMATCH")
    ops = tuple(OpTypeCounts(o.op_name, o.layers, o.instructions, o.estimated_cycles) for o in op_profiles(report.profile()))
    first = results[0] if results else None
    return VariantResult(
        name=variant.name, runtime=report.config.runtime, kernels=report.config.kernels,
        library=report.config.tflm_library, verdict=verdict, bit_exact=exact, passed=passed, findings=findings,
        instructions=first.instructions if first else None,
        instructions_max=max(r.instructions for r in results) if results else None,
        estimated_cycles=first.estimated_cycles if first else None, op_types=ops,
        arena_bytes=report.arena.given_bytes if report.arena else report.memory.arena_bytes,
        tflm_arena_used_bytes=report.arena.used_bytes if report.arena else None,
        flash_bytes=report.memory.flash_bytes, ram_bytes=report.memory.ram_bytes,
    )


def _not_run(variant: Variant, reason: str) -> VariantResult:
    return VariantResult(variant.name, str(variant.options.runtime), str(variant.options.kernels), None, "not run",
                         False, False, (reason,), None, None, None, (), None, None, None, None)


def compare_runtimes(model: Path, base: BenchOptions, libraries: list[Path], include_dirs: tuple[Path, ...] = (),
                     inputs_path: Path | None = None, count: int = 3, seed: int = 0) -> Comparison:
    """Run every variant on the same samples; a variant our runtime cannot build is 'not run'."""
    chosen = variants(base, libraries, include_dirs)
    samples: list[list[np.ndarray]] | None = None
    results: list[VariantResult] = []
    notes: list[str] = []
    unit = ""
    if not libraries:
        notes.append("no TFLM library given (--tflm-lib or TFLM_LIB): only our runtime was compared")
    for variant in chosen:
        session = BenchSession(model, variant.options)
        try:
            device = session.start()
        except GeneratorError as error:
            if variant.options.runtime is Runtime.GENERATED:
                results.append(_not_run(variant, str(error)))  # e.g. an operator only TFLM has
                continue
            raise
        try:
            if samples is None:
                info = device.info()
                samples = (load_inputs(inputs_path, info.inputs).samples if inputs_path else
                           random_inputs(info.inputs, count, seed, float_input_ranges(session.model),
                                         fixed_input_values(session.model)))
            report = session.report(session.run_samples(samples))
        finally:
            session.stop()
        unit = instructions_unit(report.config.board)
        results.append(variant_result(variant, report))
    if samples is None:
        raise BenchError(f"no variant could run {model}")
    return Comparison(str(model), str(base.engine), len(samples), tuple(results), tuple(notes), unit)
