"""Variants of one Keras model: the five-row table of the digits example, the dynamic-range row
that keeps its host column and says why it cannot run, QAT through tf-keras in a subprocess,
and QAT model files that load with the quantization scope."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.evaluate import EvaluationReport
from tflm_bench.generator import QAT_PACKAGES, QatError, convert_model_file, is_qat_model_file, read_model
from tflm_bench.variants import VariantError, VariantModel, hybrid_ops, make_variants, parse_variants

ROOT = Path(__file__).resolve().parents[2]


def test_table_has_all_five_variants(digits_report: EvaluationReport, bench_options) -> None:  # type: ignore[no-untyped-def]
    # ms per inference comes from estimated cycles: the built-in engine's cycle model; Renode gives
    # instruction counts only, so there it is left out (None), not made up.
    estimates = str(bench_options.engine) == "builtin"
    text = digits_report.format_text()
    rows = [line.split("|")[0].strip() for line in text.splitlines() if "|" in line]
    assert rows[0] == "variant" and rows[2:] == ["float", "dynamic", "int8", "uint8-io", "qat"]
    assert "Keras model on the host: accuracy" in text
    assert digits_report.all_match_tflm
    for name in ("float", "int8", "uint8-io", "qat"):
        variant = digits_report.variant(name)
        assert variant.device is not None and variant.device.scores.accuracy > 0.85, name
        assert variant.host is not None and variant.host.accuracy > 0.85, name
        assert variant.device.scores.agreement_with_float > 0.85
        assert variant.device.memory.arena_bytes > 0 and variant.device.instructions_mean > 0
        if estimates:
            assert variant.device.ms_per_inference is not None and variant.device.ms_per_inference > 0
        else:
            assert variant.device.ms_per_inference is None
    # The float model and its float32 .tflite on the device agree on every sample.
    assert digits_report.variant("float").device.scores.agreement_with_float == 1.0
    # Same quantized graph apart from the I/O types: the same predictions.
    assert (digits_report.variant("int8").device.scores.predictions
            == digits_report.variant("uint8-io").device.scores.predictions)


def test_dynamic_range_row_keeps_host_and_says_why(digits_report: EvaluationReport) -> None:
    """Hybrid operators: neither TFLM (host or device) runs them, TFLite's interpreter does."""
    dynamic = digits_report.variant("dynamic")
    assert dynamic.device is None
    assert dynamic.host is None and dynamic.host_note and "host TFLM could not run it" in dynamic.host_note
    assert dynamic.host_tflite is not None and dynamic.host_tflite.accuracy > 0.85
    assert "dynamic-range quantization keeps float32 activations with int8 weights" in dynamic.device_note
    assert "Deploy the int8 variant" in dynamic.device_note
    text = digits_report.format_text()
    number = re.search(r"not run \[(\d+)\]", text)
    assert number and f"[{number.group(1)}] dynamic: not run: dynamic-range" in text
    assert "dynamic: host TFLM could not run it" in text  # its own footnote, beside the TFLite column


def test_json_has_per_variant_counts_and_predictions(digits_report: EvaluationReport) -> None:
    data = digits_report.to_dict()
    int8 = next(v for v in data["variants"] if v["name"] == "int8")
    assert int8["device"]["samples"] == 100 and len(int8["device"]["scores"]["predictions"]) == 100
    assert int8["device"]["correct"] == round(int8["device"]["accuracy"] * 100)
    assert len(int8["device"]["scores"]["classification"]["confusion"]) == 10
    assert int8["device"]["throughput"]["per_second"] > 0
    dynamic = next(v for v in data["variants"] if v["name"] == "dynamic")
    assert dynamic["device"] is None and dynamic["host"] is None and dynamic["host_tflite"]["accuracy"] > 0.85
    assert '"qat"' in digits_report.to_json()


def test_hybrid_ops_are_found(digits_variants: dict[str, VariantModel]) -> None:
    def ops(name: str) -> list[str]:
        tflite = digits_variants[name].tflite
        assert tflite is not None
        return hybrid_ops(read_model(tflite.read_bytes()))

    assert ops("dynamic") and all(op.split()[1] in ("CONV_2D", "FULLY_CONNECTED") for op in ops("dynamic"))
    assert ops("float") == [] and ops("int8") == [] and ops("qat") == []


def test_variant_arguments(digits: Path, tmp_path: Path) -> None:
    with pytest.raises(VariantError, match="unknown"):
        parse_variants("int8,int4")
    with pytest.raises(VariantError, match="are calibrated: pass --calibration"):
        make_variants(digits / "digits_cnn.keras", ("int8",), None, tmp_path)
    with pytest.raises(VariantError, match="pass --train TRAIN.npz"):
        make_variants(digits / "digits_cnn.keras", ("qat",), np.load(digits / "calibration.npy"), tmp_path)


