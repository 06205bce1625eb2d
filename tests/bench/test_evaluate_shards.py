"""`evaluate --shard I/N` and `tflm-bench merge` of its JSONs: the merged evaluation equals the
unsharded one figure for figure (only the wall-clock throughput is the shards' own), the merge
refuses shards that are not one evaluation's, and gates the merged result."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cli import main

DIGITS = Path(__file__).resolve().parents[2] / "models" / "digits"


def _without_timing(evaluation: dict) -> dict:
    """The evaluation without what a wall clock measures (and the merge's list of its files)."""
    data = copy.deepcopy(evaluation)
    data.pop("merged_from", None)
    for variant in data["variants"] + data["per_sample"]["variants"]:
        if variant["device"] is not None:
            variant["device"].pop("throughput")
    return data


@pytest.fixture(scope="module")
def keras_shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The Keras digits model's int8 variant (float reference, agreement and error against the
    float model included) on 9 samples: whole, and in 3 shards."""
    folder = tmp_path_factory.mktemp("shards")
    common = ["evaluate", str(DIGITS / "digits_cnn.keras"), "--data", str(DIGITS / "test.npz"), "--calibration",
              str(DIGITS / "calibration.npy"), "--variants", "int8", "--limit", "9", "--jobs", "1"]
    assert main([*common, "--json", str(folder / "whole.json")]) == 0
    for index in (1, 2, 3):
        assert main([*common, "--shard", f"{index}/3", "--json", str(folder / f"s{index}.json")]) == 0
    return folder, [str(folder / f"s{i}.json") for i in (1, 2, 3)]


def test_merged_shards_equal_the_unsharded_evaluation(keras_shards: tuple[Path, list[str]],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder, shards = keras_shards
    second = json.loads(Path(shards[1]).read_text())
    assert second["shard"] == {"index": 2, "count": 3, "inputs": 9, "first": 3, "end": 6}
    assert second["samples"] == 3 and second["complete"] and len(second["labels"]) == 3
    capsys.readouterr()
    assert main(["merge", shards[2], shards[0], shards[1], "--out", str(folder / "merged.json")]) == 0  # any order
    assert "9 samples" in capsys.readouterr().out
    whole, merged = (json.loads((folder / name).read_text()) for name in ("whole.json", "merged.json"))
    assert merged["shard"] is None and merged["merged_from"] == [shards[2], shards[0], shards[1]]
    assert _without_timing(merged) == _without_timing(whole)
    # What the comparison covers, spelled out: the figures a user reads.
    device, whole_device = merged["variants"][0]["device"], whole["variants"][0]["device"]
    assert device["scores"]["classification"]["confusion"] == whole_device["scores"]["classification"]["confusion"]
    assert device["scores"]["predictions"] == whole_device["scores"]["predictions"] and len(device["scores"]["predictions"]) == 9
    assert device["scores"]["vs_float"] == whole_device["scores"]["vs_float"] is not None
    assert merged["float_model"] == whole["float_model"] is not None
    assert device["instructions_mean"] == whole_device["instructions_mean"] and device["energy"] == whole_device["energy"]
    assert device["throughput"]["mode"] == "3 shards" and device["throughput"]["samples"] == 9


def test_merge_refuses_shards_of_different_evaluations(keras_shards: tuple[Path, list[str]], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder, shards = keras_shards
    out = str(tmp_path / "out.json")

    def refused(*files: str) -> str:
        capsys.readouterr()
        assert main(["merge", *files, "--out", out]) == 2
        assert not Path(out).exists()
        return capsys.readouterr().err

    assert "shards missing: 3/3" in refused(shards[0], shards[1])
    assert f"shards given more than once: 2/3 ({shards[1]}, {shards[1]})" in refused(*shards, shards[1])
    assert "is a whole evaluation (written without --shard)" in refused(shards[0], str(folder / "whole.json"))

    def changed(name: str, change: callable) -> str:  # type: ignore[valid-type]
        data = json.loads(Path(shards[2]).read_text())
        change(data)
        path = tmp_path / name
        path.write_text(json.dumps(data))
        return str(path)

    top_k = changed("topk.json", lambda d: d["per_sample"]["options"].update(top_k=3))
    assert "its options differ" in refused(shards[0], shards[1], top_k)
    other_data = changed("data.json", lambda d: d["per_sample"].update(dataset_sha256="0" * 64))
    assert "its data set differ" in refused(shards[0], shards[1], other_data)
    other_variant = changed("variant.json", lambda d: d["per_sample"]["variants"][0].update(tflite_sha256="1" * 64))
    assert "its variants' .tflite files differ" in refused(shards[0], shards[1], other_variant)
    old = changed("old.json", lambda d: d.pop("per_sample"))
    assert "has no per-sample results" in refused(shards[0], shards[1], old)


def test_merge_gates_the_merged_evaluation(keras_shards: tuple[Path, list[str]], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The CI design: N shard jobs, then one merge job that writes the reports and gates."""
    _, shards = keras_shards
    baseline, md, junit = (tmp_path / n for n in ("b.json", "e.md", "e.xml"))
    out = str(tmp_path / "merged.json")
    assert main(["merge", *shards, "--out", out, "--baseline", str(baseline), "--update-baseline"]) == 0
    entry = json.loads(baseline.read_text())["entries"][0]
    assert entry["model"] == "digits_cnn.keras [int8]" and entry["inputs"] == 9
    whole = json.loads(Path(out).read_text())["variants"][0]["device"]
    assert entry["accuracy"] == whole["accuracy"]
    capsys.readouterr()
    assert main(["merge", *shards, "--out", out, "--baseline", str(baseline), "--min-accuracy", "0.5",
                 "--markdown", str(md), "--junit", str(junit)]) == 0
    assert "checks passed" in md.read_text() and 'failures="0"' in junit.read_text()
    capsys.readouterr()
    assert main(["merge", *shards, "--out", out, "--min-accuracy", "1.01", "--junit", str(junit)]) == 1
    assert "is below --min-accuracy 1.01" in capsys.readouterr().out and 'failures="1"' in junit.read_text()


