"""Model intake: a Keras model (.keras / .h5 file or a SavedModel folder) plus calibration data
becomes a full-integer int8 .tflite through the TFLite converter's representative-dataset flow.

    convert_model_file(Path("m.keras"), Path("calib.npy"), Path("m.tflite"), io="int8")

`io` picks the type of the model's inputs and outputs: "int8" and "uint8" make the converter
set inference_input_type / inference_output_type (uint8 edges become QUANTIZE uint8 <-> int8
operators), "float" keeps float32 edges (QUANTIZE / DEQUANTIZE operators). Every operator in
between is int8 (TFLITE_BUILTINS_INT8 only), so the result is what TFLM deployments run.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .errors import GeneratorError
from .legacy_keras import is_qat_model_file, run_job

IO_TYPES: tuple[str, ...] = ("int8", "uint8", "float")
KERAS_SUFFIXES: tuple[str, ...] = (".keras", ".h5", ".hdf5")
MAX_CALIBRATION_SAMPLES = 500  # the converter needs a few hundred at most


class IntakeError(GeneratorError):
    """A Keras model or its calibration data could not be turned into a .tflite."""


def is_tflite(path: Path) -> bool:
    return Path(path).is_file() and Path(path).suffix.lower() == ".tflite"


def needs_conversion(path: Path) -> bool:
    """True for a Keras file or a SavedModel folder (what `convert` accepts)."""
    path = Path(path)
    if path.is_dir():
        return (path / "saved_model.pb").exists() or (path / "saved_model.pbtxt").exists()
    return path.suffix.lower() in KERAS_SUFFIXES


def load_calibration(path: Path) -> np.ndarray:
    """A .npy of samples [N, *input_shape], as float32."""
    path = Path(path)
    if not path.exists():
        raise IntakeError(f"calibration data {path} does not exist")
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise IntakeError(f"cannot read calibration data from {path}: {exc}") from exc
    if data.dtype.kind not in "fiu":
        raise IntakeError(f"calibration data {path} holds {data.dtype}; it must be numeric, shape [N, *input_shape]")
    if data.ndim < 2 or data.shape[0] == 0:
        raise IntakeError(
            f"calibration data {path} has shape {list(data.shape)}; it must be [N, *input_shape] with N >= 1"
        )
    if not np.all(np.isfinite(data)):
        raise IntakeError(f"calibration data {path} holds NaN or infinite values")
    return data.astype(np.float32)


def _tf() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import tensorflow as tf

    return tf


def _input_shape_of_keras(model: Any) -> tuple[int | None, ...]:
    inputs = model.inputs if getattr(model, "inputs", None) else None
    if not inputs:
        raise IntakeError("the Keras model has no defined inputs; build it with keras.Input(shape=...)")
    if len(inputs) != 1:
        raise IntakeError(f"the Keras model has {len(inputs)} inputs; only single-input models are supported")
    return tuple(inputs[0].shape[1:])


def _input_shape_of_saved_model(path: Path) -> tuple[int | None, ...]:
    tf = _tf()
    try:
        loaded = tf.saved_model.load(str(path))
        signature = loaded.signatures["serving_default"]
    except Exception as exc:  # noqa: BLE001 - TensorFlow raises many kinds
        raise IntakeError(f"cannot load the SavedModel {path}: {type(exc).__name__}: {exc}") from exc
    specs = [s for s in signature.structured_input_signature[1].values()]
    if len(specs) != 1:
        raise IntakeError(f"the SavedModel's serving signature has {len(specs)} inputs; only single-input models are supported")
    return tuple(specs[0].shape[1:])


def _check_shape(expected: tuple[int | None, ...], calibration: np.ndarray) -> None:
    got = calibration.shape[1:]
    if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got)):
        shown = ["?" if e is None else e for e in expected]
        raise IntakeError(
            f"calibration samples have shape {list(got)} (array {list(calibration.shape)}), but the model's "
            f"input is {shown} per sample; pass an array [N, {', '.join(str(s) for s in shown)}]"
        )
    if any(e is None for e in expected):
        raise IntakeError(f"the model's input shape {['?' if e is None else e for e in expected]} is not fully defined; "
                          "export it with a fixed input shape")


def _configure(converter: Any, calibration: np.ndarray, io: str) -> None:
    tf = _tf()
    samples = calibration[:MAX_CALIBRATION_SAMPLES]

    def representative_dataset() -> Iterator[list[np.ndarray]]:
        for sample in samples:
            yield [sample[None, ...]]

    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io != "float":
        dtype = {"int8": tf.int8, "uint8": tf.uint8}[io]
        converter.inference_input_type = dtype
        converter.inference_output_type = dtype


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence the converter's C++ and Python chatter on file descriptors 1 and 2."""
    import ctypes
    import sys
    import tempfile

    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with tempfile.TemporaryFile() as sink:
        for fd in saved:
            os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            ctypes.CDLL(None).fflush(None)
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)


