"""The first layer where the device goes wrong: every layer's output against host TFLM's.

The device cannot keep every intermediate tensor (the arena reuses their memory), so for each
layer L the bench sends the inputs again, runs only layers 0..L (INVOKE_PARTIAL, see
docs/protocol.md) and reads layer L's output (GET_LAYER_OUTPUT) before anything overwrites it.
Host TFLM runs once per sample with every tensor preserved. A model of L layers costs about L/2
full inferences on the device per sample: a diagnostic, not a benchmark.

A fused layer (generator/fusion.py: a float32 CONV_2D run banded into the MAX_POOL_2D after it)
never materialises its output, so there is nothing to read: its row says "fused into layer N,
not materialised" and counts as passed, and the pool's row compares the pool's output, which the
fused kernel wrote.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from tflm_bench.generator import Runtime, conv_pool_fusions, keeps_state

from .compare import Difference, difference
from .errors import BenchError
from .oracle_process import OracleKind, OracleProcess
from .report import BenchConfig
from .session import BenchSession


@dataclass(frozen=True)
class LayerDiff:
    layer: int
    op_name: str
    tensor: str  # the layer's (first) output tensor
    shape: tuple[int, ...]
    difference: Difference | None  # None: the output is not materialised (fused_into)
    fused_into: int | None = None  # the layer whose output the fused kernel writes instead
    no_data: str = ""  # why the layer has no output data to compare (CALL_ONCE, ASSIGN_VARIABLE, VAR_HANDLE)

    @property
    def passed(self) -> bool:
        """Bit-exact for integer tensors, within the float tolerance for float32; a fused layer's
        missing output is not a failure (the layer it is fused into is compared)."""
        return self.difference is None or self.difference.within_tolerance

    def verdict(self) -> str:
        d = self.difference
        if d is None:
            return self.no_data or f"fused into layer {self.fused_into}, not materialised"
        if d.exact:
            return "bit-exact"
        elements = int(np.prod(self.shape, dtype=np.int64))
        prefix = "within tolerance" if self.passed else "DIFFERS"
        return f"{prefix}: {d.mismatches} of {elements} differ, max {d.max_diff} {d.unit}"


@dataclass(frozen=True)
class SampleDiff:
    sample: int
    layers: tuple[LayerDiff, ...]

    @property
    def first_diverging(self) -> LayerDiff | None:
        """The first layer that is not bit-exact (float layers: not within tolerance)."""
        return next((layer for layer in self.layers if not layer.passed), None)


@dataclass(frozen=True)
class DiffReport:
    model: str
    config: BenchConfig
    samples: tuple[SampleDiff, ...]

    @property
    def all_passed(self) -> bool:
        return all(s.first_diverging is None for s in self.samples)

    def to_dict(self) -> dict:
        return {
            "model": self.model,
            "config": asdict(self.config),
            "all_passed": self.all_passed,
            "samples": [
                {"sample": s.sample,
                 "first_diverging_layer": s.first_diverging.layer if s.first_diverging else None,
                 "layers": [{**asdict(layer), "passed": layer.passed} for layer in s.layers]}
                for s in self.samples
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def format_text(self) -> str:
        lines = [f"model   {self.model}", f"config  {self.config.summary()}", ""]
        for sample in self.samples:
            lines.append(f"input {sample.sample}: every layer's output against host TFLM")
            lines.append(f"{'layer':>5}  {'op':<18} {'output tensor':<44} verdict")
            for layer in sample.layers:
                lines.append(f"{layer.layer:>5}  {layer.op_name:<18} {_short(layer.tensor):<44} {layer.verdict()}")
            first = sample.first_diverging
            lines.append(f"first diverging layer: {first.layer} {first.op_name} ({_short(first.tensor)})"
                         if first else "first diverging layer: none, every layer matches TFLM")
            lines.append("")
        return "\n".join(lines).rstrip()


def _short(name: str) -> str:
    first = name.split(";", 1)[0]
    return first if len(first) <= 44 else "..." + first[-41:]


def diff_sample(session: BenchSession, oracle: OracleProcess, number: int, sample: list[np.ndarray]) -> SampleDiff:
    """Every layer of `session`'s model on the device against `oracle` (preserve_all) for one sample."""
    device = session.start()
    model = session.model
    oracle.run(sample)
    # The generator's own decision; TFLM's runtime (--runtime tflm) fuses nothing.
    fused = {f.conv_op: f for f in conv_pool_fusions(model)} if session.options.runtime is Runtime.GENERATED else {}
    layers = []
    for index, op in enumerate(model.operators):
        if not op.outputs or model.tensors[op.outputs[0]].dtype == "resource":
            # Nothing to compare: no output (CALL_ONCE, ASSIGN_VARIABLE), or a resource id that TFLM
            # keeps in the kernel's own data rather than in the arena (VAR_HANDLE).
            name = model.tensors[op.outputs[0]].name if op.outputs else ""
            layers.append(LayerDiff(index, op.name, name, (), None,
                                    no_data="no output" if not op.outputs else "a resource id, not compared"))
            continue
        tensor = model.tensors[op.outputs[0]]
        if index in fused:
            layers.append(LayerDiff(index, op.name, tensor.name, tuple(tensor.shape), None, fused[index].pool_op))
            continue
        for position, value in enumerate(sample):
            device.set_input(position, value)
        result = device.invoke_partial(index + 1)
        if result.status != 0:
            raise BenchError(f"input {number}: layer {index} {op.name} failed on the device with kernel status {result.status}")
        got = device.get_layer_output(index, np.dtype(tensor.dtype), tensor.shape)
        expected = oracle.tensor(tensor.index)
        layers.append(LayerDiff(index, op.name, tensor.name, tuple(tensor.shape), difference(got, expected)))
    return SampleDiff(number, tuple(layers))


def diff_model(session: BenchSession, samples: list[list[np.ndarray]]) -> DiffReport:
    """Per-layer verdicts for every sample; the session is started if it is not yet.

    A model with state (variable tensors, e.g. SVDF's, or kernel state such as the signal library's
    noise estimate) runs each sample from the initial state on both sides: a fresh host TFLM per
    sample, and the firmware resets its state before every partial inference (each layer's prefix
    runs once per layer, so state carried over would differ)."""
    stateful = keeps_state(session.model)
    diffs = []
    oracle: OracleProcess | None = None
    try:
        for number, sample in enumerate(samples):
            if oracle is None or stateful:
                if oracle is not None:
                    oracle.close()
                oracle = OracleProcess(OracleKind.TFLM, session.model_bytes, len(session.model.outputs), session.model,
                                       preserve_all=True)
            diffs.append(diff_sample(session, oracle, number, sample))
    finally:
        if oracle is not None:
            oracle.close()
    return DiffReport(str(session.model_path), session.config(), tuple(diffs))
