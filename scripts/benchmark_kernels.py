"""Whole models against TFLM + CMSIS-NN measured in the same run, and our two kernel sets side by side.

    .venv/bin/python scripts/benchmark_kernels.py [--tflm-lib LIB] [--tflm-include DIR:DIR...]
        [--corpus [DIR]] [--gate] [--top 20] [MODEL.tflite ...]

For every model (default: models/*.tflite, plus with --corpus the whole models of TFLM's own
repository the issue names) builds our firmware with both kernel sets (reference: the plain C port
of TFLM's reference arithmetic; optimized: DSP-extension kernels with generation-time folding) and,
given a TFLM library (--tflm-lib, default $TFLM_LIB; headers --tflm-include, default
$TFLM_INCLUDE), the same model on TFLM with that library, the way `tflm-bench compare` runs it
(bench/compare_runtimes.py): one seeded input, the same for every run, on the built-in engine
(exact instruction counts), every run checked against host TFLM.

Prints one Markdown table: per model our optimized instructions, estimated Cortex-M4 cycles (a
model, not a measurement; docs/cycle-model.md) and arena; TFLM's (its arena is the
arena_used_bytes of the smallest arena it runs in); our figures over TFLM's against the issue's
targets (instructions <= 0.60x, estimated cycles <= 0.70x, arena <= 1.0x); bit-exactness. TFLM's
float kernels are its reference kernels (CMSIS-NN has none): float models are compared with
those, and marked. Without a library the figures recorded below stand in for the models they
cover, labelled as recorded. Then our two kernel sets side by side (speed-up, MACs, flash growth)
and the --top layers of the optimized build by estimated cycles lost: cycles above their share
(by MACs) of the model's cycle target. --gate: exit 1 when any model misses a target, is not
bit-exact, or has no TFLM figure to be judged by.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tflm_bench.compare_runtimes import Variant, tflm_variant, variant_result  # noqa: E402
from tflm_bench.tflm_arena import ArenaSearchError  # noqa: E402
from tflm_bench.generator import KernelSet, Model  # noqa: E402
from tflm_bench.session import BenchOptions, BenchSession  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "tflite-micro"
# The corpus models the issue names, by their path in TFLM's repository; those absent are skipped.
CORPUS_MODELS = (
    "tensorflow/lite/micro/examples/micro_speech/models/micro_speech_quantized.tflite",
    "tensorflow/lite/micro/models/person_detect.tflite",
    "tensorflow/lite/micro/models/keyword_scrambled.tflite",
    "tensorflow/lite/micro/models/keyword_scrambled_8bit.tflite",
    "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm_int8.tflite",
    "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm.tflite",
    "third_party/xtensa/examples/micro_speech_lstm/micro_speech_lstm.tflite",
    "tensorflow/lite/micro/examples/dtln/dtln_noise_suppression.tflite",
)
SEED = 7


# Recorded reference figures, NOT produced by this script: the fallback when no TFLM library is
# given. Source: the issue "Generated kernels as fast as TFLM with CMSIS-NN, bit-exact" (issue 12,
# its table), and for the two one-channel first-conv models our own measurement (below): TFLM +
# CMSIS-NN on the built-in engine, Cortex-M4F, -O2, one inference: exact instructions, estimated
# cycles on the engine's own cycle model (docs/cycle-model.md), TFLM's planned arena in bytes
# including persistent allocations. Keyed by our model file that has the same architecture (our
# weights are our own; the shapes and operators match).
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
# TFLM + CMSIS-NN's; our arena never above TFLM's.
TARGET_INSTRUCTIONS = 0.60
TARGET_CYCLES = 0.70
TARGET_ARENA = 1.0
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
    exact: bool  # bit-exact with host TFLM (float32: within the documented tolerance)


@dataclass(frozen=True)
class Baseline:
    """TFLM's figures for one model: measured in this run, or recorded (TFLM_CMSIS)."""
    instructions: int | None
    estimated_cycles: int | None
    arena: int | None  # TFLM's arena_used_bytes
    source: str  # "measured" or "recorded"
    kernels: str  # e.g. "cmsis-nn", "reference (float)"
    exact: bool | None = None  # the library's outputs bit-exact with host TFLM; None: not run here


