"""Shape operators on the emulated device against TFLM, over randomized seeded shapes.

PAD, PADV2, CONCATENATION, RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, STRIDED_SLICE, SHAPE and
PACK, int8 and float32: each firmware holds one independent layer per case (own model input and
output), so one build covers many shapes. Expected output shapes come from numpy (np.pad,
np.concatenate, np.transpose, basic slicing, np.stack); TFLM checks the values.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite


class _Graph:
    def __init__(self) -> None:
        self.tensors: list[TensorSpec] = []
        self.ops: list[OpSpec] = []
        self.inputs: list[int] = []
        self.outputs: list[int] = []

    def tensor(self, name: str, shape: tuple[int, ...], dtype: str, data: np.ndarray | None = None,
               quant: tuple[float, int] | None = None) -> int:
        scales, zps = ([quant[0]], [quant[1]]) if quant else (None, None)
        self.tensors.append(TensorSpec(name, tuple(int(d) for d in shape), dtype, scales, zps, data))
        return len(self.tensors) - 1

    def const_i32(self, name: str, values: list[int] | np.ndarray, shape: tuple[int, ...] | None = None) -> int:
        array = np.asarray(values, dtype=np.int32)
        return self.tensor(name, shape if shape is not None else array.shape, "int32", array.reshape(shape or array.shape))

    def spec(self) -> ModelSpec:
        return ModelSpec(self.tensors, self.ops, self.inputs, self.outputs)


def _shape(rng: np.random.Generator, rank: int, high: int = 5) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, high + 1, rank))


def _quant(rng: np.random.Generator) -> tuple[float, int]:
    return float(2.0 ** rng.uniform(-8, 0)), int(rng.integers(-128, 128))


def _io(g: _Graph, rng: np.random.Generator, name: str, shape: tuple[int, ...], dtype: str, quant=None) -> int:  # type: ignore[no-untyped-def]
    index = g.tensor(name, shape, dtype, quant=quant if dtype == "int8" else None)
    g.inputs.append(index)
    return index


def _out(g: _Graph, name: str, shape: tuple[int, ...], dtype: str, quant=None) -> int:  # type: ignore[no-untyped-def]
    index = g.tensor(name, shape, dtype, quant=quant if dtype == "int8" else None)
    g.outputs.append(index)
    return index


def _add_pad(g: _Graph, rng: np.random.Generator, k: int, dtype: str, v2: bool) -> None:
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank, 4)
    pads = rng.integers(0, 3, (rank, 2))
    out_shape = np.pad(np.zeros(shape), pads).shape
    q = _quant(rng)
    i = _io(g, rng, f"pad{k}_in", shape, dtype, q)
    p = g.const_i32(f"pad{k}_paddings", pads, (rank, 2))
    inputs = [i, p]
    if v2:
        value = np.array([rng.integers(-128, 128)], np.int8) if dtype == "int8" else np.array([rng.normal()], np.float32)
        inputs.append(g.tensor(f"pad{k}_value", (), dtype, value.reshape(()), q if dtype == "int8" else None))
    o = _out(g, f"pad{k}_out", out_shape, dtype, q)
    g.ops.append(OpSpec("PADV2" if v2 else "PAD", inputs, [o], options=("PadV2Options" if v2 else "PadOptions", {})))


def _add_concat(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    base = _shape(rng, rank, 4)
    axis = int(rng.integers(-rank, rank))
    q = _quant(rng)
    shapes = []
    ins = []
    for j in range(int(rng.integers(2, 5))):
        shape = list(base)
        shape[axis] = int(rng.integers(1, 4))
        shapes.append(tuple(shape))
        if j == 1 and dtype == "float32":  # a constant input, read from flash
            data = rng.normal(size=shape).astype(np.float32)
            ins.append(g.tensor(f"cat{k}_const{j}", tuple(shape), dtype, data))
        else:
            ins.append(_io(g, rng, f"cat{k}_in{j}", tuple(shape), dtype, q))
    out_shape = np.concatenate([np.zeros(s) for s in shapes], axis=axis).shape
    o = _out(g, f"cat{k}_out", out_shape, dtype, q)
    g.ops.append(OpSpec("CONCATENATION", ins, [o], options=("ConcatenationOptions", {"axis": axis, "fusedActivationFunction": "NONE"})))


def _add_reshapes(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    q = _quant(rng)
    shape = _shape(rng, 3, 4)
    new_shape = (int(np.prod(shape[:2])), shape[2])
    i = _io(g, rng, f"reshape{k}_in", shape, dtype, q)
    s = g.const_i32(f"reshape{k}_shape", list(new_shape))
    o = _out(g, f"reshape{k}_out", new_shape, dtype, q)
    g.ops.append(OpSpec("RESHAPE", [i, s], [o], options=("ReshapeOptions", {"newShape": list(new_shape)})))

    shape = (1, *_shape(rng, 2, 5), 1)
    i = _io(g, rng, f"squeeze{k}_in", shape, dtype, q)
    o = _out(g, f"squeeze{k}_out", shape[1:3], dtype, q)
    g.ops.append(OpSpec("SQUEEZE", [i], [o], options=("SqueezeOptions", {"squeezeDims": [0, 3]})))

    shape = _shape(rng, 2, 5)
    axis = int(rng.integers(-3, 3))
    i = _io(g, rng, f"expand{k}_in", shape, dtype, q)
    a = g.const_i32(f"expand{k}_axis", [axis])
    o = _out(g, f"expand{k}_out", np.expand_dims(np.zeros(shape), axis).shape, dtype, q)
    g.ops.append(OpSpec("EXPAND_DIMS", [i, a], [o], options=("ExpandDimsOptions", {})))


def _add_transpose(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    rank = int(rng.integers(2, 6))
    shape = _shape(rng, rank, 4)
    perm = [int(p) for p in rng.permutation(rank)]
    q = _quant(rng)
    i = _io(g, rng, f"transpose{k}_in", shape, dtype, q)
    p = g.const_i32(f"transpose{k}_perm", perm)
    o = _out(g, f"transpose{k}_out", np.transpose(np.zeros(shape), perm).shape, dtype, q)
    g.ops.append(OpSpec("TRANSPOSE", [i, p], [o], options=("TransposeOptions", {})))


def _add_strided_slice(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    shape = _shape(rng, rank, 6)
    begin, end, strides = [], [], []
    begin_mask = int(rng.integers(0, 1 << rank))
    end_mask = int(rng.integers(0, 1 << rank))
    shrink = int(rng.integers(0, 1 << rank)) if rng.random() < 0.5 else 0
    if shrink == (1 << rank) - 1:
        shrink &= ~1  # keep at least one axis
    index: list[object] = []
    for axis, size in enumerate(shape):
        if shrink & (1 << axis):
            b = int(rng.integers(-size, size))
            begin.append(b), end.append(b + 1), strides.append(1)
            index.append(b)
            begin_mask &= ~(1 << axis)
            continue
        stride = int(rng.choice([-3, -2, -1, 1, 2, 3]))
        b, e = int(rng.integers(-size - 2, size + 3)), int(rng.integers(-size - 2, size + 3))
        begin.append(b), end.append(e), strides.append(stride)
        index.append(slice(None if begin_mask & (1 << axis) else b, None if end_mask & (1 << axis) else e, stride))
    out_shape = np.zeros(shape)[tuple(index)].shape
    if 0 in out_shape or not out_shape:
        out_shape = ()  # regenerate rather than test empty slices
        return _add_strided_slice(g, rng, k, dtype)
    q = _quant(rng)
    i = _io(g, rng, f"slice{k}_in", shape, dtype, q)
    tb, te, ts = g.const_i32(f"slice{k}_begin", begin), g.const_i32(f"slice{k}_end", end), g.const_i32(f"slice{k}_strides", strides)
    o = _out(g, f"slice{k}_out", out_shape, dtype, q)
    g.ops.append(OpSpec("STRIDED_SLICE", [i, tb, te, ts], [o], options=("StridedSliceOptions", {
        "beginMask": begin_mask, "endMask": end_mask, "shrinkAxisMask": shrink})))


def _add_shape(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    shape = _shape(rng, int(rng.integers(1, 5)), 6)
    i = _io(g, rng, f"shape{k}_in", shape, dtype, _quant(rng))
    o = _out(g, f"shape{k}_out", (len(shape),), "int32")
    g.ops.append(OpSpec("SHAPE", [i], [o], options=("ShapeOptions", {"outType": "INT32"})))


def _add_pack(g: _Graph, rng: np.random.Generator, k: int, dtype: str) -> None:
    shape = _shape(rng, int(rng.integers(1, 4)), 4)
    count = int(rng.integers(1, 5))
    axis = int(rng.integers(-len(shape) - 1, len(shape) + 1))
    q = _quant(rng)
    ins = []
    for j in range(count):
        if j == 1:
            data = (rng.integers(-128, 128, shape).astype(np.int8) if dtype == "int8"
                    else rng.normal(size=shape).astype(np.float32))
            ins.append(g.tensor(f"pack{k}_const{j}", shape, dtype, data, q if dtype == "int8" else None))
        else:
            ins.append(_io(g, rng, f"pack{k}_in{j}", shape, dtype, q))
    o = _out(g, f"pack{k}_out", np.stack([np.zeros(shape)] * count, axis=axis).shape, dtype, q)
    g.ops.append(OpSpec("PACK", ins, [o], options=("PackOptions", {"valuesCount": count, "axis": axis})))


GROUPS = {
    # The bench protocol's INFO reply (model inputs and outputs) is limited to 1 KiB, so the cases
    # are spread over a few firmware images.
    "pad_concat": lambda g, rng, dtype: [f(g, rng, k, dtype) for k in range(2) for f in (
        lambda g, r, k, d: _add_pad(g, r, k, d, v2=False), lambda g, r, k, d: _add_pad(g, r, 10 + k, d, v2=True),
        _add_concat)],
    "transpose_slice": lambda g, rng, dtype: [f(g, rng, k, dtype) for k in range(3) for f in (_add_transpose, _add_strided_slice)],
    "pack_reshape_shape": lambda g, rng, dtype: [*(_add_pack(g, rng, k, dtype) for k in range(3)),
                                                 _add_reshapes(g, rng, 0, dtype), _add_shape(g, rng, 0, dtype)],
}


def _graph(group: str, seed: int, dtype: str) -> _Graph:
    rng = np.random.default_rng(seed)
    g = _Graph()
    GROUPS[group](g, rng, dtype)
    return g


def _samples(g: _Graph, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
    samples = []
    for _ in range(count):
        sample = []
        for index in g.inputs:
            t = g.tensors[index]
            if t.dtype == "int8":
                sample.append(rng.integers(-128, 128, t.shape).astype(np.int8))
            else:
                sample.append(rng.normal(size=t.shape).astype(np.float32))
        samples.append(sample)
    return samples


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_shape_ops_match_tflm(group: str, dtype: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    seed = 1000 + sorted(GROUPS).index(group) * 10 + (dtype == "float32")
    g = _graph(group, seed, dtype)
    results = run_on_device(build_tflite(g.spec()), _samples(g, np.random.default_rng(seed), 3), tmp_path, bench_options)
    assert_bit_exact(results, f"{group} seed {seed} {dtype}")