def test_qat_without_its_packages_names_the_install_command(digits: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A variant the user asked for that cannot be made is an error, never a silent missing row."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tf_keras" else real(name, *a))
    with pytest.raises(VariantError, match=r"needs tf_keras==2.21.0, which are not installed: run `tflm-bench install-qat`"):
        make_variants(digits / "digits_cnn.keras", ("float", "qat"), np.load(digits / "calibration.npy"), tmp_path,
                      train=digits / "train.npz")


def test_the_qat_pins_are_the_lock_files() -> None:
    lock = (Path(__file__).resolve().parents[2] / "requirements-nodeps.lock").read_text().splitlines()
    assert sorted(QAT_PACKAGES) == sorted(line.strip() for line in lock if line.strip() and not line.startswith("#"))


def test_qat_model_files_load_with_the_quantize_scope(digits: Path, digits_variants: dict[str, VariantModel],
                                                      tmp_path: Path) -> None:
    """The QAT variant's saved Keras 2 model (.h5), and the same re-saved as .keras, convert again
    (no "Unknown layer: 'QuantizeLayer'") to the same int8 model: the .keras file through the
    public convert_model_file, the .h5 with the same child-process code in one Keras 2 process."""
    qat = digits_variants["qat"].tflite
    assert qat is not None
    h5 = qat.with_suffix(".h5")
    assert is_qat_model_file(h5) and not is_qat_model_file(digits / "digits_cnn.keras")
    keras_file, calibration = tmp_path / "qat.keras", tmp_path / "calibration.npy"
    np.save(calibration, np.load(digits / "calibration.npy")[:16])  # QAT learnt its ranges: a few samples do
    child = ("import sys, tensorflow_model_optimization as tfmot, tf_keras\n"
             "from tflm_bench.generator.legacy_keras import _convert_qat_file\n"
             "h5, keras_file, calibration, out = sys.argv[1:]\n"
             "with tfmot.quantization.keras.quantize_scope():\n"
             "    tf_keras.models.load_model(h5, compile=False).save(keras_file)\n"
             "_convert_qat_file({'model': h5, 'calibration': calibration, 'out': out})\n")
    subprocess.run([sys.executable, "-c", child, str(h5), str(keras_file), str(calibration), str(tmp_path / "h5.tflite")],
                   check=True, capture_output=True, env={**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert is_qat_model_file(keras_file)
    from_keras = convert_model_file(keras_file, calibration, tmp_path / "keras.tflite").read_bytes()
    assert from_keras == (tmp_path / "h5.tflite").read_bytes()
    assert read_model(from_keras).tensors[read_model(from_keras).inputs[0]].dtype == "int8"


def test_qat_errors_are_reported(tmp_path: Path) -> None:
    from tflm_bench.generator.legacy_keras import run_job

    with pytest.raises(QatError, match="unknown Keras 2 job 'nonsense'"):
        run_job({"action": "nonsense"})


def test_parent_keeps_keras_3(digits_variants: dict[str, VariantModel]) -> None:
    """QAT ran (in a child process) without switching this process's tf.keras to Keras 2."""
    import tensorflow as tf

    assert digits_variants["qat"].tflite is not None
    assert "TF_USE_LEGACY_KERAS" not in os.environ
    assert tf.keras.__version__.startswith("3.")


def test_docs_show_the_digits_table() -> None:
    docs = (ROOT / "docs" / "evaluate.md").read_text()
    section = docs[docs.index("## Worked example"):]
    for row in ("float", "dynamic", "int8", "uint8-io", "qat"):
        assert f"\n    {row.ljust(8)} | " in section, row
    assert "models/make_digits_example.py" in section


def test_accuracy_checks(digits_report: EvaluationReport) -> None:
    from tflm_bench.evaluate import check_accuracy_drop, check_device_accuracy

    check_device_accuracy(digits_report, 0.85)
    assert check_accuracy_drop(digits_report, 0.05, "int8") <= 0.05
    with pytest.raises(AssertionError, match=r"variant int8: device accuracy 0\.\d+ \(\d+/100\) is below 1\.0100"):
        check_device_accuracy(digits_report, 1.01, "int8")
    with pytest.raises(AssertionError, match="variant dynamic did not run on the device: not run: dynamic-range"):
        check_device_accuracy(digits_report, 0.5, "dynamic")
    with pytest.raises(AssertionError, match="below the float model's"):
        check_accuracy_drop(digits_report, -0.5, "int8")


def test_pytest_fixture(bench_evaluate, digits: Path, digits_variants: dict[str, VariantModel]) -> None:  # type: ignore[no-untyped-def]
    report = bench_evaluate(digits_variants["int8"].tflite, digits / "test.npz", limit=30, host=False)
    assert report.variant("model").device.samples == 30
