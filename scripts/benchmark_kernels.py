"""Kernel sets side by side for every model in models/: instructions, estimated cycles, memory.

    .venv/bin/python scripts/benchmark_kernels.py [--top 20] [MODEL.tflite ...]

For each model, builds the firmware with both kernel sets (reference: the plain C port of
TFLM's reference arithmetic; optimized: DSP-extension int8 kernels with generation-time folding),
runs one seeded input on the built-in engine (exact instruction counts; both sets are checked
bit-exact against TFLM on that input) and prints a Markdown table: instructions per inference and
estimated Cortex-M4 cycles (a model, not a measurement; docs/cycle-model.md) for both sets, MACs,
instructions per MAC, arena and flash for both sets (flash growth), and for the four MLPerf Tiny
architectures our optimized instructions, estimated cycles and arena over TFLM + CMSIS-NN's
measured figures below (targets 0.60x and 0.70x). Then the --top layers of the optimized build
by estimated cycles lost: cycles above their share (by MACs) of the model's cycle target.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tflm_bench.generator import KernelSet, Model  # noqa: E402
from tflm_bench.session import BenchOptions, BenchSession  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# Measured reference figures, NOT produced by this script. Source: the issue "Generated kernels
# as fast as TFLM with CMSIS-NN, bit-exact" (issue 12, its table), and for the two one-channel
# first-conv models our own measurement (below): TFLM + CMSIS-NN on the built-in
# engine, Cortex-M4F, -O2, one inference: exact instructions, estimated cycles on the engine's own
# cycle model (docs/cycle-model.md), TFLM's planned arena in bytes including persistent
# allocations. Keyed by our model file that has the same architecture (our weights are our own;
# the shapes and operators match).
@dataclass(frozen=True)
class Measured:
    architecture: str
    instructions: int
    estimated_cycles: int
    arena: int


TFLM_CMSIS: dict[str, Measured] = {
    "kws_dscnn_int8.tflite": Measured("KWS DS-CNN", 7_697_576, 9_252_351, 22_820),
    "vww_mobilenet_int8.tflite": Measured("VWW MobileNetV1 0.25", 24_102_315, 29_315_892, 100_708),
    "ic_resnet8_float.tflite": Measured("IC ResNet-8", 29_863_898, 36_831_291, 54_996),
    "ad_autoencoder_float.tflite": Measured("AD autoencoder", 583_092, 727_468, 2_580),
    # Measured here, not in the table: the same TFLM and CMSIS-NN commits built with TFLM's
    # Makefile (cortex-m4+fp, -O2, release), run with `tflm-bench compare MODEL --tflm-lib ...`;
    # arena is TFLM's arena_used_bytes.
    "spectrogram_cnn_int8.tflite": Measured("1-channel spectrogram CNN", 2_823_937, 4_086_969, 7_972),
    "accel_cnn_int8.tflite": Measured("accelerometer CNN", 260_061, 352_714, 3_172),
}
# The targets: optimized instructions and estimated cycles at most these fractions of
# TFLM + CMSIS-NN's.
TARGET_INSTRUCTIONS = 0.60
TARGET_CYCLES = 0.70
KERNEL_SETS = tuple(KernelSet)


@dataclass(frozen=True)
class Run:
    instructions: int
    estimated_cycles: int | None
    layer_instructions: tuple[int, ...]
    layer_cycles: tuple[int, ...] | None
    macs: tuple[int, ...]
    operators: tuple[int, ...]  # operator index of each layer
    arena: int
    flash: int
    exact: bool


def run_model(path: Path, kernels: str) -> tuple[Run, Model]:
    options = BenchOptions(compare_tflite=False, kernels=kernels)
    with BenchSession(path, options) as session:
        result = session.run_samples(session.random_samples(1, seed=7))[0]
        image = session.build()
        model = session.model
    return Run(
        result.instructions, result.estimated_cycles, tuple(result.layer_instructions),
        None if result.layer_estimated_cycles is None else tuple(result.layer_estimated_cycles),
        tuple(layer.macs for layer in image.layers), tuple(layer.operator_index for layer in image.layers),
        image.memory.arena_bytes, image.memory.flash_bytes,
        all(o.vs_tflm.within_tolerance for o in result.outputs),
    ), model


def layer_shapes(model: Model, index: int) -> str:
    op = model.operators[index]
    def shape(i: int) -> str:
        return "x".join(str(d) for d in model.tensors[i].shape) if i >= 0 else "-"
    filt = f" k{shape(op.inputs[1])}" if op.name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") else ""
    stride = f" s{op.options.get('stride_h', '')}" if "stride_h" in op.options else ""
    return f"{shape(op.inputs[0])} -> {shape(op.outputs[0])}{filt}{stride}"


def number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def ratio(ours: int | None, theirs: int, target: float) -> str:
    if ours is None:
        return "-"
    value = ours / theirs
    return f"{value:.2f}x" + ("" if value <= target else " (over)")


@dataclass(frozen=True)
class LostLayer:
    model: str
    index: int
    cycles: int
    budget: int
    instructions: int
    macs: int
    ref_instructions: int

    @property
    def lost(self) -> int:
        return self.cycles - self.budget


def lost_layers(runs: dict[str, dict[str, Run]]) -> list[LostLayer]:
    """Per layer of the optimized build, estimated cycles above its share of the cycle target:
    MACs x (TARGET_CYCLES x TFLM+CMSIS-NN's estimated cycles / the model's MACs); a layer without
    MACs has no share. Largest loss first; models without a TFLM figure or per-layer cycles are
    left out."""
    rows: list[LostLayer] = []
    for name, pair in runs.items():
        opt, ref = pair["optimized"], pair["reference"]
        measured = TFLM_CMSIS.get(name)
        total_macs = sum(opt.macs)
        if measured is None or opt.layer_cycles is None or not total_macs:
            continue
        per_mac = TARGET_CYCLES * measured.estimated_cycles / total_macs
        for i, cycles in enumerate(opt.layer_cycles):
            rows.append(LostLayer(name, i, cycles, round(opt.macs[i] * per_mac), opt.layer_instructions[i],
                                  opt.macs[i], ref.layer_instructions[i]))
    return sorted(rows, key=lambda r: (-r.lost, r.model, r.index))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, help="default: every models/*.tflite")
    parser.add_argument("--top", type=int, default=20, help="layers to list, by estimated cycles lost")
    args = parser.parse_args(argv)
    models = args.models or sorted((ROOT / "models").glob("*.tflite"))
    runs: dict[str, dict[str, Run]] = {}
    graphs: dict[str, Model] = {}
    for path in models:
        runs[path.name] = {}
        for kernels in KERNEL_SETS:
            runs[path.name][kernels], graphs[path.name] = run_model(path, kernels)

    print("| model | instr. reference | instr. optimized | speed-up | est. cycles ref. | est. cycles opt. "
          "| MACs | instr./MAC ref. | instr./MAC opt. | arena ref. / opt. | flash ref. / opt. (growth) "
          "| bit-exact | instr. vs TFLM+CMSIS-NN | est. cycles vs TFLM+CMSIS-NN | arena vs TFLM |")
    print("|" + "---|" * 15)
    for name, pair in runs.items():
        ref, opt = pair["reference"], pair["optimized"]
        macs = sum(opt.macs)
        per_mac = (lambda r: f"{r.instructions / macs:.2f}" if macs else "-")
        measured = TFLM_CMSIS.get(name)
        vs_instr = ratio(opt.instructions, measured.instructions, TARGET_INSTRUCTIONS) if measured else "-"
        vs_cycles = ratio(opt.estimated_cycles, measured.estimated_cycles, TARGET_CYCLES) if measured else "-"
        vs_arena = f"{opt.arena / measured.arena:.2f}x" if measured else "-"
        print(f"| {name} | {ref.instructions:,} | {opt.instructions:,} | {ref.instructions / opt.instructions:.2f}x "
              f"| {number(ref.estimated_cycles)} | {number(opt.estimated_cycles)} | {macs:,} | {per_mac(ref)} "
              f"| {per_mac(opt)} | {ref.arena:,} / {opt.arena:,} | {ref.flash:,} / {opt.flash:,} "
              f"({opt.flash - ref.flash:+,}) | {'yes' if ref.exact and opt.exact else 'NO'} | {vs_instr} "
              f"| {vs_cycles} | {vs_arena} |")
    print()
    print(f"vs TFLM+CMSIS-NN: our optimized figure / TFLM+CMSIS-NN's (targets: instructions <= "
          f"{TARGET_INSTRUCTIONS:.2f}x, estimated cycles <= {TARGET_CYCLES:.2f}x; '(over)' marks a miss). "
          "Measured figures (the issue's table; the one-channel models measured here with TFLM's own "
          "build), not from this run:")
    for name, m in TFLM_CMSIS.items():
        print(f"- {m.architecture} ({name}): {m.instructions:,} instructions, {m.estimated_cycles:,} "
              f"estimated cycles, arena {m.arena:,} B")
    print()
    print(f"Layers of the optimized build by estimated cycles lost (top {args.top}): estimated cycles above "
          f"the layer's share of the {TARGET_CYCLES:.2f}x target, i.e. MACs x the model's target cycles/MAC:")
    print()
    print("| model | layer | op | shapes | est. cycles | share of target | lost | instructions | MACs "
          "| instr./MAC ref. | instr./MAC opt. |")
    print("|" + "---|" * 11)
    for row in lost_layers(runs)[:args.top]:
        opt = runs[row.model]["optimized"]
        op = graphs[row.model].operators[opt.operators[row.index]]
        per = (lambda n: f"{n / row.macs:.2f}" if row.macs else "-")
        print(f"| {row.model} | {row.index} | {op.name} | {layer_shapes(graphs[row.model], opt.operators[row.index])} "
              f"| {row.cycles:,} | {row.budget:,} | {row.lost:+,} | {row.instructions:,} | {row.macs:,} "
              f"| {per(row.ref_instructions)} | {per(row.instructions)} |")
    return 0 if all(r.exact for pair in runs.values() for r in pair.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
