"""Reference interpreters: TFLM itself (the oracle) and TFLite's reference kernels (second opinion).

A model reaches them only after the generator accepted it, so any exception they raise is a
validation gap of tflm-bench: re-raised as OracleError (naming the oracle), never taken for a
mismatch of the outputs.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, TypeVar

import numpy as np

from tflm_bench.generator import ABSENT, BIAS, Model, input_index

from .errors import BenchError, OracleError

T = TypeVar("T")


class Oracle(Protocol):
    name: str

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]: ...


def tflm_crash_reason(model: Model) -> str | None:
    """Why the pinned tflite-micro would crash the process on `model`, if it is a known case.

    validate() refuses these models first; this guards callers that skip it."""
    for op in model.all_operators:  # every subgraph's: TFLM prepares them all
        # Its depthwise Prepare decides "has bias" from the input count, then frees the absent
        # tensor: a segfault (seen with 0.dev20261023182759), not a Python error.
        if op.name == "DEPTHWISE_CONV_2D" and len(op.inputs) > BIAS and input_index(op, BIAS) == ABSENT:
            return (
                f"operator #{op.index} DEPTHWISE_CONV_2D lists its optional bias as absent (-1); the pinned "
                "tflite-micro crashes (segfault) on that form, so TFLM cannot check this model. Re-export the "
                "model with a bias, or drop the empty third input of that operator"
            )
        # SVDF's Prepare frees the bias temp tensor it never got when the bias (input 3) is absent.
        if op.name == "SVDF" and input_index(op, 3) == ABSENT:
            return (
                f"operator #{op.index} SVDF lists its bias as absent (-1); the pinned tflite-micro crashes "
                "(segfault) on that form, so TFLM cannot check this model. Re-export the model with a bias"
            )
    return None


def host_arena_bytes(model_bytes: bytes) -> int:
    """Arena to give host TFLM: its default (10x the model) misses float models whose activations
    dwarf their weights (cnn84_float needs 538 KB from a 34 KB file). Every non-constant tensor
    side by side (what kPreserveAllTensors needs at most) plus room for TFLM's own structures."""
    from tflm_bench.generator import read_model

    model = read_model(model_bytes)
    activations = sum(t.num_bytes + 16 for t in model.tensors if not t.is_constant)
    return max(len(model_bytes) * 10, activations + 64 * 1024 + 64 * len(model.tensors))


@contextmanager
def _refusals(oracle: str, stage: str) -> Iterator[None]:
    """Turn whatever the interpreter's binding raises into an OracleError."""
    try:
        yield
    except BenchError:
        raise
    except Exception as exc:  # the bindings raise RuntimeError, ValueError, ... as they see fit
        raise OracleError(oracle, stage, exc) from exc


def _guarded(oracle: str, stage: str, call: Callable[[], T]) -> T:
    with _refusals(oracle, stage):
        return call()


class TflmOracle:
    """TFLM's kernels built for the host (the tflite-micro package): outputs must match bit for bit."""

    name = "TFLM"
    refuser = "TFLM (the tflite-micro package)"  # who refused, in OracleError messages

    def __init__(self, model_bytes: bytes, n_outputs: int, model: Model | None = None, preserve_all: bool = False) -> None:
        """preserve_all keeps every intermediate tensor readable after invoke (see tensor())."""
        from tflite_micro.python.tflite_micro import runtime

        reason = tflm_crash_reason(model) if model is not None else None
        if reason is not None:
            raise BenchError(reason)
        self._n_outputs = n_outputs
        config = runtime.InterpreterConfig.kPreserveAllTensors if preserve_all else runtime.InterpreterConfig.kAllocationRecording
        # from_bytes also allocates the arena and runs every kernel's Prepare. The binding really
        # spells the keyword "intrepreter_config".
        self._interpreter = _guarded(
            self.refuser, "loading and preparing it",
            lambda: runtime.Interpreter.from_bytes(
                model_bytes, arena_size=host_arena_bytes(model_bytes), intrepreter_config=config
            ),
        )

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        with _refusals(self.refuser, "invoking it"):
            for index, value in enumerate(inputs):
                self._interpreter.set_input(value, index)
            self._interpreter.invoke()
            return [np.array(self._interpreter.get_output(index)) for index in range(self._n_outputs)]

    def tensor(self, index: int) -> np.ndarray:
        """Tensor `index` of the last invoke; needs preserve_all, else memory may be reused."""
        return np.array(self._interpreter.GetTensor(index, 0)["tensor_data"])


class TfliteReferenceOracle:
    """TFLite's interpreter with the BUILTIN_REF resolver: reported against, never hidden.

    The interpreter is LiteRT's (the ai-edge-litert package), TFLite's runtime since TensorFlow
    2.20 deprecated tf.lite.Interpreter in its favour; BUILTIN_REF selects the same reference kernels."""

    name = "TFLite BUILTIN_REF"
    refuser = "TFLite's reference interpreter (BUILTIN_REF, ai-edge-litert)"
    resolver = "BUILTIN_REF"

    def __init__(self, model_bytes: bytes) -> None:
        from ai_edge_litert import interpreter as litert

        self._interpreter = _guarded(self.refuser, "loading it", lambda: litert.Interpreter(
            model_content=model_bytes,
            experimental_op_resolver_type=getattr(litert.OpResolverType, self.resolver),
        ))
        _guarded(self.refuser, "allocating its tensors", self._interpreter.allocate_tensors)

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        with _refusals(self.refuser, "invoking it"):
            for detail, value in zip(self._interpreter.get_input_details(), inputs):
                self._interpreter.set_tensor(detail["index"], value.reshape(detail["shape"]))
            self._interpreter.invoke()
            return [np.array(self._interpreter.get_tensor(d["index"])) for d in self._interpreter.get_output_details()]


class TfliteDefaultInterpreter(TfliteReferenceOracle):
    """TFLite's interpreter with its default kernels and the XNNPACK delegate: what a TFLite user
    runs on a host (evaluate's "TFLite" column), not an oracle of the device."""

    name = "TFLite"
    refuser = "TFLite's interpreter (default kernels with XNNPACK, ai-edge-litert)"
    resolver = "AUTO"