@dataclass(frozen=True)
class ModelResult:
    name: str
    float_model: bool
    runs: dict[str, Run]  # by kernel set; empty when our build failed
    baseline: Baseline | None
    problem: str = ""  # why something did not run
    # TFLM did not start within the board's RAM while ours ran: no ratio exists, which is reported
    # beside the gate rather than counted as a miss of ours.
    tflm_does_not_fit: bool = False

    @property
    def optimized(self) -> Run | None:
        return self.runs.get(str(KernelSet.OPTIMIZED))

    def ratios(self) -> tuple[float | None, float | None, float | None]:
        """Ours (optimized) over TFLM's: instructions, estimated cycles, arena."""
        opt, base = self.optimized, self.baseline
        if opt is None or base is None:
            return None, None, None
        return (_over(opt.instructions, base.instructions), _over(opt.estimated_cycles, base.estimated_cycles),
                _over(opt.arena, base.arena))

    def misses(self) -> list[str]:
        """What keeps this model from the issue's targets (empty: every target met)."""
        if self.problem and not self.tflm_does_not_fit:
            return [self.problem]
        if self.tflm_does_not_fit:
            return [] if all(r.exact for r in self.runs.values()) else ["ours not bit-exact with TFLM"]
        found: list[str] = []
        if not self.runs or not all(r.exact for r in self.runs.values()):
            found.append("ours not bit-exact with TFLM")
        if self.baseline is None:
            return found + ["no TFLM figure (give --tflm-lib)"]
        for value, target, what in zip(self.ratios(), (TARGET_INSTRUCTIONS, TARGET_CYCLES, TARGET_ARENA),
                                       ("instructions", "est. cycles", "arena")):
            if value is None:
                found.append(f"no {what} to compare")
            elif value > target:
                found.append(f"{what} {value:.2f}x > {target:.2f}x")
        return found


def _over(ours: int | None, theirs: int | None) -> float | None:
    return None if ours is None or not theirs else ours / theirs


def is_float_model(model: Model) -> bool:
    """A float model: some operator takes float32 constant weights (TFLM runs it on its float
    reference kernels: CMSIS-NN has no float kernels)."""
    for op in model.operators:
        for i in op.inputs[1:]:
            if i >= 0 and model.tensors[i].data is not None and model.tensors[i].dtype == "float32":
                return True
    return False


def run_model(path: Path, kernels: str, samples: list | None = None) -> tuple[Run, Model, list]:
    """Our runtime with one kernel set on `samples` (default: one seeded random input); also the
    samples it ran, for the next run."""
    options = BenchOptions(compare_tflite=False, kernels=kernels)
    with BenchSession(path, options) as session:
        samples = samples if samples is not None else session.random_samples(1, seed=SEED)
        result = session.run_samples(samples)[0]
        image = session.build()
        model = session.model
    return Run(
        result.instructions, result.estimated_cycles, tuple(result.layer_instructions),
        None if result.layer_estimated_cycles is None else tuple(result.layer_estimated_cycles),
        tuple(layer.macs for layer in image.layers), tuple(layer.operator_index for layer in image.layers),
        image.memory.arena_bytes, image.memory.flash_bytes,
        all(o.vs_tflm.within_tolerance for o in result.outputs),
    ), model, samples


def run_tflm(path: Path, variant: Variant, samples: list, float_model: bool) -> Baseline:
    """TFLM with the library of `variant` on the same samples, as `tflm-bench compare` runs it."""
    with BenchSession(path, variant.options) as session:
        report = session.report(session.run_samples(samples))
    result = variant_result(variant, report)
    library = (result.library or {}).get("kernels", "tflm")
    kernels = "reference (float)" if float_model else str(library)
    return Baseline(result.instructions, result.estimated_cycles, result.tflm_arena_used_bytes, "measured",
                    kernels, result.bit_exact)


