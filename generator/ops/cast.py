"""CAST: every (input, output) pair TFLM's cast.cc runs: int8, int16, int32, uint32, float32 and
bool in; int8, int16, int32, uint32 and float32 out. Values are converted as host TFLM converts
them (firmware/kernels/cast/tb_cast.h): integers narrow modulo 2^n; float32 -> integer truncates
toward zero and saturates to the target type, NaN giving 0 (what the oracle package does; C leaves
out-of-range values undefined). The quantization of either tensor is ignored, as TFLM does.

MACs: 0.
"""
from __future__ import annotations

from itertools import product

from ..model import Model, Operator
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import SUFFIXES, check_unary_typed, emit_unary

HEADER = "cast/tb_cast.h"
INPUT_TYPES = ("int8", "int16", "int32", "uint32", "float32", "bool")
OUTPUT_TYPES = ("int8", "int16", "int32", "uint32", "float32")


def check(model: Model, op: Operator) -> None:
    check_unary_typed(model, op, INPUT_TYPES, OUTPUT_TYPES)


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    return emit_unary(ctx, plan, f"tb_cast_{SUFFIXES[inp.dtype]}_{SUFFIXES[out.dtype]}", HEADER)


CONFIGS = tuple(f"{a}->{b}" for a, b in product(INPUT_TYPES, OUTPUT_TYPES))
HANDLERS = (
    OpHandler("CAST", check, single(emit), no_macs,
              "int8, int16, int32, uint32, float32, bool -> int8, int16, int32, uint32, float32 (every pair)",
              unary(), max_version=8, type_configs=CONFIGS),
)
