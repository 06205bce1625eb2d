"""Plain data the op modules hand to the templates, and small C formatting helpers."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Tensor
from .layer_plan import C_SIZES, Constant, LayerPlan, PlanContext

C_TYPES = {
    "int8": "int8_t",
    "uint8": "uint8_t",
    "int16": "int16_t",
    "int32": "int32_t",
    "int64": "int64_t",
    "uint16": "uint16_t",
    "uint32": "uint32_t",
    "uint64": "uint64_t",
    "float32": "float",
    "bool": "bool",  # C11 _Bool via stdbool.h: one byte holding 0 or 1, as TFLM's kTfLiteBool
}


@dataclass(frozen=True)
class CArray:
    """A constant array in flash (tb_model_data.c)."""

    name: str
    ctype: str
    length: int
    rows: tuple[str, ...]
    comment: str


    @property
    def num_bytes(self) -> int:
        return self.length * C_SIZES[self.ctype]


def c_array(constant: Constant) -> CArray:
    """A planned constant as C rows; an empty one declares a single 0."""
    c = constant
    text = float_rows(c.values, c.per_line) if c.width == 0 else rows(c.values, c.per_line, c.width)
    if c.num_elements > c.values.size:
        text = text or ("0,",)
    return CArray(c.name, c.ctype, c.num_elements, text, c.comment)


@dataclass(frozen=True)
class CStruct:
    """A small static const struct in tb_model.c, with designated initialisers."""

    ctype: str
    name: str
    fields: tuple[tuple[str, str], ...]
    compact: bool = False  # all fields on one line


@dataclass(frozen=True)
class CBuffer:
    """A static RAM array of one layer outside the arena (tb_model.c): kernel state kept from one
    inference to the next (`reset`: zeroed with the variable tensors, before the first inference
    and before every partial one, as TFLM's Prepare and Reset leave it) or a work area."""

    ctype: str
    name: str
    length: int
    comment: str
    reset: bool = False


@dataclass(frozen=True)
class Layer:
    """One kernel call: the function, its arguments and the constants it needs."""

    index: int
    op_name: str
    op_index: int
    function: str
    args: tuple[str, ...]
    structs: tuple[CStruct, ...]
    arrays: tuple[CArray, ...] = field(default=())
    header: str = ""  # kernel header to include, relative to firmware/kernels
    note: str = ""  # said in the generated C's comment (e.g. how a fused layer runs)
    buffers: tuple[CBuffer, ...] = ()  # static RAM arrays (state, work areas), declared before the structs
    code: tuple[str, ...] = ()  # lines of a static C function the layer calls (control flow: ops/control_flow.py)
    once_flags: tuple[str, ...] = ()  # static "has run" flags (CALL_ONCE), cleared with the variables


@dataclass(frozen=True)
class EmitContext(PlanContext):
    """What an emit may read: the planning context plus C expressions for arena tensors."""

    def arena_pointer(self, index: int, const: bool) -> str:
        tensor = self.model.tensors[index]
        qualifier = "const " if const else ""
        return f"({qualifier}{C_TYPES[tensor.dtype]} *)&tb_arena[{self.plan.offsets[index]}]"


def layer(plan: LayerPlan, function: str, args: tuple[str, ...], structs: tuple[CStruct, ...] | list[CStruct],
          header: str, note: str = "") -> Layer:
    """The Layer of a planned call; its arrays are the plan's constants, in the plan's order."""
    op = plan.op
    return Layer(op.index, op.key, op.index, function, args, tuple(structs),
                 tuple(c_array(c) for c in plan.constants), header, note)


def comment_text(text: str) -> str:
    """Make arbitrary text safe inside a C block comment."""
    return text.replace("*/", "* /").replace("/*", "/ *").replace("\n", " ")


def c_float(value: float) -> str:
    """Shortest-safe single-precision literal: 9 significant digits round-trip a float."""
    text = format(float(np.float32(value)), ".9g")
    if not any(ch in text for ch in ".en"):
        text += ".0"
    return text + "f"


def rows(values: np.ndarray, per_line: int, width: int) -> tuple[str, ...]:
    flat = [int_literal(int(v), width) for v in np.asarray(values).reshape(-1)]
    return tuple(", ".join(flat[start : start + per_line]) + "," for start in range(0, len(flat), per_line))


def int_literal(value: int, width: int) -> str:
    """A C integer literal; -2^63 (an int64 bias may hold it) has no literal form of its own."""
    return f"{'INT64_MIN':>{width}}" if value == -(2**63) else f"{value:{width}d}"


def float_rows(values: np.ndarray, per_line: int = 8) -> tuple[str, ...]:
    flat = [c_float(v) for v in np.asarray(values, dtype=np.float32).reshape(-1)]
    return tuple(", ".join(flat[start : start + per_line]) + "," for start in range(0, len(flat), per_line))


def shape_text(tensor: Tensor) -> str:
    return f"{tensor.dtype} [{', '.join(str(d) for d in tensor.shape)}]"


def dims_fields(n: int, h: int, w: int, c: int) -> tuple[tuple[str, str], ...]:
    return (("n", str(n)), ("h", str(h)), ("w", str(w)), ("c", str(c)))
