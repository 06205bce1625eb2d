"""Session fixtures for the generator tests: converted models are built once."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def keras_models() -> dict[str, bytes]:
    """Tiny converted Keras models, keyed by a short name (one TensorFlow import per session)."""
    import warnings

    import tensorflow as tf

    from gen_helpers import convert_keras

    warnings.filterwarnings("ignore", message="Statistics for quantized inputs")

    tf.keras.utils.set_random_seed(1234)
    dense = tf.keras.Sequential([
        tf.keras.Input((12,), batch_size=4),
        tf.keras.layers.Dense(20, activation="relu", bias_initializer="random_normal"),
        tf.keras.layers.Dense(6, bias_initializer="random_normal"),
    ])
    relu6 = tf.keras.Sequential([
        tf.keras.Input((10,), batch_size=1),
        tf.keras.layers.Dense(8, activation=tf.nn.relu6, bias_initializer="random_normal"),
    ])
    unsupported = tf.keras.Sequential([
        tf.keras.Input((6, 6, 1), batch_size=1),
        tf.keras.layers.Conv2D(2, 3, activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3),
    ])
    return {
        "dense_int8": convert_keras(dense, (4, 12), int8_io=True),
        "dense_float_io": convert_keras(dense, (4, 12), int8_io=False),
        "dense_per_tensor": convert_keras(dense, (4, 12), int8_io=True, per_channel=False),
        "relu6": convert_keras(relu6, (1, 10), int8_io=True),
        "conv": convert_keras(unsupported, (1, 6, 6, 1), int8_io=True),
    }


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20240607)
