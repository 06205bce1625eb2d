"""Evaluate a model on a data set, on the emulated device: accuracy (or regression metrics) per
variant, beside the host interpreter's and the float model's.

    report = evaluate(EvaluateRequest(Path("m.tflite"), Path("test.npz")))
    report.variant("model").device.scores.classification.accuracy

A .tflite is one variant ("model"); a Keras model becomes the variants asked for (variants.py).
Every device output is also checked against TFLM (the bench's oracle); a mismatch is counted
and makes `report.all_match_tflm` false. Metrics use output 0, dequantized to real values.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from tflm_bench.board import load_board
from tflm_bench.emulation import EngineName
from tflm_bench.generator import (FirmwareBuildError, FirmwareImage, GeneratorError, MemoryUse, Model, needs_conversion,
                                  read_model)

from .cache import cache_root
from .energy import EnergyEstimate, Regulator, estimate as estimate_energy
from .errors import BenchError, InputError
from .datasets import Dataset, DatasetError, IoSpec, dequantize, io_specs, load_dataset, prepare_inputs
from .evaluation_samples import (DeviceSamples, EvaluationSamples, Partial, VariantSamples, array_fingerprint,
                                 fingerprint)
from .oracle_process import OracleKind, OracleProcess
from .metrics import ClassificationMetrics, RegressionMetrics, agreement, classification, predictions, regression
from .parallel import SampleRun, Throughput, WorkerPool, run_samples
from .progress import Progress
from .session import BenchOptions, BenchSession
from .shards import Shard
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
    shard: Shard | None = None  # evaluate this slice of the samples only (`tflm-bench merge` joins the shards)


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
    tflite_sha256: str | None = None  # of the variant's .tflite (its baseline key, also where the file is gone)
    sample_indices: tuple[int, ...] | None = None  # a partial variant's samples; None: every sample, in order
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
    shard: dict[str, int] | None = None  # `evaluate --shard`: index, count, inputs (all shards), first, end
    partial: Partial | None = None  # stopped before every sample finished: what there is
    per_sample: EvaluationSamples | None = field(default=None, repr=False, compare=False)  # what the figures come from

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

    @property
    def complete(self) -> bool:
        return self.partial is None

    def to_dict(self) -> dict:
        data = asdict(replace(self, per_sample=None, partial=None))
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
        data["complete"] = self.complete
        data["partial"] = self.partial.to_dict() if self.partial is not None else None
        data["per_sample"] = self.per_sample.to_dict() if self.per_sample is not None else None
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

def evaluate(request: EvaluateRequest,
             on_interrupt: Callable[[EvaluationReport], None] | None = None) -> EvaluationReport:
    """The evaluation of every variant on the data set (the --shard's slice of it).

    on_interrupt: called with the partial report (the samples finished so far, marked partial)
    when a signal (Ctrl-C, SIGTERM: an exception that is not an Exception) stops the evaluation
    once the samples are loaded; the exception then goes on."""
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
    whole = load_dataset(request.data, first_inputs[0].shape).head(request.limit)
    first, end = request.shard.bounds(len(whole)) if request.shard else (0, len(whole))
    if first == end:
        raise EvaluationError(f"--shard {request.shard.index}/{request.shard.count}: the {len(whole)} samples "  # type: ignore[union-attr]
                              "leave this shard none; use at most as many shards as samples")
    if keras:
        phases.note(f"float reference: the Keras model on {len(whole)} samples")
    # The whole set, then this shard's rows: Keras runs the samples in batches, and a shard's own
    # batches could round differently from the unsharded evaluation's.
    float_all = _float_reference(model, whole, request) if keras else None
    task, reference = _task(whole, request.metric, first_outputs[0], float_all)
    data = Dataset(whole.x[first:end], None if whole.y is None else whole.y[first:end], whole.source, whole.class_names)
    base = EvaluationSamples(
        model=str(model), model_sha256=fingerprint(model), dataset=whole.source,
        dataset_sha256=array_fingerprint(whole.x, whole.y), total=len(whole), first=first, count=end - first,
        task=task, class_names=whole.class_names, classes=len(whole.class_names) if whole.class_names else None,
        top_k=request.top_k, labels=data.y if task == "classification" else None,
        reference=reference[first:end] if reference is not None else None,
        float_outputs=float_all[first:end] if float_all is not None else None, variants=(),
        clock_hz=load_board(request.options.platform_path, request.options.repl_path).clock_hz,
        board_port=str(request.options.port) if request.options.engine is EngineName.SERIAL else None,
        configuration={"kernels": str(request.options.kernels), "engine": str(request.options.engine),
                       "runtime": str(request.options.runtime)},
        options=_choices(request, keras), shard=request.shard.to_dict(len(whole)) if request.shard else None)
    # One pool of worker processes for every variant: they start once, then boot each firmware.
    pool = WorkerPool(min(request.jobs, len(data))) if request.jobs > 1 and request.dask is None and len(data) > 1 else None
    finished: list[VariantSamples] = []
    current: _VariantWork | None = None
    try:
        # Variants of a Keras model all take x as the float model does: real values, quantized per variant.
        kind = "real" if keras else request.x_kind
        for variant in variants:
            current = _VariantWork(time.monotonic())
            finished.append(_evaluate_variant(variant, data, first, replace(request, x_kind=kind), strict=not keras,
                                              pool=pool, note=phases.note, work=current))
            current = None
        # Inside the try: a signal while the workers end still leaves the finished samples kept.
        if pool is not None:
            pool.close()
        return assemble(replace(base, variants=tuple(finished)))
    except BaseException as error:
        if pool is not None:
            pool.close(interrupted=not isinstance(error, Exception))
        if on_interrupt is not None and not isinstance(error, Exception):
            mode = ("dask", 1) if request.dask else (("processes", pool.jobs) if pool else ("in-process", 1))
            on_interrupt(_partial_report(base, variants, finished, current, _stopped_by(error), mode))
        raise


def _choices(request: EvaluateRequest, keras: bool) -> dict[str, object]:
    """Every choice that changes a figure (shards of one evaluation must agree on them)."""
    o = request.options
    return {"metric": request.metric, "top_k": request.top_k, "x_kind": request.x_kind, "limit": request.limit,
            "host": request.host, "variants": list(request.variants) if keras else None,
            "qat_epochs": request.qat_epochs if keras else None, "seed": request.seed if keras else None,
            "kernels": str(o.kernels), "optimize": str(o.optimize), "engine": str(o.engine), "runtime": str(o.runtime),
            "target": str(o.target), "arena_bytes": o.arena_bytes, "regulator": str(o.regulator),
            "supply_volts": o.supply_volts, "duty": o.duty, "battery": o.battery}


def _stopped_by(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "interrupted (SIGINT)"
    if type(error).__name__ == "Terminated":  # the CLI's SIGTERM
        return "terminated (SIGTERM)"
    return f"stopped ({type(error).__name__})"


@dataclass
class _VariantWork:
    """How far the running variant got: its host columns, then each sample the device finished."""

    start: float
    row: VariantSamples | None = None
    runs: list[SampleRun] = field(default_factory=list)
    device_of: Callable[[list[SampleRun], Throughput], DeviceSamples] | None = None


def _partial_report(base: EvaluationSamples, variants: list[VariantModel], finished: list[VariantSamples],
                    current: _VariantWork | None, reason: str, mode: tuple[str, int]) -> EvaluationReport:
    """The report of the samples finished before the evaluation stopped, marked partial."""
    rows = list(finished)
    if current is not None and current.row is not None and current.runs and current.device_of is not None:
        runs = sorted(current.runs, key=lambda r: r.index)
        throughput = Throughput(mode[0], mode[1], len(runs), time.monotonic() - current.start)
        row = current.row.take(np.array([r.index for r in runs], np.int64))
        rows.append(replace(row, device=current.device_of(runs, throughput)))
    for variant in variants[len(rows):]:
        started = len(rows) == len(finished) and current is not None
        rows.append(VariantSamples(variant.name, variant.description, str(variant.tflite), None, None,
                                   np.zeros(0, np.int64),
                                   device_note="stopped before its first sample finished on the device" if started
                                   else "not started: the evaluation was stopped before it"))
    partial = Partial(reason, base.count, {row.name: len(row.indices) for row in rows})
    return assemble(replace(base, variants=tuple(rows), partial=partial))


def assemble(samples: EvaluationSamples) -> EvaluationReport:
    """The report's figures from the per-sample results: the one computation behind an evaluation,
    a shard of one, a partial one and a merge of shards (so the merge equals the whole)."""
    s = samples

    def scores(outputs: np.ndarray, indices: np.ndarray, against_float: bool = True) -> Scores:
        rows = indices - s.first
        return _scores(outputs, s.task, None if s.labels is None else s.labels[rows], s.classes,
                       None if s.reference is None else s.reference[rows],
                       None if s.float_outputs is None or not against_float else s.float_outputs[rows], s.top_k)

    everyone = np.arange(s.first, s.first + s.count, dtype=np.int64)
    float_scores = scores(s.float_outputs, everyone, against_float=False) if s.float_outputs is not None else None
    variants = []
    for v in s.variants:
        has = len(v.indices) > 0
        d = v.device
        device = None
        if d is not None and has:
            cycles = float(np.mean(d.estimated_cycles)) if d.estimated_cycles is not None else None
            device = DeviceRun(
                scores=scores(d.outputs, v.indices), samples=len(v.indices), tflm_mismatches=int(np.sum(~d.passed)),
                instructions_mean=float(np.mean(d.instructions)), instructions_max=int(np.max(d.instructions)),
                estimated_cycles_mean=cycles, clock_hz=d.clock_hz, memory=d.memory, throughput=d.throughput,
                energy=estimate_energy(round(cycles), d.clock_hz, d.currents, d.energy) if cycles is not None else None)
        variants.append(VariantEvaluation(
            v.name, v.description, v.tflite, v.tflite_bytes,
            scores(v.host, v.indices) if v.host is not None and has else None, device, device_note=v.device_note,
            host_note=v.host_note, host_tflite_note=v.host_tflite_note,
            host_tflite=scores(v.host_tflite, v.indices) if v.host_tflite is not None and has else None,
            host_tflite_differs=int(np.sum(v.host_tflite_differs)) if v.host_tflite_differs is not None else None,
            tflite_sha256=v.tflite_sha256,
            sample_indices=None if np.array_equal(v.indices, everyone) else tuple(int(i) for i in v.indices)))
    return EvaluationReport(
        model=s.model, dataset=s.dataset, samples=s.count, task=s.task, class_names=s.class_names,
        labels=tuple(int(v) for v in s.labels) if s.labels is not None else None, float_model=float_scores,
        variants=tuple(variants), clock_hz=s.clock_hz, board_port=s.board_port, configuration=dict(s.configuration),
        shard=s.shard, partial=s.partial, per_sample=s)


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


def _scores(outputs: np.ndarray, task: str, labels: np.ndarray | None, classes: int | None,
            reference: np.ndarray | None, float_outputs: np.ndarray | None, top_k: int) -> Scores:
    """Scores of real-valued outputs [N, ...]."""
    outputs = np.ascontiguousarray(outputs).reshape(outputs.shape[0], -1)
    vs_float = None
    agree = None
    if float_outputs is not None and float_outputs.reshape(len(float_outputs), -1).shape == outputs.shape:
        float_outputs = np.ascontiguousarray(float_outputs)
        vs_float = regression(outputs, float_outputs)
        if task == "classification":
            agree = agreement(predictions(outputs), predictions(float_outputs))
    if task == "classification":
        assert labels is not None
        metrics = classification(outputs, labels, classes, top_k)
        return Scores(classification=metrics, vs_float=vs_float, agreement_with_float=agree,
                      predictions=tuple(int(p) for p in predictions(outputs)))
    assert reference is not None
    ref = np.ascontiguousarray(reference).reshape(reference.shape[0], -1)
    if ref.shape != outputs.shape:
        raise EvaluationError(f"reference outputs are {list(reference.shape)} but the model gives "
                              f"{list(outputs.shape)}: y must hold one output per sample")
    return Scores(regression=regression(outputs, ref), vs_float=vs_float,
                  outputs=tuple(tuple(float(v) for v in row) for row in outputs))


def _evaluate_variant(variant: VariantModel, data: Dataset, first: int, request: EvaluateRequest, strict: bool,
                      pool: WorkerPool | None = None, note: Callable[[str], None] = lambda _: None,
                      work: _VariantWork | None = None) -> VariantSamples:
    """The variant's per-sample results; `work` follows its progress (for a partial report)."""
    work = work or _VariantWork(time.monotonic())
    model_bytes = variant.tflite.read_bytes()
    model = read_model(model_bytes)
    (input_spec, *_), (output_spec, *_) = io_specs(model)
    inputs = prepare_inputs(data.x, input_spec, request.x_kind, data.source)
    row = VariantSamples(variant.name, variant.description, str(variant.tflite), len(model_bytes),
                         hashlib.sha256(model_bytes).hexdigest(), np.arange(first, first + len(inputs), dtype=np.int64))
    if request.host:
        note(f"{variant.name}: host TFLM and TFLite on {len(inputs)} samples")
        tflite_raw: np.ndarray | None = None
        try:
            tflite_raw = tflite_outputs(variant.tflite, inputs)
        except BenchError as failure:  # OracleError or OracleCrash, in its own process
            row = replace(row, host_tflite_note=f"TFLite's interpreter could not run it: {failure}")
        else:
            row = replace(row, host_tflite=dequantize(tflite_raw, output_spec))
        try:
            tflm_raw = host_tflm_outputs(model_bytes, model, inputs)
        except BenchError as refusal:
            row = replace(row, host_note=f"host TFLM could not run it: {refusal}")
        else:
            row = replace(row, host=dequantize(tflm_raw, output_spec))
            if tflite_raw is not None:
                row = replace(row, host_tflite_differs=np.array(
                    [not np.array_equal(a, b) for a, b in zip(tflm_raw, tflite_raw)], dtype=bool))
    work.row = row
    blocker = device_blocker(model)
    if blocker is not None:
        if strict:
            raise EvaluationError(f"{variant.tflite}: {blocker}")
        return replace(row, device_note=blocker)
    # TFLM is the oracle here; TFLite's BUILTIN_REF second opinion would only slow every sample.
    session = BenchSession(variant.tflite, replace(request.options, compare_tflite=False))
    try:
        try:
            note(f"{variant.name}: building the firmware")
            image = session.build()
        except GeneratorError as exc:
            if strict or isinstance(exc, FirmwareBuildError):
                raise
            return replace(row, device_note=f"not run: {exc}")
        work.device_of = partial(_device_samples, output_spec=output_spec, image=image, request=request)
        work.start = time.monotonic()
        progress = Progress(unit=f"{variant.name} samples", enabled=request.progress)
        runs, throughput = run_samples(session, [[sample] for sample in inputs], request.jobs, request.dask, progress,
                                       pool, finished=work.runs)
    finally:
        session.stop()
    return replace(row, device=work.device_of(runs, throughput))


def _device_samples(runs: list[SampleRun], throughput: Throughput, output_spec: IoSpec, image: FirmwareImage,
                    request: EvaluateRequest) -> DeviceSamples:
    estimates = [run.estimated_cycles for run in runs]
    return DeviceSamples(
        outputs=dequantize(np.stack([run.outputs[0] for run in runs]), output_spec),
        passed=np.array([run.passed for run in runs], dtype=bool),
        instructions=np.array([run.instructions for run in runs], dtype=np.int64),
        estimated_cycles=(np.array(estimates, dtype=np.int64) if all(e is not None for e in estimates) else None),
        clock_hz=image.board.clock_hz, memory=image.memory, throughput=throughput, currents=image.board.currents,
        energy=request.options.energy_settings)


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
    if report.shard is not None:
        sh = report.shard
        lines.append(f"shard    {sh['index']} of {sh['count']}: samples {sh['first']}..{sh['end'] - 1} of {sh['inputs']} "
                     "(`tflm-bench merge` puts the shards together)")
    if report.partial is not None:
        lines.append(f"{report.partial.summary()}; the figures cover those samples only")
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
                         f"on {v.host_tflite_differs} of {len(v.sample_indices or range(report.samples))} samples; "
                         "TFLM's arithmetic is what the device "
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
    _refuse_partial(report)
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
    _refuse_partial(report)
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


def _refuse_partial(report: EvaluationReport) -> None:
    if report.partial is not None:
        raise AssertionError(f"{report.partial.summary()}: a gate on part of the samples would not be the "
                             "evaluation's; evaluate every sample")
