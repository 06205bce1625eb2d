"""UNIDIRECTIONAL_SEQUENCE_LSTM: the standard LSTM TFLM runs, int8 (int8 weights, int32 biases,
int16 cell state: TFLM's "8x8->16" integer LSTM), int16 (int8 weights, int64 biases, int16 cell
state: TFLM's "16x8" integer LSTM), both bit-exact, and float32.

TFLM's kernel (micro/kernels/unidirectional_sequence_lstm.cc) takes exactly 24 inputs and runs
only the standard LSTM of the Keras layer: all four gates' input and recurrent weights and
biases, no peephole (inputs 9-11), no projection (16-17), no layer norm (20-23); its Prepare
refuses those, and so do we. The hidden state (18) and cell state (19) are variable tensors:
the firmware sets them as TFLM's AllocateTensors does (int8 to the zero point, else 0) before
the first inference and keeps them between inferences, as the host-TFLM oracle's interpreter
does across the samples of one run. The integer parameters come from generator/lstm_quant.py.
MACs: per time step and batch row, 4 gates x state units x (input size + state size).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import MalformedModelError, UnsupportedTensorError
from ..lstm_quant import GATES, LstmQuant, Rescale, lstm_quant
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..quantization import QuantParamError
from . import checks, conv_common, dsp_requant
from .add_sub_common import unsupported
from .c_emit import CStruct, EmitContext, Layer, c_float, comment_text, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant, single
from .registry import OpHandler, Operands

HEADER = "lstm/tb_lstm.h"

INPUT = 0
# Weights and biases in our gate order (input, forget, cell, output), as TFLM's slots.
INPUT_WEIGHTS = (1, 2, 3, 4)
RECURRENT_WEIGHTS = (5, 6, 7, 8)
PEEPHOLE = (9, 10, 11)
BIASES = (12, 13, 14, 15)
PROJECTION = (16, 17)
HIDDEN_STATE = 18
CELL_STATE = 19
LAYER_NORM = (20, 21, 22, 23)
ABSENT_SLOTS = (*PEEPHOLE, *PROJECTION, *LAYER_NORM)  # what TFLM's kernel requires absent

ROLES = (
    "input",
    *(f"input-to-{g} weights" for g in GATES),
    *(f"recurrent-to-{g} weights" for g in GATES),
    "cell-to-input peephole", "cell-to-forget peephole", "cell-to-output peephole",
    *(f"{g} gate bias" for g in GATES),
    "projection weights", "projection bias",
    "hidden state", "cell state",
    *(f"{g} layer norm" for g in GATES),
)
TFLM_RUNTIME_FIX = ("run the model with --runtime tflm (your TFLM library) or export the LSTM as int8 or int16 "
                    "(16x8) with an int16 cell state or as float32")
GATE_SHIFT_MAX_16X8 = 7  # TFLM's 64-bit MultiplyByQuantizedMultiplier takes shifts -31..7


@dataclass(frozen=True)
class LstmLayer:
    """An LSTM as data: tensors, sizes and (int8) the derived quantization."""

    inp: Tensor
    input_weights: tuple[Tensor, ...]
    recurrent_weights: tuple[Tensor, ...]
    biases: tuple[Tensor, ...]
    hidden: Tensor
    cell: Tensor
    out: Tensor
    batches: int
    time_steps: int
    input_size: int
    state_size: int
    time_major: bool
    cell_clip: float
    quant: LstmQuant | None  # int8 and int16 only


def _tensors(model: Model, op: Operator, slots_: tuple[int, ...], role: str) -> tuple[Tensor, ...]:
    return tuple(checks.required(model, op, s, ROLES[s] if s < len(ROLES) else role) for s in slots_)


def check(model: Model, op: Operator) -> None:
    present = [s for s in ABSENT_SLOTS if s < len(op.inputs) and op.inputs[s] != -1]
    if present:
        names = ", ".join(f"{ROLES[s]} (input {s})" for s in present)
        raise unsupported(op, f"an LSTM with {names}; TFLM's kernel runs only the standard LSTM (no peephole, "
                              "projection or layer norm) and refuses this model too, so export the LSTM without them")
    activation = op.options.get("fused_activation_function", "TANH")
    if activation != "TANH":
        raise unsupported(op, f"cell activation {activation}; TFLM's LSTM kernel supports TANH only")
    inp = checks.required(model, op, INPUT, "input")
    hidden = checks.required(model, op, HIDDEN_STATE, "hidden state")
    cell = checks.required(model, op, CELL_STATE, "cell state")
    out = checks.required(model, op, 0, "output")
    weights = _tensors(model, op, INPUT_WEIGHTS + RECURRENT_WEIGHTS, "weights")
    biases = _tensors(model, op, BIASES, "bias")
    for state, role in ((hidden, "hidden state"), (cell, "cell state")):
        if not state.is_variable:
            raise UnsupportedTensorError(state.name, state.dtype,
                                         f"{op.name} (operator #{op.index}) needs its {role} to be a variable tensor, "
                                         "as TFLM requires; re-export the model with the TFLite converter")
    checks.expect_not_constant(op, inp, "input")
    if inp.dtype == "float32":
        _check_float(op, inp, hidden, cell, out, weights, biases)
    elif inp.dtype == "int8":
        _check_integer(op, inp, hidden, cell, out, weights, biases)
    elif inp.dtype == "int16":
        _check_integer(op, inp, hidden, cell, out, weights, biases)
    else:
        raise UnsupportedTensorError(inp.name, inp.dtype, f"{op.name} (operator #{op.index}) needs an int8 or "
                                     "float32 input (TFLM's kernel runs int8, int16 and float32)")
    _check_shapes(op, inp, hidden, cell, out, weights, biases)
    for t in weights + biases:
        if not t.is_constant:
            raise UnsupportedTensorError(t.name, t.dtype, f"{op.name} (operator #{op.index}) needs constant "
                                         f"weights and biases; {TFLM_RUNTIME_FIX}")


def _check_float(op: Operator, inp: Tensor, hidden: Tensor, cell: Tensor, out: Tensor,
                 weights: tuple[Tensor, ...], biases: tuple[Tensor, ...]) -> None:
    for t, role in ((hidden, "hidden state"), (cell, "cell state"), (out, "output")):
        checks.expect_dtype(op, t, role, ("float32",))
    for t in weights + biases:
        if t.dtype != "float32":
            raise unsupported(op, f"a float32 LSTM with {t.dtype} weights or biases ('{t.name}', a hybrid "
                                  "quantized LSTM, which TFLM's kernel does not run); convert it with float32 "
                                  "weights or full-integer int8")


def _check_integer(op: Operator, inp: Tensor, hidden: Tensor, cell: Tensor, out: Tensor,
                   weights: tuple[Tensor, ...], biases: tuple[Tensor, ...]) -> None:
    """int8 (8x8->16: int32 biases) or int16 (16x8: int64 biases) activations, int8 weights."""
    kind, bias_dtype = ("int8", "int32") if inp.dtype == "int8" else ("int16", "int64")
    name = "8x8->16" if inp.dtype == "int8" else "16x8"
    checks.expect_dtype(op, hidden, "hidden state", (kind,))
    checks.expect_dtype(op, out, "output", (kind,))
    if cell.dtype != "int16":
        raise unsupported(op, f"an {kind} LSTM with a {cell.dtype} cell state (TFLM requires int16)")
    for t in weights:
        if t.dtype != "int8":
            raise unsupported(op, f"{kind} activations with {t.dtype} weights ('{t.name}'); {TFLM_RUNTIME_FIX}")
    for t in biases:
        if t.dtype != bias_dtype:
            raise unsupported(op, f"{kind} activations with {t.dtype} biases ('{t.name}'; TFLM's {name} LSTM reads "
                                  f"{bias_dtype} biases)")
    for t, role in ((inp, "input"), (hidden, "hidden state"), (cell, "cell state")):
        checks.expect_per_tensor(op, t, role)
    for t, role in zip(weights, ROLES[1:9]):
        checks.expect_per_tensor(op, t, role)
        assert t.quantization is not None
        if t.quantization.zero_points[0] != 0:
            raise UnsupportedTensorError(t.name, t.dtype, f"{op.name} (operator #{op.index}) {role} have zero point "
                                         f"{t.quantization.zero_points[0]}; TFLM's LSTM assumes symmetric weights "
                                         "(zero point 0), re-export with the TFLite converter")
    try:
        quant = _quant(op, inp, weights, hidden, cell)
    except QuantParamError as exc:
        raise checks.quantization_refused(op, cell, exc) from None
    if inp.dtype == "int16":
        for gate, g in zip(GATES, quant.gates):
            for rescale, what in ((g.input_rescale, "input x weights"), (g.recurrent_rescale, "hidden x weights")):
                if rescale.shift > GATE_SHIFT_MAX_16X8:
                    raise unsupported(op, f"a 16x8 LSTM whose {gate} gate {what} rescaling needs a left shift of "
                                          f"{rescale.shift} (TFLM's 64-bit rescaling takes at most "
                                          f"{GATE_SHIFT_MAX_16X8}); re-quantize with smaller input or weight scales")


def _quant(op: Operator, inp: Tensor, weights: tuple[Tensor, ...], hidden: Tensor, cell: Tensor) -> LstmQuant:
    return lstm_quant(inp, weights[:4], weights[4:], hidden, cell, float(op.options.get("cell_clip", 0.0)))


def _check_shapes(op: Operator, inp: Tensor, hidden: Tensor, cell: Tensor, out: Tensor,
                  weights: tuple[Tensor, ...], biases: tuple[Tensor, ...]) -> None:
    where = f"operator #{op.index} {op.name}"
    if len(inp.shape) != 3:
        raise MalformedModelError(f"{where}: input shape {list(inp.shape)} is not 3-D (TFLM reads [batch, time, "
                                  "features], or [time, batch, features] when time major)")
    if len(hidden.shape) != 2:
        raise MalformedModelError(f"{where}: hidden state shape {list(hidden.shape)} is not 2-D [batch, units]")
    batches, time_steps, input_size, state_size = _sizes(op, inp, hidden)
    for t in weights[:4]:
        if tuple(t.shape) != (state_size, input_size):
            raise MalformedModelError(f"{where}: input weights '{t.name}' have shape {list(t.shape)}, TFLM requires "
                                      f"[{state_size}, {input_size}]")
    for t in weights[4:]:
        if tuple(t.shape) != (state_size, state_size):
            raise MalformedModelError(f"{where}: recurrent weights '{t.name}' have shape {list(t.shape)}, TFLM "
                                      f"requires [{state_size}, {state_size}]")
    for t in biases:
        if tuple(t.shape) != (state_size,):
            raise MalformedModelError(f"{where}: bias '{t.name}' has shape {list(t.shape)}, TFLM requires "
                                      f"[{state_size}]")
    for t, role in ((hidden, "hidden state"), (cell, "cell state")):
        if t.num_elements != batches * state_size:
            raise MalformedModelError(f"{where}: the {role} holds {t.num_elements} values, TFLM requires batch "
                                      f"{batches} x {state_size} units")
    if len(out.shape) != 3 or tuple(out.shape[:2]) != tuple(inp.shape[:2]) or out.shape[2] != state_size:
        raise MalformedModelError(f"{where}: output shape {list(out.shape)}, TFLM requires "
                                  f"[{inp.shape[0]}, {inp.shape[1]}, {state_size}]")


def _sizes(op: Operator, inp: Tensor, hidden: Tensor) -> tuple[int, int, int, int]:
    time_major = bool(op.options.get("time_major", False))
    batches, time_steps = (inp.shape[1], inp.shape[0]) if time_major else (inp.shape[0], inp.shape[1])
    return batches, time_steps, inp.shape[2], hidden.shape[1]


def _lstm(model: Model, op: Operator) -> LstmLayer:
    inp = checks.required(model, op, INPUT, "input")
    hidden = checks.required(model, op, HIDDEN_STATE, "hidden state")
    cell = checks.required(model, op, CELL_STATE, "cell state")
    weights = _tensors(model, op, INPUT_WEIGHTS + RECURRENT_WEIGHTS, "weights")
    biases = _tensors(model, op, BIASES, "bias")
    batches, time_steps, input_size, state_size = _sizes(op, inp, hidden)
    quant = _quant(op, inp, weights, hidden, cell) if inp.dtype in ("int8", "int16") else None
    return LstmLayer(inp, weights[:4], weights[4:], biases, hidden, cell, checks.required(model, op, 0, "output"),
                     batches, time_steps, input_size, state_size, bool(op.options.get("time_major", False)),
                     float(op.options.get("cell_clip", 0.0)), quant)


def macs(model: Model, op: Operator) -> int:
    lstm = _lstm(model, op)
    return lstm.batches * lstm.time_steps * 4 * lstm.state_size * (lstm.input_size + lstm.state_size)


def _plan(ctx: PlanContext, op: Operator) -> Planned:
    lstm = _lstm(ctx.model, op)
    where, prefix = f"Layer {op.index}: {op.name}", f"tb_l{op.index}"
    constants = []
    for gate, wx, wh, bias in zip(GATES, lstm.input_weights, lstm.recurrent_weights, lstm.biases):
        constants += [
            conv_common.tensor_constant(f"{prefix}_{gate}_input_weights", wx,
                                        f"{where} input-to-{gate} weights", 16, 4),
            conv_common.tensor_constant(f"{prefix}_{gate}_recurrent_weights", wh,
                                        f"{where} recurrent-to-{gate} weights", 16, 4),
            conv_common.tensor_constant(f"{prefix}_{gate}_bias", bias, f"{where} {gate} gate bias", 8, 11),
        ]
    return Planned(lstm, tuple(constants))


def _quant_field(multiplier: int, shift: int) -> str:
    return f"{{.multiplier = {multiplier}, .shift = {shift}}}"


def _gate_list(values: list[str]) -> str:
    return "{" + ", ".join(values) + "}"


def _emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    lstm: LstmLayer = plan.params
    prefix = plan.prefix
    kind = {"int8": "s8", "int16": "s16"}.get(lstm.inp.dtype, "f32")
    dims = CStruct("tb_lstm_dims_t", f"{prefix}_dims", (
        ("batches", str(lstm.batches)), ("time_steps", str(lstm.time_steps)), ("input_size", str(lstm.input_size)),
        ("state_size", str(lstm.state_size)), ("time_major", "1" if lstm.time_major else "0"),
    ))
    weights = CStruct(f"tb_lstm_{kind}_weights_t", f"{prefix}_weights", (
        ("input_weights", _gate_list([f"{prefix}_{g}_input_weights" for g in GATES])),
        ("recurrent_weights", _gate_list([f"{prefix}_{g}_recurrent_weights" for g in GATES])),
        ("bias", _gate_list([f"{prefix}_{g}_bias" for g in GATES])),
    ))
    q = lstm.quant
    if q is None:
        params = CStruct("tb_lstm_f32_params_t", f"{prefix}_params",
                         (("cell_clip", c_float(max(lstm.cell_clip, 0.0))),), compact=True)
    else:
        params = CStruct(f"tb_lstm_{kind}_params_t", f"{prefix}_params", (
            ("input_offset", str(q.input_offset)),
            ("hidden_offset", str(q.hidden_offset)),
            ("input_rescale", _gate_list([_quant_field(g.input_rescale.multiplier, g.input_rescale.shift)
                                          for g in q.gates])),
            ("recurrent_rescale", _gate_list([_quant_field(g.recurrent_rescale.multiplier, g.recurrent_rescale.shift)
                                              for g in q.gates])),
            ("forget_cell", _quant_field(q.forget_cell.multiplier, q.forget_cell.shift)),
            ("input_cell", _quant_field(q.input_cell.multiplier, q.input_cell.shift)),
            ("hidden", _quant_field(q.hidden.multiplier, q.hidden.shift)),
            ("hidden_zero_point", str(q.hidden_zero_point)),
            ("cell_clip", str(q.cell_clip)),
            ("tanh_multiplier", str(q.tanh_multiplier)),
            ("tanh_shift", str(q.tanh_shift)),
        ))
    args = (
        f"&{prefix}_params", f"&{prefix}_dims", f"&{prefix}_weights",
        ctx.arena_pointer(lstm.inp.index, const=True),
        ctx.arena_pointer(lstm.hidden.index, const=False),
        ctx.arena_pointer(lstm.cell.index, const=False),
        ctx.arena_pointer(lstm.out.index, const=False),
    )
    return layer(plan, f"tb_unidirectional_sequence_lstm_{kind}", args, (params, dims, weights), HEADER)


# ---- The optimized (DSP) int8 variant: firmware/kernels/lstm/lstm_s8_dsp.c (lstm/tb_lstm_dsp.h) ----
# Everything constant is folded here: int16 weights in the kernel's reading order, the zero points
# in the biases (bias + input offset x row sum; hidden offset x row sum), each part's doubling and
# left shift in its weights, and the rescalings in the folded SMMLAR form. Applies when that form is
# exact for every int8 input (else the reference kernel runs).

DSP_HEADER = "lstm/tb_lstm_dsp.h"
_ACC_LIMIT = 2**31  # |doubled, left-shifted accumulator| must stay below
_ADDEND_LIMIT = 2**30  # |SMMLAR addend| must stay below
_MAX_RIGHT_SHIFT = 30


@dataclass(frozen=True)
class DspRescale:
    """tb_lstm_dsp_rescale_t: SMMLAR(acc2, multiplier, round + (acc2 < 0 ? sign : 0)) >> shift."""

    multiplier: int
    round: int
    sign: int
    shift: int

    def c_value(self) -> str:
        return f"{{.multiplier = {self.multiplier}, .round = {self.round}, .sign = {self.sign}, .shift = {self.shift}}}"


@dataclass(frozen=True)
class DspLstm:
    """The dsp variant's plan: the layer, the folded rescalings and the two constant arrays."""

    lstm: LstmLayer
    input_rescale: tuple[DspRescale, ...]
    recurrent_rescale: tuple[DspRescale, ...]
    forget_cell: DspRescale
    input_cell: DspRescale
    hidden: DspRescale
    weights: np.ndarray  # int16, the kernel's reading order (tb_lstm_dsp.h)
    bias: np.ndarray  # int32, per block of 4 units: 4 gates x (4 input + 4 recurrent)


