"""--shard I/N and `tflm-bench merge`: shards of a run put together equal the run itself."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tflm_bench.cli import main
from tflm_bench.shards import Shard, ShardError

SINE = Path(__file__).resolve().parents[2] / "models" / "sine_int8.tflite"


def test_shards_tile_the_items() -> None:
    for total in (0, 1, 7, 10):
        for count in (1, 2, 3, 5):
            taken = [i for index in range(1, count + 1) for i in Shard(index, count).take(list(range(total)))]
            assert taken == list(range(total))
    with pytest.raises(ShardError, match="give I/N with 1 <= I <= N"):
        Shard.parse("4/3")


def test_merged_shards_equal_the_whole_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["run", str(SINE), "--count", "7", "--seed", "5", "--no-tflite"]
    assert main([*common, "--json", str(tmp_path / "whole.json")]) == 0
    for index in (1, 2, 3):
        assert main([*common, "--shard", f"{index}/3", "--json", str(tmp_path / f"s{index}.json")]) == 0
    shards = [str(tmp_path / f"s{i}.json") for i in (3, 1, 2)]  # any order
    assert main(["merge", *shards, "--out", str(tmp_path / "merged.json")]) == 0
    whole, merged = (json.loads((tmp_path / n).read_text()) for n in ("whole.json", "merged.json"))

    def essence(run: dict) -> list[tuple]:
        return [(r["index"], r["instructions"], r["values"]) for r in run["results"]]

    assert essence(merged) == essence(whole) and merged["all_bit_exact"] and merged["shard"] is None
    assert merged["profile"] == whole["profile"]
    capsys.readouterr()
    assert main(["merge", shards[0], shards[1], "--out", str(tmp_path / "x.json")]) == 2
    assert "inputs missing: 2, 3" in capsys.readouterr().err  # shard 2 of 3 holds inputs 2..3


def test_baseline_shards_merge_into_one_file(tmp_path: Path) -> None:
    accel = SINE.with_name("accel_cnn_int8.tflite")
    for index in (1, 2):
        assert main(["baseline", "save", str(SINE), str(accel), "--count", "1", "--shard", f"{index}/2",
                     "-o", str(tmp_path / f"b{index}.json")]) == 0
    firsts = [json.loads((tmp_path / f"b{i}.json").read_text())["entries"] for i in (1, 2)]
    assert [len(e) for e in firsts] == [1, 1]
    assert main(["merge", str(tmp_path / "b1.json"), str(tmp_path / "b2.json"), "--out", str(tmp_path / "b.json")]) == 0
    merged = json.loads((tmp_path / "b.json").read_text())
    assert sorted(e["model"] for e in merged["entries"]) == ["accel_cnn_int8.tflite", "sine_int8.tflite"]
