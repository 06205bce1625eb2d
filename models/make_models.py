"""Train and convert the classic TinyML models the bench checks, with fixed seeds.

Each function below builds a Keras model with the architecture of a well-known TFLM / MLPerf Tiny
model, trains it for a few epochs on synthetic data with class-dependent structure (so the weights
and activations have spread, not the degenerate values of an untrained network) and converts it
with the TFLite converter's full-integer flow (generator/intake.py: representative dataset,
TFLITE_BUILTINS_INT8). No real data set is needed; the point is the deployment, not the accuracy.

    .venv/bin/python models/make_models.py                 # every model
    .venv/bin/python models/make_models.py micro_speech    # one model

| file                          | architecture                                        | I/O    |
|-------------------------------|-----------------------------------------------------|--------|
| micro_speech_int8.tflite      | TFLM micro_speech: 49x40 spectrogram, DW conv, FC   | int8   |
| person_detection_int8.tflite  | TFLM person_detection: MobileNetV1 a=0.25, 96x96x1  | int8   |
| vww_mobilenet_int8.tflite     | MLPerf Tiny VWW: MobileNetV1 a=0.25, 96x96x3        | int8   |
| kws_dscnn_int8.tflite         | MLPerf Tiny KWS DS-CNN, 49x10x1                     | int8   |
| ic_resnet8_float.tflite       | MLPerf Tiny IC ResNet-8, 32x32x3                    | float  |
| ad_autoencoder_float.tflite   | MLPerf Tiny AD FC autoencoder, 640 in               | float  |
| rps_cnn_uint8.tflite          | small rock-paper-scissors image CNN, 64x64x3        | uint8  |
| spectrogram_cnn_int8.tflite   | 49x40x1 spectrogram CNN, first conv 10x8 s2, 8 f.   | int8   |
| accel_cnn_int8.tflite         | 128x3x1 accelerometer CNN, first conv 4x3, 8 f.     | int8   |
| mobilenet_v1_025_float.tflite | MobileNetV1 a=0.25, 96x96x3, float32 throughout     | float  |
| cnn84_float.tflite            | 84x84x1 CNN, conv 3x3 16 f. + max-pool 2x2, float32 | float  |

The two `_float` models of the last rows are not quantized at all (float32 weights and
activations): their activations are 4x larger, which is what the generator's banded conv +
max-pool execution and in-place operators are for (see generator/fusion.py).
"""
from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tflm_bench.generator.intake import convert_keras_model  # noqa: E402  (installed by setup.sh)

MODELS_DIR = Path(__file__).resolve().parent
SEED = 20261126
L = tf.keras.layers


def _seed(offset: int) -> np.random.Generator:
    tf.keras.utils.set_random_seed(SEED + offset)
    return np.random.default_rng(SEED + offset)


def _fit(model: tf.keras.Model, x: np.ndarray, y: np.ndarray, epochs: int, loss: str) -> float:
    model.compile(optimizer=tf.keras.optimizers.Adam(2e-3), loss=loss,
                  metrics=["accuracy"] if "entropy" in loss else ["mae"])
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=True)
    return float(history.history["accuracy" if "entropy" in loss else "mae"][-1])


# -- synthetic data with class-dependent structure -------------------------------------------

