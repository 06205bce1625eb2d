"""Train the hello_world sine model and convert it to a full-integer int8 .tflite.

The architecture is TFLM's hello_world example: one float in (x in [0, 2*pi]), two hidden
Dense(16, relu) layers, one float out (sin x). Training is seeded and runs on the CPU so the
committed file can be reproduced:

    .venv/bin/python models/make_sine_model.py            # writes models/sine_int8.tflite

Conversion follows the TFLite converter's documented full-integer flow: a representative
dataset for calibration, TFLITE_BUILTINS_INT8 only, and int8 input and output, so the model
holds three FULLY_CONNECTED operators and no float edge.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

SEED = 20261125
SAMPLES = 1000


def training_data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(0.0, 2.0 * np.pi, SAMPLES).astype(np.float32)
    y = (np.sin(x) + 0.1 * rng.standard_normal(SAMPLES)).astype(np.float32)
    return x.reshape(-1, 1), y.reshape(-1, 1)


def build_model() -> tf.keras.Model:
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(1,), dtype=tf.float32),
            tf.keras.layers.Dense(16, activation="relu"),
            tf.keras.layers.Dense(16, activation="relu"),
            tf.keras.layers.Dense(1),
        ]
    )


def convert_int8(model: tf.keras.Model, calibration: np.ndarray) -> bytes:
    def representative_dataset():
        for value in calibration:
            yield [value.reshape(1, 1)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative_dataset
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("sine_int8.tflite"))
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()

    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(SEED)
    x, y = training_data(rng)
    model = build_model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=args.epochs, batch_size=64, validation_split=0.2, verbose=0)
    loss, mae = model.evaluate(x, y, verbose=0)
    print(f"trained: mse {loss:.4f}, mae {mae:.4f}")

    calibration = np.linspace(0.0, 2.0 * np.pi, 500, dtype=np.float32)
    args.out.write_bytes(convert_int8(model, calibration))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
