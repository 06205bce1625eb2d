"""int16 and int32 elementwise types on the emulated device against TFLM.

One model of many layers per build: int16 ADD, SUB and MUL with randomized (seeded) broadcast
shapes, scales, constant operands, fused activations and the pot_scale_int16 option (TFLM runs
the general int16 path either way; power-of-two scales are among the cases); int16 LEAKY_RELU over
alphas of both signs; int32 ADD, SUB and MUL (wrapping, TFLM's int32 activation rules) fed values
that overflow. A second model covers the QUANTIZE requantizations between int8, int16 and int32,
float32 -> int16 (with rounding ties) and DEQUANTIZE int16 -> float32.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

from test_add_sub_mul_s8 import ACTIVATIONS, OPTIONS, random_broadcast_shapes

BINARY_OPS = ("ADD", "SUB", "MUL")
LEAKY_ALPHAS = (0.3, 0.01, -0.25, 1.5)


def _scale(rng: np.random.Generator, pot: bool = False) -> float:
    exponent = rng.uniform(-14, 0)
    return float(2.0 ** round(exponent)) if pot else float(2.0 ** exponent)


def _int16_binary(b: LayerModel, rng: np.random.Generator, op: str) -> None:
    out_shape, shape1, shape2 = random_broadcast_shapes(rng)
    pot = op != "MUL" and rng.random() < 0.3
    s1, s2 = _scale(rng, pot), _scale(rng, pot)
    if op == "MUL":
        so = s1 * s2 * float(2.0 ** rng.uniform(8, 15))
    else:  # TFLM needs the output scale above twice the larger input scale / 2^15
        so = _scale(rng, pot) if pot else max(s1, s2) * float(2.0 ** rng.uniform(-2, 2))
        so = max(so, 2.0 * max(s1, s2) / 2**14)
    x1 = b.input("a", shape1, "int16", s1, 0)
    if rng.random() < 0.3:  # a constant operand, emitted as a flash array
        x2 = b.tensor("const", shape2, "int16", s2, 0, data=rng.integers(-32768, 32768, shape2).astype(np.int16))
    else:
        x2 = b.input("b", shape2, "int16", s2, 0)
    y = b.output("y", out_shape, "int16", so, 0)
    options: dict[str, object] = {"fusedActivationFunction": ACTIVATIONS[int(rng.integers(0, len(ACTIVATIONS)))]}
    if op != "MUL":
        options["potScaleInt16"] = bool(pot or rng.random() < 0.5)
    b.op(op, [x1, x2], [y], (OPTIONS[op], options))


def _int32_binary(b: LayerModel, rng: np.random.Generator, op: str) -> None:
    out_shape, shape1, shape2 = random_broadcast_shapes(rng)
    x1 = b.input("a", shape1, "int32")
    if rng.random() < 0.3:
        x2 = b.tensor("const", shape2, "int32", data=rng.integers(-(2**31), 2**31, shape2).astype(np.int32))
    else:
        x2 = b.input("b", shape2, "int32")
    y = b.output("y", out_shape, "int32")
    activation = ACTIVATIONS[int(rng.integers(0, len(ACTIVATIONS)))]
    b.op(op, [x1, x2], [y], (OPTIONS[op], {"fusedActivationFunction": activation}))


# The protocol's 1024-byte model description bounds the inputs and outputs of one model: about
# 30 tensors of these ranks.
def _int16_model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    for k in range(6):
        _int16_binary(b, rng, BINARY_OPS[k % 3])
    for alpha in LEAKY_ALPHAS:
        shape = tuple(int(d) for d in rng.integers(1, 9, 3))
        x = b.input("x", shape, "int16", _scale(rng), 0)
        y = b.output("y", shape, "int16", _scale(rng), 0)
        b.op("LEAKY_RELU", [x], [y], ("LeakyReluOptions", {"alpha": alpha}))
    return b


def _int32_model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    for k in range(9):
        _int32_binary(b, rng, BINARY_OPS[k % 3])
    return b


def _integers(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    info = np.iinfo(dtype)
    full = rng.integers(info.min, int(info.max) + 1, shape)
    if dtype == "int32":  # half small values (products that fit, activation edges), half anything
        small = rng.integers(-8, 9, shape) * rng.choice([1, 1000, 46341], shape)
        full = np.where(rng.random(shape) < 0.5, small, full)
    return full.astype(dtype)


def _samples(b: LayerModel, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
    samples = []
    for _ in range(count):
        sample = []
        for index in b.inputs:
            t = b.tensors[index]
            if t.dtype == "float32":
                sample.append(_float_for(b, index, rng))
            else:
                sample.append(_integers(rng, t.dtype, t.shape))
        samples.append(sample)
    return samples


def _float_for(b: LayerModel, index: int, rng: np.random.Generator) -> np.ndarray:
    """Floats for a QUANTIZE float32 -> int16 input: half on exact .5 ties of x / scale, the rest
    spread over and beyond the int16 range."""
    op = next(o for o in b.ops if o.inputs[0] == index)
    out = b.tensors[op.outputs[0]]
    assert out.scales is not None
    scale, shape = out.scales[0], b.tensors[index].shape
    steps = rng.integers(-33000, 33000, shape).astype(np.float64)
    ties = ((steps + 0.5) * scale).astype(np.float32)
    spread = rng.uniform(-34000 * scale, 34000 * scale, shape).astype(np.float32)
    return np.where(rng.random(shape) < 0.5, ties, spread).astype(np.float32)


# (input type, output type) of each QUANTIZE layer; float32 inputs quantize, float32 outputs dequantize.
CONVERSIONS = [("int16", "int8"), ("int16", "int16"), ("int16", "int32"), ("int8", "int16"), ("int8", "int32"),
               ("int32", "int8"), ("int32", "int16"), ("float32", "int16"), ("int16", "float32")]


def _quant_params(rng: np.random.Generator, dtype: str, partner: str) -> tuple[float | None, int]:
    if dtype == "float32":
        return None, 0
    if dtype == "int32":  # an accumulator-like scale: far below its int8/int16 partner's
        return float(2.0 ** rng.uniform(-24, -12)), 0
    zero_point = int(rng.integers(-128, 128)) if dtype == "int8" else 0
    return float(2.0 ** rng.uniform(-14, -2)) if partner == "int32" else float(2.0 ** rng.uniform(-10, 0)), zero_point


def _conversion_model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    for src, dst in CONVERSIONS + CONVERSIONS[:5]:
        shape = (1, int(rng.integers(1, 40)))
        x = b.input("in", shape, src, *_quant_params(rng, src, dst))
        y = b.output("out", shape, dst, *_quant_params(rng, dst, src))
        b.op("DEQUANTIZE" if dst == "float32" else "QUANTIZE", [x], [y])
    return b


@pytest.mark.parametrize("seed", [1, 2])
def test_int16_elementwise_match_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    b = _int16_model(rng)
    results = run_on_device(build_tflite(b.spec()), _samples(b, rng, 3), tmp_path, bench_options)
    assert_bit_exact(results, f"int16 ADD/SUB/MUL/LEAKY_RELU seed {seed}")


def test_int32_elementwise_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    b = _int32_model(rng)
    results = run_on_device(build_tflite(b.spec()), _samples(b, rng, 4), tmp_path, bench_options)
    assert_bit_exact(results, "int32 ADD/SUB/MUL")


def test_int16_int32_conversions_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    b = _conversion_model(rng)
    results = run_on_device(build_tflite(b.spec()), _samples(b, rng, 3), tmp_path, bench_options)
    # DEQUANTIZE's float outputs are held to 0 ULP too: scale * (q - zp) rounds once.
    for result in results:
        for output in result.outputs:
            assert output.vs_tflm.exact, f"sample {result.index} output {output.index}: {output.vs_tflm}"
    assert_bit_exact(results, "int16/int32 QUANTIZE and DEQUANTIZE")
