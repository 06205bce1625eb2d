"""Kernel unit tests in the CMSIS-NN style (C tests in unit/, support/kernel_units.py): each kernel
called directly on a few seeded random layers, its arguments as the generator emits them, its
outputs compared with host TFLM's; built for the host, and for the DSP kernels also as bare-metal
firmware on the built-in emulator (one build per kernel). The requantization helpers get a table
of TFLM's MultiplyByQuantizedMultiplier results computed here."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from support.kernel_units import (
    KernelUnit,
    assert_passed,
    case_header,
    run_device,
    run_host,
    write_header,
)
from support.layer_models import LayerModel
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from support.window_layers import ACTIVATIONS, LayerSet, Window, conv_quant

SAMPLES = 2
DSP_ROLES = ("params", "quant", "input_dims", "input", "filter_dims", "filter", "output_dims", "output")
DW_ROLES = ("params", "requant", "input_dims", "input", "filter", "output_dims", "output")
REF_ROLES = ("params", "quant", "input_dims", "input", "filter_dims", "filter", "bias_dims", "bias",
             "output_dims", "output")
GEMM = "common/gemm_rows_s8_dsp.c"


def _gemm(function: str, params: str, source: str) -> KernelUnit:
    return KernelUnit("test_gemm_s8_dsp", function, DSP_ROLES, (source, GEMM),
                      (f"TB_UNIT_KERNEL={function}", f"TB_UNIT_PARAMS={params}"))


def _reference(function: str, params: str, quant: str, source: str) -> KernelUnit:
    return KernelUnit("test_reference_s8", function, REF_ROLES, (source,),
                      (f"TB_UNIT_KERNEL={function}", f"TB_UNIT_PARAMS={params}", f"TB_UNIT_QUANT={quant}"))


def _depthwise(function: str, sources: tuple[str, ...]) -> KernelUnit:
    return KernelUnit("test_depthwise_conv2d_s8_dsp", function, DW_ROLES, sources, (f"TB_UNIT_KERNEL={function}",))


# -- the layers of each kernel's case model -------------------------------------------------------

def _fully_connected(rng: np.random.Generator, per_channel_too: bool) -> bytes:
    """Depths on and off whole quads, unit counts below, at and off groups of 4, 1-3 batches; the
    last layer's rescaling multiplier is about 0.6 (shift 0: not the SMMULR fast path)."""
    tensors: list[TensorSpec] = []
    ops: list[OpSpec] = []
    inputs, outputs = [], []
    shapes = ((16, 8, 2), (13, 5, 1), (4, 3, 3), (32, 17, 2), (7, 12, 1), (3, 6, 2))
    for k, (depth, units, batches) in enumerate(shapes):
        per_channel = per_channel_too and k % 2 == 1
        in_zp, out_zp = ((-128, 127), (127, -128), (0, 0), (-5, 3), (60, -60), (0, 10))[k]
        scales = [float(2.0 ** rng.uniform(-10, -6)) for _ in range(units if per_channel else 1)]
        bound, out_scale = 127, float(2.0 ** rng.uniform(-9, -4))
        if k == len(shapes) - 1:
            bound, out_scale = 1, 0.05 * scales[0] / 0.6
        base = len(tensors)
        tensors += [
            TensorSpec(f"in{k}", (batches, depth), "int8", [0.05], [in_zp]),
            TensorSpec(f"w{k}", (units, depth), "int8", scales, [0] * len(scales),
                       rng.integers(-bound, bound + 1, (units, depth)).astype(np.int8)),
            TensorSpec(f"b{k}", (units,), "int32", [0.05 * s for s in scales], [0] * len(scales),
                       rng.integers(-30000 // bound, 30000 // bound, units).astype(np.int32)),
            TensorSpec(f"out{k}", (batches, units), "int8", [out_scale], [out_zp]),
        ]
        ops.append(OpSpec("FULLY_CONNECTED", [base, base + 1, base + 2], [base + 3], activation=ACTIVATIONS[k % 4]))
        inputs.append(base)
        outputs.append(base + 3)
    return build_tflite(ModelSpec(tensors, ops, inputs, outputs))


def _conv_rows(rng: np.random.Generator) -> bytes:
    """Contiguous receptive fields: one-row filters (1x1 among them) and filters as wide as the input."""
    layers = LayerSet()
    for k, (shape, kernel, stride, out_c) in enumerate((((1, 2, 9, 4), (1, 1), (1, 1), 8), ((1, 3, 11, 3), (1, 3), (1, 2), 5),
                                                        ((1, 9, 3, 5), (4, 3), (2, 1), 6), ((1, 1, 8, 8), (1, 2), (1, 1), 11))):
        w = Window(shape, kernel, stride, padding="VALID", activation=ACTIVATIONS[k % 4])
        layers.conv(rng, w, out_c, conv_quant(rng, kernel[0] * kernel[1] * shape[3], out_c, per_channel=k % 2 == 0))
    return layers.spec_bytes()


def _conv_general(rng: np.random.Generator) -> bytes:
    """Padding, strides, dilation: im2col where the plan grants scratch (the first, large layer
    leaves room for it; dilated taps of 16 and 2 bytes), direct with padding corrections on a depth
    above 32. Fewer filters than the pixel pairs take (conv2d.PAIRS_MIN_FILTERS), but for the
    dilated depth of 5."""
    layers = LayerSet()
    big = conv_quant(rng, 18, 7, per_channel=False)
    layers.conv(rng, Window((1, 16, 16, 2), (3, 3)), 7, big)
    for k, (shape, kernel, stride, dilation, padding, out_c) in enumerate((
            ((1, 5, 6, 3), (3, 3), (2, 2), (1, 1), "SAME", 5), ((1, 7, 7, 5), (2, 3), (1, 1), (2, 2), "VALID", 9),
            ((1, 4, 5, 4), (3, 2), (1, 1), (1, 1), "SAME", 7), ((1, 4, 4, 36), (3, 3), (1, 1), (1, 1), "SAME", 6),
            # dilated along the width: im2col's tap loops (16-byte taps; 2-byte taps as words)
            ((1, 6, 9, 16), (2, 3), (1, 2), (1, 2), "SAME", 7), ((1, 5, 11, 2), (2, 4), (2, 1), (2, 2), "VALID", 3))):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % 4])
        quant = conv_quant(rng, kernel[0] * kernel[1] * shape[3], out_c, per_channel=k % 2 == 1)
        if k % 2 == 0:
            quant.in_zp = (-128, 127)[k // 2 % 2]
        layers.conv(rng, w, out_c, quant)
    return layers.spec_bytes()


def _conv_pairs(rng: np.random.Generator) -> bytes:
    """Pixel pairs: whole-quad and other depths, 8-18 filters (1-3 left over a full group), SAME
    and VALID, strides, dilation, an odd pixel count (a lone last pixel), two batches, a contiguous
    field, a rescaling multiplier of about 0.6 (no packed groups: C). Planned
    within the firmware's arena budget (TFLM's im2col buffers), as the pair scratch is."""
    layers = LayerSet()
    quant = conv_quant(rng, 16, 8, per_channel=False, multiplier_log2=-7.8)
    quant.in_zp = 0
    layers.conv(rng, Window((1, 3, 4, 4), (2, 2)), 8, quant, weight_bound=1)
    for k, (shape, kernel, stride, dilation, padding, out_c) in enumerate((
            ((1, 5, 6, 7), (3, 5), (2, 2), (1, 1), "SAME", 16),
            ((2, 5, 5, 8), (2, 3), (1, 1), (2, 1), "VALID", 10), ((1, 4, 5, 17), (3, 2), (1, 2), (1, 1), "SAME", 17),
            ((1, 1, 9, 11), (1, 3), (1, 1), (1, 1), "VALID", 18), ((1, 5, 3, 12), (2, 2), (1, 1), (1, 1), "SAME", 13),
            ((1, 12, 12, 4), (3, 3), (1, 1), (1, 1), "SAME", 16))):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % 4])
        quant = conv_quant(rng, kernel[0] * kernel[1] * shape[3], out_c, per_channel=k % 2 == 1)
        if k % 2 == 0:
            quant.in_zp = (-128, 127)[k // 2 % 2]
        layers.conv(rng, w, out_c, quant)
    return layers.spec_bytes()


def _depthwise_layers(rng: np.random.Generator, three: bool) -> bytes:
    """3x3 depth multiplier 1 (whole groups of 4 channels, strides, SAME/VALID, zero points
    at the rails), or the general kernel's shapes (multipliers, 5x5, dilation); last, a layer whose
    rescaling multiplier is about 0.6 (shift 0: no packed groups, a zero sign word)."""
    layers = LayerSet()
    if three:
        # whole groups of 4 channels with interior pixels: the planner's rule for the 3x3 variant
        cases = (((1, 6, 7, 8), 1, (1, 1), (1, 1), "SAME"), ((1, 5, 5, 12), 1, (2, 2), (1, 1), "SAME"),
                 ((1, 6, 5, 16), 1, (1, 2), (1, 1), "VALID"), ((1, 4, 9, 4), 1, (1, 1), (1, 1), "SAME"))
    else:
        cases = (((1, 6, 7, 3), 2, (1, 1), (1, 1), "SAME"), ((1, 7, 6, 8), 1, (2, 1), (2, 2), "SAME"),
                 ((1, 5, 5, 5), 1, (1, 1), (1, 1), "VALID"), ((2, 4, 5, 2), 3, (1, 2), (1, 1), "SAME"))
    for k, (shape, multiplier, stride, dilation, padding) in enumerate(cases):
        kernel = (3, 3) if three else ((3, 3), (3, 2), (5, 5), (2, 3))[k]
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % 4])
        quant = conv_quant(rng, kernel[0] * kernel[1], shape[3] * multiplier, per_channel=k % 2 == 0)
        quant.in_zp = (-128, 127, 5, -7)[k]
        layers.conv(rng, w, 0, quant, depthwise_multiplier=multiplier)
    kernel = (3, 3) if three else (2, 2)
    quant = conv_quant(rng, kernel[0] * kernel[1], 8, per_channel=False, multiplier_log2=-7.8)
    quant.in_zp = 0
    layers.conv(rng, Window((1, 5, 6, 8 if three else 4), kernel), 0, quant, depthwise_multiplier=1 if three else 2,
                weight_bound=1)
    return layers.spec_bytes()


