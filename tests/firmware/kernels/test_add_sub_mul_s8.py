"""int8 ADD, SUB and MUL on the emulated device against TFLM: randomized (seeded) shapes with
broadcasting up to 5-D, 1-element operands, odd channel counts, constant operands in flash,
fused activations, zero points at -128 and 127 and a wide range of scales."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.ops.registry import choose_variant

OPS = ("ADD", "SUB", "MUL")
OPTIONS = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions"}
ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def random_broadcast_shapes(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(output, input1, input2): each input keeps or collapses each dimension, may drop leading ones."""
    kind = rng.integers(0, 4)
    rank = int(rng.integers(1, 6))
    out = tuple(int(d) for d in rng.integers(1, 8, rank))
    if kind == 0:  # same shapes
        return out, out, out
    if kind == 1:  # one side is a single element
        single = () if rng.random() < 0.5 else (1,) * int(rng.integers(1, rank + 1))
        return (out, out, single) if rng.random() < 0.5 else (out, single, out)
    in1, in2 = list(out), list(out)
    for d in range(rank):
        choice = rng.integers(0, 3)
        if choice == 1:
            in1[d] = 1
        elif choice == 2:
            in2[d] = 1
    drop1, drop2 = int(rng.integers(0, rank)), int(rng.integers(0, rank))
    in1 = in1[drop1:] if all(v == 1 for v in in1[:drop1]) else in1
    in2 = in2[drop2:] if all(v == 1 for v in in2[:drop2]) else in2
    return out, tuple(in1), tuple(in2)


def _quant(rng: np.random.Generator) -> tuple[float, int]:
    scale = float(2.0 ** rng.uniform(-10, 2))
    zp = int(rng.choice([-128, 127, int(rng.integers(-128, 128))]))
    return scale, zp


def _model(rng: np.random.Generator, count: int) -> LayerModel:
    b = LayerModel()
    for k in range(count):
        op = OPS[k % len(OPS)]
        out_shape, shape1, shape2 = random_broadcast_shapes(rng)
        (s1, z1), (s2, z2), (so, zo) = _quant(rng), _quant(rng), _quant(rng)
        x1 = b.input("a", shape1, "int8", s1, z1)
        if rng.random() < 0.3:  # a constant second operand, emitted as a flash array
            data = rng.integers(-128, 128, shape2).astype(np.int8)
            x2 = b.tensor("const", shape2, "int8", s2, z2, data=data)
        else:
            x2 = b.input("b", shape2, "int8", s2, z2)
        y = b.output("y", out_shape, "int8", so, zo)
        activation = ACTIVATIONS[int(rng.integers(0, len(ACTIVATIONS)))]
        b.op(op, [x1, x2], [y], (OPTIONS[op], {"fusedActivationFunction": activation}))
    return b


