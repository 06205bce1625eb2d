"""Evaluate a model on a data set, on the emulated device: accuracy (or regression metrics) per
variant, beside the host interpreter's and the float model's.

    report = evaluate(EvaluateRequest(Path("m.tflite"), Path("test.npz")))
    report.variant("model").device.scores.classification.accuracy

A .tflite is one variant ("model"); a Keras model becomes the variants asked for (variants.py).
Every device output is also checked against TFLM (the bench's oracle); a mismatch is counted
and makes `report.all_match_tflm` false. Metrics use output 0, dequantized to real values.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from tflm_bench.board import load_board
from tflm_bench.emulation import EngineName
from tflm_bench.generator import FirmwareBuildError, GeneratorError, MemoryUse, Model, needs_conversion, read_model

from .cache import cache_root
from .energy import EnergyEstimate, Regulator, estimate as estimate_energy
from .errors import BenchError, InputError
from .datasets import Dataset, DatasetError, IoSpec, dequantize, io_specs, load_dataset, prepare_inputs
from .oracle_process import OracleKind, OracleProcess
from .metrics import ClassificationMetrics, RegressionMetrics, agreement, classification, predictions, regression
from .parallel import Throughput, WorkerPool, run_samples
from .progress import Progress
from .session import BenchOptions, BenchSession
from .variants import (
    VariantModel,
    device_blocker,
    keras_outputs,
    load_calibration_array,
    make_variants,
    tflite_outputs,
)

METRICS: tuple[str, ...] = ("auto", "accuracy", "regression")


class EvaluationError(DatasetError):
    """The data set and the model do not make an evaluation (e.g. no labels to score)."""


@dataclass(frozen=True)
class EvaluateRequest:
    model: Path  # .tflite, or a Keras .keras/.h5 file / SavedModel for variants
    data: Path
    options: BenchOptions = field(default_factory=lambda: BenchOptions(compare_tflite=False))
    variants: tuple[str, ...] = ("float", "int8")  # for a Keras model
    calibration: Path | None = None
    train: Path | None = None
    qat_epochs: int = 1
    seed: int = 0
    jobs: int = 1
    dask: str | None = None
    metric: str = "auto"
    top_k: int = 5
    x_kind: str = "auto"  # datasets.X_KINDS
    limit: int | None = None  # evaluate the first N samples only
    host: bool = True  # also run the TFLite interpreter on the host
    progress: bool = False  # progress bar / lines on stderr


@dataclass(frozen=True)
class Scores:
    """One interpreter's results on the data set."""

    classification: ClassificationMetrics | None = None
    regression: RegressionMetrics | None = None  # against the reference (y, or the float model)
    vs_float: RegressionMetrics | None = None  # against the float model's outputs, when there is one
    agreement_with_float: float | None = None  # top-1 agreement with the float model
    predictions: tuple[int, ...] | None = None  # top-1 class per sample (classification)
    outputs: tuple[tuple[float, ...], ...] | None = None  # real-valued outputs per sample (regression)

    @property
    def accuracy(self) -> float | None:
        return self.classification.accuracy if self.classification else None


@dataclass(frozen=True)
class DeviceRun:
    scores: Scores
    samples: int
    tflm_mismatches: int  # samples whose outputs are not what TFLM gives
    instructions_mean: float
    instructions_max: int
    estimated_cycles_mean: float | None
    clock_hz: int
    memory: MemoryUse
    throughput: Throughput
    energy: EnergyEstimate | None = None  # of the mean estimated cycles (bench/energy.py); None without them

    @property
    def ms_per_inference(self) -> float | None:
        """Estimated cycles at the board's clock (an estimate, docs/cycle-model.md)."""
        if self.estimated_cycles_mean is None:
            return None
        return self.estimated_cycles_mean * 1e3 / self.clock_hz


