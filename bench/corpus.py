"""Run a folder of .tflite models (a corpus, e.g. every model of TFLM's repository) and tabulate
what the bench does with each: runs bit-exact with host TFLM, refuses it (and why), or differs.

    outcomes = run_corpus(Path("corpus/tflite-micro"), BenchOptions(), jobs=2)
    print(corpus_table(outcomes))

A model with golden files beside it (TFLM's integration tests: `<name>_input<k>_<type>.csv` and
`<name>_golden_<type>.csv`, one comma-separated line each) gets those inputs as its first sample,
and the device's output is also compared with the golden one: exactly, or within 1 when the model
holds a LEAKY_RELU (the tolerance TFLM's own tests use there).

Each model is one `BenchSession` (TFLM the only oracle; its host process is shared by every model
a process checks). With `jobs` > 1 the models are spread over that many worker processes.
"""
from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path, PurePosixPath

import numpy as np

from tflm_bench.generator import FirmwareBuildError, GeneratorError, Model, ToolchainMissingError

from .errors import InputError
from .session import BenchOptions, BenchSession

# Inputs per model: seeded random ones, the first replaced by the golden input where there is one
# (the UART carries every byte through the engine: inputs, not builds, are most of a check's time).
RANDOM_SAMPLES = 2
LEAKY_RELU_GOLDEN_TOLERANCE = 1  # TFLM's integration tests allow 1 for LEAKY_RELU, 0 otherwise


class Status(StrEnum):
    EXACT = "bit-exact"  # every output of every input identical to host TFLM's
    TOLERANCE = "within tolerance"  # float32 outputs within the bench's ULP tolerance, none beyond
    REFUSED = "refused"  # the generator refused it (unsupported, malformed or too large), naming why
    DIFFERS = "differs"  # an output differs from host TFLM, or from the golden output
    FAILED = "failed"  # accepted, then the build, the device or an oracle failed: a bug to report


@dataclass(frozen=True)
class Outcome:
    """What the bench did with one model of the corpus."""

    model: str  # path relative to the corpus root, with '/'
    status: Status
    kind: str = ""  # REFUSED / FAILED: the exception's class name, e.g. UnsupportedOpError
    reason: str = ""  # REFUSED / FAILED: its message; DIFFERS: what differs
    inputs: int = 0  # inputs run on the device
    golden_checked: bool = False
    seconds: float = 0.0

    @property
    def directory(self) -> str:
        return str(PurePosixPath(self.model).parent)

    @property
    def ok(self) -> bool:
        """As expected of the bench: ran and matched, or refused with a reason."""
        return self.status in (Status.EXACT, Status.TOLERANCE, Status.REFUSED)


class CorpusError(InputError):
    """The corpus folder cannot be read (missing, or without any .tflite)."""


def find_models(root: Path) -> list[str]:
    """Every .tflite under `root`, as sorted paths relative to it."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"corpus folder {root} does not exist; give a folder holding .tflite files")
    models = sorted(str(p.relative_to(root).as_posix()) for p in root.rglob("*.tflite") if p.is_file())
    if not models:
        raise CorpusError(f"no .tflite file under {root}; give a folder holding .tflite files")
    return models


# -- golden files ---------------------------------------------------------------------------

_INPUT_CSV = re.compile(r"_input(\d+)_(\w+)\.csv$")


@dataclass(frozen=True)
class Golden:
    """A model's input and expected output values, read from its CSV files."""

    inputs: tuple[np.ndarray, ...]  # flat, one per model input, in input order
    output: np.ndarray  # flat: the first output's expected values


def _read_csv(path: Path, dtype_name: str) -> np.ndarray:
    text = path.read_text(encoding="utf-8").strip()
    values = [int(v) for v in text.replace("\n", ",").split(",") if v.strip()]
    return np.array(values, dtype=np.dtype(dtype_name))