def _depthwise_few_layers(rng: np.random.Generator) -> bytes:
    """1-3 output channels from 1-2 input channels: filters larger than the
    input, dilations, strides (pixels 1, 2 and more bytes apart), SAME and VALID, two batches,
    zero points at the rails, one
    rescaling multiplier of about 0.6 (shift 0: a zero sign word)."""
    layers = LayerSet()
    cases = (((1, 6, 7, 1), 1, (3, 3), (1, 1), (1, 1), "SAME"), ((1, 9, 8, 1), 2, (5, 2), (2, 1), (2, 3), "SAME"),
             ((2, 5, 6, 1), 3, (2, 4), (1, 2), (1, 1), "VALID"), ((1, 4, 3, 2), 1, (6, 5), (1, 1), (1, 1), "SAME"),
             ((1, 8, 9, 2), 1, (3, 2), (2, 2), (3, 1), "SAME"), ((1, 1, 9, 1), 1, (3, 4), (1, 1), (1, 1), "SAME"),
             # runs of four pixels 2 bytes apart: two channels at stride 1, one at stride 2
             ((1, 5, 12, 2), 1, (2, 3), (1, 1), (1, 2), "SAME"), ((1, 4, 19, 1), 2, (3, 3), (1, 2), (1, 1), "VALID"))
    for k, (shape, multiplier, kernel, stride, dilation, padding) in enumerate(cases):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % 4])
        quant = conv_quant(rng, kernel[0] * kernel[1], shape[3] * multiplier, per_channel=k % 2 == 0)
        quant.in_zp = (-128, 127, 5, -7, 0, 100, -3, 60)[k]
        layers.conv(rng, w, 0, quant, depthwise_multiplier=multiplier, bias=k != 3)
    quant = conv_quant(rng, 4, 2, per_channel=False, multiplier_log2=-7.8)
    quant.in_zp = 3
    layers.conv(rng, Window((1, 5, 6, 2), (2, 2)), 0, quant, depthwise_multiplier=1, weight_bound=1)
    return layers.spec_bytes()


