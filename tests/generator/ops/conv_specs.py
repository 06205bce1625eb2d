"""Small single-layer models for the conv/pool generator tests (not a test module)."""
from __future__ import annotations

from typing import Any

import numpy as np

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.model import Model
from tflm_bench.generator.tflite_reader import read_tflite


def conv_model(
    *,
    op: str = "CONV_2D",
    in_shape: tuple[int, ...] = (1, 5, 5, 3),
    filter_shape: tuple[int, ...] = (4, 3, 3, 3),
    out_shape: tuple[int, ...] | None = None,
    dtype: str = "int8",
    filter_dtype: str | None = None,
    filter_scales: list[float] | None = None,
    filter_zps: list[int] | None = None,
    quantized_dimension: int | None = None,
    in_scale: float = 0.05,
    out_scale: float = 0.1,
    bias: bool = True,
    bias_dtype: str | None = None,
    **options: Any,
) -> Model:
    """One CONV_2D or DEPTHWISE_CONV_2D; options use the schema's field names (strideH, ...)."""
    filter_dtype = filter_dtype or dtype
    depthwise = op == "DEPTHWISE_CONV_2D"
    channels = filter_shape[3] if depthwise else filter_shape[0]
    opts: dict[str, Any] = {"padding": "SAME", "strideH": 1, "strideW": 1}
    if depthwise:
        opts["depthMultiplier"] = channels // in_shape[3]
    opts.update(options)
    if out_shape is None:
        out_shape = (in_shape[0], in_shape[1], in_shape[2], channels)
    quantized = dtype != "float32"
    rng = np.random.default_rng(0)
    if filter_dtype == "float32":
        weights = rng.normal(size=filter_shape).astype(np.float32)
    else:
        weights = rng.integers(-127, 128, filter_shape).astype(np.int8)
    scales = filter_scales or [0.02]
    tensors = [
        TensorSpec("input", in_shape, dtype, [in_scale] if quantized else None, [0] if quantized else None),
        TensorSpec("filter", filter_shape, filter_dtype, scales if filter_dtype != "float32" else None,
                   filter_zps or [0] * len(scales), weights,
                   quantized_dimension=(3 if depthwise else 0) if quantized_dimension is None else quantized_dimension),
        TensorSpec("output", out_shape, dtype, [out_scale] if quantized else None, [0] if quantized else None),
    ]
    # DEPTHWISE_CONV_2D leaves an absent bias out: the pinned tflite-micro crashes on a -1 there.
    inputs = [0, 1] if depthwise else [0, 1, -1]
    if bias:
        bias_dtype = bias_dtype or ("float32" if dtype == "float32" else "int64" if dtype == "int16" else "int32")
        data = np.zeros(channels, {"float32": np.float32, "int32": np.int32, "int64": np.int64}[bias_dtype])
        tensors.append(TensorSpec("bias", (channels,), bias_dtype, [in_scale * s for s in scales] if quantized else None,
                                  [0] * len(scales) if quantized else None, data))
        inputs = [0, 1, 3]
    table = "DepthwiseConv2DOptions" if depthwise else "Conv2DOptions"
    spec = ModelSpec(tensors, [OpSpec(op, inputs, [2], options=(table, opts))], [0], [2])
    return read_tflite(build_tflite(spec))


def pool_model(
    *,
    op: str = "AVERAGE_POOL_2D",
    in_shape: tuple[int, ...] = (1, 6, 6, 3),
    out_shape: tuple[int, ...] | None = None,
    dtype: str = "int8",
    in_q: tuple[float, int] = (0.1, 0),
    out_q: tuple[float, int] | None = None,
    **options: Any,
) -> Model:
    opts: dict[str, Any] = {"padding": "SAME", "strideH": 2, "strideW": 2, "filterHeight": 2, "filterWidth": 2}
    opts.update(options)
    if out_shape is None:
        sh, sw = opts["strideH"], opts["strideW"]
        out_shape = (in_shape[0], -(-in_shape[1] // sh), -(-in_shape[2] // sw), in_shape[3])
    out_q = out_q or in_q
    quantized = dtype != "float32"
    tensors = [
        TensorSpec("input", in_shape, dtype, [in_q[0]] if quantized else None, [in_q[1]] if quantized else None),
        TensorSpec("output", out_shape, dtype, [out_q[0]] if quantized else None, [out_q[1]] if quantized else None),
    ]
    spec = ModelSpec(tensors, [OpSpec(op, [0], [1], options=("Pool2DOptions", opts))], [0], [1])
    return read_tflite(build_tflite(spec))
