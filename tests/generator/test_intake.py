"""Model intake: Keras (.keras, SavedModel) + calibration data -> full-integer int8 .tflite."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main
from tflm_bench.generator.intake import IntakeError, convert_model_file, convert_path, prepare_model
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A tiny Dense model as .keras and as a SavedModel folder, plus calibration samples."""
    import tensorflow as tf

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential([tf.keras.Input(shape=(6,)), tf.keras.layers.Dense(5, activation="relu"),
                                 tf.keras.layers.Dense(3)])
    folder = tmp_path_factory.mktemp("keras")
    keras_path = folder / "tiny.keras"
    model.save(keras_path)
    saved = folder / "tiny_saved"
    model.export(str(saved), verbose=False)
    calibration = folder / "calibration.npy"
    np.save(calibration, np.random.default_rng(3).uniform(-1, 1, (32, 6)).astype(np.float32))
    return keras_path, saved, calibration


def _ops(path: Path) -> Counter[str]:
    return Counter(op.name for op in read_tflite(path).operators)


@pytest.mark.parametrize("io, dtype", [("int8", "int8"), ("uint8", "uint8"), ("float", "float32")])
def test_keras_file_converts_to_full_integer(keras_files, tmp_path: Path, io: str, dtype: str) -> None:  # type: ignore[no-untyped-def]
    keras_path, _, calibration = keras_files
    out = convert_model_file(keras_path, calibration, tmp_path / "m.tflite", io)
    model = read_tflite(out)
    validate(model)  # the built-in runtime can run it, uint8 edges included
    assert model.tensors[model.inputs[0]].dtype == dtype
    assert model.tensors[model.outputs[0]].dtype == dtype
    ops = _ops(out)
    assert ops["FULLY_CONNECTED"] == 2
    if io == "uint8":
        assert ops["QUANTIZE"] == 2  # uint8 -> int8 in, int8 -> uint8 out
    if io == "float":
        assert ops["QUANTIZE"] == 1 and ops["DEQUANTIZE"] == 1
    fc_inputs = [model.tensors[op.inputs[0]].dtype for op in model.operators if op.name == "FULLY_CONNECTED"]
    assert fc_inputs == ["int8", "int8"]


def test_saved_model_folder_converts(keras_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, saved, calibration = keras_files
    out = convert_model_file(saved, calibration, tmp_path / "s.tflite", "int8")
    validate(read_tflite(out))
    assert _ops(out)["FULLY_CONNECTED"] == 2


def test_missing_calibration_is_a_clear_error(keras_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keras_path, _, _ = keras_files
    with pytest.raises(IntakeError, match="needs calibration data; pass --calibration"):
        convert_model_file(keras_path, None, tmp_path / "m.tflite")
    with pytest.raises(IntakeError, match="does not exist"):
        convert_model_file(keras_path, tmp_path / "absent.npy", tmp_path / "m.tflite")


def test_shape_mismatch_is_a_clear_error(keras_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keras_path, saved, _ = keras_files
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((4, 7), np.float32))
    for path in (keras_path, saved):
        with pytest.raises(IntakeError, match=r"calibration samples have shape \[7\].*input is \[6\]"):
            convert_model_file(path, wrong, tmp_path / "m.tflite")


def test_conversion_failure_is_a_clear_error(tmp_path: Path) -> None:
    import tensorflow as tf

    inputs = tf.keras.Input(shape=(4,))
    model = tf.keras.Model(inputs, tf.keras.layers.Lambda(lambda x: tf.math.cumprod(x, axis=1))(inputs))
    with pytest.raises(IntakeError, match="TFLite converter could not make a full-integer int8 model"):
        from tflm_bench.generator.intake import convert_keras_model

        convert_keras_model(model, np.ones((4, 4), np.float32))


def test_unreadable_inputs_are_clear_errors(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.keras"
    bogus.write_bytes(b"not a zip")
    calibration = tmp_path / "c.npy"
    np.save(calibration, np.zeros((2, 6), np.float32))
    with pytest.raises(IntakeError, match="cannot load the Keras model"):
        convert_path(bogus, np.zeros((2, 6), np.float32))
    with pytest.raises(IntakeError, match="neither a Keras model file"):
        convert_path(calibration, np.zeros((2, 6), np.float32))
    text = tmp_path / "t.npy"
    np.save(text, np.array(["a", "b"]))
    with pytest.raises(IntakeError, match="numeric"):
        convert_model_file(bogus, text, tmp_path / "m.tflite")


def test_prepare_model_converts_once_into_the_build_folder(keras_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    keras_path, _, calibration = keras_files
    first = prepare_model(keras_path, calibration, tmp_path, "int8")
    assert first.parent == tmp_path / "converted" and first.suffix == ".tflite"
    mtime = first.stat().st_mtime_ns
    assert prepare_model(keras_path, calibration, tmp_path, "int8") == first
    assert first.stat().st_mtime_ns == mtime
    tflite = tmp_path / "x.tflite"
    tflite.write_bytes(first.read_bytes())
    assert prepare_model(tflite, None, tmp_path) == tflite


def test_cli_convert(keras_files, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    keras_path, _, calibration = keras_files
    out = tmp_path / "cli.tflite"
    assert main(["convert", str(keras_path), "--calibration", str(calibration), "--out", str(out), "--io", "uint8"]) == 0
    assert read_tflite(out).tensors[read_tflite(out).inputs[0]].dtype == "uint8"
    assert main(["convert", str(keras_path), "--out", str(out)]) == 2
    assert "--calibration" in capsys.readouterr().err
