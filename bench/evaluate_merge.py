"""`tflm-bench merge` of evaluation JSONs: the shards of `evaluate --shard I/N` put back together.

The merge joins the shards' per-sample results (section "per_sample" of each JSON) in sample
order and computes the figures from them with evaluate.assemble(), the computation an unsharded
evaluation makes: accuracy, confusion matrix, per-sample predictions, counts and energy equal
the unsharded evaluation's exactly. Only the throughput is the shards' own (wall time).

It refuses (ShardError, exit 2) shards of different models, data sets, variants, builds or
options, a missing or repeated shard, and a partial shard unless allow_partial says to merge
what it has (the result is then marked partial).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .evaluate import EvaluationReport, assemble
from .evaluation_samples import DeviceSamples, EvaluationFileError, EvaluationSamples, Partial, VariantSamples
from .parallel import Throughput
from .shards import ShardError, merge_documents, read_documents


def merge_shard_files(paths: Sequence[Path], allow_partial: bool = False) -> tuple[str, Any]:
    """("evaluation", the merged EvaluationReport) for evaluation JSONs, else shards.merge_files's
    ("run" or "baseline", the merged document)."""
    documents, names = read_documents(paths), [str(p) for p in paths]
    if all(is_evaluation(d) for d in documents):
        return "evaluation", merge_evaluations(documents, names, allow_partial)
    return merge_documents(documents, names)


def is_evaluation(document: object) -> bool:
    return isinstance(document, dict) and "variants" in document and "task" in document and "all_match_tflm" in document


def merge_evaluations(documents: Sequence[dict[str, Any]], names: Sequence[str],
                      allow_partial: bool = False) -> EvaluationReport:
    """One evaluation from the JSONs of every shard of it (or from one whole evaluation, to gate it)."""
    parts = [_read(document, name) for document, name in zip(documents, names)]
    for part, name in zip(parts, names):
        if part.partial is not None and not allow_partial:
            raise ShardError(f"{name} is a partial evaluation ({part.partial.summary()}): run that shard again, or "
                             "give --allow-partial to merge what it has (the result is then marked partial and its "
                             "figures cover only the finished samples)")
    sharded = [part.shard is not None for part in parts]
    if not all(sharded):
        if len(parts) == 1:
            return assemble(parts[0])  # one whole evaluation: gated as it is
        whole = names[sharded.index(False)]
        raise ShardError(f"{whole} is a whole evaluation (written without --shard): merge takes the --json files of "
                         "the `evaluate --shard I/N` jobs of one evaluation")
    _check_same(parts, names)
    order = sorted(range(len(parts)), key=lambda i: parts[i].shard["index"])  # type: ignore[index]
    _check_tiling([parts[i] for i in order], [names[i] for i in order])
    return assemble(_join([parts[i] for i in order], [names[i] for i in order]))


def _read(document: dict[str, Any], name: str) -> EvaluationSamples:
    raw = document.get("per_sample")
    if raw is None:
        raise ShardError(f"{name} has no per-sample results (an evaluation JSON of an older tflm-bench): evaluate "
                         "again with this version to merge it")
    try:
        return EvaluationSamples.from_dict(raw, document.get("shard"), Partial.from_dict(document.get("partial")))
    except EvaluationFileError as error:
        raise ShardError(f"{name}: {error}") from None
    except (KeyError, TypeError, ValueError) as error:
        raise ShardError(f"{name}: its per-sample results cannot be read ({type(error).__name__}: {error}); "
                         "was it edited? Evaluate that shard again") from None


def _identity(part: EvaluationSamples) -> dict[str, object]:
    """What every shard of one evaluation has in common."""
    devices = {v.name: (v.device.memory, v.device.clock_hz, v.device.currents) for v in part.variants
               if v.device is not None}
    return {
        "model": part.model_sha256, "data set": (part.dataset_sha256, part.total), "task": part.task,
        "class names": (part.class_names, part.classes), "options": (part.options, part.top_k),
        "configuration": part.configuration, "board": (part.clock_hz, part.board_port),
        "variants": [v.name for v in part.variants],
        "variants' .tflite files": [v.tflite_sha256 for v in part.variants],
        "builds (memory use)": devices,
        "shard count": part.shard["count"] if part.shard else None,
    }


def _check_same(parts: list[EvaluationSamples], names: Sequence[str]) -> None:
    first = _identity(parts[0])
    for name, part in zip(names[1:], parts[1:]):
        mine = _identity(part)
        builds = "builds (memory use)"
        differs = [key for key in first if key != builds and mine[key] != first[key]]
        # A variant a partial shard never built is not a different build.
        if not _builds_agree(first[builds], mine[builds]):  # type: ignore[arg-type]
            differs.append(builds)
        if differs:
            raise ShardError(f"{name} is not a shard of the same evaluation as {names[0]}: its "
                             f"{', '.join(differs)} differ (evaluate every shard with the same model, data, "
                             "variants and options)")


def _builds_agree(a: dict[str, object], b: dict[str, object]) -> bool:
    return all(a[k] == b[k] for k in a.keys() & b.keys())


def _check_tiling(parts: list[EvaluationSamples], names: list[str]) -> None:
    count = parts[0].shard["count"]  # type: ignore[index]
    seen: dict[int, list[str]] = {}
    for part, name in zip(parts, names):
        seen.setdefault(part.shard["index"], []).append(name)  # type: ignore[index]
    repeated = [f"{index}/{count} ({', '.join(files)})" for index, files in sorted(seen.items()) if len(files) > 1]
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if repeated or missing:
        raise ShardError(f"the shards do not make one evaluation of {parts[0].total} samples: "
                         + "; ".join(text for text in (f"shards missing: {', '.join(missing)}" if missing else "",
                                                       f"shards given more than once: {', '.join(repeated)}"
                                                       if repeated else "") if text)
                         + " (give every shard's --json once)")


def _cat(arrays: list[np.ndarray | None]) -> np.ndarray | None:
    if not arrays or any(a is None for a in arrays):
        return None
    return np.concatenate(arrays)  # type: ignore[arg-type]


def _join(parts: list[EvaluationSamples], names: list[str]) -> EvaluationSamples:
    total = parts[0].total
    variants = []
    for position, first_variant in enumerate(parts[0].variants):
        rows = [part.variants[position] for part in parts]
        have = [v for v in rows if len(v.indices)]
        devices = [v.device for v in have]
        if any(d is None for d in devices) and not all(d is None for d in devices):
            ran = next(n for n, v in zip(names, rows) if v.device is not None)
            not_ran = next(n for n, v in zip(names, rows) if len(v.indices) and v.device is None)
            raise ShardError(f"variant {first_variant.name} ran on the device in {ran} but not in {not_ran}: "
                             "evaluate every shard with the same tools and options")
        device = None
        if devices and devices[0] is not None:
            d0: DeviceSamples = devices[0]
            shards_throughput = [d.throughput for d in devices]  # type: ignore[union-attr]
            device = replace(
                d0, outputs=_cat([d.outputs for d in devices]), passed=_cat([d.passed for d in devices]),  # type: ignore[union-attr,arg-type]
                instructions=_cat([d.instructions for d in devices]),  # type: ignore[union-attr,arg-type]
                estimated_cycles=_cat([d.estimated_cycles for d in devices]),  # type: ignore[union-attr]
                throughput=Throughput(f"{len(parts)} shards", sum(t.workers for t in shards_throughput),
                                      sum(t.samples for t in shards_throughput),
                                      sum(t.seconds for t in shards_throughput)))
        variants.append(VariantSamples(
            first_variant.name, first_variant.description, first_variant.tflite, first_variant.tflite_bytes,
            first_variant.tflite_sha256, _cat([v.indices for v in have]) if have else np.zeros(0, np.int64),
            host=_cat([v.host for v in have]) if have else None,
            host_note=next((v.host_note for v in rows if v.host_note), None),
            host_tflite=_cat([v.host_tflite for v in have]) if have else None,
            host_tflite_differs=_cat([v.host_tflite_differs for v in have]) if have else None,
            device=device, device_note=next((v.device_note for v in rows if v.device_note), None),
            host_tflite_note=next((v.host_tflite_note for v in rows if v.host_tflite_note), None)))
    stopped = [(name, part.partial) for name, part in zip(names, parts) if part.partial is not None]
    partial = None
    if stopped:
        partial = Partial(f"merged with --allow-partial; {len(stopped)} of {len(parts)} shards were stopped ("
                          + ", ".join(f"{name}: {p.reason}" for name, p in stopped) + ")",  # type: ignore[union-attr]
                          total, {v.name: len(v.indices) for v in variants})
    first = parts[0]
    return replace(first, first=0, count=total,
                   labels=_cat([p.labels for p in parts]), reference=_cat([p.reference for p in parts]),
                   float_outputs=_cat([p.float_outputs for p in parts]), variants=tuple(variants), shard=None,
                   partial=partial)