@pytest.mark.parametrize("kernels", tuple(KernelSet))
@pytest.mark.parametrize("seed", [1, 2])
def test_add_sub_mul_match_tflm(seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    b = _model(rng, count=12)
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"ADD/SUB/MUL seed {seed} ({kernels} kernels)")


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_add_fast_path_stress(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Same-shape ADD (the optimized kernel's case): sizes 1-17 and odd shapes (the 4-element
    steps and their tails), scales far apart in both directions, zero points at the rails,
    every fused activation, a constant operand."""
    rng = np.random.default_rng(11)
    b = LayerModel()
    shapes = [(n,) for n in (1, 2, 3, 4, 5, 7, 8, 13, 17)] + [(1, 5, 3, 7), (2, 3, 3, 3)]
    for k, shape in enumerate(shapes):
        s1, s2 = float(2.0 ** rng.uniform(-10, 2)), float(2.0 ** rng.uniform(-10, 2))
        if k % 3 == 0:
            s2 = s1 * 300.0  # one input dominates
        z1, z2, zo = ((-128, 127, -128), (127, -128, 127), (0, 5, -3))[k % 3]
        x1 = b.input("a", shape, "int8", s1, z1)
        if k % 4 == 3:
            x2 = b.tensor("const", shape, "int8", s2, z2, data=rng.integers(-128, 128, shape).astype(np.int8))
        else:
            x2 = b.input("b", shape, "int8", s2, z2)
        y = b.output("y", shape, "int8", float(max(s1, s2) * 2.0 ** rng.uniform(-1, 2)), zo)
        b.op("ADD", [x1, x2], [y], ("AddOptions", {"fusedActivationFunction": ACTIVATIONS[k % len(ACTIVATIONS)]}))
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"ADD stress ({kernels} kernels)")


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_add_same_scales_and_equal_inputs(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Residual-style ADD (same scales) and a MUL/SUB of a tensor with itself."""
    b = LayerModel()
    x = b.input("x", (1, 5, 3, 7), "int8", 0.05, -2)
    y1 = b.output("sum", (1, 5, 3, 7), "int8", 0.1, 4)
    b.op("ADD", [x, x], [y1], ("AddOptions", {"fusedActivationFunction": "RELU"}))
    y2 = b.output("square", (1, 5, 3, 7), "int8", 0.01, -128)
    b.op("MUL", [x, x], [y2], ("MulOptions", {"fusedActivationFunction": "NONE"}))
    y3 = b.output("zero", (1, 5, 3, 7), "int8", 0.02, 0)
    b.op("SUB", [x, x], [y3], ("SubOptions", {"fusedActivationFunction": "NONE"}))
    rng = np.random.default_rng(7)
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, 4), tmp_path, options)
    assert_bit_exact(results, "ADD/MUL/SUB with shared inputs")


@pytest.mark.parametrize("kernels", tuple(KernelSet))
def test_mul_fast_path_stress(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """Same-shape MUL and MUL by one value on either side (the optimized kernel's cases): sizes
    1-17 (the 4-element steps and their tails), zero points at the rails, constant operands, NONE
    and RELU; the output scale (2^7..2^9 x the inputs' product) spreads the products over int8, so
    a wrong offset or operand order shows."""
    rng = np.random.default_rng(12)
    b = LayerModel()
    cases = [((n,), (n,)) for n in (1, 3, 4, 5, 8, 13, 17)] + [((2, 3, 7), (2, 3, 7)), ((9,), ()), ((1, 6, 5), (1, 1, 1)),
                                                              ((), (11,)), ((1,), (7,))]
    for k, (shape1, shape2) in enumerate(cases):
        s1, s2 = float(2.0 ** rng.uniform(-10, 2)), float(2.0 ** rng.uniform(-10, 2))
        z1, z2, zo = ((-128, 127, 0), (127, -128, -5), (0, 5, -3), (-7, 0, 10))[k % 4]
        x1 = b.input("a", shape1, "int8", s1, z1)
        if k % 4 == 3:
            x2 = b.tensor("const", shape2, "int8", s2, z2, data=rng.integers(-128, 128, shape2).astype(np.int8))
        else:
            x2 = b.input("b", shape2, "int8", s2, z2)
        out_shape = shape1 if len(shape1) >= len(shape2) and np.prod(shape1) >= np.prod(shape2) else shape2
        y = b.output("y", out_shape, "int8", s1 * s2 * float(2.0 ** rng.uniform(7, 9)), zo)
        b.op("MUL", [x1, x2], [y], ("MulOptions", {"fusedActivationFunction": ("NONE", "RELU")[k % 2]}))
    model = build_tflite(b.spec())
    if kernels == KernelSet.OPTIMIZED:
        m = read_model(model)
        assert {choose_variant(m, op, kernels).name for op in m.operators} == {"dsp"}
    options = dataclasses.replace(bench_options, kernels=kernels)
    results = run_on_device(model, b.random_samples(rng, 3), tmp_path, options)
    assert_bit_exact(results, f"MUL stress ({kernels} kernels)")