@dataclass(frozen=True)
class VariantEvaluation:
    name: str
    description: str
    tflite: str | None
    tflite_bytes: int | None
    host: Scores | None  # host TFLM: the oracle's arithmetic, which the device must match
    device: DeviceRun | None
    device_note: str | None = None  # why the device column is empty
    host_note: str | None = None  # why the host TFLM column is empty
    host_tflite: Scores | None = None  # TFLite's interpreter (LiteRT), default kernels (XNNPACK): what a host user runs
    host_tflite_differs: int | None = None  # samples whose output 0 differs between TFLite and host TFLM
    host_tflite_note: str | None = None  # why the TFLite column is empty (its interpreter refused or crashed)


@dataclass(frozen=True)
class EvaluationReport:
    model: str
    dataset: str
    samples: int
    task: str  # "classification" or "regression"
    class_names: tuple[str, ...] | None
    labels: tuple[int, ...] | None
    float_model: Scores | None  # the Keras model itself, for variants of a Keras model
    variants: tuple[VariantEvaluation, ...]
    clock_hz: int  # the board's core clock, for the estimated time per inference
    board_port: str | None = None  # engine serial: the real board's port; its counts are DWT cycles
    configuration: dict[str, str] = field(default_factory=dict)  # kernels, engine, runtime (baseline keys)

    def variant(self, name: str) -> VariantEvaluation:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(f"no variant {name!r}; evaluated: {', '.join(v.name for v in self.variants)}")

    @property
    def all_match_tflm(self) -> bool:
        return all(v.device is None or v.device.tflm_mismatches == 0 for v in self.variants)

    def float_accuracy(self) -> float | None:
        """The float model's accuracy: the Keras model, else the float variant on the host."""
        if self.float_model is not None and self.float_model.accuracy is not None:
            return self.float_model.accuracy
        for v in self.variants:
            if v.name == "float" and v.host is not None:
                return v.host.accuracy
        return None

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["clock_hz"]  # each device run carries its own
        for variant, raw in zip(self.variants, data["variants"]):
            if variant.device is not None:
                raw["device"]["ms_per_inference"] = variant.device.ms_per_inference
                raw["device"]["throughput"]["per_second"] = variant.device.throughput.per_second
                raw["device"]["accuracy"] = variant.device.scores.accuracy
                if variant.device.scores.classification:
                    raw["device"]["correct"] = variant.device.scores.classification.correct
                raw["device"]["energy"] = variant.device.energy.to_dict() if variant.device.energy else None
            if variant.host is not None:
                raw["host"]["accuracy"] = variant.host.accuracy
            if variant.host_tflite is not None:
                raw["host_tflite"]["accuracy"] = variant.host_tflite.accuracy
        data["all_match_tflm"] = self.all_match_tflm
        data["metrics_note"] = ("output 0, dequantized; cosine is the mean per-sample cosine similarity; "
                                "ms_per_inference is estimated cycles at the board clock (an estimate)")
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=_json_default)

    def format_text(self) -> str:
        return format_report(self)


def _json_default(value: object) -> object:
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# -- the evaluation -----------------------------------------------------------------------------------

