"""`tflm-bench corpus DIR` and bench/corpus.py: golden files, the table by directory, exit codes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import tflm_bench.corpus as corpus
from tflm_bench.cli import main
from tflm_bench.corpus import Outcome, Status, corpus_table, find_models, golden_files, golden_tolerance
from tflm_bench.generator import read_model

ROOT = Path(__file__).resolve().parents[2]


def test_golden_files_are_read_by_input_number_and_type(tmp_path: Path) -> None:
    (tmp_path / "m.tflite").write_bytes(b"")
    (tmp_path / "m_input1_int32.csv").write_text("1,2,3\n")
    (tmp_path / "m_input0_int16.csv").write_text("-5,7")
    (tmp_path / "m_golden_int16.csv").write_text("0,-32768,32767\n")
    (tmp_path / "m2_input0_int8.csv").write_text("9")  # another model's file
    golden = golden_files(tmp_path / "m.tflite")
    assert golden is not None
    assert [a.dtype for a in golden.inputs] == [np.int16, np.int32]
    assert golden.inputs[0].tolist() == [-5, 7] and golden.inputs[1].tolist() == [1, 2, 3]
    assert golden.output.dtype == np.int16 and golden.output.tolist() == [0, -32768, 32767]
    assert golden_files(tmp_path / "m2.tflite") is None  # inputs but no golden output


def test_golden_tolerance_is_one_for_leaky_relu_only(sine_model: Path) -> None:
    assert golden_tolerance(read_model(sine_model.read_bytes())) == 0


def test_table_counts_by_directory_and_names_every_model_not_bit_exact() -> None:
    outcomes = [
        Outcome("a/x.tflite", Status.EXACT), Outcome("a/y.tflite", Status.REFUSED, "UnsupportedOpError",
                                                     "operator #0 FOO is not supported by the built-in runtime; supported: ADD, SUB"),
        Outcome("b/z.tflite", Status.DIFFERS, reason="input 0 output 0: 3 values differ"),
    ]
    table = corpus_table(outcomes)
    assert "| a | 2 | 1 | 0 | 1 | 0 | 0 |" in table
    assert "| b | 1 | 0 | 0 | 0 | 1 | 0 |" in table
    assert "| **total** | **3** | **1** | **0** | **1** | **1** | **0** |" in table
    assert "- `a/y.tflite`: refused: UnsupportedOpError: operator #0 FOO is not supported by the built-in runtime\n" in table
    assert "`b/z.tflite`: differs: input 0 output 0: 3 values differ" in table
    assert "a/x.tflite" not in table


def test_a_missing_or_empty_folder_is_a_usage_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["corpus", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["corpus", str(tmp_path)]) == 2
    assert "no .tflite file" in capsys.readouterr().err


def test_a_model_runs_and_an_unsupported_one_is_refused(tmp_path: Path, sine_model: Path,
                                                       unsupported_op_model: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ok").mkdir()
    (tmp_path / "no").mkdir()
    shutil.copy(sine_model, tmp_path / "ok" / "sine.tflite")
    shutil.copy(unsupported_op_model, tmp_path / "no" / "l2.tflite")
    assert find_models(tmp_path) == ["no/l2.tflite", "ok/sine.tflite"]
    code = main(["corpus", str(tmp_path), "--count", "1", "--json", str(tmp_path / "out.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "| ok | 1 | 1 | 0 | 0 | 0 | 0 |" in out and "| no | 1 | 0 | 0 | 1 | 0 | 0 |" in out
    assert "`no/l2.tflite`: refused: UnsupportedOpError: operator #1 CEIL is not supported" in out
    saved = json.loads((tmp_path / "out.json").read_text())
    assert [(o["model"], o["status"], o["inputs"]) for o in saved] == [("no/l2.tflite", "refused", 0),
                                                                        ("ok/sine.tflite", "bit-exact", 1)]


@pytest.mark.parametrize("status, code", [(Status.DIFFERS, 1), (Status.FAILED, 3), (Status.TOLERANCE, 0)])
def test_exit_code_follows_the_worst_outcome(tmp_path: Path, sine_model: Path, monkeypatch, capsys,  # type: ignore[no-untyped-def]
                                             status: Status, code: int) -> None:
    shutil.copy(sine_model, tmp_path / "a.tflite")
    shutil.copy(sine_model, tmp_path / "b.tflite")
    fake = {"a.tflite": Outcome("a.tflite", Status.EXACT), "b.tflite": Outcome("b.tflite", status, reason="why")}
    monkeypatch.setattr(corpus, "run_model", lambda root, model, *args, **kwargs: fake[model])
    assert main(["corpus", str(tmp_path)]) == code
    assert f"`b.tflite`: {status}" in capsys.readouterr().out