def golden_files(model_path: Path) -> Golden | None:
    """The golden inputs and output beside `model_path` (None when it has none)."""
    model_path = Path(model_path)
    stem = model_path.stem
    goldens = sorted(model_path.parent.glob(f"{stem}_golden_*.csv"))
    if not goldens:
        return None
    inputs: dict[int, np.ndarray] = {}
    for path in model_path.parent.glob(f"{stem}_input*_*.csv"):
        match = _INPUT_CSV.search(path.name)
        if match and path.name.startswith(f"{stem}_input"):
            inputs[int(match.group(1))] = _read_csv(path, match.group(2))
    if sorted(inputs) != list(range(len(inputs))):
        raise CorpusError(f"{model_path}: golden input files are not numbered 0..{len(inputs) - 1}: {sorted(inputs)}")
    golden = goldens[0]
    return Golden(tuple(inputs[k] for k in sorted(inputs)), _read_csv(golden, golden.stem.rsplit("_", 1)[1]))


def golden_tolerance(model: Model) -> int:
    return LEAKY_RELU_GOLDEN_TOLERANCE if any(op.name == "LEAKY_RELU" for op in model.all_operators) else 0


def _shaped(golden: Golden, specs: tuple) -> list[np.ndarray]:  # type: ignore[type-arg]
    if len(golden.inputs) != len(specs):
        raise CorpusError(f"{len(golden.inputs)} golden input files for a model with {len(specs)} inputs")
    sample = []
    for values, spec in zip(golden.inputs, specs):
        if values.size != int(np.prod(spec.shape)):
            raise CorpusError(f"a golden input file has {values.size} values for an input of shape {list(spec.shape)}")
        sample.append(values.astype(spec.dtype).reshape(spec.shape))
    return sample


# -- one model ------------------------------------------------------------------------------

def run_model(root: Path, model: str, options: BenchOptions, samples: int = RANDOM_SAMPLES,
              seed: int = 0) -> Outcome:
    """Build, boot and check one model of the corpus; never raises for the model's own faults.

    Raises:
        ToolchainMissingError, InputError: a set-up problem (no compiler, bad options), not the model's.
    """
    path = Path(root) / model
    started = time.perf_counter()
    options = replace(options, compare_tflite=False)
    try:
        session = BenchSession(path, options)
        session.build()
    except ToolchainMissingError:
        raise
    except FirmwareBuildError as error:  # generated C that does not compile: ours to fix
        return Outcome(model, Status.FAILED, type(error).__name__, str(error), seconds=time.perf_counter() - started)
    except GeneratorError as error:
        return Outcome(model, Status.REFUSED, type(error).__name__, str(error), seconds=time.perf_counter() - started)
    try:
        outcome = _check(session, model, samples, seed)
    except (ToolchainMissingError, CorpusError):
        raise
    except Exception as error:  # the device faulted, an oracle refused or crashed, ...
        outcome = Outcome(model, Status.FAILED, type(error).__name__, str(error))
    finally:
        session.stop()
    return replace(outcome, seconds=time.perf_counter() - started)


def _check(session: BenchSession, model: str, count: int, seed: int) -> Outcome:
    device = session.start()
    specs = device.info().inputs
    golden = golden_files(session.model_path)
    samples = session.random_samples(max(count - (golden is not None), 0), seed)
    problems: list[str] = []
    if golden is not None:
        golden_sample = _shaped(golden, specs)
        # Rank-1 int32 inputs are shapes (TRANSPOSE_CONV's output shape): random ones mean nothing.
        for sample in samples:
            for index, spec in enumerate(specs):
                if spec.dtype == np.int32 and len(spec.shape) == 1:
                    sample[index] = golden_sample[index]
        samples.insert(0, golden_sample)
    results = []
    for number, sample in enumerate(samples):
        result, outputs = session.run_sample_with_outputs(number, sample)
        results.append(result)
        if golden is not None and number == 0:
            problems += _golden_problems(outputs[0], golden.output, golden_tolerance(session.model))
    for result in results:
        for out in result.outputs:
            if not out.vs_tflm.within_tolerance:
                problems.append(f"input {result.index} output {out.index}: {out.vs_tflm.mismatches} values differ "
                                f"from host TFLM (max {out.vs_tflm.max_diff} {out.vs_tflm.unit})")
    if problems:
        return Outcome(model, Status.DIFFERS, reason="; ".join(problems[:4]), inputs=len(samples),
                       golden_checked=golden is not None)
    exact = all(r.bit_exact for r in results)
    return Outcome(model, Status.EXACT if exact else Status.TOLERANCE, inputs=len(samples),
                   golden_checked=golden is not None)