def test_shard_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model, data = str(DIGITS / "digits_cnn_int8.tflite"), str(DIGITS / "test.npz")
    assert main(["evaluate", model, "--data", data, "--shard", "1/2"]) == 2
    assert "--shard 1/2 needs --json FILE" in capsys.readouterr().err
    assert main(["evaluate", model, "--data", data, "--shard", "1/2", "--json", str(tmp_path / "e.json"),
                 "--baseline", str(tmp_path / "b.json")]) == 2
    assert "gate in the job after the shards" in capsys.readouterr().err
    np.savez(tmp_path / "two.npz", x=np.load(data)["x"][:2], y=np.load(data)["y"][:2])
    assert main(["evaluate", model, "--data", str(tmp_path / "two.npz"), "--shard", "1/3", "--json",
                 str(tmp_path / "e.json"), "--jobs", "1", "--no-host"]) == 2
    assert "leave this shard none" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", model, "--data", data, "--shard", "3/2"])
    assert exit_.value.code == 2
    # The gates of merge are for evaluations; the shards of `run` keep their own verdict.
    sine = str(DIGITS.parent / "sine_int8.tflite")
    for index in (1, 2):
        assert main(["run", sine, "--count", "2", "--no-tflite", "--shard", f"{index}/2", "--json",
                     str(tmp_path / f"r{index}.json")]) == 0
    capsys.readouterr()
    assert main(["merge", str(tmp_path / "r1.json"), str(tmp_path / "r2.json"), "--out", str(tmp_path / "r.json"),
                 "--min-accuracy", "0.9"]) == 2
    assert "--min-accuracy: merge gates and reports evaluations" in capsys.readouterr().err
