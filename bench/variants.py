"""Variants of one Keras model (float, dynamic-range, int8, uint8 I/O, QAT), converted once and
cached, and the host-side runs every variant gets: the TFLite interpreter on its .tflite and the
float Keras model as the reference."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tflm_bench.generator import (
    VARIANT_DESCRIPTIONS,
    VARIANTS,
    IntakeError,
    Model,
    QAT_PACKAGES,
    QatError,
    missing_qat_packages,
    convert_variant,
    read_model,
)

from .errors import InputError

# Bump when a conversion flow changes, so cached variants are made again.
_FLOW_VERSION = "1"


class VariantError(InputError):
    """The variants asked for cannot be made from the inputs given."""


@dataclass(frozen=True)
class VariantModel:
    name: str
    description: str
    tflite: Path


def parse_variants(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        raise VariantError(f"--variants takes a comma-separated list of {', '.join(VARIANTS)}; "
                           f"got {text!r}" + (f" ({', '.join(unknown)} unknown)" if unknown else ""))
    return names


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:16]


def _file_bytes(path: Path) -> bytes:
    path = Path(path)
    if path.is_dir():
        return b"".join(p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())
    return path.read_bytes()


def _versions() -> bytes:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("tensorflow-cpu", "tf-keras", "tensorflow-model-optimization"):
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return ";".join(found).encode()


def make_variants(model_path: Path, names: tuple[str, ...], calibration: np.ndarray | None, work_dir: Path,
                  train: Path | None = None, qat_epochs: int = 1, seed: int = 0,
                  note: Callable[[str], None] = lambda _: None) -> list[VariantModel]:
    """Each named variant as a .tflite under work_dir/variants, reused when its inputs are unchanged.

    Raises:
        VariantError: a variant asked for cannot be made (QAT without its packages or without
            training data, a conversion that fails); the message says what to do.
    """
    model_path = Path(model_path)
    if calibration is None and any(n in ("int8", "uint8-io", "qat") for n in names):
        raise VariantError("the int8, uint8-io and qat variants are calibrated: pass --calibration CAL "
                           "(.npy [N, *input shape], or an .npz with x)")
    if "qat" in names:
        _check_qat_possible(train)
    folder = Path(work_dir) / "variants"
    folder.mkdir(parents=True, exist_ok=True)
    base = [_FLOW_VERSION.encode(), _file_bytes(model_path), _versions()]
    made = []
    for name in names:
        parts = list(base) + [name.encode()]
        if name in ("int8", "uint8-io", "qat"):
            assert calibration is not None
            parts.append(np.ascontiguousarray(calibration, np.float32).tobytes())
        if name == "qat":
            assert train is not None
            parts += [Path(train).read_bytes(), f"{qat_epochs}:{seed}".encode()]
        out = folder / f"{model_path.stem}-{name}-{_digest(*parts)}.tflite"
        if out.exists():
            note(f"{name}: converted before, reused ({out.name})")
        else:
            note(f"{name}: quantization-aware fine-tuning, {qat_epochs} epoch(s) on {Path(train).name}, then converting"
                 if name == "qat" and train is not None else f"{name}: converting {model_path.name}")
            try:
                data = convert_variant(model_path, name, calibration if calibration is not None else np.zeros((1,)),
                                       train, qat_epochs, seed,
                                       saved_qat_model=out.with_suffix(".h5") if name == "qat" else None)
            except (QatError, IntakeError) as exc:
                raise VariantError(f"the {name} variant could not be made: {exc}") from exc
            tmp = out.with_suffix(".part")
            tmp.write_bytes(data)
            os.replace(tmp, out)
        made.append(VariantModel(name, VARIANT_DESCRIPTIONS[name], out))
    return made


def _check_qat_possible(train: Path | None) -> None:
    """Before any conversion: QAT needs its packages and training data."""
    missing = missing_qat_packages()
    if missing:
        raise VariantError(
            f"the qat variant needs {' and '.join(missing)}, which are not installed: run `tflm-bench install-qat` "
            f"(it runs pip install --no-deps {' '.join(QAT_PACKAGES)}; --no-deps, because tf-keras would pull a "
            "second TensorFlow), or leave qat out of --variants")
    if train is None:
        raise VariantError("the qat variant fine-tunes the model: pass --train TRAIN.npz (x and y), or leave qat "
                           "out of --variants")


def load_calibration_array(path: Path) -> np.ndarray:
    """--calibration: a .npy of samples, or an .npz whose x holds them."""
    path = Path(path)
    if not path.is_file():
        raise VariantError(f"--calibration {path}: no such file; give a .npy [N, *input shape] or an .npz with x")
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise VariantError(f"cannot read calibration data {path}: {exc}") from exc
    if hasattr(data, "files"):
        if "x" not in data.files:
            raise VariantError(f"{path} has no x array; the calibration samples go in x")
        data = data["x"]
    if data.dtype.kind not in "fiu" or data.ndim < 2 or not len(data):
        raise VariantError(f"calibration data {path} is {data.dtype} {list(data.shape)}; give samples [N, *input shape]")
    return data.astype(np.float32)


# -- what the device cannot run ------------------------------------------------------------------

_WEIGHT_OPS = ("FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "BATCH_MATMUL", "UNIDIRECTIONAL_SEQUENCE_LSTM")


def hybrid_ops(model: Model) -> list[str]:
    """Operators computing in float32 from int8/uint8 weights: dynamic-range "hybrid" kernels."""
    found = []
    for op in model.all_operators:
        if op.name not in _WEIGHT_OPS or len(op.inputs) < 2 or op.inputs[0] < 0 or op.inputs[1] < 0:
            continue
        activation, weights = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]]
        if activation.dtype == "float32" and weights.is_constant and weights.dtype in ("int8", "uint8"):
            found.append(f"#{op.index} {op.name}")
    return found


def device_blocker(model: Model) -> str | None:
    """Why the device cannot run `model`, in a user's words, for the known cases."""
    hybrid = hybrid_ops(model)
    if hybrid:
        shown = ", ".join(hybrid[:4]) + (", ..." if len(hybrid) > 4 else "")
        return (f"not run: dynamic-range quantization keeps float32 activations with int8 weights ({shown} are "
                "hybrid operators); TFLM and this bench's runtime have no hybrid kernels. Deploy the int8 "
                "variant (full-integer, with a calibration set) instead")
    return None