def recorded_baseline(name: str) -> Baseline | None:
    m = TFLM_CMSIS.get(name)
    return None if m is None else Baseline(m.instructions, m.estimated_cycles, m.arena, "recorded", m.architecture)


def measure(path: Path, variant: Variant | None) -> tuple[ModelResult, Model | None]:
    """Both our kernel sets and, with a variant, TFLM, all on the same seeded input."""
    runs: dict[str, Run] = {}
    model: Model | None = None
    samples = None
    try:
        for kernels in KERNEL_SETS:
            runs[str(kernels)], model, samples = run_model(path, kernels, samples)
    except Exception as error:  # noqa: BLE001 - a model we cannot build or run is reported, not fatal
        return ModelResult(path.name, False, {}, None, f"ours did not run: {_short(error)}"), None
    float_model = is_float_model(model)  # type: ignore[arg-type]
    if variant is None:
        return ModelResult(path.name, float_model, runs, recorded_baseline(path.name)), model
    try:
        baseline = run_tflm(path, variant, samples, float_model)  # type: ignore[arg-type]
    except ArenaSearchError as error:  # TFLM's arena plus ours would not fit the board's RAM
        return ModelResult(path.name, float_model, runs, None, f"TFLM did not run: {_short(error)}",
                           tflm_does_not_fit=True), model
    except Exception as error:  # noqa: BLE001 - a model TFLM cannot run is reported, not fatal
        return ModelResult(path.name, float_model, runs, None, f"TFLM did not run: {_short(error)}"), model
    return ModelResult(path.name, float_model, runs, baseline), model


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 160 else text[:157] + "..."


def layer_shapes(model: Model, index: int) -> str:
    op = model.operators[index]
    def shape(i: int) -> str:
        return "x".join(str(d) for d in model.tensors[i].shape) if i >= 0 else "-"
    filt = f" k{shape(op.inputs[1])}" if op.name in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED") else ""
    stride = f" s{op.options.get('stride_h', '')}" if "stride_h" in op.options else ""
    return f"{shape(op.inputs[0])} -> {shape(op.outputs[0])}{filt}{stride}"


def number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def ratio(value: float | None, target: float) -> str:
    if value is None:
        return "-"
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


def lost_layers(results: list[ModelResult]) -> list[LostLayer]:
    """Per layer of the optimized build, estimated cycles above its share of the cycle target:
    MACs x (TARGET_CYCLES x TFLM's estimated cycles / the model's MACs); a layer without MACs has
    no share. Largest loss first; models without TFLM's cycles or our per-layer cycles are left out."""
    rows: list[LostLayer] = []
    for result in results:
        opt, ref = result.optimized, result.runs.get(str(KernelSet.REFERENCE))
        base = result.baseline
        if opt is None or ref is None or base is None or not base.estimated_cycles or opt.layer_cycles is None:
            continue
        total_macs = sum(opt.macs)
        if not total_macs:
            continue
        per_mac = TARGET_CYCLES * base.estimated_cycles / total_macs
        for i, cycles in enumerate(opt.layer_cycles):
            rows.append(LostLayer(result.name, i, cycles, round(opt.macs[i] * per_mac), opt.layer_instructions[i],
                                  opt.macs[i], ref.layer_instructions[i]))
    return sorted(rows, key=lambda r: (-r.lost, r.model, r.index))


