"""The bench's verdict for one run: per-input results, counts and memory, as text or JSON."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from tflm_bench.board import core_clock_hz

from tflm_bench.generator import LayerInfo, MemoryUse

from .compare import FLOAT_TOLERANCE_ULP, Difference
from .energy import EnergyEstimate
from .io_view import IoTensor, format_outputs, top_class
from .memory_map import TensorPlacement
from .profile import LayerProfile, format_profile, layer_profiles, op_profiles
from .tflm_arena import ArenaReport


OUTPUT_ROWS = 20  # inputs whose outputs the terminal shows

CYCLES_UNIT = "cycles: the board's DWT CYCCNT deltas, measured on silicon (executed instructions: n/a)"


def instructions_unit(board: Mapping[str, object]) -> str:
    """What an emulator's counts are on `board` (a Board.to_dict()): its DWT clock and MIPS."""
    return (f"instructions (DWT CYCCNT at {core_clock_hz(board) / 1e6:g} MHz "
            f"with PerformanceInMips {board['performance_mips']})")


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
    # The engine's estimated Cortex-M4 cycles (docs/cycle-model.md); None if it has no model.
    estimated_cycles: int | None = None
    layer_estimated_cycles: tuple[int, ...] | None = None
    seconds: float = field(default=0.0, compare=False)  # host wall time of the input, for JUnit
    values: tuple[tuple[float, ...], ...] = ()  # the device's outputs, dequantized (io_view.dequantized)

    @property
    def bit_exact(self) -> bool:
        """Every output identical to TFLM's, bit for bit."""
        return all(o.vs_tflm.exact for o in self.outputs)

    @property
    def passed(self) -> bool:
        """Integer outputs bit-exact and float32 outputs within compare.FLOAT_TOLERANCE_ULP."""
        return all(o.vs_tflm.within_tolerance for o in self.outputs)


@dataclass(frozen=True)
class BenchConfig:
    """What a verdict was checked with: options, board and tool versions."""

    engine: str
    kernels: str
    runtime: str  # "generated": our ahead-of-time runtime; "tflm": the user's TFLM library
    platform: str
    board: dict
    versions: dict[str, str]
    # runtime tflm: the library's identity (path, sha256, cmsis_nn, kernels, ...); None otherwise
    tflm_library: dict | None = None
    optimize: str = "speed"  # weight layouts of the generated runtime: speed, size or balanced
    protocol: str = "bench"  # what the firmware spoke on uart0
    target: str = "emulator"  # the image's target: emulator, or nano33ble (linked for the real board)
    port: str | None = None  # engine serial: the board's serial port
    # What the DWT CYCCNT deltas count: "instructions" under the emulators, "cycles" on a real
    # board (engine serial), where executed instructions are unknown.
    count_unit: str = "instructions"

    @property
    def clock_hz(self) -> int:
        return core_clock_hz(self.board)

    @property
    def count_unit_text(self) -> str:
        return CYCLES_UNIT if self.count_unit == "cycles" else instructions_unit(self.board)

    def time_at_clock(self, cycles: int) -> str:
        """`cycles` as time at the board's core clock: "~0.123 ms at 64 MHz"."""
        return f"~{cycles * 1e3 / self.clock_hz:.3f} ms at {self.clock_hz / 1e6:g} MHz"

    def summary(self) -> str:
        engine = f"{self.engine} ({self.port}, a real board)" if self.port else self.engine
        text = f"engine {engine}, runtime {self.runtime}, kernels {self.kernels}, optimize {self.optimize}"
        if self.tflm_library:
            lib = self.tflm_library
            text += (f" (TFLM library {lib['path']}, sha256 {str(lib['sha256'])[:16]}, "
                     f"CMSIS-NN {'yes' if lib['cmsis_nn'] else 'no'})")
        return text


