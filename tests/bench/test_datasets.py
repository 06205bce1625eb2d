"""Evaluation data: .npz and image folders, and quantizing real inputs exactly as TFLite does."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.datasets import (
    DatasetError,
    IoSpec,
    dequantize,
    load_dataset,
    load_image_folder,
    prepare_inputs,
    quantize,
)

N = 400


def _quantize_model(dtype: str, scale: float, zero_point: int) -> bytes:
    """float32 [1, N] -> QUANTIZE -> dtype, the op TFLite runs on a float model input."""
    return build_tflite(ModelSpec(
        [TensorSpec("x", (1, N), "float32"), TensorSpec("q", (1, N), dtype, [scale], [zero_point])],
        [OpSpec("QUANTIZE", [0], [1])], [0], [1],
    ))


def _ties_and_spread(scale: float, zero_point: int, rng: np.random.Generator) -> np.ndarray:
    """Half the values exactly on .5 ties of x / scale (where round-half-to-even would differ),
    the rest spread over and beyond the type's range, positive and negative."""
    steps = rng.integers(-300, 300, N).astype(np.float64)
    ties = ((steps + 0.5) * scale).astype(np.float32)
    spread = rng.uniform(-400 * scale, 400 * scale, N).astype(np.float32)
    return np.where(np.arange(N) % 2 == 0, ties, spread).astype(np.float32)[None, :]


def _tflite(model: bytes, resolver: str):  # type: ignore[no-untyped-def]
    from ai_edge_litert import interpreter as litert

    kinds = {"builtin_ref": litert.OpResolverType.BUILTIN_REF, "builtin": litert.OpResolverType.BUILTIN}
    interpreter = litert.Interpreter(model_content=model, experimental_op_resolver_type=kinds[resolver])
    interpreter.allocate_tensors()

    def run(x: np.ndarray) -> np.ndarray:
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])

    return run


def _tflm(model: bytes):  # type: ignore[no-untyped-def]
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model)

    def run(x: np.ndarray) -> np.ndarray:
        interpreter.set_input(x, 0)
        interpreter.invoke()
        return np.array(interpreter.get_output(0))

    return run


CASES = [("int8", -3), ("int8", -128), ("uint8", 0), ("uint8", 131)]


def _scales(rng: np.random.Generator) -> tuple[float, ...]:
    return 0.0039215689, 0.125, 0.1, float(2.0 ** rng.uniform(-8, 2))


@pytest.mark.parametrize("interpreter", ["builtin_ref", "tflm"])
@pytest.mark.parametrize("dtype,zero_point", CASES)
def test_quantize_is_tflites_reference_quantize(dtype: str, zero_point: int, interpreter: str) -> None:
    """Bit for bit TFLite's reference QUANTIZE and TFLM's (TFLM has no float -> uint8 QUANTIZE:
    its uint8-input models take uint8 and requantize to int8 inside)."""
    if interpreter == "tflm" and dtype == "uint8":
        pytest.skip("TFLM's QUANTIZE has no float32 -> uint8 form")
    rng = np.random.default_rng(zero_point + 1000)
    for scale in _scales(rng):
        model = _quantize_model(dtype, scale, zero_point)
        run = _tflm(model) if interpreter == "tflm" else _tflite(model, interpreter)
        x = _ties_and_spread(scale, zero_point, rng)
        ours = quantize(x, scale, zero_point, np.dtype(dtype))
        np.testing.assert_array_equal(ours, run(x), err_msg=f"{dtype} scale {scale} zero point {zero_point}")


@pytest.mark.parametrize("dtype,zero_point", CASES)
def test_tflites_optimized_quantize_differs_only_on_ties(dtype: str, zero_point: int) -> None:
    """TFLite's default (optimized) kernels multiply by 1/scale instead of dividing, so on an exact
    tie they can land one step off; everywhere else they agree with the reference we follow."""
    rng = np.random.default_rng(zero_point + 2000)
    for scale in _scales(rng):
        model = _quantize_model(dtype, scale, zero_point)
        x = _ties_and_spread(scale, zero_point, rng)
        theirs = _tflite(model, "builtin")(x).astype(np.int64)
        ours = quantize(x, scale, zero_point, np.dtype(dtype)).astype(np.int64)
        on_tie = np.arange(N)[None, :] % 2 == 0
        assert np.all(np.abs(theirs - ours) <= 1)
        assert np.all(theirs[~on_tie] == ours[~on_tie])