def evaluate(request: EvaluateRequest) -> EvaluationReport:
    if request.options.engine is EngineName.SERIAL:
        if request.dask:
            raise InputError("--dask runs shards on other machines' emulators; a real board (--engine serial) "
                             "is one device: leave --dask out")
        request = replace(request, jobs=1)  # one board, one conversation: samples run in order
    if request.metric not in METRICS:
        raise EvaluationError(f"--metric must be one of {', '.join(METRICS)}, got {request.metric!r}")
    model = Path(request.model)
    if not model.exists():
        raise DatasetError(f"model {model} does not exist")
    keras = needs_conversion(model)
    # Every phase that can take more than a moment says what it is doing (the sample loops count).
    phases = Progress(enabled=request.progress)
    if keras:
        calibration = load_calibration_array(request.calibration) if request.calibration else None
        work = request.options.build_root or cache_root()
        variants = make_variants(model, request.variants, calibration, work, request.train, request.qat_epochs,
                                 request.seed, note=phases.note)
    else:
        if request.calibration or request.train:
            raise EvaluationError(f"{model} is already a .tflite: --calibration, --train and --variants apply to a "
                                  "Keras model only")
        variants = [VariantModel("model", "the given .tflite", model)]
    first_inputs, first_outputs = io_specs(read_model(variants[0].tflite.read_bytes()))
    data = load_dataset(request.data, first_inputs[0].shape).head(request.limit)
    if keras:
        phases.note(f"float reference: the Keras model on {len(data)} samples")
    float_outputs = _float_reference(model, data, request) if keras else None
    task, reference = _task(data, request.metric, first_outputs[0], float_outputs)
    float_scores = _scores(float_outputs, data, task, reference, None, request) if float_outputs is not None else None
    # One pool of worker processes for every variant: they start once, then boot each firmware.
    pool = WorkerPool(min(request.jobs, len(data))) if request.jobs > 1 and request.dask is None and len(data) > 1 else None
    try:
        # Variants of a Keras model all take x as the float model does: real values, quantized per variant.
        kind = "real" if keras else request.x_kind
        results = tuple(_evaluate_variant(v, data, task, reference, float_outputs, replace(request, x_kind=kind),
                                          strict=not keras, pool=pool, note=phases.note)
                        for v in variants)
    except BaseException as error:
        if pool is not None:
            pool.close(interrupted=not isinstance(error, Exception))
        raise
    if pool is not None:
        pool.close()
    return EvaluationReport(
        model=str(model), dataset=data.source, samples=len(data), task=task, class_names=data.class_names,
        labels=tuple(int(v) for v in data.y) if task == "classification" and data.y is not None else None,
        float_model=float_scores, variants=results,
        clock_hz=load_board(request.options.platform_path, request.options.repl_path).clock_hz,
        board_port=str(request.options.port) if request.options.engine is EngineName.SERIAL else None,
        configuration={"kernels": str(request.options.kernels), "engine": str(request.options.engine),
                       "runtime": str(request.options.runtime)},
    )


def _float_reference(model: Path, data: Dataset, request: EvaluateRequest) -> np.ndarray:
    if data.x.dtype.kind != "f" and request.x_kind == "quantized":
        raise EvaluationError("variants of a Keras model need real-valued x (as the float model takes it), "
                              "not already quantized samples")
    return keras_outputs(model, data.x.astype(np.float32))


def _task(data: Dataset, metric: str, output: IoSpec, float_outputs: np.ndarray | None) -> tuple[str, np.ndarray | None]:
    """("classification", None) or ("regression", the reference outputs)."""
    width = int(np.prod(output.shape[1:] if output.shape[:1] == (1,) else output.shape))
    if metric == "accuracy" or (metric == "auto" and data.has_labels and width > 1):
        if not data.has_labels:
            raise EvaluationError(f"{data.source}: accuracy needs integer labels y [N]; "
                                  "its y is " + ("missing" if data.y is None else f"{data.y.dtype} {list(data.y.shape)}"))
        if width < 2:
            raise EvaluationError(f"the model has {width} output value per sample: not a classifier; use --metric regression")
        return "classification", None
    if data.y is not None and data.y.dtype.kind == "f":
        return "regression", data.y
    if float_outputs is not None:
        return "regression", float_outputs
    raise EvaluationError(f"{data.source}: regression metrics need reference outputs: a float y [N, ...] in the .npz, "
                          "or a Keras model (its float outputs are the reference)")


def _scores(outputs: np.ndarray, data: Dataset, task: str, reference: np.ndarray | None,
            float_outputs: np.ndarray | None, request: EvaluateRequest) -> Scores:
    """Scores of real-valued outputs [N, ...]."""
    outputs = outputs.reshape(outputs.shape[0], -1)
    vs_float = None
    agree = None
    if float_outputs is not None and float_outputs.reshape(len(float_outputs), -1).shape == outputs.shape:
        vs_float = regression(outputs, float_outputs)
        if task == "classification":
            agree = agreement(predictions(outputs), predictions(float_outputs))
    if task == "classification":
        assert data.y is not None
        classes = len(data.class_names) if data.class_names else None
        metrics = classification(outputs, data.y, classes, request.top_k)
        return Scores(classification=metrics, vs_float=vs_float, agreement_with_float=agree,
                      predictions=tuple(int(p) for p in predictions(outputs)))
    assert reference is not None
    ref = reference.reshape(reference.shape[0], -1)
    if ref.shape != outputs.shape:
        raise EvaluationError(f"reference outputs are {list(reference.shape)} but the model gives "
                              f"{list(outputs.shape)}: y must hold one output per sample")
    return Scores(regression=regression(outputs, ref), vs_float=vs_float,
                  outputs=tuple(tuple(float(v) for v in row) for row in outputs))