def _depthwise_pairs_layers(rng: np.random.Generator) -> bytes:
    """The pairs variant (depth multipliers 4 and 8): border pixels with odd and even first taps,
    interior runs, odd and even tap counts, a dilation, two batches, zero points at the rails."""
    layers = LayerSet()
    cases = (((1, 9, 4, 4), (6, 4), (1, 2), (1, 1), "SAME", 4), ((1, 6, 7, 1), (5, 3), (1, 2), (1, 1), "SAME", 8),
             ((2, 5, 6, 3), (3, 3), (2, 1), (1, 2), "SAME", 4), ((1, 6, 8, 5), (2, 5), (1, 1), (2, 1), "VALID", 8))
    for k, (shape, kernel, stride, dilation, padding, multiplier) in enumerate(cases):
        w = Window(shape, kernel, stride, dilation, padding, ACTIVATIONS[k % 4])
        quant = conv_quant(rng, kernel[0] * kernel[1], shape[3] * multiplier, per_channel=k % 2 == 0)
        quant.in_zp = (-128, 127, 5, -7)[k]
        layers.conv(rng, w, 0, quant, depthwise_multiplier=multiplier)
    return layers.spec_bytes()


def _add(rng: np.random.Generator) -> bytes:
    """Sizes on and off whole words, different input scales, fused activations."""
    b = LayerModel()
    for k, shape in enumerate(((1, 37), (2, 4, 4, 4), (5,), (1, 3, 3, 7))):
        scales = [float(2.0 ** rng.uniform(-8, -3)) for _ in range(3)]
        zps = [int(z) for z in rng.integers(-128, 128, 3)]
        x = b.input("x", shape, "int8", scales[0], zps[0])
        y = b.input("y", shape, "int8", scales[1], zps[1])
        z = b.output("z", shape, "int8", scales[2], zps[2])
        b.op("ADD", [x, y], [z], ("AddOptions", {"fusedActivationFunction": ACTIVATIONS[k % 4]}))
    return build_tflite(b.spec())