def spectrograms(rng: np.random.Generator, n: int, classes: int, frames: int, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Class k: energy in a class-specific frequency band with a class-specific time envelope."""
    y = rng.integers(0, classes, n)
    t = np.linspace(0, 1, frames)[:, None]
    f = np.linspace(0, 1, bins)[None, :]
    x = np.empty((n, frames, bins), np.float32)
    for i, k in enumerate(y):
        centre = (k + 0.5) / classes + rng.normal(0, 0.03)
        onset = rng.uniform(0.1, 0.5)
        envelope = np.exp(-((t - onset - 0.15 * (k % 2)) ** 2) / (0.02 + 0.02 * (k % 3)))
        band = np.exp(-((f - centre) ** 2) / 0.01)
        x[i] = envelope * band * rng.uniform(0.6, 1.0) + rng.normal(0, 0.08, (frames, bins))
    return x, y


def images(rng: np.random.Generator, n: int, classes: int, size: int, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Class k: a grating with class-specific orientation and frequency, tinted per class, plus noise."""
    y = rng.integers(0, classes, n)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    x = np.empty((n, size, size, channels), np.float32)
    for i, k in enumerate(y):
        angle = np.pi * k / classes + rng.normal(0, 0.05)
        freq = 3 + 2 * (k % 3)
        phase = rng.uniform(0, 2 * np.pi)
        grating = 0.5 + 0.4 * np.sin(2 * np.pi * freq * (np.cos(angle) * xx + np.sin(angle) * yy) + phase)
        for c in range(channels):
            tint = 0.6 + 0.4 * np.cos(k + 2.1 * c)
            x[i, :, :, c] = grating * tint
        x[i] += rng.normal(0, 0.05, (size, size, channels))
    return np.clip(x, 0, 1), y


def hand_shapes(rng: np.random.Generator, n: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Rock (filled disc), paper (filled rectangle), scissors (two crossing bars), as 0..255 RGB."""
    y = rng.integers(0, 3, n)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    x = np.empty((n, size, size, 3), np.float32)
    for i, k in enumerate(y):
        cy, cx = rng.uniform(0.35, 0.65, 2) * size
        r = rng.uniform(0.18, 0.3) * size
        if k == 0:
            mask = (yy - cy) ** 2 + (xx - cx) ** 2 < r**2
        elif k == 1:
            mask = (np.abs(yy - cy) < r * 1.1) & (np.abs(xx - cx) < r * 0.8)
        else:
            d1 = np.abs((yy - cy) - 1.6 * (xx - cx)) < 0.12 * size
            d2 = np.abs((yy - cy) + 1.6 * (xx - cx)) < 0.12 * size
            mask = (d1 | d2) & ((yy - cy) ** 2 + (xx - cx) ** 2 < (1.3 * r) ** 2)
        background = rng.uniform(20, 90, 3)
        skin = np.array([220, 170, 140]) * rng.uniform(0.8, 1.1)
        x[i] = np.where(mask[..., None], skin, background) + rng.normal(0, 12, (size, size, 3))
    return np.clip(x, 0, 255), y


# -- the models --------------------------------------------------------------------------------

def micro_speech() -> tuple[bytes, str]:
    rng = _seed(1)
    x, y = spectrograms(rng, 1200, 4, 49, 40)
    x = x.reshape(len(x), 49 * 40)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(49 * 40,)),
        L.Reshape((49, 40, 1)),
        L.DepthwiseConv2D((10, 8), strides=(2, 2), padding="same", depth_multiplier=8, activation="relu"),
        L.Flatten(),
        L.Dense(4),
        L.Softmax(),
    ])
    metric = _fit(model, x, y, 6, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200], io="int8"), f"train accuracy {metric:.3f}"


def _mobilenet_v1(input_shape: tuple[int, int, int], alpha: float, classes: int) -> tf.keras.Model:
    def channels(c: int) -> int:
        return max(8, int(c * alpha))

    inputs = tf.keras.Input(shape=input_shape)
    h = L.Conv2D(channels(32), 3, strides=2, padding="same", use_bias=False)(inputs)
    h = L.ReLU(6.0)(L.BatchNormalization()(h))
    for filters, stride in ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                            (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)):
        h = L.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(h)
        h = L.ReLU(6.0)(L.BatchNormalization()(h))
        h = L.Conv2D(channels(filters), 1, padding="same", use_bias=False)(h)
        h = L.ReLU(6.0)(L.BatchNormalization()(h))
    h = L.AveragePooling2D(pool_size=h.shape[1:3])(h)
    h = L.Conv2D(classes, 1, padding="same")(h)
    h = L.Reshape((classes,))(h)
    return tf.keras.Model(inputs, L.Softmax()(h))


def person_detection() -> tuple[bytes, str]:
    rng = _seed(2)
    x, y = images(rng, 600, 2, 96, 1)
    model = _mobilenet_v1((96, 96, 1), 0.25, 2)
    metric = _fit(model, x, y, 4, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:100], io="int8"), f"train accuracy {metric:.3f}"


def vww_mobilenet() -> tuple[bytes, str]:
    """MLPerf Tiny visual wake words: person_detection's network on 96x96 RGB input."""
    rng = _seed(7)
    x, y = images(rng, 600, 2, 96, 3)
    model = _mobilenet_v1((96, 96, 3), 0.25, 2)
    metric = _fit(model, x, y, 4, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:100], io="int8"), f"train accuracy {metric:.3f}"


def kws_dscnn() -> tuple[bytes, str]:
    rng = _seed(3)
    x, y = spectrograms(rng, 1500, 12, 49, 10)
    x = x[..., None]
    inputs = tf.keras.Input(shape=(49, 10, 1))
    h = L.Conv2D(64, (10, 4), strides=(2, 2), padding="same", use_bias=False)(inputs)
    h = L.ReLU()(L.BatchNormalization()(h))
    for _ in range(4):
        h = L.DepthwiseConv2D(3, padding="same", use_bias=False)(h)
        h = L.ReLU()(L.BatchNormalization()(h))
        h = L.Conv2D(64, 1, padding="same", use_bias=False)(h)
        h = L.ReLU()(L.BatchNormalization()(h))
    h = L.AveragePooling2D(pool_size=h.shape[1:3])(h)
    h = L.Flatten()(h)
    model = tf.keras.Model(inputs, L.Dense(12, activation="softmax")(h))
    metric = _fit(model, x, y, 6, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200], io="int8"), f"train accuracy {metric:.3f}"