def _evaluate_variant(variant: VariantModel, data: Dataset, task: str, reference: np.ndarray | None,
                      float_outputs: np.ndarray | None, request: EvaluateRequest, strict: bool,
                      pool: WorkerPool | None = None, note: Callable[[str], None] = lambda _: None) -> VariantEvaluation:
    model_bytes = variant.tflite.read_bytes()
    model = read_model(model_bytes)
    (input_spec, *_), (output_spec, *_) = io_specs(model)
    inputs = prepare_inputs(data.x, input_spec, request.x_kind, data.source)
    host = tflite = None
    host_note: str | None = None
    tflite_note: str | None = None
    differs: int | None = None
    if request.host:
        note(f"{variant.name}: host TFLM and TFLite on {len(inputs)} samples")
        scored = partial(_scores, data=data, task=task, reference=reference, float_outputs=float_outputs,
                         request=request)
        tflite_raw: np.ndarray | None = None
        try:
            tflite_raw = tflite_outputs(variant.tflite, inputs)
        except BenchError as failure:  # OracleError or OracleCrash, in its own process
            tflite_note = f"TFLite's interpreter could not run it: {failure}"
        else:
            tflite = scored(dequantize(tflite_raw, output_spec))
        try:
            tflm_raw = host_tflm_outputs(model_bytes, model, inputs)
        except BenchError as refusal:
            host_note = f"host TFLM could not run it: {refusal}"
        else:
            host = scored(dequantize(tflm_raw, output_spec))
            if tflite_raw is not None:
                differs = int(sum(not np.array_equal(a, b) for a, b in zip(tflm_raw, tflite_raw)))
    variant_row = partial(VariantEvaluation, variant.name, variant.description, str(variant.tflite), len(model_bytes),
                          host, host_note=host_note, host_tflite=tflite, host_tflite_differs=differs,
                          host_tflite_note=tflite_note)
    blocker = device_blocker(model)
    if blocker is not None:
        if strict:
            raise EvaluationError(f"{variant.tflite}: {blocker}")
        return variant_row(None, device_note=blocker)
    # TFLM is the oracle here; TFLite's BUILTIN_REF second opinion would only slow every sample.
    session = BenchSession(variant.tflite, replace(request.options, compare_tflite=False))
    try:
        try:
            note(f"{variant.name}: building the firmware")
            image = session.build()
        except GeneratorError as exc:
            if strict or isinstance(exc, FirmwareBuildError):
                raise
            return variant_row(None, device_note=f"not run: {exc}")
        progress = Progress(unit=f"{variant.name} samples", enabled=request.progress)
        runs, throughput = run_samples(session, [[sample] for sample in inputs], request.jobs, request.dask, progress,
                                         pool)
    finally:
        session.stop()
    outputs = dequantize(np.stack([run.outputs[0] for run in runs]), output_spec)
    estimates = [run.estimated_cycles for run in runs if run.estimated_cycles is not None]
    device = DeviceRun(
        scores=_scores(outputs, data, task, reference, float_outputs, request),
        samples=len(runs),
        tflm_mismatches=sum(not run.passed for run in runs),
        instructions_mean=float(np.mean([run.instructions for run in runs])),
        instructions_max=max(run.instructions for run in runs),
        estimated_cycles_mean=float(np.mean(estimates)) if len(estimates) == len(runs) else None,
        clock_hz=image.board.clock_hz,
        memory=image.memory,
        throughput=throughput,
        energy=(estimate_energy(round(float(np.mean(estimates))), image.board.clock_hz, image.board.currents,
                                request.options.energy_settings) if estimates and len(estimates) == len(runs) else None),
    )
    return variant_row(device)


