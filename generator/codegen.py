"""Emit the C runtime for one validated model: constant data plus the layer sequence.

Each operator's chosen kernel variant plans the layer (ops/registry.plan_layers) and emits its
names, constants and argument lists from that plan; the Jinja2 templates in templates/ only lay
them out. Output depends on nothing but the model and
the plan, so the same model gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .model import Model
from .options import KernelSet
from .ops.c_emit import EmitContext, Layer, c_float, comment_text, shape_text
from .ops.registry import plan_layers
from .planner import ArenaPlan

TEMPLATE_DIR = Path(__file__).parent / "templates"
DATA_SOURCE = "tb_model_data.c"
DATA_HEADER = "tb_model_data.h"
MODEL_SOURCE = "tb_model.c"

_DTYPE_ENUMS = {
    "int8": "TB_DTYPE_INT8",
    "uint8": "TB_DTYPE_UINT8",
    "float32": "TB_DTYPE_FLOAT32",
    "int16": "TB_DTYPE_INT16",
    "int32": "TB_DTYPE_INT32",
    "bool": "TB_DTYPE_BOOL",
    "int64": "TB_DTYPE_INT64",
    "uint32": "TB_DTYPE_UINT32",
}


@dataclass(frozen=True)
class TensorDesc:
    comment: str
    fields: tuple[tuple[str, str], ...]


def emit_layers(
    model: Model, plan: ArenaPlan, kernels: KernelSet | str = KernelSet.REFERENCE,
    int8_layout: frozenset[int] = frozenset(),
) -> list[Layer]:
    """One Layer per operator, in execution order.

    Raises:
        UnsupportedOpError: an operator without a kernel (call validate() first for
            the full set of checks).
    """
    ctx = EmitContext(model, plan)
    return [layer.variant.emit(ctx, layer) for layer in plan_layers(model, plan, kernels, frozenset(int8_layout))]


def generate_c(
    model: Model, plan: ArenaPlan, out_dir: Path, kernels: KernelSet | str = KernelSet.REFERENCE,
    int8_layout: frozenset[int] = frozenset(),
) -> list[Path]:
    """Write tb_model_data.h, tb_model_data.c and tb_model.c into out_dir; return their paths.

    `kernels` picks the kernel set each op module calls ("reference" or "optimized"); an op
    without an optimized kernel uses its reference kernel, and so does every operator index in
    `int8_layout` (weights kept int8, see layout.py).
    """
    layers = emit_layers(model, plan, kernels, int8_layout)  # raises before anything is written
    context = {
        "sha256": model.sha256,
        "kernels": KernelSet.parse(kernels).value,
        "data_header": DATA_HEADER,
        "arrays": [array for layer in layers for array in layer.arrays],
        "layers": layers,
        "kernel_headers": sorted({layer.header for layer in layers if layer.header}),
        "arena_bytes": max(plan.arena_bytes, 16),
        "arena_lines": _arena_lines(model, plan),
        "inputs": [_tensor_desc(model, plan, i) for i in model.inputs],
        "outputs": [_tensor_desc(model, plan, i) for i in model.outputs],
        "layer_outputs": [_layer_output_desc(model, plan, op.index) for op in model.operators],
        "opcodes": [op.opcode for op in model.operators],
        "variables": _variables(model, plan),
        "state_buffers": [b for layer in layers for b in layer.buffers if b.reset],
        "build_id": f"0x{model.build_id:08x}u",
        "uses_bool": any(t.dtype == "bool" for t in model.tensors),  # the C type bool needs stdbool.h
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
        path.write_text(env.get_template(template_name).render(context), encoding="utf-8", newline="\n")
        written.append(path)
    return written


@dataclass(frozen=True)
class VariableFill:
    """A variable tensor (e.g. SVDF's state) and the byte TFLM resets it to: its zero point for
    int8, 0 otherwise (MicroInterpreterGraph::ResetTensorData)."""

    comment: str
    offset: int
    bytes: int
    value: int


def _variables(model: Model, plan: ArenaPlan) -> list[VariableFill]:
    found = []
    for tensor in model.tensors:
        if not tensor.is_variable or tensor.index not in plan.offsets:
            continue
        value = tensor.quantization.zero_points[0] if tensor.dtype == "int8" and tensor.quantization else 0
        found.append(VariableFill(comment_text(f"tensor {tensor.index} '{tensor.name}' {shape_text(tensor)}"),
                                  plan.offsets[tensor.index], tensor.num_bytes, value & 0xFF))
    return found


def _arena_lines(model: Model, plan: ArenaPlan) -> list[str]:
    lines = []
    for index, offset in sorted(plan.offsets.items(), key=lambda item: (item[1], item[0])):
        tensor = model.tensors[index]
        first, last = plan.lifetimes.get(index, (0, 0))
        lines.append(
            comment_text(
                f"{offset:6d}: tensor {index} '{tensor.name}' {shape_text(tensor)}, "
                f"{tensor.num_bytes} bytes, operators {first}..{last}"
            )
        )
    for op_index, offset in sorted(plan.scratch_offsets.items()):
        lines.append(f"{offset:6d}: scratch of operator {op_index}, {plan.scratch_sizes[op_index]} bytes")
    for fusion in plan.fusions:
        lines.append(f"{plan.band_offsets[fusion.conv_op]:6d}: band of operator {fusion.conv_op}, "
                     f"{fusion.band_bytes} bytes (tensor {fusion.intermediate} is not materialised)")
    return lines


def _layer_output_desc(model: Model, plan: ArenaPlan, op_index: int) -> TensorDesc:
    """A layer's first output; a fused conv's output does not exist: 0 bytes at NULL, so the
    firmware refuses GET_LAYER_OUTPUT for it (the host knows why, bench/layer_diff.py)."""
    index = model.operators[op_index].outputs[0]
    if index not in plan.elided:
        return _tensor_desc(model, plan, index)
    fusion = plan.fusion_of(op_index)
    assert fusion is not None
    desc = _tensor_desc(model, plan, index, data="NULL")
    fields = tuple((name, "0u" if name == "bytes" else value) for name, value in desc.fields)
    note = f" (fused into layer {fusion.pool_op} {model.operators[fusion.pool_op].name}, not materialised)"
    return TensorDesc(desc.comment + note, fields)


def _tensor_desc(model: Model, plan: ArenaPlan, index: int, data: str | None = None) -> TensorDesc:
    tensor = model.tensors[index]
    q = tensor.quantization
    is_float = tensor.dtype == "float32"
    scale = 0.0 if (is_float or q is None) else q.scales[0]
    zero_point = 0 if (is_float or q is None) else q.zero_points[0]
    dims = ", ".join(str(d) for d in tensor.shape) or "0"
    return TensorDesc(
        comment=comment_text(f"tensor {index} '{tensor.name}' {shape_text(tensor)}"),
        fields=(
            ("dtype", _DTYPE_ENUMS.get(tensor.dtype, "(tb_dtype_t)0")),  # 0: a type the host reads raw
            ("rank", str(len(tensor.shape))),
            ("dims", "{" + dims + "}"),
            ("scale", c_float(scale)),
            ("zero_point", str(zero_point)),
            ("bytes", f"{tensor.num_bytes}u"),
            ("data", data if data is not None else f"&tb_arena[{plan.offsets[index]}]"),
        ),
    )
