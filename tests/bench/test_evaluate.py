"""`tflm-bench evaluate`: device accuracy equals what TFLM gives on the same quantized inputs
(computed here independently with tflite_micro's runtime), for int8 and uint8 I/O; the report's
metrics, JSON and errors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main
from tflm_bench.metrics import classification, regression
from tflm_bench.variants import VariantModel

MODELS = Path(__file__).resolve().parents[2] / "models"


def _tflm_predictions(model: Path, quantized: np.ndarray) -> np.ndarray:
    """Top-1 classes from TFLM on the host, sample by sample."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model.read_bytes())
    predicted = []
    for sample in quantized:
        interpreter.set_input(sample, 0)
        interpreter.invoke()
        predicted.append(int(np.argmax(np.array(interpreter.get_output(0)).reshape(-1))))
    return np.array(predicted)


def _input_quantization(model: Path) -> tuple[float, int, np.dtype, tuple[int, ...]]:
    from ai_edge_litert import interpreter as litert

    detail = litert.Interpreter(model_content=model.read_bytes()).get_input_details()[0]
    scale, zero_point = detail["quantization"]
    return float(scale), int(zero_point), np.dtype(detail["dtype"]), tuple(int(d) for d in detail["shape"])


def _quantize_independently(x: np.ndarray, scale: float, zero_point: int, dtype: np.dtype) -> np.ndarray:
    """std::round(x / scale) + zero_point, clamped: written apart from bench/datasets.py."""
    info = np.iinfo(dtype)
    scaled = (x.astype(np.float32) / np.float32(scale)).astype(np.float64)
    return np.clip(np.trunc(scaled + np.copysign(0.5, scaled)) + zero_point, info.min, info.max).astype(dtype)


def _evaluate_json(tmp_path: Path, *args: str) -> tuple[int, dict]:
    out = tmp_path / "result.json"
    code = main(["evaluate", *args, "--jobs", "1", "--json", str(out)])
    return code, json.loads(out.read_text())


