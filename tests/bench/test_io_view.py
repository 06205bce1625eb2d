"""Outputs shown to the user: dequantized values, the top class of a classifier, the I/O tensors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.errors import InputError
from tflm_bench.generator import read_model
from tflm_bench.io_view import IoTensor, dequantized, format_outputs, io_tensors, is_classifier, load_labels, top_class

ROOT = Path(__file__).resolve().parents[2]
OUT = IoTensor("output", 0, "probs", "int8", (1, 3), 0.5, -128)


def test_dequantized_and_top_class() -> None:
    assert dequantized(np.array([[-128, -126, 127]], np.int8), OUT) == (0.0, 1.0, 127.5)
    assert dequantized(np.array([0.25], np.float32), IoTensor("output", 0, "y", "float32", (1,), 0.0, 0)) == (0.25,)
    assert top_class((0.1, 0.7, 0.7), ("a", "b", "c")) == (1, "b")  # the first of a tie, as np.argmax
    line = format_outputs([(0.0, 1.0, 127.5)], [OUT], True, ("rock", "paper", "scissors"))
    assert line == "out0 [0, 1, 127.5]  -> class 2 'scissors' (127.5)"


def test_io_tensors_and_classifiers() -> None:
    kws = read_model((ROOT / "models" / "kws_dscnn_int8.tflite").read_bytes())
    tensors = io_tensors(kws)
    assert [t.role for t in tensors] == ["input", "output"]
    assert tensors[1].dtype == "int8" and tensors[1].shape == (1, 12) and tensors[1].zero_point == -128
    assert "scale 0.00390625, zero point -128" in tensors[1].describe()
    assert is_classifier(kws, ())  # its output comes from a SOFTMAX
    sine = read_model((ROOT / "models" / "sine_int8.tflite").read_bytes())
    assert not is_classifier(sine, ()) and is_classifier(sine, ("only",))


def test_labels(tmp_path: Path) -> None:
    names = tmp_path / "labels.txt"
    names.write_text("rock\npaper\n\nscissors\n")
    assert load_labels(str(names), 3) == ("rock", "paper", "scissors")
    assert load_labels("a, b", 2) == ("a", "b")
    with pytest.raises(InputError, match="gives 2 class names; the model's first output has 3 values"):
        load_labels("a,b", 3)


def test_run_shows_outputs_in_the_terminal_and_the_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tflm_bench.cli import main

    report = tmp_path / "r.json"
    labels = "silence,unknown,yes,no,up,down,left,right,on,off,stop,go"
    assert main(["run", str(ROOT / "models" / "kws_dscnn_int8.tflite"), "--count", "2", "--no-tflite",
                 "--labels", labels, "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "io        output 0 'StatefulPartitionedCall_1:0' int8 [1, 12], scale 0.00390625, zero point -128" in out
    assert "outputs on the device, dequantized:" in out
    data = json.loads(report.read_text())
    first = data["results"][0]
    assert len(first["values"][0]) == 12 and first["top_label"] == labels.split(",")[first["top_class"]]
    assert f"-> class {first['top_class']} '{first['top_label']}'" in out
    assert data["io"][0]["scale"] == pytest.approx(0.00585397938)
