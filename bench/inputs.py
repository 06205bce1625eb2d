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
    """A .npy holds one input tensor's samples: shape [N, *input shape], or one sample of the input shape."""
    if len(specs) != 1:
        raise InputError(f"--inputs takes a .npy for single-input models; this model has {len(specs)} inputs")
    spec = specs[0]
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read inputs from {path}: {exc}") from exc
    if array.dtype != spec.dtype:
        raise InputError(f"{path} holds {array.dtype}; the model's input is {spec.dtype} {spec.shape}")
    per_sample = int(np.prod(spec.shape))
    if array.size % per_sample or array.size == 0:
        raise InputError(
            f"{path} has shape {array.shape} ({array.size} values), not a whole number of "
            f"samples of the input shape {spec.shape}"
        )
    return [[sample.reshape(spec.shape)] for sample in array.reshape(-1, per_sample)]
