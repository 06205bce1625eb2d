"""TFLM signal library: SignalRfft, int16 (kissfft's fixed-point real FFT, FIXED_POINT 16).

The twiddles are computed here as kissfft computes them at TFLM's Init (floor(0.5 + 32767 cos),
the same for sin, in double precision) and kept in flash; the FFT's work areas are static RAM
(TFLM keeps them in persistent and scratch buffers). fft_length must factor into 4s and 2s as
kissfft factors it (powers of two). MACs: 0 (counted as none, like the other front-end steps).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Model, Operator
from .c_emit import CBuffer, CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, int_constant, single
from .registry import OpHandler, no_macs
from .signal_common import int_option, operands, out_pointer, pointer, signal_layer, tensor_of, unsupported

RFFT = "CUSTOM:SignalRfft"
INT16_TYPE_CODE = 7  # TensorType INT16, the "T" option of TFLM's RFFT
Q15_MAX = 32767


def kiss_factors(n: int) -> list[int]:
    """kissfft's factoring of the complex FFT length: 4s first, then 2s, then odd primes, as
    (radix, remaining length) pairs."""
    factors: list[int] = []
    p = 4
    floor_sqrt = math.floor(math.sqrt(n))
    while True:
        while n % p:
            p = 2 if p == 4 else 3 if p == 2 else p + 2
            if p > floor_sqrt:
                p = n
        n //= p
        factors += [p, n]
        if n <= 1:
            return factors


def _unit(phase: float) -> tuple[int, int]:
    return math.floor(0.5 + Q15_MAX * math.cos(phase)), math.floor(0.5 + Q15_MAX * math.sin(phase))


def twiddles(half: int) -> np.ndarray:
    """kissfft's twiddles of its complex FFT of length `half` (forward), as (re, im) pairs."""
    pi = 3.141592653589793238462643383279502884197169399375105820974944
    return np.array([_unit(-2 * pi * i / half) for i in range(half)], dtype=np.int64).reshape(-1)


def super_twiddles(half: int) -> np.ndarray:
    """kissfft's real-FFT split twiddles: half / 2 values."""
    pi = 3.14159265358979323846264338327
    return np.array([_unit(-pi * ((i + 1) / half + 0.5)) for i in range(half // 2)], dtype=np.int64).reshape(-1)


@dataclass(frozen=True)
class RfftPlan:
    fft_length: int
    factors: tuple[int, ...]


def check_rfft(model: Model, op: Operator) -> None:
    inp = tensor_of(model, op, 0, "input", "int16")
    out = tensor_of(model, op, 0, "output", "int16", output=True)
    if int_option(op, "T") != INT16_TYPE_CODE:
        raise unsupported(op, f"the RFFT of type code {int_option(op, 'T')} (only int16, code 7)")
    n = int_option(op, "fft_length")
    if n < 4 or n % 2:
        raise unsupported(op, f"fft_length {n} (an even length of at least 4)")
    radices = set(kiss_factors(n // 2)[0::2])
    if not radices <= {2, 4}:
        raise unsupported(op, f"fft_length {n} (kissfft radices {sorted(radices)}; only powers of two)")
    if len(inp.shape) != len(out.shape):
        raise unsupported(op, f"an input of rank {len(inp.shape)} and an output of rank {len(out.shape)} "
                              "(TFLM's RFFT needs the same rank)")
    if not inp.shape or inp.shape[-1] > n:
        raise unsupported(op, f"an input of shape {list(inp.shape)} for fft_length {n} (frames at most that long)")
    frames = inp.num_elements // inp.shape[-1]
    if out.shape[-1] != 2 * (n // 2 + 1) or out.num_elements != frames * out.shape[-1]:
        raise unsupported(op, f"an output of shape {list(out.shape)} (fft_length / 2 + 1 complex values per frame, "
                              f"{2 * (n // 2 + 1)} int16)")


def plan_rfft(ctx: PlanContext, op: Operator) -> Planned:
    n = int_option(op, "fft_length")
    half = n // 2
    where = f"Layer {op.index}: {op.key}"
    prefix = f"tb_l{op.index}"
    factors = tuple(kiss_factors(half))
    return Planned(RfftPlan(n, factors), (
        int_constant(f"{prefix}_factors", "int16_t", factors, f"{where} kissfft factors (radix, remaining length)",
                     12, 6),
        int_constant(f"{prefix}_twiddles", "int16_t", twiddles(half), f"{where} twiddles (re, im), Q15", 12, 7),
        int_constant(f"{prefix}_super_twiddles", "int16_t", super_twiddles(half),
                     f"{where} real-split twiddles (re, im), Q15", 12, 7),
    ))


def emit_rfft(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix = plan.op, plan.prefix
    rp: RfftPlan = plan.params
    inp, out = ctx.input(op), ctx.output(op)
    work = CBuffer("int16_t", f"{prefix}_work", rp.fft_length, "a frame, zero-padded to fft_length")
    spectrum = CBuffer("tb_cpx16_t", f"{prefix}_spectrum", rp.fft_length // 2, "the half-length complex FFT")
    params = CStruct("tb_signal_rfft_params_t", f"{prefix}_params", (
        ("fft_length", str(rp.fft_length)),
        ("input_length", str(inp.shape[-1])),
        ("frames", str(inp.num_elements // inp.shape[-1])),
        ("output_length", str(out.shape[-1] // 2)),
        ("factors", f"{prefix}_factors"),
        ("twiddles", f"(const tb_cpx16_t *)(const void *){prefix}_twiddles"),
        ("super_twiddles", f"(const tb_cpx16_t *)(const void *){prefix}_super_twiddles"),
        ("work", work.name),
        ("spectrum", spectrum.name),
    ))
    args = (f"&{params.name}", pointer(ctx, op, 0), out_pointer(ctx, op, ctype="tb_cpx16_t"))
    return signal_layer(plan, "tb_signal_rfft_s16", args, (params,), (work, spectrum))


HANDLERS = (
    OpHandler(RFFT, check_rfft, single(emit_rfft, plan_rfft), no_macs,
              "int16 (fft_length a power of two; frames zero-padded to it)", operands(1, ("input",)), max_version=1),
)
