"""Evaluation data: an .npz with `x` and `y`, or an image folder with one subfolder per class,
and the model-side conversions: quantizing real-valued inputs exactly as TFLite's QUANTIZE
does, and dequantizing outputs for metrics.

Image folders follow `keras.utils.image_dataset_from_directory`: class names sorted
alphabetically give the label indices, files with the extensions it reads are decoded with
tf.io (`decode_image`, as Keras does) and resized bilinearly with `tf.image.resize` to the
model's input height and width, pixels kept at 0..255. The samples are in a fixed order (class,
then file name) instead of Keras's default shuffle.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tflm_bench.generator import Model

from .errors import InputError

IMAGE_SUFFIXES: tuple[str, ...] = (".bmp", ".gif", ".jpeg", ".jpg", ".png")  # Keras's ALLOWLIST_FORMATS
X_KINDS: tuple[str, ...] = ("auto", "real", "quantized")


class DatasetError(InputError):
    """The evaluation data cannot be read, or does not fit the model."""


@dataclass(frozen=True)
class Dataset:
    """Samples `x` [N, ...] and targets `y`: integer labels [N], or reference outputs [N, ...]."""

    x: np.ndarray
    y: np.ndarray | None
    source: str
    class_names: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def has_labels(self) -> bool:
        return self.y is not None and self.y.dtype.kind in "iu" and self.y.ndim == 1

    def head(self, count: int | None) -> Dataset:
        """The first `count` samples (all for None): a quick look at a large set."""
        if count is None or count >= len(self):
            return self
        return Dataset(self.x[:count], None if self.y is None else self.y[:count], self.source, self.class_names)


@dataclass(frozen=True)
class IoSpec:
    """A model input or output as read from the .tflite: type, shape and affine quantization."""

    dtype: np.dtype
    shape: tuple[int, ...]
    scale: float
    zero_point: int

    @property
    def quantized(self) -> bool:
        return self.dtype.kind in "iu" and self.scale > 0


def io_specs(model: Model) -> tuple[tuple[IoSpec, ...], tuple[IoSpec, ...]]:
    """The model's inputs and outputs, without booting a device."""
    def spec(index: int) -> IoSpec:
        tensor = model.tensors[index]
        q = tensor.quantization
        return IoSpec(np.dtype(tensor.dtype), tuple(tensor.shape), float(q.scales[0]) if q else 0.0,
                      int(q.zero_points[0]) if q else 0)

    return tuple(spec(i) for i in model.inputs), tuple(spec(i) for i in model.outputs)


# -- reading -------------------------------------------------------------------------------------

def load_dataset(path: Path, input_shape: tuple[int, ...] | None = None) -> Dataset:
    """An .npz (`x`, optional `y`) or an image folder (needs the model's input shape to resize)."""
    path = Path(path)
    if path.is_dir():
        if input_shape is None:
            raise DatasetError(f"{path} is an image folder: the model's input shape is needed to resize its images")
        return load_image_folder(path, input_shape)
    if not path.is_file():
        raise DatasetError(f"--data {path}: no such file or folder; give an .npz with x and y, or an image folder")
    return load_npz(path)


def load_npz(path: Path) -> Dataset:
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise DatasetError(f"cannot read {path} as an .npz archive: {exc}") from exc
    if not hasattr(archive, "files"):
        raise DatasetError(f"{path} is a single .npy array; --data takes an .npz with arrays x and y "
                           "(np.savez(path, x=samples, y=labels))")
    if "x" not in archive.files:
        raise DatasetError(f"{path} holds {', '.join(archive.files) or 'no arrays'}; it needs x (the samples) and y "
                           "(integer labels or reference outputs)")
    x = archive["x"]
    y = archive["y"] if "y" in archive.files else None
    if x.dtype.kind not in "fiu" or x.ndim < 1 or x.shape[0] == 0:
        raise DatasetError(f"{path}: x is {x.dtype} {list(x.shape)}; it must be numeric samples [N, ...] with N >= 1")
    if y is not None:
        if y.dtype.kind not in "fiu":
            raise DatasetError(f"{path}: y is {y.dtype}; give integer labels [N] or numeric reference outputs [N, ...]")
        if y.ndim == 2 and y.shape[1] == 1 and y.dtype.kind in "iu":
            y = y[:, 0]  # labels saved as a column
        if y.shape[0] != x.shape[0]:
            raise DatasetError(f"{path}: x has {x.shape[0]} samples but y has {y.shape[0]}")
    names = tuple(str(n) for n in archive["class_names"]) if "class_names" in archive.files else None
    return Dataset(x, y, str(path), names)


