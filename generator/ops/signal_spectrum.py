"""TFLM signal library: SignalEnergy, SignalFilterBank, SignalFilterBankSquareRoot and
SignalFilterBankLog, the spectrum-to-mel steps of the audio front end.

MACs: SignalEnergy two multiplies per value in its range; SignalFilterBank two per band weight;
the others 0.
"""
from __future__ import annotations

from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs
from .signal_common import (int_option, operands, out_pointer, plan_constants, pointer, signal_layer,
                            tensor_of, unsupported)

ENERGY = "CUSTOM:SignalEnergy"
FILTER_BANK = "CUSTOM:SignalFilterBank"
SQUARE_ROOT = "CUSTOM:SignalFilterBankSquareRoot"
LOG = "CUSTOM:SignalFilterBankLog"


def check_energy(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "int16", rank=1)
    out = tensor_of(model, op, 0, "output", "uint32", output=True, rank=1)
    start, end = int_option(op, "start_index"), int_option(op, "end_index")
    if 2 * out.num_elements != inp.num_elements:
        raise unsupported(op, f"an input of {inp.num_elements} int16 for {out.num_elements} energies "
                              "(one complex value, two int16, per energy)")
    if not 0 <= start <= end <= out.num_elements:
        raise unsupported(op, f"the range {start}..{end} (within 0..{out.num_elements})")


def emit_energy(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    params = CStruct("tb_signal_energy_params_t", f"{plan.prefix}_params", (
        ("start_index", str(int_option(op, "start_index"))),
        ("end_index", str(int_option(op, "end_index"))),
        ("output_size", str(ctx.output(op).num_elements)),
    ), compact=True)
    args = (f"&{params.name}", f"(const tb_cpx16_t *)(const void *){pointer(ctx, op, 0)}", out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_energy_s16", args, (params,))


def energy_macs(model: Model, op: Operator) -> int:
    return 2 * max(0, int_option(op, "end_index") - int_option(op, "start_index"))


_BANK_ROLES = ("input", "weights", "unweights", "channel frequency starts", "channel weight starts",
               "channel widths")


def check_filter_bank(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "uint32", rank=1)
    tables = [tensor_of(model, op, slot, _BANK_ROLES[slot], "int16", constant=True, rank=1) for slot in range(1, 6)]
    out = tensor_of(model, op, 0, "output", "uint64", output=True, rank=1)
    channels = int_option(op, "num_channels")
    if channels < 1 or out.num_elements != channels:
        raise unsupported(op, f"num_channels {channels} with an output of {out.num_elements} values")
    weights, unweights, starts, weight_starts, widths = (t.data for t in tables)
    assert weights is not None and unweights is not None and starts is not None
    assert weight_starts is not None and widths is not None
    for t, data in zip(tables[2:], (starts, weight_starts, widths)):
        if data.size < channels + 1:
            raise unsupported(op, f"a {t.name} table of {data.size} values (num_channels + 1 = {channels + 1})")
    for band in range(channels + 1):
        width, first, weight_first = int(widths[band]), int(starts[band]), int(weight_starts[band])
        if width < 0 or first < 0 or weight_first < 0 or first + width > inp.num_elements \
                or weight_first + width > min(weights.size, unweights.size):
            raise unsupported(op, f"band {band} (start {first}, weight start {weight_first}, width {width}) "
                                  "reaching outside the input or the weight tables")


def emit_filter_bank(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    params = CStruct("tb_signal_filter_bank_params_t", f"{plan.prefix}_params", (
        ("num_channels", str(int_option(op, "num_channels"))),
        ("weights", pointer(ctx, op, 1)),
        ("unweights", pointer(ctx, op, 2)),
        ("frequency_starts", pointer(ctx, op, 3)),
        ("weight_starts", pointer(ctx, op, 4)),
        ("widths", pointer(ctx, op, 5)),
    ))
    args = (f"&{params.name}", pointer(ctx, op, 0), out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_filter_bank_u32", args, (params,))


def filter_bank_macs(model: Model, op: Operator) -> int:
    widths = model.tensors[op.inputs[5]].data
    return 0 if widths is None else 2 * int(widths[: int_option(op, "num_channels") + 1].clip(min=0).sum())


def check_square_root(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "uint64", rank=1)
    scale = tensor_of(model, op, 1, "scale bits", "int32", rank=0)
    out = tensor_of(model, op, 0, "output", "uint32", output=True, rank=1)
    if len(inp.shape) != 1 or out.num_elements != inp.num_elements or scale.num_elements != 1:
        raise unsupported(op, f"an input of shape {list(inp.shape)}, output {list(out.shape)}, scale bits "
                              f"{list(scale.shape)} (1-D input as large as the output, one scale value)")


def emit_square_root(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    scale = ctx.tensor(op.inputs[1])
    scale_pointer = pointer(ctx, op, 1)
    if scale.is_constant:  # a constant scale: its value, not a flash array of its own
        assert scale.data is not None
        scale_pointer = f"&(const int32_t){{{int(scale.data.reshape(-1)[0])}}}"
    args = (str(ctx.input(op).shape[0]), pointer(ctx, op, 0), scale_pointer, out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_filter_bank_square_root_u64", args)


def check_log(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "uint32", rank=1)
    tensor_of(model, op, 0, "output", "int16", output=True, rank=1)
    bits = int_option(op, "input_correction_bits")
    int_option(op, "output_scale")
    if not 0 <= bits <= 31:
        raise unsupported(op, f"input_correction_bits {bits} (outside 0..31)")
    del inp


def emit_log(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    params = CStruct("tb_signal_log_params_t", f"{plan.prefix}_params", (
        ("num_channels", str(ctx.input(op).shape[0])),
        ("input_correction_bits", f"{int_option(op, 'input_correction_bits')}u"),
        ("output_scale", f"{int_option(op, 'output_scale') & 0xFFFFFFFF}u"),
    ), compact=True)
    args = (f"&{params.name}", pointer(ctx, op, 0), out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_filter_bank_log_u32", args, (params,))


HANDLERS = (
    OpHandler(ENERGY, check_energy, single(emit_energy), energy_macs,
              "int16 (complex) -> uint32 (values outside start_index..end_index are 0)",
              operands(1, ("input",)), max_version=1),
    OpHandler(FILTER_BANK, check_filter_bank, single(emit_filter_bank, plan_constants), filter_bank_macs,
              "uint32 -> uint64 (constant int16 weight and band tables)",
              operands(6, _BANK_ROLES), max_version=1, type_configs=("uint32->uint64",)),
    OpHandler(SQUARE_ROOT, check_square_root, single(emit_square_root, plan_constants), no_macs,
              "uint64 -> uint32 (int32 scale bits input)", operands(2, ("input", "scale bits")), max_version=1,
              type_configs=("uint64->uint32",)),
    OpHandler(LOG, check_log, single(emit_log), no_macs, "uint32 -> int16 (1-D)", operands(1, ("input",)),
              max_version=1),
)