# -- host interpreters ----------------------------------------------------------------------------

def tflite_outputs(tflite: Path, inputs: np.ndarray) -> np.ndarray:
    """TFLite's interpreter (LiteRT's, the ai-edge-litert package) with its default kernels and
    XNNPACK delegate, what a TFLite user runs on a host, on each sample: output 0. It runs in a
    process of its own (bench/oracle_process.py): a crash of it is an OracleCrash, not a dead bench.

    Raises:
        OracleError: the interpreter refused the model. OracleCrash: it crashed."""
    from .oracle_process import OracleKind, OracleProcess

    model_bytes = Path(tflite).read_bytes()
    with OracleProcess(OracleKind.TFLITE_DEFAULT, model_bytes, len(read_model(model_bytes).outputs)) as interpreter:
        return np.stack([interpreter.run([sample])[0] for sample in inputs])


def keras_outputs(model_path: Path, x: np.ndarray) -> np.ndarray:
    """The float Keras model itself on real-valued samples (the float reference)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    model = tf.keras.models.load_model(str(model_path), compile=False)
    shape = tuple(model.inputs[0].shape[1:])
    batch = x.reshape((x.shape[0], *shape)).astype(np.float32)
    return np.asarray(model.predict(batch, batch_size=64, verbose=0))


def model_of(tflite: Path) -> Model:
    return read_model(Path(tflite).read_bytes())