def ic_resnet8() -> tuple[bytes, str]:
    rng = _seed(4)
    x, y = images(rng, 1200, 10, 32, 3)

    def block(h: tf.Tensor, filters: int, stride: int) -> tf.Tensor:
        y_ = L.Conv2D(filters, 3, strides=stride, padding="same")(h)
        y_ = L.ReLU()(L.BatchNormalization()(y_))
        y_ = L.BatchNormalization()(L.Conv2D(filters, 3, padding="same")(y_))
        if stride != 1 or h.shape[-1] != filters:
            h = L.Conv2D(filters, 1, strides=stride, padding="same")(h)
        return L.ReLU()(L.Add()([h, y_]))

    inputs = tf.keras.Input(shape=(32, 32, 3))
    h = L.Conv2D(16, 3, padding="same")(inputs)
    h = L.ReLU()(L.BatchNormalization()(h))
    h = block(h, 16, 1)
    h = block(h, 32, 2)
    h = block(h, 64, 2)
    h = L.AveragePooling2D(pool_size=h.shape[1:3])(h)
    h = L.Flatten()(h)
    model = tf.keras.Model(inputs, L.Dense(10, activation="softmax")(h))
    metric = _fit(model, x, y, 5, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200], io="float"), f"train accuracy {metric:.3f}"


def ad_autoencoder() -> tuple[bytes, str]:
    rng = _seed(5)
    # "Normal machine sound": 5 frames x 128 mel bins from a few smooth spectral shapes.
    basis = np.stack([np.exp(-((np.linspace(0, 1, 128) - c) ** 2) / w)
                      for c, w in ((0.1, 0.01), (0.3, 0.02), (0.5, 0.005), (0.7, 0.03), (0.9, 0.01))])
    weights = rng.uniform(0, 1, (3000, 5, 5))
    x = (weights @ basis).reshape(3000, 640).astype(np.float32)
    x += rng.normal(0, 0.05, x.shape).astype(np.float32)
    layers: list[L.Layer] = [tf.keras.Input(shape=(640,))]
    for units in (128, 128, 128, 128, 8, 128, 128, 128, 128):
        layers.append(L.Dense(units, activation="relu"))
    layers.append(L.Dense(640))
    model = tf.keras.Sequential(layers)
    metric = _fit(model, x, x, 8, "mse")
    return convert_keras_model(model, x[:300], io="float"), f"train mae {metric:.4f}"


def rps_cnn() -> tuple[bytes, str]:
    rng = _seed(6)
    x, y = hand_shapes(rng, 900, 64)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        L.Rescaling(1.0 / 255.0),
        L.Conv2D(8, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Conv2D(16, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Conv2D(32, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(32, activation="relu"),
        L.Dense(3, activation="softmax"),
    ])
    metric = _fit(model, x, y, 5, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200], io="uint8"), f"train accuracy {metric:.3f}"


def spectrogram_cnn() -> tuple[bytes, str]:
    """A one-channel spectrogram CNN: a 10x8 stride-2 first convolution with 8 filters."""
    rng = _seed(8)
    x, y = spectrograms(rng, 800, 4, 49, 40)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(49, 40, 1)),
        L.Conv2D(8, (10, 8), strides=(2, 2), padding="same", activation="relu"),
        L.Conv2D(16, (3, 3), strides=(2, 2), padding="same", activation="relu"),
        L.MaxPooling2D((2, 2)),
        L.Flatten(),
        L.Dense(4),
        L.Softmax(),
    ])
    metric = _fit(model, x.reshape(len(x), 49, 40, 1), y, 4, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200].reshape(200, 49, 40, 1), io="int8"), f"train accuracy {metric:.3f}"


