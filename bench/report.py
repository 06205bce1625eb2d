"""The bench's verdict for one run: per-input results, counts and memory, as text or JSON."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from tflm_bench.generator.firmware_build import LayerInfo, MemoryUse

from .compare import Difference


@dataclass(frozen=True)
class OutputResult:
    index: int
    vs_tflm: Difference
    vs_tflite_ref: Difference | None


@dataclass(frozen=True)
class InputResult:
    index: int
    outputs: tuple[OutputResult, ...]
    instructions: int  # DWT CYCCNT delta around the invoke: one count per executed instruction
    layer_instructions: tuple[int, ...]

    @property
    def bit_exact(self) -> bool:
        return all(o.vs_tflm.exact for o in self.outputs)


@dataclass(frozen=True)
class BenchReport:
    model: str
    model_sha256: str
    engine: str
    firmware: str
    firmware_reused: bool
    memory: MemoryUse
    layers: tuple[LayerInfo, ...]
    results: tuple[InputResult, ...]

    @property
    def all_bit_exact(self) -> bool:
        return all(r.bit_exact for r in self.results)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["all_bit_exact"] = self.all_bit_exact
        data["count_unit"] = "instructions (DWT CYCCNT at 64 MHz with PerformanceInMips 64)"
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def format_text(self) -> str:
        m = self.memory
        lines = [
            f"model     {self.model} (sha256 {self.model_sha256[:16]})",
            f"engine    {self.engine}",
            f"firmware  {self.firmware}{' (reused)' if self.firmware_reused else ''}",
            f"memory    flash {m.flash_bytes:,} / {m.flash_limit:,} B, RAM {m.ram_bytes:,} / {m.ram_limit:,} B "
            f"(arena {m.arena_bytes:,} B)",
            "",
            f"{'input':>5}  {'verdict vs TFLM':<18} {'instructions':>12}  TFLite BUILTIN_REF",
        ]
        for result in self.results:
            verdict = "bit-exact" if result.bit_exact else "MISMATCH " + ", ".join(
                f"out{o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
                for o in result.outputs
                if not o.vs_tflm.exact
            )
            lines.append(f"{result.index:>5}  {verdict:<18} {result.instructions:>12,}  {_tflite_note(result)}")
        lines += ["", "per-layer instructions (first input):", f"{'layer':>5}  {'op':<18} {'operator':>8} {'instructions':>12}"]
        if self.results:
            for layer, count in zip(self.layers, self.results[0].layer_instructions):
                lines.append(f"{layer.index:>5}  {layer.op_name:<18} {'#' + str(layer.operator_index):>8} {count:>12,}")
        exact = sum(r.bit_exact for r in self.results)
        counts = [r.instructions for r in self.results]
        lines += ["", f"verdict: {exact}/{len(self.results)} inputs bit-exact with TFLM"]
        if counts:
            lines.append(f"instructions per inference: min {min(counts):,}, max {max(counts):,}")
        lines.append(_tflite_summary(self.results))
        return "\n".join(lines)


def _tflite_note(result: InputResult) -> str:
    diffs = [o.vs_tflite_ref for o in result.outputs if o.vs_tflite_ref is not None]
    if not diffs:
        return "not run"
    if all(d.exact for d in diffs):
        return "same"
    return ", ".join(f"{d.mismatches} differ (max {d.max_diff} {d.unit})" for d in diffs if not d.exact)


def _tflite_summary(results: tuple[InputResult, ...]) -> str:
    diffs = [o.vs_tflite_ref for r in results for o in r.outputs if o.vs_tflite_ref is not None]
    if not diffs:
        return "TFLite BUILTIN_REF: not run"
    differing = sum(d.mismatches for d in diffs)
    if differing == 0:
        return "TFLite BUILTIN_REF: agrees on every output"
    worst = max(d.max_diff for d in diffs)
    return (
        f"TFLite BUILTIN_REF: {differing} output values differ (max {worst} {diffs[0].unit}); "
        "expected where TFLite's reference kernels round differently from TFLM (FULLY_CONNECTED)"
    )
