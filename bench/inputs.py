"""Inputs for a bench run: loaded from a .npy file or drawn, seeded, from the model's input range."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .datasets import quantize
from .errors import InputError
from .protocol import TensorInfo


def _input_range(spec: TensorInfo, float_range: tuple[float, float] | None) -> tuple[float, float]:
    if spec.dtype.kind in "iu":
        info = np.iinfo(spec.dtype)
        return float(info.min), float(info.max)
    return float_range or (-1.0, 1.0)


def random_inputs(
    specs: tuple[TensorInfo, ...], count: int, seed: int, float_ranges: dict[int, tuple[float, float]] | None = None,
    fixed: dict[int, np.ndarray] | None = None,
) -> list[list[np.ndarray]]:
    """`count` samples, each a list with one array per model input, uniform over its range;
    inputs in `fixed` (position -> values, e.g. a TRANSPOSE_CONV's output shape) get those values."""
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(count):
        sample = []
        for index, spec in enumerate(specs):
            low, high = _input_range(spec, (float_ranges or {}).get(index))
            if spec.dtype.kind == "b":
                value = rng.integers(0, 1, size=spec.shape, endpoint=True)
            elif spec.dtype.kind in "iu":
                value = rng.integers(int(low), int(high), size=spec.shape, endpoint=True)
            else:
                value = rng.uniform(low, high, size=spec.shape)
            if fixed is not None and index in fixed:
                value = np.asarray(fixed[index]).reshape(spec.shape)
            sample.append(value.astype(spec.dtype))
        samples.append(sample)
    return samples


@dataclass(frozen=True)
class LoadedInputs:
    """Samples read from a file, and how their values were converted to the model's input type
    (None: used as stored). The conversion is announced and recorded in the report."""

    samples: list[list[np.ndarray]]
    conversion: str | None = None


def load_inputs(path: Path, specs: tuple[TensorInfo, ...]) -> LoadedInputs:
    """A .npy holds one input tensor's samples: [N, *input shape], one sample of exactly the input
    shape, or, for an input with a batch dimension of 1, [N, *input shape[1:]] (N stacked on the
    batch axis, as Keras data sets are shaped).

    Any other shape is refused, even one with the right number of values: flattening a
    [N, 49, 40] array into [N, 1960] inputs would silently feed the model the wrong layout.
    Values: the input's own type is used as stored; float values for a quantized input are
    quantized with the input's scale and zero point (as `evaluate` does); float64 for a float32
    input becomes float32. Anything else is refused, naming every problem at once.
    """
    if len(specs) != 1:
        raise InputError(f"--inputs takes a .npy for single-input models; this model has {len(specs)} inputs")
    spec = specs[0]
    path = Path(path)
    if not path.is_file():
        raise InputError(f"--inputs {path}: {'is a directory' if path.is_dir() else 'no such file'}; give a .npy file")
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"cannot read inputs from {path} as a .npy array: {exc}") from exc
    if not isinstance(array, np.ndarray):
        raise InputError(f"{path} is an .npz archive; --inputs takes one .npy array [N, *input shape]")
    expected = tuple(spec.shape)
    samples = _split(array, expected)
    problems = [] if samples is not None else [_shape_problem(array.shape, expected)]
    type_problem = _type_problem(array, spec)
    if type_problem:
        problems.append(type_problem)
    if problems:
        raise InputError(f"{path} holds {array.dtype} {array.shape}; the model's input is {spec.dtype} {expected}: "
                         + "; and ".join(problems))
    assert samples is not None
    if array.dtype == spec.dtype:
        return LoadedInputs([[sample] for sample in samples])
    converted = [[_convert(sample, spec)] for sample in samples]
    return LoadedInputs(converted, _conversion_note(path, array, spec))


def _split(array: np.ndarray, expected: tuple[int, ...]) -> list[np.ndarray] | None:
    """The samples of `array` in the input's shape, or None when its shape is none of the forms."""
    if array.shape == expected:
        return [array]
    if array.ndim == len(expected) + 1 and array.shape[1:] == expected and array.shape[0] > 0:
        return list(array)
    if expected[:1] == (1,) and array.shape[1:] == expected[1:] and array.ndim == len(expected) and array.shape[0] > 0:
        return [sample.reshape(expected) for sample in array]
    return None


def _shape_problem(shape: tuple[int, ...], expected: tuple[int, ...]) -> str:
    batched = ", ".join(map(str, expected[1:] if expected[:1] == (1,) else expected))
    return f"its shape {shape} is not the input's: give [N, {batched}] for N samples, or exactly {expected} for one"


def _type_problem(array: np.ndarray, spec: TensorInfo) -> str | None:
    """Why the values cannot become the input's type, or None when they can."""
    if array.dtype == spec.dtype:
        return None
    if spec.dtype.kind == "f":
        if array.dtype.kind == "f":
            return None
        return (f"the input takes float values: give the data as float32 (the same numbers: "
                f"x.astype(np.float32)), scaled as the model was trained")
    if array.dtype.kind != "f":
        return (f"the input takes {spec.dtype} values already quantized; or give the real values as float32 "
                f"and the bench quantizes them with the input's scale {spec.scale:g} and zero point "
                f"{spec.zero_point} (q = round(x / scale) + zero_point)")
    if spec.scale <= 0:
        return f"the {spec.dtype} input has no quantization parameters, so float values cannot be quantized: give {spec.dtype} values"
    if not np.all(np.isfinite(array)):
        return "it holds NaN or infinite values, which have no quantized value"
    return None


def _convert(sample: np.ndarray, spec: TensorInfo) -> np.ndarray:
    if spec.dtype.kind == "f":
        return sample.astype(spec.dtype)
    return quantize(sample, spec.scale, spec.zero_point, spec.dtype)


def _conversion_note(path: Path, array: np.ndarray, spec: TensorInfo) -> str:
    if spec.dtype.kind == "f":
        return f"{path.name}: {array.dtype} values given as {spec.dtype}"
    info = np.iinfo(spec.dtype)
    low, high = (info.min - spec.zero_point) * spec.scale, (info.max - spec.zero_point) * spec.scale
    clamped = int(np.count_nonzero((array < low - spec.scale / 2) | (array > high + spec.scale / 2)))
    note = (f"{path.name}: {array.dtype} values quantized to {spec.dtype} with the input's scale {spec.scale:g} and "
            f"zero point {spec.zero_point} (q = round(x / scale) + zero_point, halves away from zero)")
    if clamped:
        note += f"; {clamped} values outside [{low:g}, {high:g}] were clamped"
    return note


def non_finite_warnings(samples: list[list[np.ndarray]]) -> list[str]:
    """One line per sample input holding NaN or infinity: run as given, but never unremarked."""
    warnings = []
    for number, sample in enumerate(samples):
        for index, value in enumerate(sample):
            if value.dtype.kind != "f":
                continue
            nans, infs = int(np.isnan(value).sum()), int(np.isinf(value).sum())
            if nans or infs:
                warnings.append(f"input {number}, tensor {index}: {nans} NaN and {infs} infinite values")
    return warnings