def accel_cnn() -> tuple[bytes, str]:
    """An accelerometer CNN: 128 samples x 3 axes as a one-channel image, a 4x3 first convolution
    with 8 filters."""
    rng = _seed(9)
    n, classes = 800, 4
    y = rng.integers(0, classes, n)
    t = np.arange(128, dtype=np.float32)[None, :, None]
    freq = (1.0 + y)[:, None, None] * np.array([0.03, 0.05, 0.07], np.float32)[None, None, :]
    x = (np.sin(2 * np.pi * freq * t) + 0.3 * rng.standard_normal((n, 128, 3))).astype(np.float32)
    x = x.reshape(n, 128, 3, 1)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(128, 3, 1)),
        L.Conv2D(8, (4, 3), padding="valid", activation="relu"),
        L.MaxPooling2D((3, 1)),
        L.Conv2D(16, (4, 1), padding="valid", activation="relu"),
        L.MaxPooling2D((3, 1)),
        L.Flatten(),
        L.Dense(classes),
        L.Softmax(),
    ])
    metric = _fit(model, x, y, 4, "sparse_categorical_crossentropy")
    return convert_keras_model(model, x[:200], io="int8"), f"train accuracy {metric:.3f}"


def _convert_float32(model: tf.keras.Model) -> bytes:
    """A plain float32 conversion: no quantization, float32 weights and activations."""
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
    return bytes(converter.convert())


def mobilenet_v1_025_float() -> tuple[bytes, str]:
    """MobileNetV1 a=0.25 on 96x96 RGB in float32 (4 classes: the weights stay under 1 MiB)."""
    rng = _seed(10)
    x, y = images(rng, 400, 4, 96, 3)
    model = _mobilenet_v1((96, 96, 3), 0.25, 4)
    metric = _fit(model, x, y, 2, "sparse_categorical_crossentropy")
    return _convert_float32(model), f"train accuracy {metric:.3f}"


def cnn84_float() -> tuple[bytes, str]:
    """An 84x84 one-channel float32 CNN whose first stage is a 3x3, 16-filter conv + 2x2 max-pool."""
    rng = _seed(11)
    x, y = images(rng, 600, 4, 84, 1)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(84, 84, 1)),
        L.Conv2D(16, 3, activation="relu"),                  # 82x82x16: 430,336 B in float32
        L.MaxPooling2D(2),                                   # 41x41x16
        L.Conv2D(16, 3, strides=2, activation="relu"),       # 20x20x16
        L.MaxPooling2D(2),                                   # 10x10x16
        L.Conv2D(32, 3, activation="relu"),                  # 8x8x32
        L.AveragePooling2D(pool_size=(8, 8)),
        L.Flatten(),
        L.Dense(4),
        L.Softmax(),
    ])
    metric = _fit(model, x, y, 3, "sparse_categorical_crossentropy")
    return _convert_float32(model), f"train accuracy {metric:.3f}"


MODELS: dict[str, tuple[str, Callable[[], tuple[bytes, str]]]] = {
    "micro_speech": ("micro_speech_int8.tflite", micro_speech),
    "person_detection": ("person_detection_int8.tflite", person_detection),
    "vww_mobilenet": ("vww_mobilenet_int8.tflite", vww_mobilenet),
    "kws_dscnn": ("kws_dscnn_int8.tflite", kws_dscnn),
    "ic_resnet8": ("ic_resnet8_float.tflite", ic_resnet8),
    "ad_autoencoder": ("ad_autoencoder_float.tflite", ad_autoencoder),
    "rps_cnn": ("rps_cnn_uint8.tflite", rps_cnn),
    "spectrogram_cnn": ("spectrogram_cnn_int8.tflite", spectrogram_cnn),
    "accel_cnn": ("accel_cnn_int8.tflite", accel_cnn),
    "mobilenet_v1_025_float": ("mobilenet_v1_025_float.tflite", mobilenet_v1_025_float),
    "cnn84_float": ("cnn84_float.tflite", cnn84_float),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[[], *MODELS], help="models to make (default: all)")
    parser.add_argument("--out-dir", type=Path, default=MODELS_DIR)
    args = parser.parse_args()
    tf.config.experimental.enable_op_determinism()
    for name in args.names or list(MODELS):
        file_name, make = MODELS[name]
        start = time.monotonic()
        data, note = make()
        path = args.out_dir / file_name
        path.write_bytes(data)
        print(f"{name}: {note}; wrote {path} ({len(data):,} bytes, {time.monotonic() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
