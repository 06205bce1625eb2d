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


# -- the same on synthetic per-sample results (no device): regression, several variants, partial ----

def _synthetic(task: str, count: int = 10, seed: int = 3):  # type: ignore[no-untyped-def]
    from tflm_bench.board import NRF52840_CURRENTS
    from tflm_bench.energy import EnergySettings
    from tflm_bench.evaluation_samples import DeviceSamples, EvaluationSamples, VariantSamples
    from tflm_bench.generator import MemoryUse
    from tflm_bench.parallel import Throughput

    rng = np.random.default_rng(seed)
    width = 4

    def device() -> DeviceSamples:
        return DeviceSamples(rng.normal(size=(count, width)).astype(np.float32), rng.random(count) > 0.1,
                             rng.integers(1000, 2000, count), rng.integers(1500, 3000, count), 64_000_000,
                             MemoryUse(100, 200, 50, 1000, 2000), Throughput("in-process", 1, count, 1.0),
                             NRF52840_CURRENTS, EnergySettings())

    indices = np.arange(count, dtype=np.int64)
    variants = tuple(VariantSamples(name, name, f"{name}.tflite", 10, name * 8, indices,
                                    host=rng.normal(size=(count, width)).astype(np.float32),
                                    host_tflite=rng.normal(size=(count, width)).astype(np.float32),
                                    host_tflite_differs=rng.random(count) > 0.5, device=device())
                     for name in ("int8", "qat"))
    return EvaluationSamples(
        "m.keras", "ab" * 32, "d.npz", "cd" * 32, count, 0, count, task, None, None, 3,
        rng.integers(0, width, count) if task == "classification" else None,
        rng.normal(size=(count, width)) if task == "regression" else None,
        rng.normal(size=(count, width)).astype(np.float32), variants, 64_000_000, None, {"kernels": "optimized"},
        {"metric": "auto"})


def _shards_of(whole, count: int) -> list[dict]:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from tflm_bench.evaluate import assemble
    from tflm_bench.shards import Shard

    documents = []
    for index in range(1, count + 1):
        shard = Shard(index, count)
        first, end = shard.bounds(whole.total)
        rows = np.arange(first, end)
        part = replace(whole, first=first, count=end - first, labels=None if whole.labels is None else whole.labels[rows],
                       reference=None if whole.reference is None else whole.reference[rows],
                       float_outputs=whole.float_outputs[rows], variants=tuple(v.take(rows) for v in whole.variants),
                       shard=shard.to_dict(whole.total))
        documents.append(json.loads(json.dumps(assemble(part).to_dict())))
    return documents


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_merging_synthetic_shards_gives_the_whole(task: str) -> None:
    from tflm_bench.evaluate import assemble
    from tflm_bench.evaluate_merge import merge_evaluations

    whole = _synthetic(task)
    documents = _shards_of(whole, 4)
    merged = merge_evaluations(documents[::-1], [f"s{i}.json" for i in range(4, 0, -1)]).to_dict()
    assert _without_timing(json.loads(json.dumps(merged))) == _without_timing(json.loads(json.dumps(assemble(whole).to_dict())))
    assert merged["variants"][1]["device"]["scores"]["vs_float"] is not None


def test_a_partial_shard_merges_only_when_asked() -> None:
    from dataclasses import replace

    from tflm_bench.evaluate_merge import merge_evaluations
    from tflm_bench.evaluation_samples import Partial
    from tflm_bench.evaluate import assemble
    from tflm_bench.shards import ShardError

    whole = _synthetic("classification", count=8)
    documents = _shards_of(whole, 2)
    # Shard 2 stopped after 2 of its 4 samples of qat (int8 had finished): a partial shard.
    second = replace(whole, first=4, count=4, labels=whole.labels[4:], float_outputs=whole.float_outputs[4:],
                     variants=(whole.variants[0].take(np.arange(4, 8)), whole.variants[1].take(np.array([4, 6]))),
                     shard={"index": 2, "count": 2, "inputs": 8, "first": 4, "end": 8},
                     partial=Partial("terminated (SIGTERM)", 4, {"int8": 4, "qat": 2}))
    documents[1] = json.loads(json.dumps(assemble(second).to_dict()))
    assert documents[1]["variants"][1]["sample_indices"] == [4, 6] and documents[1]["complete"] is False
    with pytest.raises(ShardError, match="s2.json is a partial evaluation .* give --allow-partial"):
        merge_evaluations(documents, ["s1.json", "s2.json"])
    merged = merge_evaluations(documents, ["s1.json", "s2.json"], allow_partial=True)
    assert merged.partial is not None and merged.partial.finished == {"int8": 8, "qat": 6}
    assert "1 of 2 shards were stopped (s2.json: terminated (SIGTERM))" in merged.partial.reason
    qat = merged.variant("qat")
    assert qat.sample_indices == (0, 1, 2, 3, 4, 6) and qat.device.samples == 6  # type: ignore[union-attr]
    assert merged.variant("int8").sample_indices is None


def test_a_stopped_evaluation_reports_each_variant_as_far_as_it_got() -> None:
    """float finished, int8 stopped after samples 0, 2 and 5 (a worker pool finishes out of order),
    qat never started: each says so, and the figures cover exactly those samples."""
    import time
    from dataclasses import replace

    from tflm_bench.evaluate import _partial_report, _VariantWork
    from tflm_bench.parallel import SampleRun
    from tflm_bench.variants import VariantModel

    whole = _synthetic("classification", count=8)
    base = replace(whole, variants=())
    models = [VariantModel(name, name, Path(f"{name}.tflite")) for name in ("float", "int8", "qat")]
    done = replace(whole.variants[0], name="float")
    work = _VariantWork(time.monotonic(), row=replace(whole.variants[1], name="int8", device=None))
    work.runs += [SampleRun(i, (np.zeros(4),), 1000 + i, 1500, True, True) for i in (5, 0, 2)]
    work.device_of = lambda runs, throughput: replace(whole.variants[1].device.take(np.array([r.index for r in runs])),  # type: ignore[union-attr]
                                                      throughput=throughput)
    report = _partial_report(base, models, [done], work, "interrupted (SIGINT)", ("processes", 2))
    assert report.partial is not None and report.partial.finished == {"float": 8, "int8": 3, "qat": 0}
    assert report.partial.done == 0 and "int8 3 of 8" in report.partial.summary()
    int8 = report.variant("int8")
    assert int8.sample_indices == (0, 2, 5) and int8.device is not None and int8.device.samples == 3
    assert int8.device.scores.predictions == tuple(int(p) for p in np.argmax(whole.variants[1].device.outputs[[0, 2, 5]], axis=1))  # type: ignore[union-attr]
    assert int8.device.throughput.mode == "processes" and int8.device.throughput.samples == 3
    assert report.variant("float").sample_indices is None and report.variant("float").device.samples == 8  # type: ignore[union-attr]
    qat = report.variant("qat")
    assert qat.device is None and qat.host is None and qat.device_note == "not started: the evaluation was stopped before it"
    assert "PARTIAL evaluation, interrupted (SIGINT)" in report.format_text()
    assert json.loads(report.to_json())["complete"] is False
