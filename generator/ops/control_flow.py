"""IF, WHILE and CALL_ONCE: operators that run other subgraphs, as TFLM's if.cc, while.cc and
call_once.cc do.

Each called subgraph is a C function of its own in tb_model.c (`tb_subgraph_<n>`, codegen.py);
the layer of a control-flow operator is a small generated function that moves the tensors and
calls them. The copies are TFLM's (kernel_util.cc), byte for byte and skipped when source and
destination are one buffer:
- IF: input 0 (bool, one element) picks then_subgraph_index or else_subgraph_index; inputs 1..
  are copied to the branch's inputs, the branch runs, its outputs are copied to the operator's
  outputs (nothing when the branch has no outputs).
- WHILE: inputs -> cond's inputs, inputs -> outputs (so the outputs hold the inputs when the loop
  never runs), run cond; while its output 0 is true: outputs -> body's inputs, run body, body's
  outputs -> outputs, outputs -> cond's inputs, run cond. A body output that is a body input (a
  loop variable passed through) is one tensor, so that is two copies through the outputs.
- CALL_ONCE: runs init_subgraph_index at the first inference only (TFLM's has_run is set in
  Prepare and never reset: MicroInterpreter::Reset resets the variables, not it).
The copies move any type (TFLM checks the two tensors' types and sizes agree), so the operators
run every type TFLM's do.
"""
from __future__ import annotations

from ..errors import MalformedGraphError
from ..model import Model, Operator, Tensor
from ..subgraphs import io_of
from .c_emit import EmitContext, Layer, layer
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .resource_variables import handle_ref
from .shape_common import input_constant

HEADER = "control/tb_control.h"
TYPES = "any (bytes are copied between the tensors of caller and callee)"


def subgraph_function(number: int) -> str:
    return f"tb_subgraph_{number}"


def _fail(op: Operator, message: str) -> MalformedGraphError:
    return MalformedGraphError(op.index, op.name, message)


def _expect_pairs(model: Model, op: Operator, sources: tuple[int, ...], targets: tuple[int, ...],
                  what: str) -> None:
    """TFLM's ValidateAndGetTensorSizes: each pair has one type and one size."""
    for i, (a, b) in enumerate(zip(sources, targets)):
        ta, tb = model.tensors[a], model.tensors[b]
        if ta.dtype != tb.dtype or ta.num_bytes != tb.num_bytes:
            raise _fail(op, f"{what} {i}: tensor {a} '{ta.name}' ({ta.dtype} {list(ta.shape)}) and tensor {b} "
                            f"'{tb.name}' ({tb.dtype} {list(tb.shape)}) differ in type or size; TFLM copies one "
                            "into the other and refuses that. Re-convert the model with static shapes")


def _expect_count(op: Operator, got: int, want: int, what: str) -> None:
    if got != want:
        raise _fail(op, f"has {want} {what}, but the subgraph it calls has {got}; TFLM's Prepare refuses that")


def _expect_bool_scalar(op: Operator, tensor: Tensor, role: str) -> None:
    if tensor.dtype != "bool" or tensor.num_elements != 1:
        raise _fail(op, f"its {role} tensor {tensor.index} '{tensor.name}' is {tensor.dtype} {list(tensor.shape)}; "
                        "TFLM reads one bool there")


def check_if(model: Model, op: Operator) -> None:
    cond = model.tensors[op.inputs[0]]
    _expect_bool_scalar(op, cond, "condition (input 0)")
    then_index, else_index = int(op.options["then_subgraph_index"]), int(op.options["else_subgraph_index"])
    for branch in (then_index, else_index):
        inputs, outputs = io_of(model, branch)
        _expect_count(op, len(inputs), len(op.inputs) - 1, f"inputs after the condition (subgraph {branch})")
        if outputs:
            _expect_count(op, len(outputs), len(op.outputs), f"outputs (subgraph {branch})")
        _expect_pairs(model, op, op.inputs[1:], inputs, f"input (subgraph {branch})")
        _expect_pairs(model, op, outputs, op.outputs, f"subgraph {branch} output")