@pytest.mark.parametrize("variant", ["int8", "uint8-io"])
def test_digits_device_accuracy_is_tflms(variant: str, digits: Path, digits_variants: dict[str, VariantModel],
                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = digits_variants[variant].tflite
    assert model is not None
    test = np.load(digits / "test.npz")
    x, y = test["x"][:80], test["y"][:80]
    np.savez(tmp_path / "test.npz", x=x, y=y)  # real-valued x: the bench quantizes
    code, result = _evaluate_json(tmp_path, str(model), "--data", str(tmp_path / "test.npz"))
    assert code == 0
    scale, zero_point, dtype, shape = _input_quantization(model)
    assert dtype == (np.int8 if variant == "int8" else np.uint8)
    quantized = _quantize_independently(x, scale, zero_point, dtype).reshape((len(x), *shape))
    expected = _tflm_predictions(model, quantized)
    device = result["variants"][0]["device"]
    assert device["scores"]["predictions"] == expected.tolist()
    assert device["correct"] == int(np.sum(expected == y))
    assert device["accuracy"] == pytest.approx(np.mean(expected == y))
    assert device["accuracy"] > 0.9
    assert device["tflm_mismatches"] == 0 and result["all_match_tflm"]
    assert result["samples"] == 80 and result["labels"] == y.tolist()
    text = capsys.readouterr().out
    assert "confusion matrix" in text and "recall" in text and "top-5" in text
    # The host column is the oracle: host TFLM's predictions are the device's; TFLite's default
    # kernels stand beside it, and a difference from TFLM is explained in a footnote.
    row = result["variants"][0]
    assert row["host"]["predictions"] == expected.tolist()
    assert row["host_tflite"] is not None and row["host_tflite_differs"] is not None
    assert "host TFLM accuracy" in text and "TFLite accuracy" in text
    if row["host_tflite_differs"]:
        assert "TFLite's default kernels (the XNNPACK delegate) gave other outputs than host TFLM" in text


def test_uint8_rps_device_accuracy_is_tflms(tmp_path: Path) -> None:
    """models/rps_cnn_uint8.tflite (uint8 I/O), labelled samples already quantized (uint8)."""
    model = MODELS / "rps_cnn_uint8.tflite"
    scale, zero_point, dtype, shape = _input_quantization(model)
    rng = np.random.default_rng(11)
    real = rng.uniform(-zero_point * scale, (255 - zero_point) * scale, (12, *shape[1:])).astype(np.float32)
    quantized = _quantize_independently(real, scale, zero_point, dtype)
    labels = rng.integers(0, 3, 12)
    np.savez(tmp_path / "q.npz", x=quantized, y=labels)
    np.savez(tmp_path / "real.npz", x=real, y=labels)
    expected = _tflm_predictions(model, quantized.reshape((12, *shape)))
    for data in ("q.npz", "real.npz"):  # already quantized, and real values the bench quantizes
        code, result = _evaluate_json(tmp_path, str(model), "--data", str(tmp_path / data), "--no-host")
        device = result["variants"][0]["device"]
        assert code == 0
        assert device["scores"]["predictions"] == expected.tolist()
        assert device["accuracy"] == pytest.approx(np.mean(expected == labels))
        assert result["variants"][0]["host"] is None


def test_regression_metrics_against_reference_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A float-I/O autoencoder scored against reference outputs (TFLM's own): RMSE ~ 0."""
    from tflite_micro.python.tflite_micro import runtime

    model = MODELS / "ad_autoencoder_float.tflite"
    interpreter = runtime.Interpreter.from_bytes(model.read_bytes())
    x = np.random.default_rng(2).uniform(-1, 1, (6, 640)).astype(np.float32)
    reference = []
    for sample in x:
        interpreter.set_input(sample[None, :], 0)
        interpreter.invoke()
        reference.append(np.array(interpreter.get_output(0))[0])
    np.savez(tmp_path / "ref.npz", x=x, y=np.stack(reference))
    code, result = _evaluate_json(tmp_path, str(model), "--data", str(tmp_path / "ref.npz"), "--no-host")
    assert code == 0 and result["task"] == "regression"
    metrics = result["variants"][0]["device"]["scores"]["regression"]
    assert metrics["rmse"] < 1e-5 and metrics["max_abs_error"] < 1e-4 and metrics["cosine"] > 0.99999
    assert len(result["variants"][0]["device"]["scores"]["outputs"]) == 6
    assert "RMSE" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path: Path, sine_model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    np.savez(tmp_path / "no_labels.npz", x=np.zeros((3, 1), np.float32))
    assert main(["evaluate", str(sine_model), "--data", str(tmp_path / "no_labels.npz"), "--metric", "accuracy"]) == 2
    assert "accuracy needs integer labels y [N]; its y is missing" in capsys.readouterr().err
    np.savez(tmp_path / "shape.npz", x=np.zeros((3, 2), np.float32), y=np.zeros(3, np.int64))
    assert main(["evaluate", str(sine_model), "--data", str(tmp_path / "shape.npz"), "--metric", "regression"]) == 2
    assert "regression metrics need reference outputs" in capsys.readouterr().err
    assert main(["evaluate", str(sine_model), "--data", str(tmp_path / "shape.npz"), "--calibration", "c.npy"]) == 2
    assert "already a .tflite" in capsys.readouterr().err
    assert main(["evaluate", str(sine_model), "--data", str(tmp_path / "absent.npz")]) == 2


def test_min_accuracy_gate(digits: Path, digits_variants: dict[str, VariantModel], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    test = np.load(digits / "test.npz")
    np.savez(tmp_path / "few.npz", x=test["x"][:20], y=test["y"][:20])
    model = str(digits_variants["int8"].tflite)
    assert main(["evaluate", model, "--data", str(tmp_path / "few.npz"), "--jobs", "1", "--no-host",
                 "--min-accuracy", "1.01"]) == 1
    out = capsys.readouterr().out
    assert "gate: model: device accuracy 0.9" in out and "is below --min-accuracy 1.01" in out


def test_metrics() -> None:
    scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [0.5, 0.5, 0.0]])
    metrics = classification(scores, np.array([0, 1, 1, 1]), top_k=2)
    assert metrics.correct == 2 and metrics.accuracy == 0.5
    assert metrics.top_k == {1: 0.5, 2: 1.0}
    assert metrics.confusion == ((1, 0, 0), (1, 1, 1), (0, 0, 0))  # a tie goes to the lower class, as argmax
    assert metrics.recall == (1.0, 1 / 3, None)
    r = regression(np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[0.0, 1.0], [0.0, 0.0]]))
    assert r.rmse == pytest.approx(np.sqrt(0.5)) and r.mae == 0.5 and r.max_abs_error == 1.0
    assert r.cosine == 0.5  # orthogonal (0) and both zero (1)


