"""TFLM signal library: SignalWindow and SignalFftAutoScale (int16), the first steps of the audio
front end. MACs: SignalWindow one multiply per value; SignalFftAutoScale 0."""
from __future__ import annotations

from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs
from .signal_common import (int_option, operands, out_pointer, plan_constants, pointer, signal_layer,
                            tensor_of, unsupported)

WINDOW = "CUSTOM:SignalWindow"
AUTO_SCALE = "CUSTOM:SignalFftAutoScale"


def check_window(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "int16")
    weights = tensor_of(model, op, 1, "window", "int16", constant=True, rank=1)
    out = tensor_of(model, op, 0, "output", "int16", output=True)
    shift = int_option(op, "shift")
    if not 0 <= shift <= 31:
        raise unsupported(op, f"shift {shift} (outside 0..31)")
    if not inp.shape or inp.shape[-1] != weights.shape[0] or out.shape != inp.shape:
        raise unsupported(op, f"an input of shape {list(inp.shape)} with a window of {weights.shape[0]} values "
                              f"and an output of shape {list(out.shape)} (the last dimension must be the window's)")


def emit_window(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    params = CStruct("tb_signal_window_params_t", f"{plan.prefix}_params", (
        ("size", str(ctx.input(op).num_elements)),
        ("window_size", str(ctx.tensor(op.inputs[1]).shape[0])),
        ("shift", str(int_option(op, "shift"))),
    ))
    args = (f"&{params.name}", pointer(ctx, op, 0), pointer(ctx, op, 1), out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_window_s16", args, (params,))


def window_macs(model: Model, op: Operator) -> int:
    return model.tensors[op.inputs[0]].num_elements


def check_auto_scale(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "int16", rank=1)
    out = tensor_of(model, op, 0, "output", "int16", output=True, rank=1)
    scale = tensor_of(model, op, 1, "scale bits output", "int32", output=True, rank=0)
    if len(out.shape) != 1 or out.num_elements != inp.num_elements or scale.num_elements != 1:
        raise unsupported(op, f"an input of shape {list(inp.shape)}, output {list(out.shape)} and scale bits "
                              f"{list(scale.shape)} (TFLM scales the output's first dimension: a 1-D output "
                              "as large as the input, one scale value)")


def emit_auto_scale(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    args = (str(ctx.output(op).num_elements), pointer(ctx, op, 0), out_pointer(ctx, op, 0), out_pointer(ctx, op, 1))
    return signal_layer(plan, "tb_signal_fft_auto_scale_s16", args)


HANDLERS = (
    OpHandler(WINDOW, check_window, single(emit_window, plan_constants), window_macs,
              "int16 (constant int16 window, applied to each block of the last dimension)",
              operands(2, ("input", "window")), max_version=1),
    OpHandler(AUTO_SCALE, check_auto_scale, single(emit_auto_scale), no_macs,
              "int16 (1-D; second output: int32 scale bits)", operands(1, ("input",), outputs=2), max_version=1),
)
