"""The per-sample results an evaluation's figures are computed from, and their JSON form.

`evaluate` gathers, for every variant, each sample's real-valued outputs (host TFLM, TFLite,
device) and device counts; evaluate.assemble() turns them into the report's figures. The JSON
keeps them (section "per_sample", arrays as base64 of their bytes, so they read back bit for
bit), which is what lets `tflm-bench merge` put the shards of `evaluate --shard` together and
compute figures equal to an unsharded evaluation's, and gate a merged or partial one.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from tflm_bench.board import SupplyCurrents
from tflm_bench.generator import MemoryUse

from .energy import EnergySettings, settings_from_options
from .errors import InputError
from .parallel import Throughput


class EvaluationFileError(InputError):
    """An evaluation JSON that cannot be read back (not written by `evaluate`, or of an older bench)."""


# -- arrays ---------------------------------------------------------------------------------------

def encode_array(array: np.ndarray | None) -> dict[str, Any] | None:
    if array is None:
        return None
    array = np.ascontiguousarray(array)
    return {"dtype": array.dtype.str, "shape": list(array.shape),
            "base64": base64.b64encode(array.tobytes()).decode("ascii")}


def decode_array(data: dict[str, Any] | None) -> np.ndarray | None:
    if data is None:
        return None
    raw = base64.b64decode(data["base64"])
    return np.frombuffer(raw, dtype=np.dtype(data["dtype"])).reshape(data["shape"]).copy()


def fingerprint(path: Path) -> str:
    """sha256 of a file, or of a folder's files (a SavedModel) with their relative paths."""
    digest = hashlib.sha256()
    path = Path(path)
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(item.relative_to(path)).encode() + b"\0" + item.read_bytes())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def array_fingerprint(*arrays: np.ndarray | None) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        if array is None:
            digest.update(b"none")
            continue
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{list(array.shape)}".encode() + array.tobytes())
    return digest.hexdigest()


# -- the per-sample results ------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceSamples:
    """One variant's samples on the device, aligned with VariantSamples.indices."""

    outputs: np.ndarray  # [n, ...] real values of output 0
    passed: np.ndarray  # [n] bool: as TFLM gives them
    instructions: np.ndarray  # [n] int64
    estimated_cycles: np.ndarray | None  # [n] int64; None when not every sample has them
    clock_hz: int
    memory: MemoryUse
    throughput: Throughput
    currents: SupplyCurrents
    energy: EnergySettings

    def take(self, keep: np.ndarray) -> DeviceSamples:
        return replace(self, outputs=self.outputs[keep], passed=self.passed[keep],
                       instructions=self.instructions[keep],
                       estimated_cycles=None if self.estimated_cycles is None else self.estimated_cycles[keep])

    def to_dict(self) -> dict[str, Any]:
        s = self.energy
        return {"outputs": encode_array(self.outputs), "passed": encode_array(self.passed),
                "instructions": encode_array(self.instructions), "estimated_cycles": encode_array(self.estimated_cycles),
                "clock_hz": self.clock_hz, "memory": asdict(self.memory), "throughput": asdict(self.throughput),
                "currents": asdict(self.currents),
                "energy": {"regulator": str(s.regulator), "supply_volts": s.supply_volts,
                           "duty": s.duty.text if s.duty else None, "battery": s.battery.text if s.battery else None}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeviceSamples:
        e = data["energy"]
        return cls(decode_array(data["outputs"]), decode_array(data["passed"]),  # type: ignore[arg-type]
                   decode_array(data["instructions"]), decode_array(data["estimated_cycles"]),  # type: ignore[arg-type]
                   int(data["clock_hz"]), MemoryUse(**data["memory"]), Throughput(**data["throughput"]),
                   SupplyCurrents(**data["currents"]),
                   settings_from_options(e["regulator"], e["supply_volts"], e["duty"], e["battery"]))


@dataclass(frozen=True)
class VariantSamples:
    """One variant's per-sample results: every array row is the sample at `indices` (positions in
    the whole evaluation, all shards together)."""

    name: str
    description: str
    tflite: str | None
    tflite_bytes: int | None
    tflite_sha256: str | None
    indices: np.ndarray  # [n] int64, ascending
    host: np.ndarray | None = None  # host TFLM's real outputs
    host_note: str | None = None
    host_tflite: np.ndarray | None = None  # TFLite's interpreter's
    host_tflite_differs: np.ndarray | None = None  # [n] bool: TFLite's raw output 0 is not TFLM's
    device: DeviceSamples | None = None
    device_note: str | None = None
    host_tflite_note: str | None = None  # why the TFLite column is empty (its interpreter refused or crashed)

    def take(self, keep: np.ndarray) -> VariantSamples:
        """Only the rows `keep` (a boolean mask or positions)."""
        def cut(array: np.ndarray | None) -> np.ndarray | None:
            return None if array is None else array[keep]
        return replace(self, indices=self.indices[keep], host=cut(self.host), host_tflite=cut(self.host_tflite),
                       host_tflite_differs=cut(self.host_tflite_differs),
                       device=None if self.device is None else self.device.take(keep))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "tflite": self.tflite,
                "tflite_bytes": self.tflite_bytes, "tflite_sha256": self.tflite_sha256,
                "indices": encode_array(self.indices), "host": encode_array(self.host), "host_note": self.host_note,
                "host_tflite": encode_array(self.host_tflite),
                "host_tflite_differs": encode_array(self.host_tflite_differs),
                "device": None if self.device is None else self.device.to_dict(), "device_note": self.device_note,
                "host_tflite_note": self.host_tflite_note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VariantSamples:
        return cls(data["name"], data["description"], data["tflite"], data["tflite_bytes"], data["tflite_sha256"],
                   decode_array(data["indices"]), decode_array(data["host"]), data["host_note"],  # type: ignore[arg-type]
                   decode_array(data["host_tflite"]), decode_array(data["host_tflite_differs"]),
                   None if data["device"] is None else DeviceSamples.from_dict(data["device"]), data["device_note"],
                   data.get("host_tflite_note"))


@dataclass(frozen=True)
class Partial:
    """Why an evaluation is not complete, and how far each variant got."""

    reason: str  # e.g. "interrupted (SIGINT)"
    samples: int  # samples each variant was to run
    finished: dict[str, int] = field(default_factory=dict)  # variant -> samples with results

    @property
    def done(self) -> int:
        """Samples every variant finished (the fewest of any variant)."""
        return min(self.finished.values(), default=0)

    def summary(self) -> str:
        counts = ", ".join(f"{name} {count} of {self.samples}" for name, count in self.finished.items())
        return f"PARTIAL evaluation, {self.reason}: samples with results per variant: {counts}"

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "samples": self.samples, "samples_done": self.done,
                "finished": dict(self.finished), "summary": self.summary()}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Partial | None:
        return None if data is None else cls(data["reason"], int(data["samples"]), dict(data["finished"]))


