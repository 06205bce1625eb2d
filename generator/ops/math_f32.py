"""Unary float32 math: NEG, EXP, LOG, SQRT, SQUARE, SIN, COS, FLOOR, CEIL, ROUND, as TFLM's float
kernels (one function per element; ROUND is TFLM's RoundToNearest, halves to even). ABS and RSQRT,
which also take integer types, are in abs_rsqrt.py.

CEIL and ROUND: the pinned TFLite interpreter's reference resolver (the second oracle) registers
neither at any version (OpHandler.reference_knows), so their models are compared with TFLM alone
and the report says so; their max_version is what TFLM's converter writes (1).

EXP, LOG, SIN and COS call the device's libm, which may differ from the host's glibc by an ULP
or two (within bench/compare.py's FLOAT_TOLERANCE_ULP); the others are exact.
MACs: 0.
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import check_unary_typed, emit_unary, kernel_name

HEADER = "math/tb_math.h"


def check(model: Model, op: Operator) -> None:
    check_unary_typed(model, op, ("float32",))


def check_same_shape(model: Model, op: Operator) -> None:
    """CEIL and ROUND: TFLM's Prepare also requires the output's dimensions to equal the input's."""
    inp, out = check_unary_typed(model, op, ("float32",))
    if inp.shape != out.shape:
        raise MalformedModelError(
            f"operator #{op.index} {op.name}: output shape {list(out.shape)} differs from the input's "
            f"{list(inp.shape)}; TFLM's Prepare requires the same dimensions: re-convert the model")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_unary(ctx, plan, kernel_name(plan.op, "float32"), HEADER)


VARIANTS = single(emit)
# BuiltinOperator -> highest operator version the pinned TensorFlow knows.
_VERSIONS = {"NEG": 1, "EXP": 2, "LOG": 2, "SQRT": 2, "SQUARE": 1, "SIN": 1, "COS": 1,
             "FLOOR": 1}
# Unknown to the reference interpreter: operator version 1, the only one TFLite's schema has.
_TFLM_ONLY = {"CEIL": 1, "ROUND": 1}
HANDLERS = tuple(OpHandler(name, check, VARIANTS, no_macs, "float32", unary(), max_version=version)
                 for name, version in _VERSIONS.items()) + tuple(
    OpHandler(name, check_same_shape, VARIANTS, no_macs, "float32", unary(), max_version=version,
              reference_knows=False)
    for name, version in _TFLM_ONLY.items())
