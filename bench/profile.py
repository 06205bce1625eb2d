"""Per-layer profiles: instructions, estimated cycles and MACs per layer and per operator type.

Estimated cycles come from the engine's log of the firmware's DWT CYCCNT reads (each with the
engine's estimated Cortex-M4 cycles at that moment). The shell reads CYCCNT at the start of an
INVOKE, before and after each layer, and at the end (firmware/shell/commands.c), so the reads of
one INVOKE map onto its layers. Estimated cycles are a model (docs/cycle-model.md), never a
measurement.
"""
from __future__ import annotations

from dataclasses import dataclass

from tflm_bench.emulation import CyccntRead
from tflm_bench.generator import LayerInfo

WORD = 1 << 32


@dataclass(frozen=True)
class InvokeEstimate:
    """Estimated cycles of one INVOKE, in total and per layer."""

    total: int
    layers: tuple[int, ...]


def estimate_invoke(
    reads: list[CyccntRead] | None, total_cycles: int, layer_cycles: tuple[int, ...]
) -> InvokeEstimate | None:
    """Map one INVOKE's CYCCNT reads to its layers; None when the engine has no estimate or the
    reads do not match what the firmware reported (then nothing is attributed)."""
    n = len(layer_cycles)
    if not reads or len(reads) != 2 + 2 * n:
        return None
    if (reads[-1].value - reads[0].value) % WORD != total_cycles:
        return None
    layers = []
    for i in range(n):
        begin, end = reads[1 + 2 * i], reads[2 + 2 * i]
        if (end.value - begin.value) % WORD != layer_cycles[i]:
            return None
        layers.append(end.estimated_cycles - begin.estimated_cycles)
    return InvokeEstimate(reads[-1].estimated_cycles - reads[0].estimated_cycles, tuple(layers))


def per_mac(count: int | None, macs: int) -> float | None:
    """Instructions or cycles per multiply-accumulate; None without MACs or without a count."""
    return count / macs if macs and count is not None else None


class _PerMac:
    """Counts per multiply-accumulate, for a profile row with instructions, cycles and MACs."""

    instructions: int
    estimated_cycles: int | None
    macs: int

    @property
    def instructions_per_mac(self) -> float | None:
        return per_mac(self.instructions, self.macs)

    @property
    def estimated_cycles_per_mac(self) -> float | None:
        return per_mac(self.estimated_cycles, self.macs)


@dataclass(frozen=True)
class LayerProfile(_PerMac):
    index: int
    op_name: str
    instructions: int
    estimated_cycles: int | None
    macs: int


@dataclass(frozen=True)
class OpProfile(_PerMac):
    op_name: str
    layers: int
    instructions: int
    estimated_cycles: int | None
    macs: int


def layer_profiles(
    layers: tuple[LayerInfo, ...],
    instructions: tuple[int, ...],
    estimated_cycles: tuple[int, ...] | None,
) -> tuple[LayerProfile, ...]:
    """One inference's counts beside each layer's MACs (from the generator)."""
    return tuple(
        LayerProfile(
            layer.index, layer.op_name, count,
            estimated_cycles[i] if estimated_cycles is not None else None,
            int(getattr(layer, "macs", 0)),
        )
        for i, (layer, count) in enumerate(zip(layers, instructions))
    )


def op_profiles(profiles: tuple[LayerProfile, ...]) -> tuple[OpProfile, ...]:
    """Layers summed per operator type, in order of first appearance."""
    order: list[str] = []
    sums: dict[str, list[LayerProfile]] = {}
    for p in profiles:
        if p.op_name not in sums:
            order.append(p.op_name)
            sums[p.op_name] = []
        sums[p.op_name].append(p)
    result = []
    for name in order:
        group = sums[name]
        cycles = [p.estimated_cycles for p in group]
        result.append(OpProfile(
            name, len(group), sum(p.instructions for p in group),
            None if any(c is None for c in cycles) else sum(c for c in cycles if c is not None),
            sum(p.macs for p in group),
        ))
    return tuple(result)


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def format_profile(profiles: tuple[LayerProfile, ...], outputs: tuple[str, ...] = (),
                   label: str = "instructions") -> list[str]:
    """Terminal tables: per layer (with its share of the instructions and, given `outputs`, the
    layer's output tensor: the first of TFLite's ';'-joined names), then per operator type."""
    total = sum(p.instructions for p in profiles) or 1
    per_mac_label = "instr/MAC" if label == "instructions" else "count/MAC"
    head = (f"{'layer':>5}  {'op':<18} {label:>12} {'%':>6} {'est. cycles':>12} {'MACs':>10} "
            f"{per_mac_label:>9}" + ("  output" if outputs else ""))
    lines = [head]
    for i, p in enumerate(profiles):
        output = f"  {outputs[i].split(';', 1)[0]}" if i < len(outputs) else ""
        lines.append(
            f"{p.index:>5}  {p.op_name:<18} {p.instructions:>12,} {p.instructions / total:>6.1%} "
            f"{_number(p.estimated_cycles):>12} {p.macs:>10,} {_ratio(p.instructions_per_mac):>9}{output}"
        )
    lines += ["", f"{'op type':<18} {'layers':>6} {label:>12} {'%':>6} {'est. cycles':>12} "
                  f"{'MACs':>10} {per_mac_label:>9}"]
    for o in sorted(op_profiles(profiles), key=lambda o: -o.instructions):  # heaviest first
        lines.append(
            f"{o.op_name:<18} {o.layers:>6} {o.instructions:>12,} {o.instructions / total:>6.1%} "
            f"{_number(o.estimated_cycles):>12} {o.macs:>10,} {_ratio(o.instructions_per_mac):>9}"
        )
    return lines