def check_while(model: Model, op: Operator) -> None:
    cond_index, body_index = int(op.options["cond_subgraph_index"]), int(op.options["body_subgraph_index"])
    cond_in, cond_out = io_of(model, cond_index)
    body_in, body_out = io_of(model, body_index)
    _expect_count(op, len(op.outputs), len(op.inputs), "inputs and outputs (as many of each)")
    _expect_count(op, len(cond_in), len(op.inputs), f"inputs (cond subgraph {cond_index})")
    _expect_count(op, len(body_in), len(op.inputs), f"inputs (body subgraph {body_index})")
    _expect_count(op, len(body_out), len(op.outputs), f"outputs (body subgraph {body_index})")
    if not cond_out:
        raise _fail(op, f"its cond subgraph {cond_index} has no output; TFLM reads its output 0 as the condition")
    _expect_bool_scalar(op, model.tensors[cond_out[0]], f"cond subgraph {cond_index} output 0")
    _expect_pairs(model, op, op.inputs, op.outputs, "input/output")
    _expect_pairs(model, op, op.inputs, cond_in, "cond input")
    _expect_pairs(model, op, op.inputs, body_in, "body input")
    _expect_pairs(model, op, body_out, op.outputs, "body output")


def check_call_once(model: Model, op: Operator) -> None:
    inputs, outputs = io_of(model, int(op.options["init_subgraph_index"]))
    del inputs, outputs  # TFLM runs the init subgraph without moving any tensor


def _constant_name(op: Operator, index: int) -> str:
    return f"tb_l{op.index}_t{index}"


def plan_control(ctx: PlanContext, op: Operator) -> Planned:
    """Every constant tensor the generated code copies from (an operator input, a subgraph
    output that is a constant) or reads (a condition) becomes a flash array."""
    model = ctx.model
    seen: list[int] = []
    candidates = [i for i in op.inputs if i >= 0]
    for number in _callees(op):
        candidates += list(io_of(model, number)[1])
    constants: tuple[Constant, ...] = ()
    for index in candidates:
        if index in seen or not model.tensors[index].is_constant:
            continue
        seen.append(index)
        constants += input_constant(model, index, _constant_name(op, index), f"Layer {op.index}: {op.name} tensor {index}")
    return Planned(constants=constants)


def _callees(op: Operator) -> tuple[int, ...]:
    names = {"IF": ("then_subgraph_index", "else_subgraph_index"),
             "WHILE": ("cond_subgraph_index", "body_subgraph_index"),
             "CALL_ONCE": ("init_subgraph_index",)}[op.name]
    return tuple(int(op.options[name]) for name in names)


def _ref(ctx: EmitContext, op: Operator, index: int, const: bool = True) -> str:
    if ctx.tensor(index).is_constant:
        return _constant_name(op, index)
    if index not in ctx.plan.offsets and ctx.tensor(index).dtype == "resource":  # a VAR_HANDLE's output
        return f"({'const ' if const else ''}void *){handle_ref(ctx.model, ctx.plan.offsets, index)}"
    qualifier = "const " if const else ""
    return f"({qualifier}void *)&tb_arena[{ctx.plan.offsets[index]}]"


def _copies(ctx: EmitContext, op: Operator, sources: tuple[int, ...], targets: tuple[int, ...], what: str,
            indent: str) -> list[str]:
    lines = []
    for i, (src, dst) in enumerate(zip(sources, targets)):
        if src == dst:
            continue  # one tensor (a body input passed through as its output)
        nbytes = ctx.tensor(dst).num_bytes
        lines.append(f"{indent}(void)tb_copy_tensor({_ref(ctx, op, dst, const=False)}, {_ref(ctx, op, src)}, {nbytes}u);"
                     f" /* {what} {i}: tensor {src} -> {dst} */")
    return lines


def _call(number: int, model: Model, indent: str) -> list[str]:
    name = model.subgraph(number).name
    return [f"{indent}status = {subgraph_function(number)}(); /* subgraph {number} '{name}' */",
            f"{indent}if (status != TB_OK) {{", f"{indent}    return status;", f"{indent}}}"]