@dataclass(frozen=True)
class UnitModel:
    unit: KernelUnit
    model: Callable[[np.random.Generator], bytes]
    kernels: str
    seed: int


UNITS = {
    "gemm_fully_connected": UnitModel(_gemm("tb_fully_connected_s8_dsp", "tb_fc_params_t",
                                            "fully_connected/fully_connected_s8_dsp.c"),
                                      lambda rng: _fully_connected(rng, True), "optimized", 11),
    "gemm_conv2d_rows": UnitModel(_gemm("tb_conv2d_rows_s8_dsp", "tb_conv_params_t", "conv2d/conv2d_rows_s8_dsp.c"),
                                  _conv_rows, "optimized", 12),
    "conv2d_dsp": UnitModel(KernelUnit("test_conv2d_s8_dsp", "tb_conv2d_s8_dsp", ("scratch", "scratch_rows", *DSP_ROLES),
                                       ("conv2d/conv2d_s8_dsp.c", GEMM)), _conv_general, "optimized", 13),
    "conv2d_pairs_dsp": UnitModel(KernelUnit("test_conv2d_pairs_s8_dsp", "tb_conv2d_pairs_s8_dsp",
                                             ("scratch", *DSP_ROLES),
                                             ("conv2d/conv2d_pairs_s8_dsp.c", "common/gemm_pairs_s8_dsp.c"),
                                             budget=True),
                                  _conv_pairs, "optimized", 20),
    "depthwise_3x3_dsp": UnitModel(_depthwise("tb_depthwise_conv2d_3x3_s8_dsp",
                                              ("depthwise_conv2d/depthwise_conv2d_3x3_s8_dsp.c",
                                               "depthwise_conv2d/depthwise_conv2d_3x3_pixel_s8_dsp.c")),
                                   lambda rng: _depthwise_layers(rng, True), "optimized", 14),
    "depthwise_dsp": UnitModel(_depthwise("tb_depthwise_conv2d_s8_dsp", ("depthwise_conv2d/depthwise_conv2d_s8_dsp.c",)),
                               lambda rng: _depthwise_layers(rng, False), "optimized", 15),
    "depthwise_few_dsp": UnitModel(KernelUnit("test_depthwise_few_s8_dsp", "tb_depthwise_conv2d_few_s8_dsp",
                                              ("params", "requant", "prefix", *DW_ROLES[2:]),
                                              ("depthwise_conv2d/depthwise_conv2d_few_s8_dsp.c",)),
                                   _depthwise_few_layers, "optimized", 20),
    "depthwise_pairs_dsp": UnitModel(_depthwise("tb_depthwise_conv2d_mult_s8_dsp",
                                                ("depthwise_conv2d/depthwise_conv2d_mult_s8_dsp.c",)),
                                     _depthwise_pairs_layers, "optimized", 21),
    "add_dsp": UnitModel(KernelUnit("test_add_s8_dsp", "tb_add_s8_dsp", ("params", "size", "input", "input2", "output"),
                                    ("elementwise/add_s8_dsp.c",)), _add, "optimized", 16),
    "conv2d_reference": UnitModel(_reference("tb_conv2d_s8", "tb_conv_params_t", "tb_per_channel_quant_t",
                                             "conv2d/conv2d_s8.c"), _conv_general, "reference", 17),
    "depthwise_reference": UnitModel(_reference("tb_depthwise_conv2d_s8", "tb_depthwise_conv_params_t",
                                                "tb_per_channel_quant_t", "depthwise_conv2d/depthwise_conv2d_s8.c"),
                                     lambda rng: _depthwise_layers(rng, False), "reference", 18),
    "fully_connected_reference": UnitModel(_reference("tb_fully_connected_s8", "tb_fc_params_t", "tb_quant_t",
                                                      "fully_connected/fully_connected_s8.c"),
                                           lambda rng: _fully_connected(rng, False), "reference", 19),
}
DEVICE_UNITS = tuple(name for name, u in UNITS.items() if u.kernels == "optimized")