def _dsp_rescale(rescale: Rescale) -> tuple[DspRescale, int] | None:
    """The folded form of a TFLM (multiplier, shift) and the left shift its input takes (put in
    the weights), or None when the form cannot hold it."""
    if rescale.shift > 0:
        return DspRescale(rescale.multiplier, 0, 0, 0), rescale.shift
    e = -rescale.shift
    if e > _MAX_RIGHT_SHIFT:
        return None
    rounding = dsp_requant.rounding_word(rescale.shift, 0)
    assert abs(rounding) + 1 < _ADDEND_LIMIT  # 2^(e-1) with e <= 30
    return DspRescale(rescale.multiplier, rounding, -1 if e >= 1 else 0, e), 0


def _dsp_part(weights: Tensor, rescale: Rescale, offset: int, bias: np.ndarray,
              ) -> tuple[DspRescale, np.ndarray, np.ndarray] | None:
    """One gate's input or recurrent part: its rescaling, its weights [S, 1, L] and folded bias
    [S], both scaled by 2^(1 + left shift); None when an accumulator could leave the exact range."""
    folded = _dsp_rescale(rescale)
    if folded is None:
        return None
    q, left = folded
    w = np.asarray(weights.data, dtype=np.int64).reshape(weights.shape)
    scale = 1 << (1 + left)
    bias_folded = bias + offset * w.sum(axis=1)
    bound = (np.abs(bias_folded) + 128 * np.abs(w).sum(axis=1)) * scale
    if np.any(bound >= _ACC_LIMIT) or np.any(np.abs(w) * scale > 32767):
        return None
    return q, (w * scale)[:, None, :], bias_folded * scale


