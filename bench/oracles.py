"""Reference interpreters: TFLM itself (the oracle) and TFLite's reference kernels (second opinion)."""
from __future__ import annotations

import os
import warnings
from typing import Protocol

import numpy as np

from tflm_bench.generator import Model

from .errors import BenchError


class Oracle(Protocol):
    name: str

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]: ...


def tflm_crash_reason(model: Model) -> str | None:
    """Why the pinned tflite-micro would crash the process on `model`, if it is a known case."""
    for op in model.operators:
        # Its depthwise Prepare decides "has bias" from the input count, then frees the absent
        # tensor: a segfault (seen with 0.dev20261023182759), not a Python error.
        if op.name == "DEPTHWISE_CONV_2D" and len(op.inputs) >= 3 and op.inputs[2] == -1:
            return (
                f"operator #{op.index} DEPTHWISE_CONV_2D lists its optional bias as absent (-1); the pinned "
                "tflite-micro crashes (segfault) on that form, so TFLM cannot check this model. Re-export the "
                "model with a bias, or drop the empty third input of that operator"
            )
    return None


class TflmOracle:
    """TFLM's kernels built for the host (the tflite-micro package): outputs must match bit for bit."""

    name = "TFLM"

    def __init__(self, model_bytes: bytes, n_outputs: int, model: Model | None = None, preserve_all: bool = False) -> None:
        """preserve_all keeps every intermediate tensor readable after invoke (see tensor())."""
        from tflite_micro.python.tflite_micro import runtime

        reason = tflm_crash_reason(model) if model is not None else None
        if reason is not None:
            raise BenchError(reason)
        self._n_outputs = n_outputs
        config = runtime.InterpreterConfig.kPreserveAllTensors if preserve_all else runtime.InterpreterConfig.kAllocationRecording
        try:
            # The binding really spells the keyword "intrepreter_config".
            self._interpreter = runtime.Interpreter.from_bytes(model_bytes, intrepreter_config=config)
        except Exception as exc:  # the binding raises plain RuntimeError/ValueError
            raise BenchError(f"TFLM (tflite-micro) could not load the model: {exc}") from exc

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        for index, value in enumerate(inputs):
            self._interpreter.set_input(value, index)
        self._interpreter.invoke()
        return [np.array(self._interpreter.get_output(index)) for index in range(self._n_outputs)]

    def tensor(self, index: int) -> np.ndarray:
        """Tensor `index` of the last invoke; needs preserve_all, else memory may be reused."""
        return np.array(self._interpreter.GetTensor(index, 0)["tensor_data"])


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