@dataclass(frozen=True)
class BenchReport:
    model: str
    model_sha256: str
    config: BenchConfig
    firmware: str
    firmware_reused: bool
    memory: MemoryUse
    layers: tuple[LayerInfo, ...]
    results: tuple[InputResult, ...]
    warnings: tuple[str, ...] = ()  # e.g. NaN or infinite float inputs
    # Identity, for reports and baselines (defaults: not recorded).
    firmware_sha256: str = ""
    build_key: str = ""  # the build folder's name: hash of sources, kernels, model, toolchain and board
    layer_outputs: tuple[str, ...] = ()  # each layer's output tensor name, execution order
    tensors: tuple[TensorPlacement, ...] = ()  # the arena plan, by offset
    arena: ArenaReport | None = None  # runtime tflm: arena given, used by TFLM, and how it was found
    input_conversion: str | None = None  # how --inputs values were converted to the input's type
    io: tuple[IoTensor, ...] = ()  # each input and output: dtype, shape, scale, zero point
    shard: dict | None = None  # run --shard I/N: which slice of the whole run's inputs (shards.Shard.to_dict)
    # (conv operator, pool operator) of each CONV_2D run fused into the MAX_POOL_2D after it
    fused_layers: tuple[tuple[int, int], ...] = ()
    energy: EnergyEstimate | None = None  # per inference, an estimate (bench/energy.py); None without cycles
    classifier: bool = False  # the first output's argmax is a class (io_view.is_classifier)
    labels: tuple[str, ...] = ()  # class names, when given

    # The configuration, by name, as reports and baselines read it.
    @property
    def engine(self) -> str:
        return self.config.engine

    @property
    def kernels(self) -> str:
        return self.config.kernels

    @property
    def runtime(self) -> str:
        return self.config.runtime

    @property
    def platform(self) -> str:
        return self.config.platform

    @property
    def versions(self) -> dict[str, str]:
        return self.config.versions

    @property
    def count_label(self) -> str:
        """What the counts are, for table headers: "instructions" (emulators) or "DWT cycles" (a board)."""
        return "DWT cycles" if self.config.count_unit == "cycles" else "instructions"

    @property
    def all_bit_exact(self) -> bool:
        return all(r.bit_exact for r in self.results)

    @property
    def all_passed(self) -> bool:
        """The verdict: integer outputs bit-exact, float32 outputs within FLOAT_TOLERANCE_ULP."""
        return all(r.passed for r in self.results)

    def profile(self) -> tuple[LayerProfile, ...]:
        """Per-layer instructions, estimated cycles and MACs of the first input."""
        if not self.results:
            return ()
        first = self.results[0]
        return layer_profiles(self.layers, first.layer_instructions, first.layer_estimated_cycles)

    @property
    def outputs_io(self) -> tuple[IoTensor, ...]:
        return tuple(t for t in self.io if t.role == "output")

    def top_classes(self) -> list[tuple[int, str] | None]:
        """Each input's top class and its name, or None when the model is no classifier."""
        return [top_class(r.values[0], self.labels) if self.classifier and r.values else None for r in self.results]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["energy"] = self.energy.to_dict() if self.energy is not None else None
        for row, top in zip(data["results"], self.top_classes()):
            if top is not None:
                row["top_class"], row["top_label"] = top[0], top[1] or None
        data["all_bit_exact"] = self.all_bit_exact
        data["all_passed"] = self.all_passed
        data["float_tolerance_ulp"] = FLOAT_TOLERANCE_ULP
        data["count_unit"] = self.config.count_unit_text
        if self.config.count_unit == "cycles":
            # A board counts cycles, not retired instructions: say so rather than fill in a number.
            data["executed_instructions"] = None
        data["estimated_cycles_note"] = (
            "estimated Cortex-M4 cycles from the engine's timing model (docs/cycle-model.md), "
            "not a measurement; null when the engine has no model"
        )
        layers = self.profile()
        data["profile"] = {
            "input": 0,
            "layers": [
                {**asdict(p), "instructions_per_mac": p.instructions_per_mac,
                 "estimated_cycles_per_mac": p.estimated_cycles_per_mac}
                for p in layers
            ],
            "op_types": [
                {**asdict(o), "instructions_per_mac": o.instructions_per_mac}
                for o in op_profiles(layers)
            ],
        }
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def format_text(self) -> str:
        m = self.memory
        versions = self.config.versions
        cycles = self.config.count_unit == "cycles"
        label = self.count_label
        lines = [
            f"model     {self.model} (sha256 {self.model_sha256[:16]})",
            f"config    {self.config.summary()}",
            f"platform  {self.config.platform}",
            f"versions  tflm-bench {versions.get('tflm-bench', '?')}, tflite-micro {versions.get('tflite-micro (TFLM oracle)', '?')}, "
            f"ai-edge-litert {versions.get('ai-edge-litert (TFLite BUILTIN_REF)', '?')}, {versions.get('arm-none-eabi-gcc', '?')}",
            f"firmware  {self.firmware}{' (reused)' if self.firmware_reused else ''}",
            f"memory    flash {m.flash_bytes:,} / {m.flash_limit:,} B, RAM {m.ram_bytes:,} / {m.ram_limit:,} B "
            f"(arena {m.arena_bytes:,} B)",
            *([f"arena     {self.arena.summary()}"] if self.arena is not None else []),
            *([f"inputs    {self.input_conversion}"] if self.input_conversion else []),
            *([f"shard     {self.shard['index']}/{self.shard['count']}: inputs {self.shard['first']}.."
               f"{self.shard['end'] - 1} of {self.shard['inputs']} (tflm-bench merge puts the shards together)"]
              if self.shard else []),
            *[f"io        {tensor.describe()}" for tensor in self.io],
            *_weights_lines(self.layers),
            *([f"counts    {CYCLES_UNIT}"] if cycles else []),
            "",
            f"{'input':>5}  {'verdict vs TFLM':<18} {label:>12}  TFLite BUILTIN_REF",
        ]
        for result in self.results:
            if result.bit_exact:
                verdict = "bit-exact"
            else:
                verdict = ("within tolerance " if result.passed else "MISMATCH ") + ", ".join(
                    f"out{o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
                    for o in result.outputs
                    if not o.vs_tflm.exact
                )
            lines.append(f"{result.index:>5}  {verdict:<18} {result.instructions:>12,}  {_tflite_note(result)}")
        shown = [r for r in self.results if r.values][:OUTPUT_ROWS]
        if shown:
            more = f" (the first {len(shown)}; all {len(self.results)} in --json)" if len(self.results) > len(shown) else ""
            lines += ["", f"outputs on the device, dequantized{more}:"]
            lines += [f"{r.index:>5}  {format_outputs(r.values, self.outputs_io, self.classifier, self.labels)}"
                      for r in shown]
        if self.results:
            lines += ["", "per-layer profile (first input; est. cycles = estimated Cortex-M4 cycles, "
                          "a model, not a measurement):"]
            lines += format_profile(self.profile(), self.layer_outputs, label)
        exact = sum(r.bit_exact for r in self.results)
        passed = sum(r.passed for r in self.results)
        counts = [r.instructions for r in self.results]
        lines += [f"warning: {warning}" for warning in self.warnings]
        lines += ["", f"verdict: {exact}/{len(self.results)} inputs bit-exact with TFLM"]
        if passed != exact:
            lines.append(f"         {passed}/{len(self.results)} pass (float32 outputs within {FLOAT_TOLERANCE_ULP} ULP)")
        if counts:
            if cycles:
                lines.append(f"DWT cycles per inference (measured on the board): min {min(counts):,}, max {max(counts):,} "
                             f"({self.config.time_at_clock(max(counts))}); executed instructions: n/a")
            else:
                lines.append(f"instructions per inference: min {min(counts):,}, max {max(counts):,}")
        estimates = [r.estimated_cycles for r in self.results if r.estimated_cycles is not None]
        if estimates:
            lines.append(f"estimated cycles per inference: min {min(estimates):,}, max {max(estimates):,} "
                         f"({self.config.time_at_clock(max(estimates))}, estimated)")
        if self.energy is not None:
            lines += self.energy.format_lines()
        elif self.results:
            lines.append("energy    n/a: this engine gives no cycles (its counts are instructions), so no estimate")
        lines.append(_tflite_summary(self.results, self.warnings))
        return "\n".join(lines)


