"""Shared by the signal-library op modules (TFLM's signal/micro/kernels: the audio front end of
micro_speech): their flexbuffer options, operand checks, constant operands and the C layer.
No HANDLERS here.

TFLM registers these as custom operators; a handler claims one by naming it "CUSTOM:<code>"
(Operator.key). Their options are a flexbuffer map in the operator's custom_options.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from flatbuffers import flexbuffers

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from .c_emit import C_TYPES, CBuffer, CStruct, EmitContext, Layer, comment_text, layer, shape_text
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, int_constant
from .registry import Operands, supported_ops

HEADER = "signal/tb_signal.h"


def options(op: Operator) -> dict[str, Any]:
    """The operator's flexbuffer options as a dict (empty when it has none)."""
    raw = op.options.get("custom_options", b"")
    if not raw:
        return {}
    try:
        value = flexbuffers.Loads(bytes(raw))
    except Exception as exc:  # noqa: BLE001 - any decoding failure is a malformed file
        raise MalformedModelError(
            f"operator #{op.index} {op.key}: its custom options are no readable flexbuffer ({exc}); "
            "re-export the model with TFLM's signal library") from None
    if not isinstance(value, dict):
        raise MalformedModelError(f"operator #{op.index} {op.key}: its custom options are no flexbuffer map; "
                                  "re-export the model with TFLM's signal library")
    return value


def int_option(op: Operator, name: str) -> int:
    value = options(op).get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedModelError(f"operator #{op.index} {op.key} has no integer option '{name}' in its custom "
                                  "options; re-export the model with TFLM's signal library")
    return value


def unsupported(op: Operator, what: str) -> UnsupportedOpError:
    return UnsupportedOpError(op.key, op.index, supported_ops(), detail=f"{what} is not supported")


def operands(n_inputs: int, roles: tuple[str, ...], outputs: int = 1) -> Operands:
    return Operands(n_inputs, n_inputs, outputs=outputs, roles=roles)


def tensor_of(model: Model, op: Operator, slot: int, role: str, dtype: str, output: bool = False,
              constant: bool | None = None, rank: int | None = None) -> Tensor:
    """The operand in `slot` with the type (and constness, rank) TFLM's kernel reads it as."""
    index = (op.outputs if output else op.inputs)[slot]
    t = model.tensors[index]
    where = f"{op.key} (operator #{op.index})"
    if t.dtype != dtype:
        raise UnsupportedTensorError(t.name, t.dtype, f"{where} needs its {role} to be {dtype}")
    if constant is True and not t.is_constant:
        raise UnsupportedTensorError(t.name, t.dtype, f"{where} needs its {role} to be a constant tensor; "
                                     "the built-in runtime keeps it in flash")
    if rank is not None and len(t.shape) != rank:
        raise UnsupportedTensorError(t.name, t.dtype, f"{where} needs its {role} to be {rank}-D, "
                                     f"as TFLM's kernel checks (shape {list(t.shape)})")
    return t


def constant_name(op: Operator, slot: int) -> str:
    return f"tb_l{op.index}_input{slot}"


def plan_constants(ctx: PlanContext, op: Operator) -> Planned:
    """Flash arrays of the operator's constant inputs (window, filter bank tables, gain table)."""
    found: list[Constant] = []
    for slot, index in enumerate(op.inputs):
        t = ctx.tensor(index)
        if not t.is_constant:
            continue
        assert t.data is not None
        comment = comment_text(f"Layer {op.index}: {op.key} constant input {slot} '{t.name}' {shape_text(t)}")
        found.append(int_constant(constant_name(op, slot), C_TYPES[t.dtype], t.data, comment, 12, 6,
                                  max(t.data.size, 1)))
    return Planned(None, tuple(found))


def pointer(ctx: EmitContext, op: Operator, slot: int) -> str:
    """An input: its flash array (plan_constants) or its arena bytes."""
    index = op.inputs[slot]
    if ctx.tensor(index).is_constant:
        return constant_name(op, slot)
    return ctx.arena_pointer(index, const=True)


def out_pointer(ctx: EmitContext, op: Operator, slot: int = 0, ctype: str | None = None) -> str:
    pointer_text = ctx.arena_pointer(op.outputs[slot], const=False)
    return pointer_text if ctype is None else f"({ctype} *)(void *){pointer_text}"


def signal_layer(plan: LayerPlan, function: str, args: tuple[str, ...], structs: tuple[CStruct, ...] = (),
                 buffers: tuple[CBuffer, ...] = ()) -> Layer:
    return dataclasses.replace(layer(plan, function, args, structs, HEADER), buffers=buffers)