def _dsp_lstm(model: Model, op: Operator) -> DspLstm | None:
    lstm = _lstm(model, op)
    q = lstm.quant
    if q is None:
        return None
    muls = [_dsp_rescale(r) for r in (q.forget_cell, q.input_cell, q.hidden)]
    if any(m is None or m[1] != 0 for m in muls):
        return None
    forget_cell, input_cell, hidden = (m[0] for m in muls if m is not None)
    blocks = -(-lstm.state_size // 4)
    x_parts, h_parts, biases = [], [], []
    input_rescale, recurrent_rescale = [], []
    for gate, wx, wh, b in zip(q.gates, lstm.input_weights, lstm.recurrent_weights, lstm.biases):
        assert b.data is not None
        bias = np.asarray(b.data, dtype=np.int64).reshape(-1)
        x_part = _dsp_part(wx, gate.input_rescale, q.input_offset, bias)
        h_part = _dsp_part(wh, gate.recurrent_rescale, q.hidden_offset, np.zeros_like(bias))
        if x_part is None or h_part is None:
            return None
        input_rescale.append(x_part[0])
        recurrent_rescale.append(h_part[0])
        x_parts.append(conv_common.dsp_weights(x_part[1]).reshape(blocks, -1))
        h_parts.append(conv_common.dsp_weights(h_part[1]).reshape(blocks, -1))
        padded = np.zeros((2, blocks * 4), dtype=np.int64)
        padded[0, :lstm.state_size], padded[1, :lstm.state_size] = x_part[2], h_part[2]
        biases.append(padded.reshape(2, blocks, 4).transpose(1, 0, 2))  # [block][part][unit]
    weights = np.stack([np.concatenate([x, h], axis=1) for x, h in zip(x_parts, h_parts)], axis=1)  # [block][gate]
    bias_table = np.stack(biases, axis=1)  # [block][gate][part][unit]
    return DspLstm(lstm, tuple(input_rescale), tuple(recurrent_rescale), forget_cell, input_cell, hidden,
                   weights.reshape(-1).astype(np.int16), bias_table.reshape(-1).astype(np.int32))


def _dsp_applies(model: Model, op: Operator) -> bool:
    inp = checks.required(model, op, INPUT, "input")
    return inp.dtype == "int8" and _dsp_lstm(model, op) is not None


def _plan_dsp(ctx: PlanContext, op: Operator) -> Planned:
    p = _dsp_lstm(ctx.model, op)
    assert p is not None, "applies() checked it"
    where, prefix = f"Layer {op.index}: {op.name}", f"tb_l{op.index}"
    constants = (
        int_constant(f"{prefix}_weights_dsp", "int16_t", p.weights,
                     comment_text(f"{where} weights x 2^(1 + left shift), int16, per block of 4 units and gate: "
                                  "input then recurrent quads (k0, k2, k1, k3)"), 16, 6),
        int_constant(f"{prefix}_bias_dsp", "int32_t", p.bias,
                     comment_text(f"{where} biases with the zero points folded in, x 2^(1 + left shift), per block "
                                  "and gate: 4 input, 4 recurrent"), 8, 11),
    )
    return Planned(p, constants)


def _emit_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspLstm = plan.params
    lstm, prefix = p.lstm, plan.prefix
    q = lstm.quant
    assert q is not None
    dims = CStruct("tb_lstm_dims_t", f"{prefix}_dims", (
        ("batches", str(lstm.batches)), ("time_steps", str(lstm.time_steps)), ("input_size", str(lstm.input_size)),
        ("state_size", str(lstm.state_size)), ("time_major", "1" if lstm.time_major else "0"),
    ))
    params = CStruct("tb_lstm_s8_dsp_params_t", f"{prefix}_params", (
        ("weights", f"{prefix}_weights_dsp"),
        ("bias", f"{prefix}_bias_dsp"),
        ("input_rescale", _gate_list([r.c_value() for r in p.input_rescale])),
        ("recurrent_rescale", _gate_list([r.c_value() for r in p.recurrent_rescale])),
        ("forget_cell", p.forget_cell.c_value()),
        ("input_cell", p.input_cell.c_value()),
        ("hidden", p.hidden.c_value()),
        ("hidden_zero_point", str(q.hidden_zero_point)),
        ("cell_clip", str(q.cell_clip)),
        ("tanh_multiplier", str(q.tanh_multiplier)),
        ("tanh_shift", str(q.tanh_shift)),
    ))
    args = (
        f"&{prefix}_params", f"&{prefix}_dims",
        ctx.arena_pointer(lstm.inp.index, const=True),
        ctx.arena_pointer(lstm.hidden.index, const=False),
        ctx.arena_pointer(lstm.cell.index, const=False),
        ctx.arena_pointer(lstm.out.index, const=False),
    )
    return layer(plan, "tb_unidirectional_sequence_lstm_s8_dsp", args, (params, dims), DSP_HEADER)


VARIANTS = (
    Variant("dsp", KernelSet.OPTIMIZED, _plan_dsp, _emit_dsp, applies=_dsp_applies, expands_weights=True),
    *single(_emit, _plan),
)


HANDLERS = (
    OpHandler("UNIDIRECTIONAL_SEQUENCE_LSTM", check, VARIANTS, macs,
              "int8 (int8 weights, int32 biases, int16 cell state; TFLM's 8x8->16 LSTM), 16x8 (int16 activations, "
              "int8 weights, int64 biases, int16 cell state), float32; the standard LSTM only (no peephole, "
              "projection or layer norm, as TFLM)",
              Operands(24, 24, optional=frozenset(ABSENT_SLOTS), roles=ROLES), max_version=3,
              type_configs=("int8", "16x8", "float32")),
)