def _bool_at(ctx: EmitContext, op: Operator, index: int) -> str:
    return f"*(const bool *){_ref(ctx, op, index)}"


def _function(op: Operator, body: list[str], uses_status: bool = True) -> tuple[str, ...]:
    name = f"tb_l{op.index}_{op.name.lower()}"
    head = [f"static tb_status_t {name}(void)", "{"]
    if uses_status:
        head.append("    tb_status_t status;")
    return (*head, *body, "    return TB_OK;", "}")


def emit_if(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, model = plan.op, ctx.model
    then_index, else_index = _callees(op)
    body = [f"    if ({_bool_at(ctx, op, op.inputs[0])}) {{"]
    for number, close in ((then_index, "    } else {"), (else_index, "    }")):
        inputs, outputs = io_of(model, number)
        body += _copies(ctx, op, op.inputs[1:], inputs, "input", "        ")
        body += _call(number, model, "        ")
        if outputs:
            body += _copies(ctx, op, outputs, op.outputs, "output", "        ")
        body.append(close)
    note = (f"subgraph {then_index} '{model.subgraph(then_index).name}' when input 0 is true, else subgraph "
            f"{else_index} '{model.subgraph(else_index).name}'")
    return _layer(plan, op, body, note)


def emit_while(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, model = plan.op, ctx.model
    cond_index, body_index = _callees(op)
    cond_in, cond_out = io_of(model, cond_index)
    body_in, body_out = io_of(model, body_index)
    ins, outs = op.inputs, op.outputs
    body = _copies(ctx, op, ins, cond_in, "input -> cond input", "    ")
    body += _copies(ctx, op, ins, outs, "input -> output", "    ")
    body += _call(cond_index, model, "    ")
    body.append(f"    while ({_bool_at(ctx, op, cond_out[0])}) {{")
    body += _copies(ctx, op, outs, body_in, "output -> body input", "        ")
    body += _call(body_index, model, "        ")
    body += _copies(ctx, op, body_out, outs, "body output -> output", "        ")
    body += _copies(ctx, op, outs, cond_in, "output -> cond input", "        ")
    body += _call(cond_index, model, "        ")
    body.append("    }")
    note = (f"cond subgraph {cond_index} '{model.subgraph(cond_index).name}', body subgraph {body_index} "
            f"'{model.subgraph(body_index).name}'")
    return _layer(plan, op, body, note)


def emit_call_once(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, model = plan.op, ctx.model
    (init_index,) = _callees(op)
    flag = f"tb_l{op.index}_has_run"
    body = [f"    if ({flag}) {{", "        return TB_OK;", "    }"]
    body += _call(init_index, model, "    ")
    body.append(f"    {flag} = 1u;")
    note = f"subgraph {init_index} '{model.subgraph(init_index).name}' at the first inference only"
    made = _layer(plan, op, body, note)
    return Layer(made.index, made.op_name, made.op_index, made.function, made.args, made.structs, made.arrays,
                 made.header, made.note, made.buffers, made.code, once_flags=(flag,))


def _layer(plan: LayerPlan, op: Operator, body: list[str], note: str) -> Layer:
    made = layer(plan, f"tb_l{op.index}_{op.name.lower()}", (), (), HEADER, note)
    return Layer(made.index, made.op_name, made.op_index, made.function, made.args, made.structs, made.arrays,
                 made.header, made.note, made.buffers, _function(op, body))


def _handler(name: str, check, emit, operands: Operands) -> OpHandler:  # type: ignore[no-untyped-def]
    return OpHandler(name, check, single(emit, plan_control), no_macs, TYPES, operands, max_version=1,
                     type_configs=("any",), keeps_state=name == "CALL_ONCE")


HANDLERS = (
    _handler("IF", check_if, emit_if, Operands(1, None, outputs=None, roles=("condition", "inputs"))),
    _handler("WHILE", check_while, emit_while, Operands(1, None, outputs=None, roles=("loop variables",))),
    _handler("CALL_ONCE", check_call_once, emit_call_once, Operands(0, 0, outputs=0, roles=())),
)