@dataclass(frozen=True)
class EvaluationSamples:
    """Everything the figures of an evaluation (or of a shard of one) are computed from."""

    model: str
    model_sha256: str
    dataset: str
    dataset_sha256: str  # of x and y after --limit: the whole evaluation's samples
    total: int  # samples of the whole evaluation (every shard)
    first: int  # the position of this part's first sample in the whole
    count: int  # samples in this part
    task: str
    class_names: tuple[str, ...] | None
    classes: int | None  # len(class_names), for the confusion matrix's size
    top_k: int
    labels: np.ndarray | None  # [count] for classification
    reference: np.ndarray | None  # [count, ...] regression reference
    float_outputs: np.ndarray | None  # [count, ...] the Keras model's outputs
    variants: tuple[VariantSamples, ...]
    clock_hz: int
    board_port: str | None
    configuration: dict[str, str]
    options: dict[str, Any]  # every choice that changes a figure; shards must agree on them
    shard: dict[str, int] | None = None  # Shard.to_dict(total) of `evaluate --shard`
    partial: Partial | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "model": self.model, "model_sha256": self.model_sha256, "dataset": self.dataset,
                "dataset_sha256": self.dataset_sha256, "total": self.total, "first": self.first, "count": self.count,
                "task": self.task, "class_names": list(self.class_names) if self.class_names else None,
                "classes": self.classes, "top_k": self.top_k, "labels": encode_array(self.labels),
                "reference": encode_array(self.reference), "float_outputs": encode_array(self.float_outputs),
                "variants": [v.to_dict() for v in self.variants], "clock_hz": self.clock_hz,
                "board_port": self.board_port, "configuration": dict(self.configuration), "options": self.options}

    @classmethod
    def from_dict(cls, data: dict[str, Any], shard: dict[str, int] | None, partial: Partial | None) -> EvaluationSamples:
        if data.get("format") != FORMAT:
            raise EvaluationFileError(f"per-sample results of format {data.get('format')!r}, this bench reads "
                                      f"{FORMAT!r}: evaluate again with this version")
        return cls(data["model"], data["model_sha256"], data["dataset"], data["dataset_sha256"], int(data["total"]),
                   int(data["first"]), int(data["count"]), data["task"],
                   tuple(data["class_names"]) if data["class_names"] else None, data["classes"], int(data["top_k"]),
                   decode_array(data["labels"]), decode_array(data["reference"]), decode_array(data["float_outputs"]),
                   tuple(VariantSamples.from_dict(v) for v in data["variants"]), int(data["clock_hz"]),
                   data["board_port"], dict(data["configuration"]), dict(data["options"]), shard, partial)


FORMAT = "tflm-bench-evaluation-samples/1"
