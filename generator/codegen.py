"""Emit the C runtime for one validated model: constant data plus the layer sequence.

All decisions (names, folded constants, argument lists) are made here; the Jinja2
templates in templates/ only lay them out. Output depends on nothing but the model and
the plan, so the same model gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np

from .errors import UnsupportedOpError
from .model import Model, Operator, Tensor
from .planner import ArenaPlan
from .quantization import fully_connected_quant, requantize_multiplier
from .validate import SUPPORTED_OPS

TEMPLATE_DIR = Path(__file__).parent / "templates"
DATA_SOURCE = "tb_model_data.c"
DATA_HEADER = "tb_model_data.h"
MODEL_SOURCE = "tb_model.c"

_C_TYPES = {
    "int8": "int8_t",
    "uint8": "uint8_t",
    "int16": "int16_t",
    "int32": "int32_t",
    "float32": "float",
}
_DTYPE_ENUMS = {
    "int8": "TB_DTYPE_INT8",
    "uint8": "TB_DTYPE_UINT8",
    "float32": "TB_DTYPE_FLOAT32",
    "int16": "TB_DTYPE_INT16",
    "int32": "TB_DTYPE_INT32",
}


@dataclass(frozen=True)
class CArray:
    """A constant array in flash (tb_model_data.c)."""

    name: str
    ctype: str
    length: int
    rows: tuple[str, ...]
    comment: str


@dataclass(frozen=True)
class CStruct:
    """A small static const struct in tb_model.c, with designated initialisers."""

    ctype: str
    name: str
    fields: tuple[tuple[str, str], ...]
    compact: bool = False  # all fields on one line


@dataclass(frozen=True)
class Layer:
    index: int
    op_name: str
    op_index: int
    function: str
    args: tuple[str, ...]
    structs: tuple[CStruct, ...]
    arrays: tuple[CArray, ...] = field(default=())


@dataclass(frozen=True)
class TensorDesc:
    comment: str
    fields: tuple[tuple[str, str], ...]


def generate_c(model: Model, plan: ArenaPlan, out_dir: Path) -> list[Path]:
    """Write tb_model_data.h, tb_model_data.c and tb_model.c into out_dir.

    Returns the paths written, in that order.

    Raises:
        UnsupportedOpError: an operator without a kernel (call validate() first for
            the full set of checks).
    """
    emitter = _Emitter(model, plan)
    layers = [emitter.layer(op) for op in model.operators]  # raises before anything is written
    arrays = [array for layer in layers for array in layer.arrays]
    context = {
        "sha256": model.sha256,
        "data_header": DATA_HEADER,
        "arrays": arrays,
        "layers": layers,
        "arena_bytes": max(plan.arena_bytes, 16),
        "arena_lines": _arena_lines(model, plan),
        "inputs": [emitter.tensor_desc(i) for i in model.inputs],
        "outputs": [emitter.tensor_desc(i) for i in model.outputs],
        "opcodes": [op.opcode for op in model.operators],
        "build_id": f"0x{model.build_id:08x}u",
    }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for template_name, file_name in (
        ("tb_model_data.h.j2", DATA_HEADER),
        ("tb_model_data.c.j2", DATA_SOURCE),
        ("tb_model.c.j2", MODEL_SOURCE),
    ):
        path = out_dir / file_name
        text = env.get_template(template_name).render(context)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def _comment_text(text: str) -> str:
    """Make arbitrary text safe inside a C block comment."""
    return text.replace("*/", "* /").replace("/*", "/ *").replace("\n", " ")


def _c_float(value: float) -> str:
    """Shortest-safe single-precision literal: 9 significant digits round-trip a float."""
    text = format(float(np.float32(value)), ".9g")
    if not any(ch in text for ch in ".en"):
        text += ".0"
    return text + "f"


def _rows(values: np.ndarray, per_line: int, width: int) -> tuple[str, ...]:
    flat = [int(v) for v in values.reshape(-1)]
    return tuple(
        ", ".join(f"{v:{width}d}" for v in flat[start : start + per_line]) + ","
        for start in range(0, len(flat), per_line)
    )


def _shape_text(tensor: Tensor) -> str:
    return f"{tensor.dtype} [{', '.join(str(d) for d in tensor.shape)}]"


def _arena_lines(model: Model, plan: ArenaPlan) -> list[str]:
    lines = []
    for index, offset in sorted(plan.offsets.items(), key=lambda item: (item[1], item[0])):
        tensor = model.tensors[index]
        first, last = plan.lifetimes.get(index, (0, 0))
        lines.append(
            _comment_text(
                f"{offset:6d}: tensor {index} '{tensor.name}' {_shape_text(tensor)}, "
                f"{tensor.num_bytes} bytes, operators {first}..{last}"
            )
        )
    return lines


def _dims(n: int, c: int) -> tuple[tuple[str, str], ...]:
    return (("n", str(n)), ("h", "1"), ("w", "1"), ("c", str(c)))


class _Emitter:
    """Turns operators and tensors into C declarations and calls."""

    def __init__(self, model: Model, plan: ArenaPlan) -> None:
        self._model = model
        self._plan = plan
        self._handlers: dict[str, Callable[[Operator], Layer]] = {
            "FULLY_CONNECTED": self._fully_connected,
            "QUANTIZE": self._quantize,
            "DEQUANTIZE": self._dequantize,
        }

    def layer(self, op: Operator) -> Layer:
        handler = self._handlers.get(op.name)
        if handler is None:
            raise UnsupportedOpError(op.name, op.index, SUPPORTED_OPS)
        return handler(op)

    # --- tensors -------------------------------------------------------------------

    def _arena_pointer(self, index: int, const: bool) -> str:
        tensor = self._model.tensors[index]
        qualifier = "const " if const else ""
        offset = self._plan.offsets[index]
        return f"({qualifier}{_C_TYPES[tensor.dtype]} *)&tb_arena[{offset}]"

    def tensor_desc(self, index: int) -> TensorDesc:
        tensor = self._model.tensors[index]
        q = tensor.quantization
        is_float = tensor.dtype == "float32"
        scale = 0.0 if (is_float or q is None) else q.scales[0]
        zero_point = 0 if (is_float or q is None) else q.zero_points[0]
        dims = ", ".join(str(d) for d in tensor.shape) or "0"
        return TensorDesc(
            comment=_comment_text(f"tensor {index} '{tensor.name}' {_shape_text(tensor)}"),
            fields=(
                ("dtype", _DTYPE_ENUMS[tensor.dtype]),
                ("rank", str(len(tensor.shape))),
                ("dims", "{" + dims + "}"),
                ("scale", _c_float(scale)),
                ("zero_point", str(zero_point)),
                ("bytes", f"{tensor.num_bytes}u"),
                ("data", f"&tb_arena[{self._plan.offsets[index]}]"),
            ),
        )

    # --- operators -----------------------------------------------------------------

    def _fully_connected(self, op: Operator) -> Layer:
        tensors = self._model.tensors
        inp, weights, out = tensors[op.inputs[0]], tensors[op.inputs[1]], tensors[op.outputs[0]]
        bias_index = op.inputs[2] if len(op.inputs) > 2 else -1
        assert inp.quantization and weights.quantization and out.quantization
        assert weights.data is not None
        units, depth = weights.shape
        batches = out.num_elements // units
        activation = op.options.get("fused_activation_function", "NONE")
        fq = fully_connected_quant(
            inp.quantization, weights.quantization, out.quantization, activation, out.dtype
        )
        prefix = f"tb_l{op.index}"
        where = f"Layer {op.index}: FULLY_CONNECTED"
        arrays = [
            CArray(
                name=f"{prefix}_weights",
                ctype="int8_t",
                length=weights.num_elements,
                rows=_rows(weights.data, 16, 4),
                comment=_comment_text(f"{where} weights '{weights.name}' {_shape_text(weights)}"),
            )
        ]
        bias_arg = "NULL"
        if bias_index != -1:
            bias = tensors[bias_index]
            assert bias.data is not None
            arrays.append(
                CArray(
                    name=f"{prefix}_bias",
                    ctype="int32_t",
                    length=bias.num_elements,
                    rows=_rows(bias.data, 8, 11),
                    comment=_comment_text(f"{where} bias '{bias.name}' {_shape_text(bias)}"),
                )
            )
            bias_arg = f"{prefix}_bias"

        structs = [
            CStruct(
                "tb_fc_params_t",
                f"{prefix}_params",
                (
                    ("input_offset", str(fq.input_offset)),
                    ("filter_offset", str(fq.filter_offset)),
                    ("output_offset", str(fq.output_offset)),
                    (
                        "activation",
                        f"{{.min = {fq.activation_min}, .max = {fq.activation_max}}}",
                    ),
                ),
            )
        ]
        if fq.channel_multipliers is not None and fq.channel_shifts is not None:
            function = "tb_fully_connected_per_channel_s8"
            for name, values in (
                ("multipliers", fq.channel_multipliers),
                ("shifts", fq.channel_shifts),
            ):
                arrays.append(
                    CArray(
                        name=f"{prefix}_{name}",
                        ctype="int32_t",
                        length=len(values),
                        rows=_rows(np.asarray(values, dtype=np.int64), 8, 11),
                        comment=f"{where} per-channel output {name}",
                    )
                )
            structs.append(
                CStruct(
                    "tb_per_channel_quant_t",
                    f"{prefix}_quant",
                    (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts")),
                )
            )
        else:
            function = "tb_fully_connected_s8"
            structs.append(
                CStruct(
                    "tb_quant_t",
                    f"{prefix}_quant",
                    (("multiplier", str(fq.multiplier)), ("shift", str(fq.shift))),
                    compact=True,
                )
            )
        for role, n, c in (
            ("input", batches, depth),
            ("filter", units, depth),
            ("bias", 1, units),
            ("output", batches, units),
        ):
            structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", _dims(n, c), True))
        args = (
            f"&{prefix}_params",
            f"&{prefix}_quant",
            f"&{prefix}_input_dims",
            self._arena_pointer(inp.index, const=True),
            f"&{prefix}_filter_dims",
            f"{prefix}_weights",
            f"&{prefix}_bias_dims",
            bias_arg,
            f"&{prefix}_output_dims",
            self._arena_pointer(out.index, const=False),
        )
        return Layer(op.index, op.name, op.index, function, args, tuple(structs), tuple(arrays))

    def _quantize(self, op: Operator) -> Layer:
        tensors = self._model.tensors
        inp, out = tensors[op.inputs[0]], tensors[op.outputs[0]]
        assert out.quantization is not None
        prefix = f"tb_l{op.index}"
        size = str(out.num_elements)
        if inp.dtype == "float32":
            params = CStruct(
                "tb_affine_params_t",
                f"{prefix}_params",
                (
                    ("scale", _c_float(out.quantization.scales[0])),
                    ("zero_point", str(out.quantization.zero_points[0])),
                ),
            )
            args: tuple[str, ...] = (
                f"&{prefix}_params",
                size,
                self._arena_pointer(inp.index, const=True),
                self._arena_pointer(out.index, const=False),
            )
            return Layer(op.index, op.name, op.index, "tb_quantize_f32_s8", args, (params,))
        assert inp.quantization is not None
        multiplier, shift = requantize_multiplier(
            inp.quantization.scales[0], out.quantization.scales[0]
        )
        structs = (
            CStruct(
                "tb_requantize_params_t",
                f"{prefix}_params",
                (
                    ("input_offset", str(-inp.quantization.zero_points[0])),
                    ("output_offset", str(out.quantization.zero_points[0])),
                ),
            ),
            CStruct(
                "tb_quant_t",
                f"{prefix}_quant",
                (("multiplier", str(multiplier)), ("shift", str(shift))),
                compact=True,
            ),
        )
        args = (
            f"&{prefix}_params",
            f"&{prefix}_quant",
            size,
            self._arena_pointer(inp.index, const=True),
            self._arena_pointer(out.index, const=False),
        )
        return Layer(op.index, op.name, op.index, "tb_requantize_s8_s8", args, structs)

    def _dequantize(self, op: Operator) -> Layer:
        tensors = self._model.tensors
        inp, out = tensors[op.inputs[0]], tensors[op.outputs[0]]
        assert inp.quantization is not None
        prefix = f"tb_l{op.index}"
        params = CStruct(
            "tb_affine_params_t",
            f"{prefix}_params",
            (
                ("scale", _c_float(inp.quantization.scales[0])),
                ("zero_point", str(inp.quantization.zero_points[0])),
            ),
        )
        args = (
            f"&{prefix}_params",
            str(out.num_elements),
            self._arena_pointer(inp.index, const=True),
            self._arena_pointer(out.index, const=False),
        )
        return Layer(op.index, op.name, op.index, "tb_dequantize_s8_f32", args, (params,))