def _exact(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def whole_model_table(results: list[ModelResult]) -> list[str]:
    """The Markdown table of ours (optimized) against TFLM, one row a model."""
    lines = [
        "| model | TFLM kernels | ours instr. | ours est. cycles | ours arena B | TFLM instr. | TFLM est. cycles "
        f"| TFLM arena B | instr. vs TFLM (<= {TARGET_INSTRUCTIONS:.2f}x) | est. cycles vs TFLM "
        f"(<= {TARGET_CYCLES:.2f}x) | arena vs TFLM (<= {TARGET_ARENA:.1f}x) | bit-exact ours ref./opt. / TFLM "
        "| targets |",
        "|" + "---|" * 13,
    ]
    for r in results:
        opt, base = r.optimized, r.baseline
        instr, cycles, arena = r.ratios()
        kernels = "-" if base is None else (base.kernels if base.source == "measured" else
                                            f"recorded: {base.kernels}")
        ours_exact = "-" if not r.runs else "/".join(_exact(r.runs[str(k)].exact) for k in
                                                     (KernelSet.REFERENCE, KernelSet.OPTIMIZED))
        misses = r.misses()
        name = r.name + (" (float)" if r.float_model else "")
        lines.append(
            f"| {name} | {kernels} | {number(opt and opt.instructions)} | {number(opt and opt.estimated_cycles)} "
            f"| {number(opt and opt.arena)} | {number(base and base.instructions)} "
            f"| {number(base and base.estimated_cycles)} | {number(base and base.arena)} "
            f"| {ratio(instr, TARGET_INSTRUCTIONS)} | {ratio(cycles, TARGET_CYCLES)} | {ratio(arena, TARGET_ARENA)} "
            f"| {ours_exact} / {_exact(base and base.exact)} | {_verdict(r, misses)} |")
    return lines


def _verdict(result: ModelResult, misses: list[str]) -> str:
    if misses:
        return "MISSED: " + "; ".join(misses)
    if result.tflm_does_not_fit:
        return f"not comparable: {result.problem}; ours runs"
    return "met"


def kernel_set_table(results: list[ModelResult]) -> list[str]:
    lines = ["| model | instr. reference | instr. optimized | speed-up | est. cycles ref. | est. cycles opt. "
             "| MACs | instr./MAC ref. | instr./MAC opt. | arena ref. / opt. | flash ref. / opt. (growth) |",
             "|" + "---|" * 11]
    for r in results:
        if not r.runs:
            continue
        ref, opt = r.runs[str(KernelSet.REFERENCE)], r.runs[str(KernelSet.OPTIMIZED)]
        macs = sum(opt.macs)
        per_mac = (lambda run: f"{run.instructions / macs:.2f}" if macs else "-")
        lines.append(
            f"| {r.name} | {ref.instructions:,} | {opt.instructions:,} | {ref.instructions / opt.instructions:.2f}x "
            f"| {number(ref.estimated_cycles)} | {number(opt.estimated_cycles)} | {macs:,} | {per_mac(ref)} "
            f"| {per_mac(opt)} | {ref.arena:,} / {opt.arena:,} | {ref.flash:,} / {opt.flash:,} "
            f"({opt.flash - ref.flash:+,}) |")
    return lines


def corpus_models(corpus: Path) -> tuple[list[Path], list[str]]:
    """The issue's corpus models found under `corpus`, and the ones absent."""
    found = [corpus / p for p in CORPUS_MODELS if (corpus / p).is_file()]
    return found, [p for p in CORPUS_MODELS if not (corpus / p).is_file()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, help="default: every models/*.tflite")
    parser.add_argument("--top", type=int, default=20, help="layers to list, by estimated cycles lost")
    parser.add_argument("--tflm-lib", type=Path, default=os.environ.get("TFLM_LIB") or None,
                        help="libtensorflow-microlite.a built with CMSIS-NN for cortex-m4+fp (default: $TFLM_LIB); "
                             "without one, recorded figures stand in for the models they cover")
    parser.add_argument("--tflm-include", default=os.environ.get("TFLM_INCLUDE", ""),
                        help="TFLM's header folders, separated by ':' (default: $TFLM_INCLUDE)")
    parser.add_argument("--corpus", type=Path, nargs="?", const=DEFAULT_CORPUS, default=None,
                        help=f"also run the issue's models of TFLM's corpus under DIR (default DIR: {DEFAULT_CORPUS})")
    parser.add_argument("--gate", action="store_true",
                        help="exit 1 when a model misses a target, is not bit-exact or has no TFLM figure")
    args = parser.parse_args(argv)
    if args.tflm_lib is not None and not args.tflm_lib.is_file():
        parser.error(f"--tflm-lib {args.tflm_lib}: no such file (build TFLM with CMSIS-NN first: docs/tflm-runtime.md)")
    if args.corpus is not None and not args.corpus.is_dir():
        parser.error(f"--corpus {args.corpus}: no such folder (give the corpus root, e.g. {DEFAULT_CORPUS})")
    args.tflm_include = tuple(Path(p) for p in str(args.tflm_include).split(os.pathsep) if p)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    models = list(args.models) or sorted((ROOT / "models").glob("*.tflite"))
    absent: list[str] = []
    if args.corpus is not None:
        found, absent = corpus_models(args.corpus)
        models += found
    variant = (tflm_variant(BenchOptions(compare_tflite=False), args.tflm_lib, args.tflm_include)
               if args.tflm_lib is not None else None)
    results: list[ModelResult] = []
    graphs: dict[str, Model] = {}
    for path in models:
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        result, graph = measure(path, variant)
        results.append(result)
        if graph is not None:
            graphs[result.name] = graph

    if variant is not None:
        print(f"TFLM: {variant.name} ({args.tflm_lib}), measured in this run on the same input as ours "
              f"(one seeded input, seed {SEED}); TFLM arena = its arena_used_bytes. Float models run TFLM's "
              "reference float kernels (CMSIS-NN has none).")
    else:
        print("No TFLM library given (--tflm-lib or $TFLM_LIB): TFLM figures are RECORDED ones (not from this run) "
              "and only for the models listed below:")
        for name, m in TFLM_CMSIS.items():
            print(f"- {m.architecture} ({name}): {m.instructions:,} instructions, {m.estimated_cycles:,} "
                  f"estimated cycles, arena {m.arena:,} B")
    print()
    print("\n".join(whole_model_table(results)))
    if absent:
        print()
        print("corpus models not present: " + ", ".join(absent))
    print()
    print("Our kernel sets side by side:")
    print()
    print("\n".join(kernel_set_table(results)))
    print()
    print(f"Layers of the optimized build by estimated cycles lost (top {args.top}): estimated cycles above "
          f"the layer's share of the {TARGET_CYCLES:.2f}x target, i.e. MACs x the model's target cycles/MAC:")
    print()
    print("| model | layer | op | shapes | est. cycles | share of target | lost | instructions | MACs "
          "| instr./MAC ref. | instr./MAC opt. |")
    print("|" + "---|" * 11)
    by_name = {r.name: r for r in results}
    for row in lost_layers(results)[:args.top]:
        opt = by_name[row.model].optimized
        assert opt is not None
        op = graphs[row.model].operators[opt.operators[row.index]]
        per = (lambda n: f"{n / row.macs:.2f}" if row.macs else "-")
        print(f"| {row.model} | {row.index} | {op.name} | {layer_shapes(graphs[row.model], opt.operators[row.index])} "
              f"| {row.cycles:,} | {row.budget:,} | {row.lost:+,} | {row.instructions:,} | {row.macs:,} "
              f"| {per(row.ref_instructions)} | {per(row.instructions)} |")
    missed = [r for r in results if r.misses()]
    if args.gate:
        print()
        apart = [r for r in results if r.tflm_does_not_fit and not r.misses()]
        print(f"gate: {len(results) - len(missed) - len(apart)} of {len(results)} models meet every target"
              + ("" if not apart else "; not comparable (TFLM does not start in the board's RAM): "
                 + ", ".join(r.name for r in apart))
              + ("" if not missed else "; missed: " + ", ".join(r.name for r in missed)))
        return 1 if missed else 0
    return 0 if all(run.exact for r in results for run in r.runs.values()) and all(r.runs for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
