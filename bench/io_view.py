"""What a user needs to feed the model and read its answers: each I/O tensor's type and
quantization, and each input's outputs as real values (and the top class of a classifier)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tflm_bench.generator import Model

from .errors import InputError

SHOWN_VALUES = 10  # values of one output printed in the terminal; JSON and HTML hold them all


@dataclass(frozen=True)
class IoTensor:
    """A model input or output as a sketch feeding the model sees it."""

    role: str  # "input" or "output"
    position: int
    name: str
    dtype: str
    shape: tuple[int, ...]
    scale: float  # 0 for float tensors
    zero_point: int

    @property
    def quantized(self) -> bool:
        return self.scale != 0

    def describe(self) -> str:
        quant = f", scale {self.scale:.9g}, zero point {self.zero_point}" if self.quantized else ""
        return f"{self.role} {self.position} '{self.name}' {self.dtype} {list(self.shape)}{quant}"


def io_tensors(model: Model) -> tuple[IoTensor, ...]:
    found = []
    for role, indices in (("input", model.inputs), ("output", model.outputs)):
        for position, index in enumerate(indices):
            tensor = model.tensors[index]
            q = tensor.quantization
            quantized = tensor.dtype != "float32" and q is not None and len(q.scales) > 0
            found.append(IoTensor(role, position, tensor.name, tensor.dtype, tuple(tensor.shape),
                                  float(q.scales[0]) if quantized else 0.0,
                                  int(q.zero_points[0]) if quantized else 0))
    return tuple(found)


def dequantized(values: np.ndarray, tensor: IoTensor) -> tuple[float, ...]:
    """Real values of one output: scale x (q - zero point), float outputs as they are."""
    flat = np.asarray(values).ravel()
    if tensor.quantized:
        flat = (flat.astype(np.int64) - tensor.zero_point).astype(np.float64) * tensor.scale
    return tuple(float(v) for v in flat)


def is_classifier(model: Model, labels: Sequence[str]) -> bool:
    """Class names given, or a first output that a SOFTMAX writes: its argmax is a class."""
    if labels:
        return True
    first = model.outputs[0]
    return any(op.name == "SOFTMAX" and first in op.outputs for op in model.operators)


def top_class(values: Sequence[float], labels: Sequence[str]) -> tuple[int, str]:
    """The index of the largest value (the first on a tie) and its name ("" without names)."""
    best = int(np.argmax(np.asarray(values)))
    return best, labels[best] if best < len(labels) else ""


def load_labels(text: str | None, classes: int) -> tuple[str, ...]:
    """--labels: a file with one class name per line, or names separated by commas."""
    if not text:
        return ()
    path = Path(text)
    names = [line.strip() for line in path.read_text().splitlines()] if path.is_file() else text.split(",")
    names = [n.strip() for n in names if n.strip()]
    if len(names) != classes:
        raise InputError(f"--labels gives {len(names)} class names; the model's first output has {classes} values: "
                         "give one name per value (a file with one per line, or a,b,c)")
    return tuple(names)


def format_outputs(values: Sequence[Sequence[float]], outputs: Sequence[IoTensor], classifier: bool,
                   labels: Sequence[str]) -> str:
    """One input's outputs on one line: the first SHOWN_VALUES of each, and the top class."""
    parts = []
    for tensor, row in zip(outputs, values):
        shown = ", ".join(f"{v:.4g}" for v in row[:SHOWN_VALUES])
        more = f", ... ({len(row)} values)" if len(row) > SHOWN_VALUES else ""
        parts.append(f"out{tensor.position} [{shown}{more}]")
    text = "  ".join(parts)
    if classifier and values:
        index, name = top_class(values[0], labels)
        text += f"  -> class {index}{f' {name!r}' if name else ''} ({values[0][index]:.4g})"
    return text
