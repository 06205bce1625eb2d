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
from .resources import resolve as resolve_resources
from .resources import uses_resources
from .subgraphs import reachable

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
    main_count = len(model.operators)
    called = sorted(reachable(model))
    subgraphs = [_subgraph_context(model, number, [l for l in layers[main_count:]
                                                   if model.operator(l.op_index).subgraph == number])
                 for number in called]
    resources = _resources(model, plan)
    once_flags = [flag for layer in layers for flag in layer.once_flags]
    state_buffers = [b for layer in layers for b in layer.buffers if b.reset]
    variables = _variables(model, plan)
    context = {
        "sha256": model.sha256,
        "kernels": KernelSet.parse(kernels).value,
        "data_header": DATA_HEADER,
        "arrays": [array for layer in layers for array in layer.arrays],
        "layers": layers,
        "main_layers": layers[:main_count],
        "subgraphs": subgraphs,
        "layer_where": {op.index: (f", subgraph {op.subgraph}" if op.subgraph else "")
                        for op in model.all_operators},
        "resources": resources,
        "once_flags": once_flags,
        "has_state": bool(variables or state_buffers or resources or once_flags),
        "kernel_headers": sorted({layer.header for layer in layers if layer.header}),
        "arena_bytes": max(plan.arena_bytes, 16),
        "arena_lines": _arena_lines(model, plan),
        "inputs": [_tensor_desc(model, plan, i) for i in model.inputs],
        "outputs": [_tensor_desc(model, plan, i) for i in model.outputs],
        "layer_outputs": [_layer_output_desc(model, plan, op.index) for op in model.operators],
        "opcodes": [op.opcode for op in model.operators],
        "variables": variables,
        "state_buffers": state_buffers,
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
class SubgraphCode:
    """One called subgraph's C function: its layers in order."""

    number: int
    name: str
    inputs: str
    outputs: str
    layers: list[Layer]


def _subgraph_context(model: Model, number: int, layers: list[Layer]) -> SubgraphCode:
    sg = model.subgraph(number)

    def names(indices: tuple[int, ...]) -> str:
        return "[" + ", ".join(f"tensor {i} {shape_text(model.tensors[i])}" for i in indices) + "]"

    return SubgraphCode(number, comment_text(sg.name), comment_text(names(sg.inputs)), comment_text(names(sg.outputs)),
                        layers)


@dataclass(frozen=True)
class ResourceFill:
    """A resource variable's buffer in the arena and the byte TFLM fills it with (resources.py)."""

    id: int
    offset: int
    bytes: int
    fill: int
    comment: str


def _resources(model: Model, plan: ArenaPlan) -> list[ResourceFill]:
    if not uses_resources(model):
        return []
    found = []
    for v in resolve_resources(model).variables:
        what = f"'{v.container}/{v.shared_name}' {v.dtype} [{', '.join(map(str, v.shape))}], {v.bytes} bytes"
        if v.allocated_by >= 0:
            what += f", allocated by operator #{v.allocated_by}"
        found.append(ResourceFill(v.id, plan.resource_offsets.get(v.id, 0), v.bytes, v.fill, comment_text(what)))
    return found


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
    when = "positions" if reachable(model) else "operators"  # with subgraphs: TFLM's planning walk
    for index, offset in sorted(plan.offsets.items(), key=lambda item: (item[1], item[0])):
        tensor = model.tensors[index]
        first, last = plan.lifetimes.get(index, (0, 0))
        where = f" (subgraph {_subgraph_of(model, index)})" if _subgraph_of(model, index) else ""
        lines.append(
            comment_text(
                f"{offset:6d}: tensor {index}{where} '{tensor.name}' {shape_text(tensor)}, "
                f"{tensor.num_bytes} bytes, {when} {first}..{last}"
            )
        )
    for ident, offset in sorted(plan.resource_offsets.items()):
        lines.append(f"{offset:6d}: resource variable {ident}")
    for op_index, offset in sorted(plan.scratch_offsets.items()):
        lines.append(f"{offset:6d}: scratch of operator {op_index}, {plan.scratch_sizes[op_index]} bytes")
    for fusion in plan.fusions:
        lines.append(f"{plan.band_offsets[fusion.conv_op]:6d}: band of operator {fusion.conv_op}, "
                     f"{fusion.band_bytes} bytes (tensor {fusion.intermediate} is not materialised)")
    return lines


def _subgraph_of(model: Model, tensor: int) -> int:
    return next((sg.index for sg in model.subgraphs if sg.first_tensor <= tensor < sg.first_tensor + sg.num_tensors), 0)


def _layer_output_desc(model: Model, plan: ArenaPlan, op_index: int) -> TensorDesc:
    """A layer's first output; a fused conv's output does not exist: 0 bytes at NULL, so the
    firmware refuses GET_LAYER_OUTPUT for it (the host knows why, bench/layer_diff.py)."""
    op = model.operators[op_index]
    if not op.outputs:  # CALL_ONCE, ASSIGN_VARIABLE: nothing to read back
        return TensorDesc(comment_text(f"{op.name} has no output"),
                          (("dtype", "(tb_dtype_t)0"), ("rank", "0"), ("dims", "{0}"), ("scale", "0.0f"),
                           ("zero_point", "0"), ("bytes", "0u"), ("data", "NULL")))
    index = op.outputs[0]
    if op.name == "VAR_HANDLE":  # the id lives in tb_resource_ids, not in the arena
        desc = _tensor_desc(model, plan, index, data=f"(uint8_t *)&tb_resource_ids[{resolve_resources(model).handle_ids[op.index]}]")
        return desc
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
