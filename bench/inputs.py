"""Inputs for a bench run: loaded from a .npy file or drawn, seeded, from the model's input range."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import InputError
from .protocol import TensorInfo


def _input_range(spec: TensorInfo, float_range: tuple[float, float] | None) -> tuple[float, float]:
    if spec.dtype.kind in "iu":
        info = np.iinfo(spec.dtype)
        return float(info.min), float(info.max)
    return float_range or (-1.0, 1.0)


def random_inputs(
    specs: tuple[TensorInfo, ...], count: int, seed: int, float_ranges: dict[int, tuple[float, float]] | None = None
) -> list[list[np.ndarray]]:
    """`count` samples, each a list with one array per model input, uniform over its range."""
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(count):
        sample = []
        for index, spec in enumerate(specs):
            low, high = _input_range(spec, (float_ranges or {}).get(index))
            if spec.dtype.kind in "iu":
                value = rng.integers(int(low), int(high), size=spec.shape, endpoint=True)
            else:
                value = rng.uniform(low, high, size=spec.shape)
            sample.append(value.astype(spec.dtype))
        samples.append(sample)
    return samples


def load_inputs(path: Path, specs: tuple[TensorInfo, ...]) -> list[list[np.ndarray]]:
    """A .npy holds one input tensor's samples: [N, *input shape], one sample of exactly the input
    shape, or, for an input with a batch dimension of 1, [N, *input shape[1:]] (N stacked on the
    batch axis, as Keras data sets are shaped).

    Any other shape is refused, even one with the right number of values: flattening a
    [N, 49, 40] array into [N, 1960] inputs would silently feed the model the wrong layout.
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
    if array.dtype != spec.dtype:
        raise InputError(
            f"{path} holds {array.dtype} {array.shape}; the model's input is {spec.dtype} {expected}: "
            f"save it with x.astype(np.{spec.dtype.name})"
        )
    if array.shape == expected:
        return [[array]]
    if array.ndim == len(expected) + 1 and array.shape[1:] == expected and array.shape[0] > 0:
        return [[sample] for sample in array]
    if expected[:1] == (1,) and array.shape[1:] == expected[1:] and array.ndim == len(expected) and array.shape[0] > 0:
        return [[sample.reshape(expected)] for sample in array]
    batched = ", ".join(map(str, expected[1:] if expected[:1] == (1,) else expected))
    raise InputError(
        f"{path} has shape {array.shape}; the model's input has shape {expected}: give [N, {batched}] "
        f"for N samples, or exactly {expected} for one"
    )


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