@pytest.fixture(scope="module")
def unit_headers(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The folder holding each unit's tb_unit_cases.h, made once per module run."""
    made: dict[str, Path] = {}

    def header(name: str) -> Path:
        if name not in made:
            u = UNITS[name]
            rng = np.random.default_rng(u.seed)
            text = case_header(u.unit, u.model(rng), u.kernels, rng, SAMPLES)
            made[name] = write_header(tmp_path_factory.mktemp(f"unit-{name}"), text)
        return made[name]

    return header


def _cases(header_dir: Path) -> int:
    return (header_dir / "tb_unit_cases.h").read_text().count("{.io = ")


@pytest.mark.parametrize("name", tuple(UNITS))
def test_kernel_unit_on_host(name: str, unit_headers: Callable[[str], Path], tmp_path: Path) -> None:
    folder = unit_headers(name)
    report = run_host(UNITS[name].unit, folder, tmp_path)
    assert_passed(report, 2 * SAMPLES * _cases(folder), f"{name} on the host")


@pytest.mark.parametrize("name", DEVICE_UNITS)
def test_kernel_unit_on_device(name: str, unit_headers: Callable[[str], Path], tmp_path: Path) -> None:
    folder = unit_headers(name)
    report = run_device(UNITS[name].unit, folder, tmp_path)
    assert_passed(report, 2 * SAMPLES * _cases(folder), f"{name} on the emulated device")


def test_conv2d_dsp_cases_cover_im2col_and_direct(unit_headers: Callable[[str], Path]) -> None:
    text = (unit_headers("conv2d_dsp") / "tb_unit_cases.h").read_text()
    assert ".im2col = 1" in text and ".im2col = 0" in text


# -- the requantization table ---------------------------------------------------------------------

INT32_MIN, INT32_MAX = -2**31, 2**31 - 1


def _wrap32(v: int) -> int:
    return (v + 2**31) % 2**32 - 2**31


def _srdhm(a: int, b: int) -> int:
    """TFLM's SaturatingRoundingDoublingHighMul (the division truncates toward zero)."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = 2**30 if ab >= 0 else 1 - 2**30
    total = ab + nudge
    quotient = abs(total) // 2**31
    return quotient if total >= 0 else -quotient


def _rounding_divide_by_pot(x: int, e: int) -> int:
    mask = (1 << e) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if remainder > threshold else 0)


def multiply_by_quantized_multiplier(x: int, m: int, shift: int) -> int:
    return _rounding_divide_by_pot(_srdhm(_wrap32(x * 2 ** max(shift, 0)), m), max(-shift, 0))


def _requant_row(x: int, m: int, shift: int, zp: int) -> tuple[int, ...]:
    """(value, multiplier, shift, zp, expected, folded, fast, the six words of tb_requant.h's row).
    The row's round and sign words follow tb_requant.h's definition of the folded form."""
    e = -shift
    round_word = zp if e == 0 else (1 << (e - 1)) + zp * (1 << e) if e > 0 else 0
    folded = int(shift <= 0 and abs(2 * x) < 2**31 and abs(round_word) + 1 < 2**30)
    fast = int(-31 <= shift <= -1 and abs(x) < 2**29)
    words = (0, 0, m, round_word, -1 if e >= 1 else 0, e) if folded else (0,) * 6
    return (x, m, shift, zp, multiply_by_quantized_multiplier(x, m, shift), folded, fast, *words)


def _requant_rows(rng: np.random.Generator) -> list[tuple[int, ...]]:
    rows = []
    for k in range(1500):
        shift = int(rng.integers(-31, 1)) if k % 5 else int(rng.integers(1, 12))
        m = int(rng.integers(2**30, 2**31)) if k % 7 else int(rng.choice([2**30, 2**31 - 1, 0, 1]))
        bits = int(rng.integers(0, 31 - max(shift, 0)))
        x = int(rng.integers(-(2**bits), 2**bits + 1))
        if k % 3 == 0 and shift < 0:  # near a rounding tie of the division by 2^e
            x = int(rng.integers(-200, 200)) * (1 << max(-shift - 1, 0)) + int(rng.integers(-1, 2))
            x = max(INT32_MIN, min(INT32_MAX, x))
        zp = int(rng.integers(-128, 128))
        rows.append(_requant_row(x, m, shift, zp))
    for x in (INT32_MIN, INT32_MAX, 2**29 - 1, -(2**29) + 1, 2**30 - 1, -(2**30) + 1, 0, -1, 1):
        for m, shift in ((INT32_MIN, 0), (2**31 - 1, -1), (2**30, -31), (1518500250, -8), (2**30, 0), (2**31 - 1, 0),
                         (2**31 - 1, 1)):
            rows.append(_requant_row(x, m, shift, -128))
    return rows


@pytest.fixture(scope="module")
def requant_header(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = _requant_rows(np.random.default_rng(20))
    body = ",\n".join("    {" + ", ".join(str(v) for v in r[:7]) + ", {" + ", ".join(str(v) for v in r[7:]) + "}}"
                      for r in rows)
    text = (f"/* TFLM's MultiplyByQuantizedMultiplier, computed in Python. */\n"
            f"static const tb_requant_case_t tb_requant_cases[] = {{\n{body}\n}};\n"
            f"#define TB_REQUANT_CASES ((int32_t)(sizeof tb_requant_cases / sizeof tb_requant_cases[0]))\n")
    folder = tmp_path_factory.mktemp("unit-requant")
    (folder / "tb_requant_table.h").write_text(text)
    return folder


REQUANT = KernelUnit("test_requant", "requant", ())


def test_requant_table_on_host(requant_header: Path, tmp_path: Path) -> None:
    assert_passed(run_host(REQUANT, requant_header, tmp_path), 3000, "tb_requant.h on the host")


def test_requant_table_on_device(requant_header: Path, tmp_path: Path) -> None:
    assert_passed(run_device(REQUANT, requant_header, tmp_path), 3000, "tb_requant.h on the emulated device")


RESCALE_EXACT = KernelUnit("test_rescale_exact", "exact rescale", ())


def _rescale_exact_checks() -> int:
    """Rows of the table with a multiplier tb_rescale_exact.h accepts (0 or 2^30 and above): the ones checked."""
    return sum(1 for r in _requant_rows(np.random.default_rng(20)) if r[1] == 0 or r[1] >= 2**30)


def test_rescale_exact_on_host(requant_header: Path, tmp_path: Path) -> None:
    assert_passed(run_host(RESCALE_EXACT, requant_header, tmp_path), 2 * _rescale_exact_checks(),
                  "tb_rescale_exact.h on the host")


def test_rescale_exact_on_device(requant_header: Path, tmp_path: Path) -> None:
    assert_passed(run_device(RESCALE_EXACT, requant_header, tmp_path), 2 * _rescale_exact_checks(),
                  "tb_rescale_exact.h on the emulated device")


LSTM_EXPF = KernelUnit("test_lstm_expf", "tb_lstm_expf", (), ("lstm/lstm_expf.c",))
# Every 251st float of [-104, 89] on the host, every 65521st on the device, and an edge list.


def test_lstm_expf_fixed_point_on_host(tmp_path: Path) -> None:
    assert_passed(run_host(LSTM_EXPF, tmp_path, tmp_path), 2_239_889_410 // 251,
                  "lstm_expf.c (fixed point against double) on the host")


def test_lstm_expf_fixed_point_on_device(tmp_path: Path) -> None:
    assert_passed(run_device(LSTM_EXPF, tmp_path, tmp_path), 2_239_889_410 // 65521,
                  "lstm_expf.c (fixed point against double) on the emulated device")