def _golden_problems(device: np.ndarray, golden: np.ndarray, tolerance: int) -> list[str]:
    flat = np.asarray(device).reshape(-1)
    if flat.size != golden.size:
        return [f"golden output has {golden.size} values, the device's {flat.size}"]
    diff = np.abs(flat.astype(np.int64) - golden.astype(np.int64))
    worst = int(diff.max()) if diff.size else 0
    if worst > tolerance:
        return [f"golden input: {int((diff > tolerance).sum())} values differ from the golden output by more than "
                f"{tolerance} (max {worst})"]
    return []


# -- the whole corpus -------------------------------------------------------------------------

def _worker(args: tuple[Path, str, BenchOptions, int, int]) -> Outcome:
    return run_model(*args)


def run_corpus(root: Path, options: BenchOptions, models: Iterable[str] | None = None, jobs: int = 1,
               samples: int = RANDOM_SAMPLES, seed: int = 0,
               progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Every model (default: all under `root`), in `jobs` processes; outcomes in model order."""
    names = list(models) if models is not None else find_models(root)
    tasks = [(Path(root), name, options, samples, seed) for name in names]
    outcomes: list[Outcome] = []
    if jobs <= 1:
        results: Iterator[Outcome] = map(_worker, tasks)
        for outcome in results:
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        return outcomes
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for outcome in pool.map(_worker, tasks, chunksize=1):
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    return outcomes


# -- the table ----------------------------------------------------------------------------------

COLUMNS = ("models", "bit-exact", "within tolerance", "refused", "differ", "failed")


def counts_by_directory(outcomes: Iterable[Outcome]) -> dict[str, dict[str, int]]:
    rows: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        row = rows.setdefault(outcome.directory, dict.fromkeys(COLUMNS, 0))
        row["models"] += 1
        column = {Status.EXACT: "bit-exact", Status.TOLERANCE: "within tolerance", Status.REFUSED: "refused",
                  Status.DIFFERS: "differ", Status.FAILED: "failed"}[outcome.status]
        row[column] += 1
    return dict(sorted(rows.items()))


def short_reason(outcome: Outcome, width: int = 160) -> str:
    text = " ".join(outcome.reason.split())
    text = re.sub(r"; supported: [A-Z0-9_, ]+$", "", text)  # the list of every supported operator
    text = f"{outcome.kind}: {text}" if outcome.kind else text
    return text if len(text) <= width else text[: width - 3] + "..."


def corpus_table(outcomes: list[Outcome]) -> str:
    """A Markdown table by directory, a total row, then every model not bit-exact with its reason."""
    rows = counts_by_directory(outcomes)
    total = dict.fromkeys(COLUMNS, 0)
    for row in rows.values():
        for column in COLUMNS:
            total[column] += row[column]
    lines = ["| directory | " + " | ".join(COLUMNS) + " |", "|---|" + "---:|" * len(COLUMNS)]
    for directory, row in rows.items():
        lines.append(f"| {directory} | " + " | ".join(str(row[c]) for c in COLUMNS) + " |")
    lines.append("| **total** | " + " | ".join(f"**{total[c]}**" for c in COLUMNS) + " |")
    others = [o for o in outcomes if o.status is not Status.EXACT]
    if others:
        lines += ["", "Models not bit-exact:", ""]
        lines += [f"- `{o.model}`: {o.status}: {short_reason(o)}" for o in others]
    return "\n".join(lines) + "\n"