def test_quantize_rounds_halves_away_from_zero() -> None:
    q = quantize(np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5], np.float32), 1.0, 0, np.dtype(np.int8))
    assert q.tolist() == [1, 2, 3, -1, -2, -3]  # np.round would give 0, 2, 2, -0, -2, -2
    assert quantize(np.array([1e6, -1e6]), 0.1, 0, np.dtype(np.uint8)).tolist() == [255, 0]


def test_prepare_inputs_kinds() -> None:
    spec = IoSpec(np.dtype(np.int8), (1, 2), 0.5, -1)
    real = np.array([[1.0, -1.0]], np.float32)
    assert prepare_inputs(real, spec, "auto", "t").tolist() == [[[1, -3]]]  # [N, *shape]
    already = np.array([[5, 6]], np.int8)
    assert prepare_inputs(already, spec, "auto", "t").tolist() == [[[5, 6]]]
    # uint8 pixels for an int8 input are real values, not quantized ones.
    assert prepare_inputs(np.array([[2, 4]], np.uint8), spec, "auto", "t").tolist() == [[[3, 7]]]
    with pytest.raises(DatasetError, match="already quantized samples must have exactly that type"):
        prepare_inputs(np.array([[2, 4]], np.uint8), spec, "quantized", "t")
    with pytest.raises(DatasetError, match=r"x has shape \[1, 3\]; the model's input is \[1, 2\]: give x as \[N, 2\]"):
        prepare_inputs(np.zeros((1, 3), np.float32), spec, "auto", "t")
    with pytest.raises(DatasetError, match="NaN"):
        prepare_inputs(np.array([[np.nan, 0]], np.float32), spec, "real", "t")
    out = IoSpec(np.dtype(np.int8), (1, 2), 0.25, 10)
    assert dequantize(np.array([[10, 14]], np.int8), out).tolist() == [[0.0, 1.0]]


def test_npz_errors(tmp_path: Path) -> None:
    np.savez(tmp_path / "no_x.npz", y=np.zeros(3))
    with pytest.raises(DatasetError, match="needs x"):
        load_dataset(tmp_path / "no_x.npz")
    np.savez(tmp_path / "count.npz", x=np.zeros((3, 2)), y=np.zeros(2, np.int64))
    with pytest.raises(DatasetError, match="x has 3 samples but y has 2"):
        load_dataset(tmp_path / "count.npz")
    np.save(tmp_path / "plain.npy", np.zeros((3, 2)))
    with pytest.raises(DatasetError, match="single .npy array"):
        load_dataset(tmp_path / "plain.npy")
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / "absent.npz")
    np.savez(tmp_path / "column.npz", x=np.zeros((3, 2)), y=np.array([[1], [2], [0]]))
    data = load_dataset(tmp_path / "column.npz")
    assert data.has_labels and data.y.tolist() == [1, 2, 0]


def test_image_folder_matches_keras(tmp_path: Path) -> None:
    """Same arrays, labels and class names as keras.utils.image_dataset_from_directory."""
    import tensorflow as tf

    rng = np.random.default_rng(3)
    for name, count in (("paper", 3), ("rock", 2), ("scissors", 4)):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(count):
            image = rng.integers(0, 256, (int(rng.integers(9, 30)), int(rng.integers(9, 30)), 3), dtype=np.uint8)
            encoded = tf.io.encode_png(image) if i % 2 else tf.io.encode_jpeg(image)
            (folder / f"img{i}.{'png' if i % 2 else 'jpg'}").write_bytes(encoded.numpy())
    (tmp_path / "rock" / "notes.txt").write_text("not an image")
    ours = load_image_folder(tmp_path, (1, 16, 12, 3))
    keras = tf.keras.utils.image_dataset_from_directory(tmp_path, image_size=(16, 12), shuffle=False, batch_size=None)
    x = np.stack([image.numpy() for image, _ in keras])
    y = np.array([int(label) for _, label in keras])
    assert ours.class_names == tuple(keras.class_names) == ("paper", "rock", "scissors")
    np.testing.assert_array_equal(ours.y, y)
    np.testing.assert_array_equal(ours.x, x)
    grey = load_image_folder(tmp_path, (1, 16, 12, 1))
    assert grey.x.shape == (9, 16, 12, 1)
    with pytest.raises(DatasetError, match="no class subfolders"):
        load_image_folder(tmp_path / "rock", (1, 16, 12, 3))
