"""Fused execution: a float32 CONV_2D computed in row bands straight into the MAX_POOL_2D after it.

A high-resolution first stage (a 3x3 conv with 16 filters over 84x84, then a 2x2 max-pool) has a
conv output far larger than anything else in the model: 430 KB in float32 for cnn84_float. When
that tensor has exactly one reader, the pool right after it, nothing needs it whole: the firmware
computes, for each pooled row, the few conv rows its window covers into a band buffer and pools
them at once (firmware/kernels/conv2d/conv2d_maxpool_f32_banded.c). The planner then allocates
the band (pool filter height x conv width x channels) instead of the conv output.

The arithmetic is that of the unfused kernels, run by the same code (conv2d_f32_rows.h,
max_pool2d_f32_row.h), so the pool's output is bit-identical to the unfused pair; the only
observable difference is that the conv output never exists. Layer indices stay one per operator:
the conv's layer runs both, the pool's layer does nothing (it reports almost no instructions),
and `tflm-bench diff` reports the conv's output as fused (bench/layer_diff.py).

Eligible pairs (`conv_pool_fusions`): CONV_2D then, as the very next operator, MAX_POOL_2D whose
input is the conv's output; both float32 and 4-D; the conv output is read by no other operator,
is neither a model input, output nor variable. The decision depends on the model alone (both
kernel sets run the same float32 kernels), so the host knows it without asking the firmware.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Model
from .ops import slots

FUSED_KERNEL = "tb_conv2d_maxpool_f32_banded"
FUSED_HEADER = "conv2d/tb_conv2d_fused.h"
FLOAT_BYTES = 4


@dataclass(frozen=True)
class ConvPoolFusion:
    """One CONV_2D + MAX_POOL_2D pair run as a single banded kernel."""

    conv_op: int
    pool_op: int
    intermediate: int  # the conv's output tensor: never materialised
    band_rows: int  # conv output rows the band holds: one pooled row's window
    band_bytes: int

    def describe(self) -> str:
        return (f"operator #{self.conv_op} CONV_2D fused with #{self.pool_op} MAX_POOL_2D in bands of "
                f"{self.band_rows} rows ({self.band_bytes} bytes); tensor {self.intermediate} not materialised")


def _readers(model: Model, tensor: int) -> list[int]:
    return [op.index for op in model.operators if tensor in op.inputs]


def conv_pool_fusions(model: Model) -> tuple[ConvPoolFusion, ...]:
    """Every eligible CONV_2D + MAX_POOL_2D pair of `model`, in operator order."""
    found: list[ConvPoolFusion] = []
    ops = model.operators
    pinned = set(model.inputs) | set(model.outputs)
    for conv, pool in zip(ops, ops[1:]):
        if conv.name != "CONV_2D" or pool.name != "MAX_POOL_2D" or not conv.outputs or not pool.outputs:
            continue
        mid = conv.outputs[slots.OUTPUT]
        if mid < 0 or slots.input_index(pool, slots.INPUT) != mid or mid in pinned:
            continue
        src = slots.input_index(conv, slots.INPUT)
        tensors = [model.tensors[i] for i in (src, mid, pool.outputs[slots.OUTPUT]) if i >= 0]
        if len(tensors) != 3 or any(t.dtype != "float32" or len(t.shape) != 4 for t in tensors):
            continue
        if model.tensors[mid].is_variable or model.tensors[mid].is_constant or _readers(model, mid) != [pool.index]:
            continue
        _, mid_h, mid_w, mid_c = model.tensors[mid].shape
        rows = min(int(pool.options.get("filter_height", 0)), mid_h)
        if rows < 1:
            continue  # validation refuses such a pool; nothing to fuse
        found.append(ConvPoolFusion(conv.index, pool.index, mid, rows, rows * mid_w * mid_c * FLOAT_BYTES))
    return tuple(found)
