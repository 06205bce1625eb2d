"""The HTML report's figures, drawn with matplotlib's object API into PNG bytes.

Figures are built on `matplotlib.figure.Figure` with the Agg canvas rather than through pyplot,
so no global figure state or GUI backend is involved (the bench may run inside pytest or Robot).
PNG metadata is dropped so the same run draws the same bytes.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from tflm_bench.generator import MemoryUse

from ..memory_map import TensorPlacement, short_name
from ..report import BenchReport
from .rows import LayerRow

INSTRUCTIONS_COLOR = "#3b6ea8"
CYCLES_COLOR = "#e08a2c"
LABEL_CHARS = 44


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, metadata={"Software": None})
    return buffer.getvalue()


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layer_chart(rows: Sequence[LayerRow], label: str = "instructions") -> bytes:
    """Per-layer counts (`label`: instructions, or a board's DWT cycles) and estimated cycles, one
    pair of horizontal bars per layer."""
    height = max(2.4, 0.42 * len(rows) + 1.2)
    figure = Figure(figsize=(9, height), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    has_cycles = any(r.estimated_cycles is not None for r in rows)
    bar = 0.4 if has_cycles else 0.7
    axes.barh([p - (bar / 2 if has_cycles else 0) for p in positions], [r.instructions for r in rows],
              height=bar, color=INSTRUCTIONS_COLOR, label=label)
    if has_cycles:
        axes.barh([p + bar / 2 for p in positions], [r.estimated_cycles or 0 for r in rows], height=bar,
                  color=CYCLES_COLOR, label="estimated cycles (model)")
    axes.set_yticks(positions, [_clip(r.label) for r in rows], fontsize=8)
    axes.invert_yaxis()  # execution order, top to bottom
    axes.set_xlabel("per inference (first input)")
    axes.ticklabel_format(axis="x", style="plain")
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower right", fontsize=8)
    axes.set_title(f"{label[0].upper()}{label[1:]}" + (" and estimated cycles" if has_cycles else "") + " per layer",
                   fontsize=10)
    return _png(figure)


def memory_chart(memory: MemoryUse) -> bytes:
    """Flash and RAM used, in percent of the nRF52840's 1 MiB / 256 KiB; RAM split arena / rest."""
    figure = Figure(figsize=(9, 2.3), layout="constrained")
    axes = figure.add_subplot()
    flash = 100 * memory.flash_bytes / memory.flash_limit
    other = 100 * (memory.ram_bytes - memory.arena_bytes) / memory.ram_limit
    arena = 100 * memory.arena_bytes / memory.ram_limit
    axes.barh([0, 1], [100, 100], color="#e6e6e6", height=0.6, label="free")
    axes.barh([0], [flash], color=INSTRUCTIONS_COLOR, height=0.6, label="flash: code, weights")
    axes.barh([1], [other], color="#7a9cc6", height=0.6, label="RAM: stack, statics")
    axes.barh([1], [arena], left=[other], color=CYCLES_COLOR, height=0.6, label="RAM: tensor arena")
    for row, used, limit in ((0, memory.flash_bytes, memory.flash_limit), (1, memory.ram_bytes, memory.ram_limit)):
        axes.text(99, row, f"{used:,} of {limit:,} B ({used / limit:.1%})", va="center", ha="right", fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_yticks([0, 1], ["flash", "RAM"])
    axes.invert_yaxis()
    axes.set_xlabel("% of the nRF52840's flash / RAM")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.set_title("Memory on the nRF52840", fontsize=10)
    return _png(figure)


def arena_chart(tensors: Sequence[TensorPlacement], layers: int, arena_bytes: int) -> bytes:
    """The arena plan: each buffer a box spanning its offsets (y) over the layers it lives (x)."""
    figure = Figure(figsize=(9, 4.2), layout="constrained")
    axes = figure.add_subplot()
    palette = colormaps["tab20"]
    for number, placement in enumerate(tensors):
        color = "#c0504d" if placement.kind == "scratch" else palette(number % 20)
        box = Rectangle((placement.first_layer - 0.42, placement.offset),
                        placement.last_layer - placement.first_layer + 0.84, placement.size,
                        facecolor=color, edgecolor="white", linewidth=0.8, alpha=0.85)
        axes.add_patch(box)
        if placement.size >= arena_bytes * 0.06:
            tag = "scratch" if placement.kind == "scratch" else f"t{placement.tensor}"
            axes.text((placement.first_layer + placement.last_layer) / 2, placement.offset + placement.size / 2,
                      tag, ha="center", va="center", fontsize=7, color="black")
    axes.set_xlim(-0.6, max(layers, 1) - 0.4)
    axes.set_ylim(0, max(arena_bytes, 16))
    axes.set_xticks(range(max(layers, 1)))
    axes.set_xlabel("layer (execution order)")
    axes.set_ylabel("arena offset (bytes)")
    axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
    axes.grid(alpha=0.25)
    axes.set_title(f"Arena plan: {len(tensors)} buffers in {arena_bytes:,} bytes (t = tensor index)", fontsize=10)
    return _png(figure)


def error_histograms(report: BenchReport) -> bytes | None:
    """Per output that differs from TFLM: how often each signed difference occurred, all inputs."""
    outputs: dict[int, dict[int, int]] = {}
    units: dict[int, str] = {}
    for result in report.results:
        for output in result.outputs:
            if output.vs_tflm.exact:
                continue
            counts = outputs.setdefault(output.index, {})
            units[output.index] = output.vs_tflm.unit
            for value, count in output.vs_tflm.histogram:
                counts[value] = counts.get(value, 0) + count
    if not outputs:
        return None
    figure = Figure(figsize=(9, 2.6 * len(outputs)), layout="constrained")
    for row, (index, counts) in enumerate(sorted(outputs.items())):
        axes = figure.add_subplot(len(outputs), 1, row + 1)
        values = sorted(counts)
        axes.bar(values, [counts[v] for v in values], color="#c0504d", width=0.8 if len(values) < 64 else 1.0)
        axes.set_xlabel(f"device - TFLM ({units[index]})")
        axes.set_ylabel("elements")
        total = sum(counts.values())
        axes.set_title(f"output {index}: {total:,} differing elements over {len(report.results)} inputs", fontsize=10)
        axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def tensor_label(placement: TensorPlacement) -> str:
    return _clip(short_name(placement.name), 60)