def host_tflm_outputs(model_bytes: bytes, model: Model, inputs: np.ndarray) -> np.ndarray:
    """Host TFLM (the oracle, in its own process) on each sample: output 0."""
    n_outputs = len(model.outputs)
    with OracleProcess(OracleKind.TFLM, model_bytes, n_outputs, model) as oracle:
        return np.stack([oracle.run([sample])[0] for sample in inputs])


# -- text -----------------------------------------------------------------------------------------------

def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _primary(scores: Scores | None, task: str) -> str:
    if scores is None:
        return "-"
    if task == "classification":
        return _percent(scores.accuracy)
    assert scores.regression is not None
    return f"{scores.regression.rmse:.4g}"


def format_report(report: EvaluationReport) -> str:
    task = report.task
    metric = "accuracy" if task == "classification" else "RMSE"
    lines = [f"model    {report.model}", f"data     {report.dataset}: {report.samples} samples, {task}"]
    if report.float_model is not None:
        lines.append(f"float    Keras model on the host: {metric} {_primary(report.float_model, task)}")
    header = ("variant", ".tflite B", f"host TFLM {metric}", f"TFLite {metric}", f"device {metric}", "top-1 = float",
              "arena / flash / RAM B",
              "DWT cycles" if report.board_port else "instructions", "est. cycles", "est. ms", "est. uJ")
    rows = []
    notes: list[str] = []
    for v in report.variants:
        d = v.device
        if d is None:
            notes.append(f"{v.name}: {v.device_note or 'not run'}")
            device_text = f"not run [{len(notes)}]"
            rest = ("-", "-", "-", "-", "-")
            agree = v.host.agreement_with_float if v.host else None
        else:
            m = d.memory
            device_text = _primary(d.scores, task) + ("" if d.tflm_mismatches == 0 else f" ({d.tflm_mismatches} != TFLM)")
            rest = (f"{m.arena_bytes:,} / {m.flash_bytes:,} / {m.ram_bytes:,}", f"{d.instructions_mean:,.0f}",
                    "-" if d.estimated_cycles_mean is None else f"{d.estimated_cycles_mean:,.0f}",
                    "-" if d.ms_per_inference is None else f"{d.ms_per_inference:.3f}",
                    "-" if d.energy is None else f"{d.energy.microjoules:,.1f}")
            agree = d.scores.agreement_with_float
        tflite_text = _primary(v.host_tflite, task) if v.host_tflite else "-"
        if v.host_tflite_differs:
            notes.append(f"{v.name}: TFLite's default kernels (the XNNPACK delegate) gave other outputs than host TFLM "
                         f"on {v.host_tflite_differs} of {report.samples} samples; TFLM's arithmetic is what the device "
                         "runs, so the host TFLM and device columns agree")
            tflite_text += f" [{len(notes)}]"
        if v.host_tflite is None and v.host_tflite_note:
            notes.append(f"{v.name}: {v.host_tflite_note}")
            tflite_text += f" [{len(notes)}]"
        if v.host is None and v.host_note:
            notes.append(f"{v.name}: {v.host_note}")
        rows.append((v.name, "-" if v.tflite_bytes is None else f"{v.tflite_bytes:,}",
                     _primary(v.host, task) if v.host else "-", tflite_text, device_text,
                     _percent(agree) if agree is not None else "-", *rest))
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    lines += ["", " | ".join(h.ljust(w) for h, w in zip(header, widths)),
              "-|-".join("-" * w for w in widths)]
    lines += [" | ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    clock = report.clock_hz
    lines.append(f"(est. cycles and ms: the engine's Cortex-M4 timing model at {clock / 1e6:g} MHz, an estimate; "
                 "top-1 = float: agreement with the float model; device on "
                 + (f"the real board on {report.board_port}" if report.board_port else "the emulated board")
                 + ", checked against TFLM)")
    energy = next((v.device.energy for v in report.variants if v.device and v.device.energy), None)
    if energy is not None:
        regulator = "LDO" if energy.settings.regulator is Regulator.LDO else "DC/DC"
        lines.append(f"(est. uJ: energy per inference at the mean est. cycles, {regulator} regulator, "
                     f"{energy.settings.supply_volts:g} V, the data sheet's currents, chip only: an estimate, "
                     "docs/energy.md)")
    lines += [f"[{i}] {note}" for i, note in enumerate(notes, 1)]
    for v in report.variants:
        if v.device is None:
            continue
        d = v.device
        lines.append("")
        lines.append(f"{v.name}: {d.samples} samples on the device, "
                     + ("all outputs as TFLM gives them" if d.tflm_mismatches == 0
                        else f"{d.tflm_mismatches} samples DIFFER from TFLM")
                     + f"; {d.throughput.describe()}")
        if d.energy is not None and d.energy.duty is not None:
            lines.append(f"  energy {d.energy.summary()}")
        c = d.scores.classification
        if c is not None:
            top = ", ".join(f"top-{k} {_percent(a)}" for k, a in c.top_k.items())
            lines.append(f"  {c.correct}/{c.count} correct; {top}")
            names = report.class_names or tuple(str(i) for i in range(len(c.recall)))
            lines.append("  recall " + ", ".join(f"{n}: {_percent(r)}" for n, r in zip(names, c.recall)))
            if len(report.variants) == 1:
                lines.append("  confusion matrix (rows: true class, columns: predicted)")
                width = max(len(str(v)) for row in c.confusion for v in row) + 1
                lines.append("  " + " " * 8 + "".join(f"{n[:width - 1]:>{width}}" for n in names))
                lines += ["  " + f"{n[:8]:>8}" + "".join(f"{v:>{width}}" for v in row) for n, row in zip(names, c.confusion)]
        r = d.scores.regression
        if r is not None:
            lines.append(f"  RMSE {r.rmse:.5g}, MAE {r.mae:.5g}, cosine {r.cosine:.5f}, max abs error {r.max_abs_error:.5g}")
        if d.scores.vs_float is not None:
            f = d.scores.vs_float
            lines.append(f"  vs float model: RMSE {f.rmse:.5g}, MAE {f.mae:.5g}, cosine {f.cosine:.5f}, "
                         f"max abs error {f.max_abs_error:.5g}")
    return "\n".join(lines)


# -- checks for tests (pytest helpers and the Robot keywords use these) -------------------------------

def check_device_accuracy(report: EvaluationReport, minimum: float, variant: str | None = None) -> None:
    """AssertionError unless the device accuracy of `variant` (every variant run on the device, for
    None) is at least `minimum` (a fraction, 0.9 = 90 %)."""
    chosen = [report.variant(variant)] if variant else [v for v in report.variants if v.device is not None]
    if not chosen:
        raise AssertionError("no variant ran on the device: " + "; ".join(f"{v.name}: {v.device_note}" for v in report.variants))
    for v in chosen:
        if v.device is None:
            raise AssertionError(f"variant {v.name} did not run on the device: {v.device_note}")
        accuracy = v.device.scores.accuracy
        if accuracy is None:
            raise AssertionError(f"variant {v.name}: no accuracy (task {report.task}); evaluate with integer labels")
        if accuracy < minimum:
            c = v.device.scores.classification
            raise AssertionError(f"variant {v.name}: device accuracy {accuracy:.4f} ({c.correct}/{c.count}) "
                                 f"is below {minimum:.4f}")


def check_accuracy_drop(report: EvaluationReport, maximum: float, variant: str) -> float:
    """AssertionError if the float model's accuracy minus `variant`'s device accuracy exceeds
    `maximum` (a fraction: 0.02 = two percentage points); returns the drop."""
    reference = report.float_accuracy()
    if reference is None:
        raise AssertionError("no float model to compare with: evaluate a Keras model with the float variant")
    v = report.variant(variant)
    if v.device is None or v.device.scores.accuracy is None:
        raise AssertionError(f"variant {variant} has no device accuracy: {v.device_note or report.task}")
    drop = reference - v.device.scores.accuracy
    if drop > maximum:
        raise AssertionError(f"variant {variant}: device accuracy {v.device.scores.accuracy:.4f} is {drop:.4f} below "
                             f"the float model's {reference:.4f}, more than {maximum:.4f}")
    return drop
