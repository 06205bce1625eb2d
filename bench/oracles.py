"""Reference interpreters: TFLM itself (the oracle) and TFLite's reference kernels (second opinion)."""
from __future__ import annotations

import os
import warnings
from typing import Protocol

import numpy as np

from .errors import BenchError


class Oracle(Protocol):
    name: str

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]: ...


class TflmOracle:
    """TFLM's kernels built for the host (the tflite-micro package): outputs must match bit for bit."""

    name = "TFLM"

    def __init__(self, model_bytes: bytes, n_outputs: int) -> None:
        from tflite_micro.python.tflite_micro import runtime

        self._n_outputs = n_outputs
        try:
            self._interpreter = runtime.Interpreter.from_bytes(model_bytes)
        except Exception as exc:  # the binding raises plain RuntimeError/ValueError
            raise BenchError(f"TFLM (tflite-micro) could not load the model: {exc}") from exc

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        for index, value in enumerate(inputs):
            self._interpreter.set_input(value, index)
        self._interpreter.invoke()
        return [np.array(self._interpreter.get_output(index)) for index in range(self._n_outputs)]


class TfliteReferenceOracle:
    """TFLite's interpreter with the BUILTIN_REF resolver: reported against, never hidden."""

    name = "TFLite BUILTIN_REF"

    def __init__(self, model_bytes: bytes) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow as tf

        with warnings.catch_warnings():
            # tf.lite.Interpreter warns that it is deprecated in favour of LiteRT; it is still the
            # interpreter that carries the BUILTIN_REF resolver in TensorFlow 2.21.
            warnings.simplefilter("ignore", UserWarning)
            self._interpreter = tf.lite.Interpreter(
                model_content=model_bytes,
                experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF,
            )
        self._interpreter.allocate_tensors()

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        for detail, value in zip(self._interpreter.get_input_details(), inputs):
            self._interpreter.set_tensor(detail["index"], value.reshape(detail["shape"]))
        self._interpreter.invoke()
        return [np.array(self._interpreter.get_tensor(d["index"])) for d in self._interpreter.get_output_details()]
