"""TFLM signal library: SignalFilterBankSpectralSubtraction and SignalPCAN (uint32), the noise
reduction and gain control of the audio front end.

SpectralSubtraction keeps its noise estimate in TFLM's persistent buffer, not in a tensor: here a
static array zeroed before the first inference (TFLM's Prepare) and before every partial one,
kept across inferences as the host TFLM the bench compares with keeps it (docs/internals.md).
MACs: 0.
"""
from __future__ import annotations

from ..model import Model, Operator
from .c_emit import CBuffer, CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs
from .signal_common import (int_option, operands, options, out_pointer, plan_constants, pointer, signal_layer,
                            tensor_of, unsupported)

SPECTRAL_SUBTRACTION = "CUSTOM:SignalFilterBankSpectralSubtraction"
PCAN = "CUSTOM:SignalPCAN"
_SUBTRACTION_OPTIONS = ("smoothing", "one_minus_smoothing", "alternate_smoothing", "alternate_one_minus_smoothing",
                        "min_signal_remaining", "smoothing_bits", "spectral_subtraction_bits")
PCAN_LUT_SIZE = 125  # entries TFLM's gain lookup reads for any uint32 noise estimate


def check_spectral_subtraction(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "uint32", rank=1)
    out = tensor_of(model, op, 0, "output", "uint32", output=True, rank=1)
    noise = tensor_of(model, op, 1, "noise estimate output", "uint32", output=True, rank=1)
    channels = int_option(op, "num_channels")
    for name in _SUBTRACTION_OPTIONS:
        int_option(op, name)
    for name in ("smoothing_bits", "spectral_subtraction_bits"):
        if not 0 <= int_option(op, name) <= 31:
            raise unsupported(op, f"{name} {int_option(op, name)} (outside 0..31)")
    if channels < 1 or min(inp.num_elements, out.num_elements, noise.num_elements) < channels:
        raise unsupported(op, f"num_channels {channels} with input, output and noise estimate of "
                              f"{inp.num_elements}, {out.num_elements} and {noise.num_elements} values")
    if noise.num_elements != channels:
        raise unsupported(op, f"a noise estimate output of {noise.num_elements} values for {channels} channels")


def emit_spectral_subtraction(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix = plan.op, plan.prefix
    channels = int_option(op, "num_channels")
    state = CBuffer("uint32_t", f"{prefix}_noise", channels,
                    "noise estimate per channel, kept across inferences", reset=True)
    fields = [("num_channels", str(channels))]
    fields += [(name, f"{int_option(op, name) & 0xFFFFFFFF}u") for name in _SUBTRACTION_OPTIONS]
    fields += [("clamping", "1" if options(op).get("clamping") else "0"), ("noise", state.name)]
    params = CStruct("tb_signal_spectral_subtraction_params_t", f"{prefix}_params", tuple(fields))
    args = (f"&{params.name}", pointer(ctx, op, 0), out_pointer(ctx, op, 0), out_pointer(ctx, op, 1))
    return signal_layer(plan, "tb_signal_filter_bank_spectral_subtraction_u32", args, (params,), (state,))


def check_pcan(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "uint32", rank=1)
    noise = tensor_of(model, op, 1, "noise estimate", "uint32", rank=1)
    lut = tensor_of(model, op, 2, "gain table", "int16", constant=True, rank=1)
    out = tensor_of(model, op, 0, "output", "uint32", output=True, rank=1)
    shift = int_option(op, "snr_shift")
    if not 0 <= shift <= 63:
        raise unsupported(op, f"snr_shift {shift} (outside 0..63)")
    if out.num_elements != inp.num_elements or noise.num_elements < inp.num_elements:
        raise unsupported(op, f"input, noise estimate and output of {inp.num_elements}, {noise.num_elements} and "
                              f"{out.num_elements} values")
    if lut.num_elements < PCAN_LUT_SIZE:
        raise unsupported(op, f"a gain table of {lut.num_elements} values (TFLM reads up to {PCAN_LUT_SIZE})")


def emit_pcan(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    params = CStruct("tb_signal_pcan_params_t", f"{plan.prefix}_params", (
        ("num_channels", str(ctx.input(op).shape[0])),
        ("snr_shift", str(int_option(op, "snr_shift"))),
    ), compact=True)
    args = (f"&{params.name}", pointer(ctx, op, 0), pointer(ctx, op, 1), pointer(ctx, op, 2), out_pointer(ctx, op))
    return signal_layer(plan, "tb_signal_pcan_u32", args, (params,))


HANDLERS = (
    OpHandler(SPECTRAL_SUBTRACTION, check_spectral_subtraction, single(emit_spectral_subtraction), no_macs,
              "uint32 (noise estimate kept across inferences, second output)",
              operands(1, ("input",), outputs=2), max_version=1, keeps_state=True),
    OpHandler(PCAN, check_pcan, single(emit_pcan, plan_constants), no_macs,
              "uint32 (constant int16 gain table of 125 entries)",
              operands(3, ("input", "noise estimate", "gain table")), max_version=1),
)