def _run_converter(converter: Any, full_integer: bool = True) -> bytes:
    try:
        with warnings.catch_warnings(), _quiet():
            warnings.simplefilter("ignore")
            return bytes(converter.convert())
    except Exception as exc:  # noqa: BLE001 - the converter raises ConverterError, ValueError, ...
        text = str(exc).strip().splitlines()
        summary = " ".join(line.strip() for line in text[:6])
        if not full_integer:
            raise IntakeError(f"the TFLite converter could not convert the model: {type(exc).__name__}: {summary}") from exc
        raise IntakeError(
            f"the TFLite converter could not make a full-integer int8 model: {type(exc).__name__}: {summary}. "
            "Every layer must have an int8 TFLite builtin (no custom or float-only ops)."
        ) from exc


def convert_keras_model(model: Any, calibration: np.ndarray, io: str = "int8") -> bytes:
    """An in-memory keras.Model -> .tflite bytes (full-integer int8)."""
    if io not in IO_TYPES:
        raise IntakeError(f"--io must be one of {', '.join(IO_TYPES)}, got {io!r}")
    _check_shape(_input_shape_of_keras(model), calibration)
    tf = _tf()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    _configure(converter, calibration, io)
    return _run_converter(converter)


def convert_path(model_path: Path, calibration: np.ndarray, io: str = "int8") -> bytes:
    """A .keras/.h5 file or SavedModel folder -> .tflite bytes (full-integer int8)."""
    model_path = Path(model_path)
    if io not in IO_TYPES:
        raise IntakeError(f"--io must be one of {', '.join(IO_TYPES)}, got {io!r}")
    if not model_path.exists():
        raise IntakeError(f"model {model_path} does not exist")
    if not needs_conversion(model_path):
        raise IntakeError(
            f"{model_path} is neither a Keras model file ({', '.join(KERAS_SUFFIXES)}) nor a SavedModel folder "
            "(a folder holding saved_model.pb)"
        )
    if is_qat_model_file(model_path):
        return _convert_qat_file(model_path, calibration, io)
    tf = _tf()
    if model_path.is_dir():
        _check_shape(_input_shape_of_saved_model(model_path), calibration)
        converter = tf.lite.TFLiteConverter.from_saved_model(str(model_path))
        _configure(converter, calibration, io)
        return _run_converter(converter)
    try:
        model = tf.keras.models.load_model(str(model_path), compile=False)
    except Exception as exc:  # noqa: BLE001
        raise IntakeError(f"cannot load the Keras model {model_path}: {type(exc).__name__}: {exc}") from exc
    return convert_keras_model(model, calibration, io)


def convert_model_file(model_path: Path, calibration_path: Path | None, out_path: Path, io: str = "int8") -> Path:
    """Convert and write `out_path`; the errors name the missing or mismatched piece."""
    if calibration_path is None:
        raise IntakeError(
            f"{model_path} is a float Keras/SavedModel model: full-integer conversion needs calibration data; "
            "pass --calibration X.npy with samples [N, *input_shape]"
        )
    data = convert_path(model_path, load_calibration(calibration_path), io)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)
    return out_path