def _tflite_note(result: InputResult) -> str:
    diffs = [o.vs_tflite_ref for o in result.outputs if o.vs_tflite_ref is not None]
    if not diffs:
        return "not run"
    if all(d.exact for d in diffs):
        return "same"
    return ", ".join(f"{d.mismatches} differ (max {d.max_diff} {d.unit})" for d in diffs if not d.exact)


def _tflite_summary(results: tuple[InputResult, ...], warnings: tuple[str, ...] = ()) -> str:
    diffs = [o.vs_tflite_ref for r in results for o in r.outputs if o.vs_tflite_ref is not None]
    if not diffs:
        why = next((w for w in warnings if w.startswith("TFLite BUILTIN_REF ")), None)
        if why is None:
            return "TFLite BUILTIN_REF: not run"
        return f"TFLite BUILTIN_REF: no answers ({'it crashed' if ' crashed' in why else 'it refused the model'}; see the warning)"
    differing = sum(d.mismatches for d in diffs)
    if differing == 0:
        return "TFLite BUILTIN_REF: agrees on every output"
    worst = max(d.max_diff for d in diffs)
    return (
        f"TFLite BUILTIN_REF: {differing} output values differ (max {worst} {diffs[0].unit}); "
        "TFLite's reference kernels are not TFLM's (FULLY_CONNECTED rounds differently, int8 SUM and "
        "others may too, and one differing value can flip a later branch); the verdict is TFLM's"
    )


def _weights_lines(layers: tuple[LayerInfo, ...]) -> list[str]:
    """One line: the flash bytes and weight layout of each weighted layer (generator/layout.py)."""
    weighted = [layer for layer in layers if getattr(layer, "weight_layout", "")]
    if not weighted:
        return []
    return ["weights   " + ", ".join(f"L{l.index} {l.weight_layout} {l.flash_bytes:,} B" for l in weighted)]
