"""Shared fixtures: the committed models and small models made on the fly for error cases."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the shared helpers in tests/support
sys.path.insert(0, str(ROOT))  # tools/: the checkout's development tools (bare-metal builds, speed)
# Builds of the suite stay inside the checkout (parallel workers share them), not in ~/.cache.
os.environ.setdefault("TFLM_BENCH_BUILD", str(ROOT / "build"))
# A suite started in the background (nohup, `cmd &` from a script) inherits SIGINT ignored, and so
# would every bench it starts, which then rightly ignores Ctrl-C: the interrupt tests need SIGINT
# delivered as from a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def sine_model() -> Path:
    return ROOT / "models" / "sine_int8.tflite"


def _convert(model, calibration: np.ndarray, int8_only: bool = True) -> bytes:  # type: ignore[no-untyped-def]
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8_only:
        def representative():
            for row in calibration:
                yield [row[None, :]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


@pytest.fixture(scope="session")
def ceil_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A float model whose second operator is CEIL (TFLM runs it; TFLite's reference interpreter knows
    no version of it)."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(5)
    inputs = tf.keras.Input(shape=(4,))
    hidden = tf.keras.layers.Dense(4)(inputs)
    model = tf.keras.Model(inputs, tf.keras.layers.Lambda(lambda x: tf.math.ceil(x))(hidden))
    path = tmp_path_factory.mktemp("models") / "ceil.tflite"
    path.write_bytes(_convert(model, np.zeros((1, 4), np.float32), int8_only=False))
    return path


@pytest.fixture()
def unsupported_op_model(ceil_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model with an operator TFLM runs and the built-in runtime lacks: ceil_model, with CEIL taken
    out of the op registry for the test (the built-in runtime now runs every TFLM operator but those
    of issue work in progress, so no real one can stand in for long)."""
    from tflm_bench.generator.ops.registry import handlers

    monkeypatch.delitem(handlers(), "CEIL")
    return ceil_model


@pytest.fixture(scope="session")
def oversized_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An int8 model with 1.2 MB of weights: more than the nRF52840's 1 MiB of flash."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(6)
    model = tf.keras.Sequential([tf.keras.Input(shape=(1200,)), tf.keras.layers.Dense(1000)])
    calibration = np.random.default_rng(6).uniform(-1, 1, (8, 1200)).astype(np.float32)
    path = tmp_path_factory.mktemp("models") / "big.tflite"
    path.write_bytes(_convert(model, calibration))
    return path