def load_image_folder(path: Path, input_shape: tuple[int, ...]) -> Dataset:
    """Keras's image_dataset_from_directory conventions (see the module docstring)."""
    height, width, channels, no_channel_axis = _image_geometry(input_shape)
    classes = sorted(p.name for p in Path(path).iterdir() if p.is_dir())
    if not classes:
        raise DatasetError(f"{path} has no class subfolders; put each class's images in a folder named after it")
    files: list[tuple[Path, int]] = []
    for label, name in enumerate(classes):
        files += [(f, label) for f in sorted((Path(path) / name).rglob("*"))
                  if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES]
    if not files:
        raise DatasetError(f"{path}: its class folders hold no images ({', '.join(IMAGE_SUFFIXES)})")
    tf = _tf()
    images = []
    for file, _ in files:
        try:
            image = tf.io.decode_image(tf.io.read_file(str(file)), channels=channels, expand_animations=False)
        except Exception as exc:  # noqa: BLE001 - tf raises InvalidArgumentError for a bad file
            raise DatasetError(f"cannot decode the image {file}: {str(exc).splitlines()[0]}") from exc
        images.append(tf.image.resize(image, (height, width), method="bilinear").numpy())
    x = np.stack(images).astype(np.float32)
    if no_channel_axis:
        x = x[..., 0]
    return Dataset(x, np.array([label for _, label in files], np.int64), str(path), tuple(classes))


def _image_geometry(shape: tuple[int, ...]) -> tuple[int, int, int, bool]:
    """Height, width, channels to decode, and whether the input lacks a channel axis (grayscale)."""
    dims = shape[1:] if len(shape) >= 3 and shape[0] == 1 else shape
    if len(dims) == 3 and dims[-1] in (1, 3, 4):
        return int(dims[0]), int(dims[1]), int(dims[2]), False
    if len(dims) == 2:
        return int(dims[0]), int(dims[1]), 1, True
    raise DatasetError(f"an image folder needs a model input of [1, height, width, channels]; this model's is {list(shape)}")


def _tf():  # type: ignore[no-untyped-def]
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    return tf


# -- fitting to the model ------------------------------------------------------------------------

def fit_samples(x: np.ndarray, shape: tuple[int, ...], source: str) -> np.ndarray:
    """x [N, *shape], or [N, *shape[1:]] for a batch dimension of 1, as [N, *shape]."""
    if x.shape[1:] == shape:
        return x
    if shape[:1] == (1,) and x.shape[1:] == shape[1:]:
        return x.reshape((x.shape[0], *shape))
    per_sample = list(shape[1:] if shape[:1] == (1,) else shape)
    raise DatasetError(f"{source}: x has shape {list(x.shape)}; the model's input is {list(shape)}: give x as "
                       f"[N, {', '.join(map(str, per_sample))}]")


def quantize(x: np.ndarray, scale: float, zero_point: int, dtype: np.dtype) -> np.ndarray:
    """TFLite's reference QUANTIZE (AffineQuantize): round(x / scale) + zero_point in float32,
    std::round semantics (halves away from zero, not NumPy's halves to even), clamped to dtype."""
    scaled = np.asarray(x, np.float32) / np.float32(scale)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + np.float32(0.5))
    info = np.iinfo(dtype)
    return np.clip(rounded.astype(np.int64) + int(zero_point), info.min, info.max).astype(dtype)


def dequantize(q: np.ndarray, spec: IoSpec) -> np.ndarray:
    """Real values of an output: scale * (q - zero_point); float outputs as they are."""
    if not spec.quantized:
        return np.asarray(q, np.float32)
    return (np.asarray(q, np.int64) - spec.zero_point).astype(np.float32) * np.float32(spec.scale)


def prepare_inputs(x: np.ndarray, spec: IoSpec, kind: str, source: str) -> np.ndarray:
    """The samples as the device's input tensor: [N, *shape] of its type.

    kind "real": values the float model takes, quantized with the input's scale and zero point
    (for an integer input). "quantized": already in the input's type. "auto": quantized when x
    has exactly the input's integer type, real otherwise (e.g. float32, or uint8 pixels for an
    int8 input)."""
    if kind not in X_KINDS:
        raise DatasetError(f"the kind of x must be one of {', '.join(X_KINDS)}, got {kind!r}")
    x = fit_samples(x, spec.shape, source)
    if kind == "auto":
        kind = "quantized" if x.dtype == spec.dtype and spec.dtype.kind in "iu" else "real"
    if kind == "quantized":
        if x.dtype != spec.dtype:
            raise DatasetError(f"{source}: x is {x.dtype}, but the model's input is {spec.dtype}; already quantized "
                               f"samples must have exactly that type (or pass real values to be quantized)")
        return x
    if spec.dtype.kind == "f":
        return x.astype(spec.dtype)
    if not spec.quantized:
        raise DatasetError(f"the model's {spec.dtype} input has no quantization parameters: pass x already as {spec.dtype}")
    if not np.all(np.isfinite(x.astype(np.float64))):
        raise DatasetError(f"{source}: x holds NaN or infinite values; they have no quantized value")
    return quantize(x, spec.scale, spec.zero_point, spec.dtype)
