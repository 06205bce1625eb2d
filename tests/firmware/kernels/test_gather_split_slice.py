"""Data-movement operators on the emulated device against TFLM, over seeded random shapes:
SPLIT, SPLIT_V, UNPACK (several outputs), SLICE, REVERSE_V2, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
GATHER, FILL and ZEROS_LIKE, in every type TFLM runs them in (int8, int16, int32, float32 as the
op allows), with negative axes and edge sizes (size -1 slices, single-element blocks).

Each firmware holds many independent layers (own model inputs and outputs); the bench protocol's
INFO reply (every model input and output in 1 KiB) bounds how many fit in one image.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

Rng = np.random.Generator


def _shape(rng: Rng, rank: int, high: int = 4) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, high + 1, rank))


def _quant(rng: Rng, dtype: str) -> tuple[float | None, int | None]:
    if dtype == "int8":
        return float(2.0 ** rng.uniform(-8, 0)), int(rng.integers(-128, 128))
    if dtype == "int16":
        return float(2.0 ** rng.uniform(-12, -4)), 0
    return None, None


def _random_values(rng: Rng, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    if dtype == "float32":
        return rng.uniform(-8.0, 8.0, shape).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(np.bool_)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=np.dtype(dtype))


def _io(b: LayerModel, rng: Rng, name: str, shape: tuple[int, ...], dtype: str, q: tuple[float | None, int | None]) -> int:
    return b.input(name, shape, dtype, *q)


def _const_i32(b: LayerModel, name: str, values: list[int] | np.ndarray, dtype: str = "int32") -> int:
    array = np.asarray(values, dtype=np.int64 if dtype == "int64" else np.int32)
    return b.tensor(name, array.shape, dtype, data=array)


def add_split(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    shape = list(_shape(rng, rank))
    axis = int(rng.integers(-rank, rank))
    count = int(rng.integers(1, 4))
    shape[axis] *= count
    q = _quant(rng, dtype)
    if rng.random() < 0.3:  # a constant input, read from flash
        x = b.tensor("split_const", tuple(shape), dtype, *q, data=_random_values(rng, tuple(shape), dtype))
    else:
        x = _io(b, rng, "split_in", tuple(shape), dtype, q)
    a = _const_i32(b, "split_axis", [axis])
    parts = np.split(np.zeros(shape), count, axis=axis)
    unread = int(rng.integers(0, count)) if count > 1 and rng.random() < 0.5 else -1  # an output nothing reads
    outs = [(b.tensor if k == unread else b.output)("split_out", p.shape, dtype, *q) for k, p in enumerate(parts)]
    b.op("SPLIT", [a, x], outs, ("SplitOptions", {"numSplits": count}))


def add_split_v(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    shape = list(_shape(rng, rank))
    axis = int(rng.integers(-rank, rank))
    sizes = [int(s) for s in rng.integers(1, 4, int(rng.integers(1, 4)))]
    shape[axis] = sum(sizes)
    q = _quant(rng, dtype)
    x = _io(b, rng, "splitv_in", tuple(shape), dtype, q)
    listed = list(sizes)
    listed[int(rng.integers(0, len(sizes)))] = -1  # one share left for the kernel to infer
    s = _const_i32(b, "splitv_sizes", listed)
    a = _const_i32(b, "splitv_axis", [axis])
    outs = []
    for size in sizes:
        out_shape = list(shape)
        out_shape[axis] = size
        outs.append(b.output("splitv_out", tuple(out_shape), dtype, *q))
    b.op("SPLIT_V", [x, s, a], outs, ("SplitVOptions", {"numSplits": len(sizes)}))


def add_unpack(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 4))
    shape = _shape(rng, rank, 3)
    axis = int(rng.integers(-rank, rank))
    q = _quant(rng, dtype)
    x = _io(b, rng, "unpack_in", shape, dtype, q)
    out_shape = tuple(d for i, d in enumerate(shape) if i != axis % rank)
    outs = [b.output("unpack_out", out_shape, dtype, *q) for _ in range(shape[axis])]
    b.op("UNPACK", [x], outs, ("UnpackOptions", {"num": shape[axis], "axis": axis}))


def add_slice(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank, 5 if rank < 4 else 3)
    begin = [int(rng.integers(0, d)) for d in shape]
    size = [int(rng.integers(1, d - s + 1)) if rng.random() < 0.7 else -1 for d, s in zip(shape, begin)]
    out_shape = tuple(d - s if n == -1 else n for d, s, n in zip(shape, begin, size))
    q = _quant(rng, dtype)
    if rng.random() < 0.3:  # a constant input, read from flash
        x = b.tensor("slice_const", shape, dtype, *q, data=_random_values(rng, shape, dtype))
    else:
        x = _io(b, rng, "slice_in", shape, dtype, q)
    index_type = "int64" if rng.random() < 0.3 else "int32"
    tb_, ts = _const_i32(b, "slice_begin", begin, index_type), _const_i32(b, "slice_size", size, index_type)
    b.op("SLICE", [x, tb_, ts], [b.output("slice_out", out_shape, dtype, *q)], ("SliceOptions", {}))


def add_reverse(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank, 5 if rank < 4 else 3)
    first = int(rng.integers(0, rank))
    last = int(rng.integers(first, rank))
    axes = [a - rank if rng.random() < 0.5 else a for a in range(first, last + 1)]
    rng.shuffle(axes)
    q = _quant(rng, dtype)
    x = _io(b, rng, "reverse_in", shape, dtype, q)
    a = _const_i32(b, "reverse_axis", axes)
    b.op("REVERSE_V2", [x, a], [b.output("reverse_out", shape, dtype, *q)], ("ReverseV2Options", {}))


def add_depth_space(b: LayerModel, rng: Rng, dtype: str) -> None:
    bs = int(rng.integers(1, 4))
    n, h, w, c = int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
    q = _quant(rng, dtype)
    x = _io(b, rng, "d2s_in", (n, h, w, c * bs * bs), dtype, q)
    b.op("DEPTH_TO_SPACE", [x], [b.output("d2s_out", (n, h * bs, w * bs, c), dtype, *q)],
         ("DepthToSpaceOptions", {"blockSize": bs}))
    x = _io(b, rng, "s2d_in", (n, h * bs, w * bs, c), dtype, q)
    b.op("SPACE_TO_DEPTH", [x], [b.output("s2d_out", (n, h, w, c * bs * bs), dtype, *q)],
         ("SpaceToDepthOptions", {"blockSize": bs}))


def add_mirror_pad(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank, 4 if rank < 4 else 3)
    symmetric = bool(rng.random() < 0.5)
    limit = [d if symmetric else d - 1 for d in shape]  # the widest padding each mode allows
    pads = np.array([[int(rng.integers(0, m + 1)) for _ in range(2)] for m in limit], np.int32)
    out_shape = tuple(int(d + l + r) for d, (l, r) in zip(shape, pads.tolist()))
    q = _quant(rng, dtype)
    x = _io(b, rng, "mirror_in", shape, dtype, q)
    p = _const_i32(b, "mirror_pads", pads, "int64" if rng.random() < 0.3 else "int32")
    b.op("MIRROR_PAD", [x, p], [b.output("mirror_out", out_shape, dtype, *q)],
         ("MirrorPadOptions", {"mode": int(symmetric)}))


def add_dynamic_update_slice(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank, 4 if rank < 4 else 3)
    update = tuple(int(rng.integers(0 if rng.random() < 0.05 else 1, d + 1)) for d in shape)
    q = _quant(rng, dtype)
    x = _io(b, rng, "dus_operand", shape, dtype, q)
    u = _io(b, rng, "dus_update", update, dtype, q)
    if rng.random() < 0.5:  # run-time start indices, some outside the operand (TFLM clamps them)
        s = b.input(f"dus_start{INDEX_BOUND}-3:6", (rank,), "int32")
    else:
        s = _const_i32(b, "dus_start", [int(v) for v in rng.integers(-2, 6, rank)] if rng.random() < 0.5
                       else [int(v) for v in rng.choice([-10**12, 0, 1, 10**12], rank)], "int64")
    b.op("DYNAMIC_UPDATE_SLICE", [x, u, s], [b.output("dus_out", shape, dtype, *q)])


def add_broadcast(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 6))
    out_shape = _shape(rng, rank, 4 if rank < 4 else 3)
    in_rank = int(rng.integers(0, rank + 1))
    in_shape = tuple(d if rng.random() < 0.5 else 1 for d in out_shape[rank - in_rank:])
    q = _quant(rng, dtype)
    x = _io(b, rng, "bto_in", in_shape, dtype, q)
    s = _const_i32(b, "bto_shape", list(out_shape), "int64" if rng.random() < 0.3 else "int32")
    b.op("BROADCAST_TO", [x, s], [b.output("bto_out", out_shape, dtype, *q)])
    if dtype in ("int32", "int64"):  # BROADCAST_ARGS of a run-time shape and a constant one
        second = [int(d) if rng.random() < 0.5 else 1 for d in out_shape[rank - int(rng.integers(0, rank + 1)):]]
        first = b.input(f"bargs_first{INDEX_BOUND}1:2", (rank,), dtype)  # all ones: broadcasts to `second`
        c = _const_i32(b, "bargs_second", second, dtype)
        swap = bool(rng.random() < 0.5)  # the run-time ones on either side
        b.op("BROADCAST_ARGS", [c, first] if swap else [first, c], [b.output("bargs_out", (rank,), dtype)])


def add_shape_types(b: LayerModel, rng: Rng, dtype: str) -> None:
    """The wider types of the older shape operators (test_shape_ops.py runs int8 and float32)."""
    q = _quant(rng, dtype)
    rank = int(rng.integers(2, 5))
    shape = _shape(rng, rank)
    if dtype != "int32":  # TFLM's TRANSPOSE and EXPAND_DIMS have no int32
        perm = [int(p) for p in rng.permutation(rank)]
        x = _io(b, rng, "transpose_in", shape, dtype, q)
        b.op("TRANSPOSE", [x, _const_i32(b, "perm", perm)],
             [b.output("transpose_out", tuple(shape[p] for p in perm), dtype, *q)], ("TransposeOptions", {}))
        axis = int(rng.integers(-rank - 1, rank + 1))
        x = _io(b, rng, "expand_in", shape, dtype, q)
        b.op("EXPAND_DIMS", [x, _const_i32(b, "expand_axis", [axis])],
             [b.output("expand_out", np.expand_dims(np.zeros(shape), axis).shape, dtype, *q)], ("ExpandDimsOptions", {}))
    axis = int(rng.integers(-rank, rank))
    parts = [list(shape) for _ in range(int(rng.integers(2, 4)))]
    for part in parts:
        part[axis] = int(rng.integers(1, 4))
    ins = [_io(b, rng, "concat_in", tuple(part), dtype, q) for part in parts]
    out_shape = np.concatenate([np.zeros(part) for part in parts], axis=axis).shape
    b.op("CONCATENATION", ins, [b.output("concat_out", out_shape, dtype, *q)],
         ("ConcatenationOptions", {"axis": axis, "fusedActivationFunction": "NONE"}))
    count = int(rng.integers(1, 4))
    axis = int(rng.integers(-rank - 1, rank + 1))
    ins = [_io(b, rng, "pack_in", shape, dtype, q) for _ in range(count)]
    b.op("PACK", ins, [b.output("pack_out", np.stack([np.zeros(shape)] * count, axis=axis).shape, dtype, *q)],
         ("PackOptions", {"valuesCount": count, "axis": axis}))
    begin = [int(rng.integers(-d, d)) for d in shape]
    strides = [int(rng.choice([-2, -1, 1, 2])) for _ in shape]
    out_shape = np.zeros(shape)[tuple(slice(bg, None, st) for bg, st in zip(begin, strides))].shape
    x = _io(b, rng, "sslice_in", shape, dtype, q)
    end = [-(10**6) if st < 0 else 10**6 for st in strides]
    b.op("STRIDED_SLICE", [x, _const_i32(b, "ss_begin", begin), _const_i32(b, "ss_end", end), _const_i32(b, "ss_strides", strides)],
         [b.output("sslice_out", out_shape, dtype, *q)], ("StridedSliceOptions", {}))
    pads = rng.integers(0, 3, (rank, 2)).astype(np.int32)
    x = _io(b, rng, "pad_in", shape, dtype, q)
    b.op("PAD", [x, _const_i32(b, "pads", pads)], [b.output("pad_out", np.pad(np.zeros(shape), pads).shape, dtype, *q)],
         ("PadOptions", {}))
    x = _io(b, rng, "padv2_in", shape, dtype, q)
    value = b.tensor("pad_value", (), dtype, *q, data=_random_values(rng, (), dtype))
    b.op("PADV2", [x, _const_i32(b, "pads", pads), value],
         [b.output("padv2_out", np.pad(np.zeros(shape), pads).shape, dtype, *q)], ("PadV2Options", {}))
    x = _io(b, rng, "reshape_in", (1, *shape), dtype, q)
    flat = (int(np.prod(shape)),)
    b.op("RESHAPE", [x, _const_i32(b, "new_shape", list(flat))], [b.output("reshape_out", flat, dtype, *q)],
         ("ReshapeOptions", {"newShape": list(flat)}))
    x = _io(b, rng, "squeeze_in", (1, *shape), dtype, q)
    b.op("SQUEEZE", [x], [b.output("squeeze_out", shape, dtype, *q)], ("SqueezeOptions", {"squeezeDims": [0]}))


def add_wide_types(b: LayerModel, rng: Rng, dtype: str) -> None:
    """bool and int64, in the operators TFLM runs them in."""
    rank = int(rng.integers(1, 5))
    shape = _shape(rng, rank)
    none = (None, None)
    if dtype == "bool":
        add_slice(b, rng, dtype)
        begin = [int(rng.integers(-d, d)) for d in shape]
        strides = [int(rng.choice([-2, -1, 1, 2])) for _ in shape]
        out_shape = np.zeros(shape)[tuple(slice(bg, None, st) for bg, st in zip(begin, strides))].shape
        end = [-(10**6) if st < 0 else 10**6 for st in strides]
        x = _io(b, rng, "sslice_in", shape, dtype, none)
        b.op("STRIDED_SLICE", [x, _const_i32(b, "ss_begin", begin), _const_i32(b, "ss_end", end),
                               _const_i32(b, "ss_strides", strides)], [b.output("sslice_out", out_shape, dtype)],
             ("StridedSliceOptions", {}))
    else:  # int64
        count = int(rng.integers(1, 4))
        axis = int(rng.integers(-rank - 1, rank + 1))
        ins = [_io(b, rng, "pack_in", shape, dtype, none) for _ in range(count)]
        b.op("PACK", ins, [b.output("pack_out", np.stack([np.zeros(shape)] * count, axis=axis).shape, dtype)],
             ("PackOptions", {"valuesCount": count, "axis": axis}))
        x = _io(b, rng, "zeros_in", shape, dtype, none)
        b.op("ZEROS_LIKE", [x], [b.output("zeros_out", shape, dtype)])
    add_reverse(b, rng, dtype)
    add_broadcast(b, rng, dtype)
    axis = int(rng.integers(-rank, rank))
    parts = [list(shape) for _ in range(int(rng.integers(2, 4)))]
    for part in parts:
        part[axis] = int(rng.integers(1, 4))
    ins = [_io(b, rng, "concat_in", tuple(part), dtype, none) for part in parts]
    out_shape = np.concatenate([np.zeros(part) for part in parts], axis=axis).shape
    b.op("CONCATENATION", ins, [b.output("concat_out", out_shape, dtype)],
         ("ConcatenationOptions", {"axis": axis, "fusedActivationFunction": "NONE"}))
    x = _io(b, rng, "reshape_in", (1, *shape), dtype, none)
    flat = (int(np.prod(shape)),)
    b.op("RESHAPE", [x, _const_i32(b, "new_shape", list(flat))], [b.output("reshape_out", flat, dtype)],
         ("ReshapeOptions", {"newShape": list(flat)}))


# Model inputs that are indices: tensor name -> the exclusive upper bound of their values.
INDEX_BOUND = "_bound"


def _index_input(b: LayerModel, name: str, shape: tuple[int, ...], bound: int) -> int:
    return b.input(f"{name}{INDEX_BOUND}{bound}", shape, "int32")


def add_gather(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    shape = _shape(rng, rank)
    axis = int(rng.integers(-rank, rank))
    positive = axis % rank
    batch_dims = int(rng.integers(0, positive + 1)) if rng.random() < 0.4 else 0
    idx_shape = tuple(shape[:batch_dims]) + _shape(rng, int(rng.integers(0, 3)), 3)
    if batch_dims and rng.random() < 0.5:
        batch_dims -= len(idx_shape)  # the same, counted from the end of the positions
    q = _quant(rng, dtype)
    if rng.random() < 0.3:  # constant values, from flash
        data = (rng.integers(-128, 128, shape).astype(np.int8) if dtype == "int8"
                else rng.uniform(-8, 8, shape).astype(np.float32))
        x = b.tensor("gather_table", shape, dtype, *q, data=data)
    else:
        x = _io(b, rng, "gather_in", shape, dtype, q)
    if rng.random() < 0.5:
        p = _const_i32(b, "gather_pos", rng.integers(0, shape[positive], idx_shape))
    else:
        p = _index_input(b, "gather_pos", idx_shape, shape[positive])
    nb = batch_dims % len(idx_shape) if batch_dims < 0 else batch_dims
    out_shape = tuple(shape[:positive]) + idx_shape[nb:] + tuple(shape[positive + 1:])
    b.op("GATHER", [x, p], [b.output("gather_out", out_shape, dtype, *q)],
         ("GatherOptions", {"axis": axis, "batchDims": batch_dims}))


def add_gather_nd(b: LayerModel, rng: Rng, dtype: str) -> None:
    rank = int(rng.integers(1, 5))
    shape = _shape(rng, rank)
    nd = int(rng.integers(1, rank + 1))
    lead = _shape(rng, int(rng.integers(0, 3)), 3)
    q = _quant(rng, dtype)
    x = _io(b, rng, "gnd_in", shape, dtype, q)
    tuples = np.stack([rng.integers(0, shape[j], lead) for j in range(nd)], axis=-1).astype(np.int32)
    p = _const_i32(b, "gnd_idx", tuples)
    b.op("GATHER_ND", [x, p], [b.output("gnd_out", (*lead, *shape[nd:]), dtype, *q)])


def add_embedding(b: LayerModel, rng: Rng, dtype: str) -> None:
    shape = _shape(rng, int(rng.integers(2, 4)))
    q = _quant(rng, dtype)
    x = _io(b, rng, "lookup_value", shape, dtype, q)
    count = int(rng.integers(1, 5))
    ids = _index_input(b, "lookup_ids", (count,), shape[0])
    b.op("EMBEDDING_LOOKUP", [ids, x], [b.output("lookup_out", (count, *shape[1:]), dtype, *q)])
    if dtype == "int8":  # TFLM's hybrid lookup: int8 values (zero point 0) to float32
        table = b.tensor("lookup_table", shape, "int8", q[0], 0, data=rng.integers(-128, 128, shape).astype(np.int8))
        ids = _index_input(b, "lookup_ids", (count,), shape[0])
        b.op("EMBEDDING_LOOKUP", [ids, table], [b.output("lookup_f32", (count, *shape[1:]), "float32")])


def add_fill_zeros(b: LayerModel, rng: Rng, dtype: str) -> None:
    q = _quant(rng, dtype)
    shape = _shape(rng, int(rng.integers(1, 4)))
    dims = _const_i32(b, "fill_dims", list(shape), "int64" if rng.random() < 0.3 else "int32")
    if rng.random() < 0.5:  # a constant value
        value = (np.array(rng.integers(-128, 128), np.int8) if dtype == "int8" else
                 np.array(rng.integers(-2**31, 2**31), np.int32) if dtype == "int32" else np.array(rng.uniform(-8, 8), np.float32))
        v = b.tensor("fill_value", (), dtype, *q, data=value)
    else:  # a value computed at run time: one element SLICEd out of a model input, SQUEEZEd to a scalar
        src = _io(b, rng, "fill_src", (4,), dtype, q)
        one = b.tensor("fill_one", (1,), dtype, *q)
        b.op("SLICE", [src, _const_i32(b, "fill_begin", [int(rng.integers(0, 4))]), _const_i32(b, "fill_size", [1])],
             [one], ("SliceOptions", {}))
        v = b.tensor("fill_value", (), dtype, *q)
        b.op("SQUEEZE", [one], [v], ("SqueezeOptions", {}))
    b.op("FILL", [dims, v], [b.output("fill_out", shape, dtype, *q)])
    x = _io(b, rng, "zeros_in", shape, dtype, q)
    b.op("ZEROS_LIKE", [x], [b.output("zeros_out", shape, dtype, *q)])


def _samples(b: LayerModel, rng: Rng, count: int) -> list[list[np.ndarray]]:
    samples = []
    for _ in range(count):
        sample = []
        for i in b.inputs:
            t = b.tensors[i]
            if INDEX_BOUND in t.name:
                bound = t.name.split(INDEX_BOUND)[1].split("_")[0]  # "high" or "low:high"
                low, high = (int(v) for v in bound.split(":")) if ":" in bound else (0, int(bound))
                sample.append(rng.integers(low, high, t.shape).astype(t.dtype))
            else:
                sample.append(_random_values(rng, t.shape, t.dtype))
        samples.append(sample)
    return samples


Adder = Callable[[LayerModel, Rng, str], None]
# group -> (adders, layers of each, dtypes)
GROUPS: dict[str, tuple[tuple[Adder, ...], int, tuple[str, ...]]] = {
    "split": ((add_split, add_split_v, add_unpack), 2, ("int8", "int16", "int32", "float32")),
    "slice_reverse": ((add_slice, add_reverse), 3, ("int8", "int16", "int32", "float32")),
    "depth_space": ((add_depth_space,), 3, ("int8", "float32")),
    "gather": ((add_gather, add_gather_nd, add_embedding), 4, ("int8", "float32")),
    "fill": ((add_fill_zeros,), 3, ("int8", "int32", "float32")),
    "mirror_pad": ((add_mirror_pad,), 6, ("int8", "float32")),
    # two images (other seeds) of one layer set each: a set's inputs and outputs fill most of INFO
    "shape_types": ((add_shape_types,), 1, ("int16", "int32")),
    "shape_types_again": ((add_shape_types,), 1, ("int16", "int32")),
    "wide_types": ((add_wide_types,), 2, ("bool", "int64")),
    "broadcast_to": ((add_broadcast,), 4, ("int8", "int16", "int32", "float32")),
    "dynamic_update_slice": ((add_dynamic_update_slice,), 5, ("int8", "int16", "int32", "float32")),
}


def _model(group: str, dtype: str, seed: int) -> LayerModel:
    adders, layers, _ = GROUPS[group]
    rng = np.random.default_rng(seed)
    b = LayerModel()
    for _ in range(layers):
        for add in adders:
            add(b, rng, dtype)
    return b


CASES = [(group, dtype) for group, (_, _, dtypes) in GROUPS.items() for dtype in dtypes]


@pytest.mark.parametrize(("group", "dtype"), CASES, ids=[f"{g}-{d}" for g, d in CASES])
def test_movement_ops_match_tflm(group: str, dtype: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    seed = 4200 + CASES.index((group, dtype))
    b = _model(group, dtype, seed)
    results = run_on_device(build_tflite(b.spec()), _samples(b, np.random.default_rng(seed), 2), tmp_path, bench_options)
    assert_bit_exact(results, f"{group} {dtype} seed {seed}")
