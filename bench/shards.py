"""Splitting a run across CI jobs (`--shard i/N`) and merging what the jobs wrote (`tflm-bench merge`).

A shard is a deterministic contiguous slice: of the inputs of `run` (drawn or loaded whole, so
every shard sees the same samples), of the samples of `evaluate` (after --limit), of the models
of `baseline save`. Each input keeps its index in the whole run. `merge` puts run JSONs back
together (refusing shards of different models, builds or configurations, and naming missing or
repeated inputs), evaluation JSONs (evaluate_merge.py) and baseline files into one (their
entries, model by model).
"""
from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .baseline import Baseline, BaselineEntry, FORMAT as BASELINE_FORMAT
from .compare import FLOAT_TOLERANCE_ULP
from .errors import InputError

T = TypeVar("T")


class ShardError(InputError):
    """A --shard that does not parse, or shard files that do not make one whole."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if match is None or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ShardError(f"--shard {text!r}: give I/N with 1 <= I <= N, e.g. --shard 2/4 for the second of four jobs")
        return cls(int(match.group(1)), int(match.group(2)))

    def bounds(self, total: int) -> tuple[int, int]:
        """[start, end) of this shard's slice of `total` items; the shards tile 0..total."""
        return (self.index - 1) * total // self.count, self.index * total // self.count

    def take(self, items: Sequence[T]) -> list[T]:
        start, end = self.bounds(len(items))
        return list(items[start:end])

    def to_dict(self, total: int) -> dict[str, int]:
        start, end = self.bounds(total)
        return {"index": self.index, "count": self.count, "inputs": total, "first": start, "end": end}


def shard_argument(text: str) -> Shard:
    """argparse type for --shard."""
    try:
        return Shard.parse(text)
    except ShardError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# -- merge ------------------------------------------------------------------------------------------

def read_documents(paths: Sequence[Path]) -> list[Any]:
    """The shard files' JSON documents."""
    documents = []
    for path in paths:
        try:
            documents.append(json.loads(Path(path).read_text()))
        except (OSError, json.JSONDecodeError) as error:
            raise ShardError(f"cannot read {path} as JSON: {error}") from None
    return documents


def merge_files(paths: Sequence[Path]) -> tuple[str, dict[str, Any]]:
    """("run" or "baseline", the merged document) of shard files of one kind (evaluation shards:
    evaluate_merge.merge_shard_files)."""
    return merge_documents(read_documents(paths), [str(p) for p in paths])


def merge_documents(documents: list[Any], names: list[str]) -> tuple[str, dict[str, Any]]:
    baselines = [d for d in documents if isinstance(d, dict) and d.get("format") == BASELINE_FORMAT]
    if baselines and len(baselines) == len(documents):
        return "baseline", _merge_baselines(documents)
    runs = [d for d in documents if isinstance(d, dict) and "results" in d and "model_sha256" in d]
    if len(runs) == len(documents):
        return "run", _merge_runs(documents, names)
    raise ShardError("merge takes the --json files of `run --shard` jobs, of `evaluate --shard` jobs, or the "
                     "baseline files of `baseline save --shard` jobs, not a mix or other files")


_SAME = ("model", "model_sha256", "build_key", "firmware_sha256")


def _merge_runs(runs: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
    first = runs[0]
    for name, run in zip(names[1:], runs[1:]):
        differs = [key for key in _SAME if run.get(key) != first.get(key)]
        if run.get("config") != first.get("config"):
            differs.append("config")
        if differs:
            raise ShardError(f"{name} is not a shard of the same run as {names[0]}: its {', '.join(differs)} differ")
    totals = {(run.get("shard") or {}).get("inputs") for run in runs}
    results = sorted((r for run in runs for r in run["results"]), key=lambda r: r["index"])
    indices = [r["index"] for r in results]
    expected = totals.pop() if len(totals) == 1 and None not in totals else len(results)
    missing = sorted(set(range(expected)) - set(indices))
    repeated = sorted({i for i in indices if indices.count(i) > 1})
    if missing or repeated:
        raise ShardError(f"the shards do not make one run of {expected} inputs: "
                         + "; ".join(part for part in (f"inputs missing: {_ranges(missing)}" if missing else "",
                                                      f"inputs in more than one shard: {_ranges(repeated)}"
                                                      if repeated else "") if part)
                         + " (give every shard's --json once)")
    merged = dict(first)
    holder = next(run for run in runs if any(r["index"] == 0 for r in run["results"]))
    merged["profile"] = holder.get("profile")  # the first input's, as in an unsharded run
    merged["results"] = results
    merged["all_bit_exact"] = all(o["vs_tflm"]["mismatches"] == 0 for r in results for o in r["outputs"])
    merged["all_passed"] = all(o["vs_tflm"]["max_diff"] <= _tolerance(o["vs_tflm"]["unit"])
                               for r in results for o in r["outputs"])
    merged["warnings"] = sorted({w for run in runs for w in run.get("warnings", [])})
    merged["shard"] = None
    merged["merged_from"] = names
    return merged


def _tolerance(unit: str) -> int:
    return FLOAT_TOLERANCE_ULP if unit == "ULP" else 0  # as compare.Difference.tolerance


def _merge_baselines(files: list[dict[str, Any]]) -> dict[str, Any]:
    merged = Baseline()
    for data in files:
        for entry in data.get("entries", []):
            merged.upsert(BaselineEntry.from_json(entry))
    return json.loads(merged.to_json())


def _ranges(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