def prepare_model(model_path: Path, calibration_path: Path | None, work_dir: Path, io: str = "int8") -> Path:
    """The .tflite to build: `model_path` itself, or its conversion written into `work_dir`."""
    model_path = Path(model_path)
    if not model_path.exists():
        raise IntakeError(f"model {model_path} does not exist")
    if model_path.is_dir() and not needs_conversion(model_path):
        raise IntakeError(
            f"{model_path} is a directory but not a SavedModel (no saved_model.pb in it); "
            "give a .tflite file, a .keras/.h5 file or a SavedModel folder"
        )
    if not needs_conversion(model_path):
        if calibration_path is not None and is_tflite(model_path):
            raise IntakeError(f"{model_path} is already a .tflite; --calibration applies to Keras/SavedModel models only")
        return model_path
    import hashlib

    digest = hashlib.sha256()
    files = sorted(p for p in model_path.rglob("*") if p.is_file()) if model_path.is_dir() else [model_path]
    for file in files:
        digest.update(file.read_bytes())
    if calibration_path is not None and Path(calibration_path).exists():
        digest.update(Path(calibration_path).read_bytes())
    digest.update(io.encode())
    out = Path(work_dir) / "converted" / f"{model_path.stem or 'model'}-{digest.hexdigest()[:12]}.tflite"
    if out.exists():
        return out
    return convert_model_file(model_path, calibration_path, out, io)


# -- variants of one Keras model -------------------------------------------------------------------

VARIANTS: tuple[str, ...] = ("float", "dynamic", "int8", "uint8-io", "qat")
VARIANT_DESCRIPTIONS: dict[str, str] = {
    "float": "float32, no quantization",
    "dynamic": "dynamic-range: Optimize.DEFAULT without a representative dataset (int8 weights, float activations)",
    "int8": "full integer: representative dataset, TFLITE_BUILTINS_INT8, int8 I/O",
    "uint8-io": "full integer with uint8 inputs and outputs",
    "qat": "quantization-aware training (tfmot quantize_model, fine-tuned), then full integer, int8 I/O",
}


def _convert_qat_file(model_path: Path, calibration: np.ndarray, io: str) -> bytes:
    """A QAT model file (tfmot layers) loads only inside quantize_scope, under Keras 2."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tflm-bench-qat-") as tmp:
        np.save(Path(tmp) / "calibration.npy", calibration)
        out = Path(tmp) / "model.tflite"
        run_job({"action": "convert", "model": str(Path(model_path).resolve()), "io": io,
                 "calibration": str(Path(tmp) / "calibration.npy"), "out": str(out)})
        return out.read_bytes()


def _load_keras(model_path: Path) -> Any:
    tf = _tf()
    try:
        return tf.keras.models.load_model(str(model_path), compile=False)
    except Exception as exc:  # noqa: BLE001
        raise IntakeError(f"cannot load the Keras model {model_path}: {type(exc).__name__}: {exc}") from exc


def convert_variant(model_path: Path, variant: str, calibration: np.ndarray, train: Path | None = None,
                    qat_epochs: int = 1, seed: int = 0, saved_qat_model: Path | None = None) -> bytes:
    """One of VARIANTS of a float Keras model file, by the TFLite converter's documented flows."""
    model_path = Path(model_path)
    if variant not in VARIANTS:
        raise IntakeError(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    if variant in ("int8", "uint8-io"):
        return convert_path(model_path, calibration, "int8" if variant == "int8" else "uint8")
    if variant == "qat":
        if train is None:
            raise IntakeError("the qat variant fine-tunes on training data: pass --train TRAIN.npz (x and y)")
        import tempfile

        with tempfile.TemporaryDirectory(prefix="tflm-bench-qat-") as tmp:
            np.save(Path(tmp) / "calibration.npy", calibration)
            out = Path(tmp) / "model.tflite"
            saved = saved_qat_model or Path(tmp) / "qat.h5"
            run_job({"action": "qat", "model": str(model_path.resolve()), "train": str(Path(train).resolve()),
                     "calibration": str(Path(tmp) / "calibration.npy"), "epochs": qat_epochs, "seed": seed,
                     "out": str(out), "saved": str(saved), "io": "int8"})
            return out.read_bytes()
    tf = _tf()
    converter = tf.lite.TFLiteConverter.from_keras_model(_load_keras(model_path))
    if variant == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return _run_converter(converter, full_integer=False)
