"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on the emulated device against TFLM, int8 and float32
(the types TFLM runs), 3-D and 4-D, seeded random block shapes, batches and crops, plus a dilated
convolution as TensorFlow lowers it (SPACE_TO_BATCH_ND, VALID CONV_2D, BATCH_TO_SPACE_ND with
crops). SPACE_TO_BATCH_ND runs without padding only: TFLM's pad value is uninitialised (the
generator refuses padding; tests/generator/ops/test_space_batch_checks.py checks that).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite

LAYERS = 12  # INFO describes every input and output in one 1024-byte reply
OPTIONS = {"SPACE_TO_BATCH_ND": "SpaceToBatchNDOptions", "BATCH_TO_SPACE_ND": "BatchToSpaceNDOptions"}


class _Graph:
    def __init__(self) -> None:
        self.tensors: list[TensorSpec] = []
        self.ops: list[OpSpec] = []
        self.inputs: list[int] = []
        self.outputs: list[int] = []

    def add(self, spec: TensorSpec) -> int:
        self.tensors.append(spec)
        return len(self.tensors) - 1

    def const(self, name: str, values: np.ndarray) -> int:
        array = np.asarray(values, dtype=np.int32)
        return self.add(TensorSpec(name, array.shape, "int32", data=array))

    def spec_bytes(self) -> bytes:
        return build_tflite(ModelSpec(self.tensors, self.ops, self.inputs, self.outputs))

    def samples(self, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
        def one(t: TensorSpec) -> np.ndarray:
            if t.dtype == "int8":
                return rng.integers(-128, 128, t.shape).astype(np.int8)
            return rng.normal(0.0, 1.0, t.shape).astype(np.float32)

        return [[one(self.tensors[i]) for i in self.inputs] for _ in range(count)]


def _quant(rng: np.random.Generator, dtype: str) -> tuple[list[float] | None, list[int] | None]:
    if dtype != "int8":
        return None, None
    return [float(2.0 ** rng.uniform(-8, 0))], [int(rng.integers(-128, 128))]


def _space_to_batch(g: _Graph, rng: np.random.Generator, dtype: str, rank: int) -> None:
    k = len(g.ops)
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 6))
    block = [int(b) for b in rng.integers(1, 4, rank - 2)]
    spatial = [b * int(rng.integers(1, 4)) for b in block]
    scales, zps = _quant(rng, dtype)
    i = g.add(TensorSpec(f"s2b{k}_in", (n, *spatial, c), dtype, scales, zps))
    g.inputs.append(i)
    out_shape = (n * int(np.prod(block)), *[s // b for s, b in zip(spatial, block)], c)
    o = g.add(TensorSpec(f"s2b{k}_out", out_shape, dtype, scales, zps))
    g.outputs.append(o)
    inputs = [i, g.const(f"s2b{k}_block", np.array(block)), g.const(f"s2b{k}_pad", np.zeros((rank - 2, 2)))]
    g.ops.append(OpSpec("SPACE_TO_BATCH_ND", inputs, [o], options=(OPTIONS["SPACE_TO_BATCH_ND"], {})))


def _batch_to_space(g: _Graph, rng: np.random.Generator, dtype: str, rank: int) -> None:
    k = len(g.ops)
    n, c = int(rng.integers(1, 3)), int(rng.integers(1, 6))
    block = [int(b) for b in rng.integers(1, 4, rank - 2)]
    spatial = [int(s) for s in rng.integers(1, 5, rank - 2)]
    crops = np.array([[int(rng.integers(0, b * s)) for _ in range(2)] for b, s in zip(block, spatial)])
    for axis, (b, s) in enumerate(zip(block, spatial)):  # keep at least one row / column
        while crops[axis].sum() >= b * s:
            crops[axis, int(rng.integers(0, 2))] -= 1
    scales, zps = _quant(rng, dtype)
    i = g.add(TensorSpec(f"b2s{k}_in", (n * int(np.prod(block)), *spatial, c), dtype, scales, zps))
    g.inputs.append(i)
    out_shape = (n, *[b * s - int(cr.sum()) for b, s, cr in zip(block, spatial, crops)], c)
    o = g.add(TensorSpec(f"b2s{k}_out", out_shape, dtype, scales, zps))
    g.outputs.append(o)
    inputs = [i, g.const(f"b2s{k}_block", np.array(block)), g.const(f"b2s{k}_crops", crops)]
    g.ops.append(OpSpec("BATCH_TO_SPACE_ND", inputs, [o], options=(OPTIONS["BATCH_TO_SPACE_ND"], {})))


def _dilated_conv(g: _Graph, rng: np.random.Generator) -> None:
    """A 3x3 int8 conv, dilation 2, on 8x6: SPACE_TO_BATCH_ND (block 2) -> VALID CONV_2D ->
    BATCH_TO_SPACE_ND (block 2, crops [[0, 0], [0, 0]] after a 4x3 -> 2x1 conv: output 4x2)."""
    scales, zps = [0.05], [-3]
    i = g.add(TensorSpec("dil_in", (1, 8, 6, 3), "int8", scales, zps))
    g.inputs.append(i)
    block = g.const("dil_block", np.array([2, 2]))
    s2b = g.add(TensorSpec("dil_s2b", (4, 4, 3, 3), "int8", scales, zps))
    g.ops.append(OpSpec("SPACE_TO_BATCH_ND", [i, block, g.const("dil_pad", np.zeros((2, 2)))], [s2b],
                        options=(OPTIONS["SPACE_TO_BATCH_ND"], {})))
    w = g.add(TensorSpec("dil_w", (5, 3, 3, 3), "int8", [0.01] * 5, [0] * 5,
                         rng.integers(-127, 128, (5, 3, 3, 3)).astype(np.int8)))
    b = g.add(TensorSpec("dil_b", (5,), "int32", [0.0005] * 5, [0] * 5, rng.integers(-500, 500, 5).astype(np.int32)))
    conv = g.add(TensorSpec("dil_conv", (4, 2, 1, 5), "int8", [0.1], [4]))
    g.ops.append(OpSpec("CONV_2D", [s2b, w, b], [conv], options=("Conv2DOptions", {
        "padding": "VALID", "strideH": 1, "strideW": 1, "fusedActivationFunction": "NONE"})))
    o = g.add(TensorSpec("dil_out", (1, 4, 2, 5), "int8", [0.1], [4]))
    g.outputs.append(o)
    g.ops.append(OpSpec("BATCH_TO_SPACE_ND", [conv, block, g.const("dil_crops", np.zeros((2, 2)))], [o],
                        options=(OPTIONS["BATCH_TO_SPACE_ND"], {})))


def test_space_batch_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(81)
    g = _Graph()
    _dilated_conv(g, rng)
    layer = 0
    while len(g.outputs) < LAYERS:
        dtype = ("int8", "float32")[layer % 2]
        rank = (4, 4, 3)[layer % 3]
        (_space_to_batch if (layer // 2) % 2 == 0 else _batch_to_space)(g, rng, dtype, rank)
        layer += 1
    results = run_on_device(g.spec_bytes(), g.samples(rng, 2), tmp_path, bench_options)
    assert_bit_exact(results, "SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND")
