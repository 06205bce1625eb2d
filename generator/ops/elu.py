"""ELU, float32 and int8, as TFLM's elu.cc.

- float32: x < 0 ? expm1(x) : x (TFLM's reference Elu; the device's newlib expm1f, within the
  float tolerance of the host's).
- int8: TFLM's Prepare fills a 256-entry table in float32 arithmetic: for each input value q,
  y = s_in * (q - z_in); y = y < 0 ? exp(y) - 1 : y; the output is round-half-away(y * (1 / s_out))
  + z_out truncated to int32 and clamped to int8. elu_table computes it the same way, with the
  host C library's expf (the one host TFLM's std::exp(float) calls), so the table is TFLM's.
  A value of y * (1 / s_out) + z_out beyond int32 would make TFLM's float-to-int32 conversion
  undefined behaviour: such quantization is refused, naming it.

The pinned TFLite interpreter's reference resolver has no ELU kernel at any version
(OpHandler.reference_knows): ELU models are compared with TFLM alone, and the report says so.
MACs: 0.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math
from functools import cache

import numpy as np

from ..model import Model, Operator
from .add_sub_common import check_unary, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, int_constant, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import emit_unary

HEADER = "math/tb_math.h"
_INT32_LIMIT = 2.0 ** 31


class EluRangeError(ValueError):
    """A table entry whose float-to-int32 conversion is undefined in TFLM's Prepare."""


@cache
def _expf() -> ctypes._CFuncPtr:  # type: ignore[name-defined]
    """The host C library's expf, which TFLM's std::exp(float) calls."""
    libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    function = libm.expf
    function.argtypes, function.restype = [ctypes.c_float], ctypes.c_float
    return function


def _round_half_away(value: np.float32) -> float:
    """std::round of a float: halves away from zero (exact in double for any float32)."""
    magnitude = math.floor(abs(float(value)) + 0.5)
    return math.copysign(magnitude, float(value))


def elu_table(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int) -> list[int]:
    """TFLM's PopulateLookupTable<int8_t> for ELU, indexed by q + 128.

    Raises:
        EluRangeError: an entry beyond int32 before the clamp (TFLM's conversion is undefined there).
    """
    s_in = np.float32(input_scale)
    inverse_scale = np.float32(1.0) / np.float32(output_scale)
    expf = _expf()
    table = []
    for q in range(-128, 128):
        dequantized = np.float32(s_in * np.float32(q - input_zero_point))
        if dequantized < np.float32(0.0):
            transformed = np.float32(np.float32(expf(float(dequantized))) - np.float32(1.0))
        else:
            transformed = dequantized
        rescaled = np.float32(_round_half_away(np.float32(transformed * inverse_scale)))
        shifted = float(np.float32(rescaled + np.float32(output_zero_point)))
        if not -_INT32_LIMIT <= shifted < _INT32_LIMIT:
            raise EluRangeError(
                f"input {q} maps to {shifted:.6g} output steps, beyond int32, where TFLM's float-to-int32 "
                "conversion in its table is undefined behaviour")
        table.append(min(max(int(shifted), -128), 127))
    return table


def check_elu(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("float32", "int8"))
    if inp.dtype == "int8":
        try:
            elu_table(*scale_zp(inp), *scale_zp(out))
        except EluRangeError as exc:
            raise unsupported(op, f"int8 quantization with {exc}; quantize the output with a scale nearer the "
                                  "input's") from None


def plan_elu(ctx: PlanContext, op: Operator) -> Planned:
    inp, out = ctx.input(op), ctx.output(op)
    if inp.dtype != "int8":
        return Planned()
    values = elu_table(*scale_zp(inp), *scale_zp(out))
    return Planned(None, (int_constant(f"tb_l{op.index}_table", "int8_t", values,
                                       f"Layer {op.index}: ELU, TFLM's table, indexed by q + 128", 16, 4),))


def emit_elu(ctx: EmitContext, plan: LayerPlan) -> Layer:
    if ctx.input(plan.op).dtype == "float32":
        return emit_unary(ctx, plan, "tb_elu_f32", HEADER)
    table = CStruct("tb_table_s8_t", f"{plan.prefix}_params", (("table", f"tb_l{plan.op.index}_table"),))
    return emit_unary(ctx, plan, "tb_elu_s8", HEADER, table)


HANDLERS = (
    OpHandler("ELU", check_elu, single(emit_elu, plan_elu), no_macs,
              "float32, int8 (int8 as TFLM's lookup table)", unary(), max_version=1, reference_knows=False),
)
