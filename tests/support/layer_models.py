"""Many independent single-op layers in one model, so one firmware build covers many cases.

    b = LayerModel()
    x = b.input("x", (256,), "int8", 0.05, -3)
    y = b.output("y", (256,), "int8", 1 / 256, -128)
    b.op("LOGISTIC", [x], [y])
    spec = b.spec()
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec


@dataclass
class LayerModel:
    tensors: list[TensorSpec] = field(default_factory=list)
    ops: list[OpSpec] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def tensor(self, name: str, shape: Sequence[int], dtype: str, scale: float | None = None,
               zero_point: int | None = None, data: np.ndarray | None = None, variable: bool = False) -> int:
        scales = None if scale is None else [scale]
        zps = None if scale is None else [zero_point or 0]
        self.tensors.append(TensorSpec(f"{name}_{len(self.tensors)}", tuple(shape), dtype, scales, zps, data,
                                       is_variable=variable))
        return len(self.tensors) - 1

    def input(self, *args: Any, **kwargs: Any) -> int:
        index = self.tensor(*args, **kwargs)
        self.inputs.append(index)
        return index

    def output(self, *args: Any, **kwargs: Any) -> int:
        index = self.tensor(*args, **kwargs)
        self.outputs.append(index)
        return index

    def op(self, name: str, inputs: Sequence[int], outputs: Sequence[int],
           options: tuple[str, dict[str, Any]] | None = None) -> None:
        self.ops.append(OpSpec(name, list(inputs), list(outputs), options=options))

    def custom(self, code: str, inputs: Sequence[int], outputs: Sequence[int], options: dict[str, Any]) -> None:
        """A CUSTOM operator (e.g. TFLM's "SignalWindow") with its options as a flexbuffer map."""
        from flatbuffers import flexbuffers

        self.ops.append(OpSpec("CUSTOM", list(inputs), list(outputs), custom_code=code,
                               custom_options=bytes(flexbuffers.Dumps(options))))

    def spec(self) -> ModelSpec:
        return ModelSpec(self.tensors, self.ops, self.inputs, self.outputs)

    def random_samples(self, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
        """Full-range int8 and int16 values, or floats in [-8, 8], for every model input."""
        samples = []
        for _ in range(count):
            sample = []
            for i in self.inputs:
                t = self.tensors[i]
                if t.dtype == "int8":
                    sample.append(rng.integers(-128, 128, t.shape).astype(np.int8))
                elif t.dtype == "int16":
                    sample.append(rng.integers(-32768, 32768, t.shape).astype(np.int16))
                else:
                    sample.append(rng.uniform(-8.0, 8.0, t.shape).astype(np.float32))
            samples.append(sample)
        return samples
