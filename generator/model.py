"""The generator's in-memory model: plain frozen data read from a .tflite file.

Only facts from the file live here; derived values (multipliers, offsets, memory
plans) are computed by the modules that need them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Bytes per element for the tensor types the generator knows.
DTYPE_BYTES: dict[str, int] = {
    "bool": 1,
    "int8": 1,
    "uint8": 1,
    "int16": 2,
    "uint16": 2,
    "float16": 2,
    "int32": 4,
    "uint32": 4,
    "float32": 4,
    "int64": 8,
    "uint64": 8,
    "float64": 8,
    "complex64": 8,
    "complex128": 16,
    "resource": 4,  # a resource variable's id (VAR_HANDLE): TFLM sizes kTfLiteResource as an int32
}


@dataclass(frozen=True)
class Quantization:
    """Affine quantization: real = scale * (q - zero_point), per tensor or per channel."""

    scales: tuple[float, ...]
    zero_points: tuple[int, ...]
    quantized_dimension: int = 0

    @property
    def per_channel(self) -> bool:
        return len(self.scales) > 1


@dataclass(frozen=True)
class Tensor:
    """One tensor of the model; `data` is set for constant buffers only. Indices are global: the
    tensors of subgraph k follow those of subgraphs 0..k-1 (Subgraph.first_tensor)."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: str
    quantization: Quantization | None
    data: np.ndarray | None = field(default=None, compare=False, repr=False)
    is_variable: bool = False
    # An int4 constant (kTfLiteInt4, two values a byte): the reader unpacks it as TFLM's
    # UnpackDenseInt4IntoInt8 does, so `dtype` is "int8" and `data` holds one value per element;
    # validate() lets it in only where TFLM takes int4 (the weights of CONV_2D, DEPTHWISE_CONV_2D
    # and FULLY_CONNECTED with int8 activations).
    packed_int4: bool = False

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def num_elements(self) -> int:
        return math.prod(self.shape)

    @property
    def num_bytes(self) -> int:
        """Size of the tensor's data; raises KeyError for types without a fixed size."""
        return self.num_elements * DTYPE_BYTES[self.dtype]


@dataclass(frozen=True)
class Operator:
    """One operator; input index -1 marks an absent optional input."""

    index: int
    opcode: int
    name: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: dict[str, Any] = field(default_factory=dict, compare=False)
    version: int = 1  # the operator code's version (which variant of the op the exporter meant)
    subgraph: int = 0  # the subgraph it belongs to; indices are global (subgraph 0's first)

    @property
    def key(self) -> str:
        """The name an op handler registers for it: the builtin name, or "CUSTOM:<custom code>"
        for a custom operator (e.g. "CUSTOM:SignalWindow")."""
        if self.name == "CUSTOM":
            return f"CUSTOM:{self.options.get('custom_code', '')}"
        return self.name


@dataclass(frozen=True)
class Subgraph:
    """A subgraph other than 0: run by a control-flow operator (IF, WHILE, CALL_ONCE) of another.
    Its tensors are model.tensors[first_tensor : first_tensor + num_tensors]; its operators carry
    global indices, after subgraph 0's and the earlier subgraphs'."""

    index: int
    name: str
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    first_tensor: int
    num_tensors: int


@dataclass(frozen=True)
class Model:
    """A TFLite model: subgraph 0 (`operators`, `inputs`, `outputs`: what an inference runs) and
    the subgraphs its control-flow operators call (`subgraphs`, from subgraph 1 on)."""

    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    description: str
    sha256: str
    subgraphs: tuple[Subgraph, ...] = ()

    @property
    def all_operators(self) -> tuple[Operator, ...]:
        """Every operator of every subgraph, by global index (subgraph 0's first)."""
        return self.operators + tuple(op for sg in self.subgraphs for op in sg.operators)

    def operator(self, index: int) -> Operator:
        """The operator with global index `index`, in any subgraph."""
        if index < len(self.operators):
            return self.operators[index]
        return self.all_operators[index]

    def subgraph(self, index: int) -> Subgraph:
        """Subgraph `index` (1 and up; subgraph 0 is the model itself)."""
        return self.subgraphs[index - 1]

    @property
    def build_id(self) -> int:
        """First four bytes of the model's SHA-256, read little-endian."""
        return int.from_bytes(bytes.fromhex(self.sha256)[:4], "little")
