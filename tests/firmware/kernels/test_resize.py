"""RESIZE_NEAREST_NEIGHBOR (int8, int16, float32) and RESIZE_BILINEAR (int8, float32) on the
emulated device against TFLM: random input and output sizes (up- and down-sampling, size 1),
every align_corners / half_pixel_centers combination TFLM accepts, several batches and channel
counts; all layers of a type group in one model.

Integers bit-exact; float32 too (0 ULP): the weights are computed at build time in float32 as
TFLM computes them and the device adds the four products in TFLM's order (ISO C, no fused
multiply-add)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

FLAGS = ((False, False), (True, False), (False, True), (True, True))  # (align_corners, half_pixel_centers)
GROUPS = {  # one firmware each (the device describes about 30 inputs and outputs)
    "int8": (("RESIZE_NEAREST_NEIGHBOR", "int8"), ("RESIZE_BILINEAR", "int8")),
    "int16_float32": (("RESIZE_NEAREST_NEIGHBOR", "int16"), ("RESIZE_NEAREST_NEIGHBOR", "float32"),
                      ("RESIZE_BILINEAR", "float32")),
}
LAYERS = 5  # per operator and type


def _model(rng: np.random.Generator, group: str) -> LayerModel:
    b = LayerModel()
    for op, dtype in GROUPS[group]:
        flags = [f for f in FLAGS if not (op == "RESIZE_BILINEAR" and all(f))]
        for k in range(LAYERS):
            align, half = flags[k % len(flags)]
            n, in_h, in_w, c = (int(rng.integers(1, 3)), int(rng.integers(1, 7)), int(rng.integers(1, 7)),
                                int(rng.integers(1, 5)))
            out_h, out_w = int(rng.integers(1, 10)), int(rng.integers(1, 10))
            q = (None, None) if dtype == "float32" else (0.1, int(rng.integers(-5, 5)))
            x = b.input("x", (n, in_h, in_w, c), dtype, *q)
            size = b.tensor("size", (2,), "int32", data=np.array([out_h, out_w], np.int32))
            y = b.output("y", (n, out_h, out_w, c), dtype, *q)
            options = "ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions"
            b.op(op, [x, size], [y], (options, {"alignCorners": align, "halfPixelCenters": half}))
    return b


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_resize_matches_tflm(group: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(len(group) * 97)
    b = _model(rng, group)
    samples = b.random_samples(rng, 3)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    names = [f"{op.name} {b.tensors[op.inputs[0]].dtype}" for op in b.ops]
    bad = [
        f"sample {r.index} output {o.index} ({names[o.index]}): {o.vs_tflm.mismatches} differ, "
        f"max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "resizes differ from TFLM: " + "; ".join(bad[:8])
