"""VAR_HANDLE, READ_VARIABLE and ASSIGN_VARIABLE: TFLM's resource variables (var_handle.cc,
read_variable.cc, assign_variable.cc, micro_resource_variable.cc).

generator/resources.py resolves what TFLM's Prepare decides (each VAR_HANDLE's id, each
variable's size and start value); the planner puts the buffers on top of the arena. At run time
a VAR_HANDLE's output is the id in a table of the generated code (tb_resource_ids: TFLM points
it at the kernel's data, so its planner gives it no arena), and a resource tensor a caller copies
it into holds the id in the arena (4 bytes, as TFLM sizes kTfLiteResource), so a handle passed into
a subgraph through IF or WHILE works as in TFLM; READ_VARIABLE and ASSIGN_VARIABLE copy the
variable's bytes out and in, whatever the type. The buffers keep their values from one inference
to the next and are filled again only where TFLM fills them (before the first inference).
"""
from __future__ import annotations

from ..errors import MalformedGraphError
from ..model import Model, Operator
from ..resources import resolve
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .shape_common import input_constant

HEADER = "resource/tb_resource.h"
TYPES = "any (the variable's bytes are copied)"
TABLE = "&tb_resources"


def _fail(op: Operator, message: str) -> MalformedGraphError:
    return MalformedGraphError(op.index, op.name, message)


def _expect_handle(model: Model, op: Operator) -> None:
    handle = model.tensors[op.inputs[0]]
    if handle.dtype not in ("resource", "int32") or handle.num_elements != 1:
        raise _fail(op, f"its resource operand tensor {handle.index} '{handle.name}' is {handle.dtype} "
                        f"{list(handle.shape)}; TFLM reads one resource id there")


def check_var_handle(model: Model, op: Operator) -> None:
    out = model.tensors[op.outputs[0]]
    if out.dtype != "resource":
        raise _fail(op, f"writes tensor {out.index} '{out.name}' of type {out.dtype}; a VAR_HANDLE writes a resource")
    if not op.options.get("shared_name"):
        raise _fail(op, "has no shared_name; TFLM finds the variable by it. Re-convert the model")


def _variable_of(model: Model, op: Operator) -> tuple[int, ...]:
    """The ids the operator's resource operand can hold: the one its VAR_HANDLE gives, else all."""
    resources = resolve(model)
    writer = next((w for w in model.all_operators if op.inputs[0] in w.outputs), None)
    if writer is not None and writer.name == "VAR_HANDLE":
        return (resources.handle_ids[writer.index],)
    return tuple(v.id for v in resources.variables)


def _expect_size(model: Model, op: Operator, slot_tensor: int, role: str) -> None:
    tensor = model.tensors[slot_tensor]
    variables = resolve(model).variables
    for ident in _variable_of(model, op):
        variable = variables[ident]
        if variable.bytes == 0:
            raise _fail(op, f"uses resource variable '{variable.shared_name}', which no ASSIGN_VARIABLE allocates; "
                            "TFLM's READ_VARIABLE reads no buffer then. Assign it (an init subgraph run by CALL_ONCE "
                            "does) before reading")
        if variable.bytes != tensor.num_bytes and len(_variable_of(model, op)) == 1:
            raise _fail(op, f"its {role} tensor {tensor.index} '{tensor.name}' ({tensor.dtype} {list(tensor.shape)}, "
                            f"{tensor.num_bytes} bytes) does not match resource variable '{variable.shared_name}' "
                            f"({variable.dtype} {list(variable.shape)}, {variable.bytes} bytes, sized by operator "
                            f"#{variable.allocated_by}); TFLM copies the variable's size and checks they agree")


def check_read_variable(model: Model, op: Operator) -> None:
    _expect_handle(model, op)
    _expect_size(model, op, op.outputs[0], "output")


def check_assign_variable(model: Model, op: Operator) -> None:
    _expect_handle(model, op)
    _expect_size(model, op, op.inputs[1], "value")


def handle_ref(model: Model, offsets: dict[int, int], index: int) -> str:
    """C expression of a resource tensor's id: tb_resource_ids[id] for a VAR_HANDLE's output (TFLM
    keeps it in the kernel's data, not the arena), else its arena bytes (a handle copied into a
    subgraph's input)."""
    writer = next((w for w in model.all_operators if index in w.outputs), None)
    if writer is not None and writer.name == "VAR_HANDLE":
        return f"&tb_resource_ids[{resolve(model).handle_ids[writer.index]}]"
    return f"(int32_t *)&tb_arena[{offsets[index]}]"


def _handle(ctx: EmitContext, op: Operator) -> str:
    return handle_ref(ctx.model, ctx.plan.offsets, op.inputs[0])


def emit_var_handle(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    ident = resolve(ctx.model).handle_ids[op.index]
    container, name = op.options.get("container") or b"", op.options.get("shared_name") or b""
    note = f"resource '{bytes(container).decode(errors='replace')}/{bytes(name).decode(errors='replace')}' is id {ident}"
    return layer(plan, "tb_var_handle", (f"&tb_resource_ids[{ident}]", f"{ident}"), (), HEADER, note)


def emit_read_variable(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    out = ctx.tensor(op.outputs[0])
    return layer(plan, "tb_read_variable", (TABLE, _handle(ctx, op), f"(void *)&tb_arena[{ctx.plan.offsets[out.index]}]",
                                            f"{out.num_bytes}u"), (), HEADER)


def plan_value(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(constants=input_constant(ctx.model, op.inputs[1], f"tb_l{op.index}_value",
                                            f"Layer {op.index}: ASSIGN_VARIABLE value"))


def emit_assign_variable(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    value = ctx.tensor(op.inputs[1])
    source = f"tb_l{op.index}_value" if value.is_constant else f"(const void *)&tb_arena[{ctx.plan.offsets[value.index]}]"
    return layer(plan, "tb_assign_variable", (TABLE, _handle(ctx, op), source, f"{value.num_bytes}u"), (), HEADER)


def _handler(name: str, check, emit, operands: Operands, plan=None) -> OpHandler:  # type: ignore[no-untyped-def]
    variants = single(emit, plan) if plan is not None else single(emit)
    return OpHandler(name, check, variants, no_macs, TYPES, operands, max_version=1, type_configs=("any",),
                     keeps_state=True)


HANDLERS = (
    _handler("VAR_HANDLE", check_var_handle, emit_var_handle, Operands(0, 0, roles=())),
    _handler("READ_VARIABLE", check_read_variable, emit_read_variable, Operands(1, 1, roles=("resource",))),
    _handler("ASSIGN_VARIABLE", check_assign_variable, emit_assign_variable,
             Operands(2, 2, outputs=0, roles=("resource", "value")), plan_value),
)