def test_image_folder_on_the_device(tmp_path: Path) -> None:
    """An image folder (one subfolder per class) on the uint8 rock-paper-scissors model: labels
    from the sorted class names, images resized to 64x64, predictions as TFLM's."""
    import tensorflow as tf

    from tflm_bench.datasets import load_image_folder

    rng = np.random.default_rng(5)
    for name in ("rock", "paper", "scissors"):
        (tmp_path / "images" / name).mkdir(parents=True)
        for i in range(2):
            image = rng.integers(0, 256, (80, 70, 3), dtype=np.uint8)
            (tmp_path / "images" / name / f"{i}.png").write_bytes(tf.io.encode_png(image).numpy())
    model = MODELS / "rps_cnn_uint8.tflite"
    code, result = _evaluate_json(tmp_path, str(model), "--data", str(tmp_path / "images"), "--no-host")
    assert code == 0
    assert result["class_names"] == ["paper", "rock", "scissors"] and result["labels"] == [0, 0, 1, 1, 2, 2]
    scale, zero_point, dtype, shape = _input_quantization(model)
    x = load_image_folder(tmp_path / "images", shape).x
    expected = _tflm_predictions(model, _quantize_independently(x, scale, zero_point, dtype).reshape((6, *shape)))
    assert result["variants"][0]["device"]["scores"]["predictions"] == expected.tolist()


def test_evaluate_reports_energy_per_variant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    digits = MODELS / "digits"
    code, result = _evaluate_json(tmp_path, str(digits / "digits_cnn_int8.tflite"), "--data", str(digits / "test.npz"),
                                  "--limit", "10", "--no-host", "--duty", "4/h", "--battery", "1Ah")
    assert code == 0
    device = result["variants"][0]["device"]
    energy = device["energy"]
    assert energy["cycles"] == round(device["estimated_cycles_mean"])
    assert energy["energy_uj_per_inference"] == pytest.approx(3.0 * 3.3e-3 * energy["cycles"] / 64e6 * 1e6)
    assert energy["duty"]["battery_days"] > 365  # 4 inferences an hour: the chip sleeps nearly always
    out = capsys.readouterr().out
    assert "est. uJ" in out and "at 4/h: average" in out


def test_every_long_phase_of_evaluate_says_what_it_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Conversion, the float reference, the host columns and the builds each announce themselves
    (the sample loops count with an ETA), so a run of variants is never silent for long."""
    digits = MODELS / "digits"
    test = np.load(digits / "test.npz")
    np.savez(tmp_path / "few.npz", x=test["x"][:4], y=test["y"][:4])
    code, _ = _evaluate_json(tmp_path, str(digits / "digits_cnn.keras"), "--data", str(tmp_path / "few.npz"),
                             "--calibration", str(digits / "calibration.npy"), "--variants", "int8")
    assert code == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if line.startswith("tflm-bench: ")]
    assert [n.split(": ", 2)[1:] for n in notes][:4] == [
        ["int8", notes[0].split(": ", 2)[2]], ["float reference", "the Keras model on 4 samples"],
        ["int8", "host TFLM and TFLite on 4 samples"], ["int8", "building the firmware"]]
    assert "converting digits_cnn.keras" in notes[0] or "converted before, reused" in notes[0]


def test_evaluate_writes_reports_and_gates_accuracy_in_a_baseline(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Accuracy is recorded per variant and gated in percentage points, like the other figures."""
    model = MODELS / "digits" / "digits_cnn_int8.tflite"
    data = MODELS / "digits" / "test.npz"
    baseline, md, junit, html = (tmp_path / n for n in ("b.json", "e.md", "e.xml", "e.html"))
    common = ["evaluate", str(model), "--data", str(data), "--limit", "20", "--jobs", "1", "--no-host"]
    assert main([*common, "--baseline", str(baseline), "--update-baseline"]) == 0
    entry = json.loads(baseline.read_text())["entries"][0]
    assert entry["model"] == "digits_cnn_int8.tflite [model]" and 0.5 < entry["accuracy"] <= 1
    assert "baseline: added digits_cnn_int8.tflite [model]" in capsys.readouterr().out
    assert main([*common, "--baseline", str(baseline), "--markdown", str(md), "--junit", str(junit),
                 "--report", str(html)]) == 0
    assert "checks passed" in md.read_text() and 'failures="0"' in junit.read_text() and "PASS" in html.read_text()
    # A baseline that remembers a better accuracy: the run regresses by more than 0.5pp.
    data_json = json.loads(baseline.read_text())
    data_json["entries"][0]["accuracy"] = entry["accuracy"] + 0.05
    baseline.write_text(json.dumps(data_json))
    capsys.readouterr()
    assert main([*common, "--baseline", str(baseline), "--junit", str(junit), "--markdown", str(md)]) == 1
    out = capsys.readouterr().out
    assert "FAILED model: baseline: accuracy: " in out and "tolerance 0.5pp" in out
    assert 'failures="1"' in junit.read_text() and "1 of " in md.read_text()
