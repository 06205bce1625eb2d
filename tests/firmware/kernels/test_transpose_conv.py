"""TRANSPOSE_CONV on the emulated device against TFLM: int8 (per-channel and per-tensor filters),
16x8 (int16 activations, int8 filter, int64 / int16 / no bias) and float32.

One firmware per type, each holding up to 13 independent layers with seeded random shapes,
strides, SAME/VALID padding, output sizes anywhere in the range TensorFlow allows for the
input size (the padding TFLM derives from the output size changes with it), fused activations,
kernels larger and smaller than the strides, and biases or none. One layer per model reads its
output_shape from a graph input (as SEANet's exported layers do); the others hold it constant.
The kernels gather instead of scattering as TFLM does, so every output position, including
those no input reaches, is compared. float32 must agree within MAX_ULP (the order of the sums is
TFLM's; see test_float_conv_pool.py). The quantized types run on both kernel sets (the optimized
one sums four channels per SMLAD / SMLALD pair).
"""
from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from tflm_bench.session import BenchOptions, BenchSession
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
LAYERS = 13  # INFO describes every input and output in one 1024-byte reply
MAX_ULP = 4


class _Graph:
    def __init__(self) -> None:
        self.tensors: list[TensorSpec] = []
        self.ops: list[OpSpec] = []
        self.inputs: list[int] = []
        self.outputs: list[int] = []
        self.fixed: dict[int, np.ndarray] = {}  # graph input position -> values every sample holds

    def add(self, spec: TensorSpec) -> int:
        self.tensors.append(spec)
        return len(self.tensors) - 1

    def spec_bytes(self) -> bytes:
        return build_tflite(ModelSpec(self.tensors, self.ops, self.inputs, self.outputs))

    def samples(self, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
        def one(position: int, t: TensorSpec) -> np.ndarray:
            if position in self.fixed:
                return self.fixed[position]
            if t.dtype == "int8":
                return rng.integers(-128, 128, t.shape).astype(np.int8)
            if t.dtype == "int16":
                return rng.integers(-32768, 32768, t.shape).astype(np.int16)
            return rng.normal(0.0, 1.0, t.shape).astype(np.float32)

        return [[one(p, self.tensors[i]) for p, i in enumerate(self.inputs)] for _ in range(count)]


def _output_size(rng: np.random.Generator, size: int, kernel: int, stride: int, padding: str) -> int:
    """Any output size whose forward convolution (TFLM's padding computation) gives `size`."""
    if padding == "SAME":
        return int(rng.integers((size - 1) * stride + 1, size * stride + 1))
    low = (size - 1) * stride + kernel
    return int(rng.integers(low, low + stride))


def _add_layer(g: _Graph, rng: np.random.Generator, dtype: str, *, bias: str, per_channel: bool,
               shape_input: bool = False, geometry: tuple | None = None) -> None:  # type: ignore[type-arg]
    k = len(g.ops)
    if geometry is None:
        n = int(rng.integers(1, 3))
        h, w = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        in_c, out_c = int(rng.integers(1, 14)), int(rng.integers(1, 9))  # whole quads and tails
        kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
        padding = str(rng.choice(["SAME", "VALID"]))
    else:
        n, h, w, in_c, out_c, kh, kw, sh, sw, padding = geometry
    oh, ow = _output_size(rng, h, kh, sh, padding), _output_size(rng, w, kw, sw, padding)
    activation = ACTIVATIONS[k % len(ACTIVATIONS)]
    taps = max(1.0, kh * kw * in_c / (sh * sw))
    out_shape = (n, oh, ow, out_c)
    if dtype == "float32":
        in_t = TensorSpec(f"in{k}", (n, h, w, in_c), dtype)
        filt = TensorSpec(f"w{k}", (out_c, kh, kw, in_c), dtype, data=rng.normal(0, 1, (out_c, kh, kw, in_c)).astype(np.float32))
        bias_t = TensorSpec(f"b{k}", (out_c,), dtype, data=rng.normal(0, 1, out_c).astype(np.float32))
        out_t = TensorSpec(f"out{k}", out_shape, dtype)
    else:
        wide = dtype == "int16"
        w_scales = [float(2.0 ** rng.uniform(-9, -5)) for _ in range(out_c if per_channel else 1)]
        # Scales so typical real outputs are about 1 (every activation clamps some, not all) and
        # land mid-range: |q| ~ 8000 for int16, ~40 for int8.
        spread = (32767 if wide else 128) / math.sqrt(3) * 127 / math.sqrt(3) * math.sqrt(taps)
        in_scale = float(2.0 ** rng.uniform(-1, 1)) / (float(np.mean(w_scales)) * spread)
        in_zp = 0 if wide else int(rng.integers(-128, 128))
        out_scale = float(2.0 ** rng.uniform(-1, 1)) / (8000 if wide else 40)
        out_zp = 0 if wide else int(rng.integers(-128, 128))
        weights = rng.integers(-127, 128, (out_c, kh, kw, in_c)).astype(np.int8)
        in_t = TensorSpec(f"in{k}", (n, h, w, in_c), dtype, [in_scale], [in_zp])
        filt = TensorSpec(f"w{k}", (out_c, kh, kw, in_c), "int8", w_scales, [0] * len(w_scales), weights)
        bias_scales = [in_scale * s for s in w_scales]
        limit = 2 ** 20 if wide else 2 ** 13
        bias_type = {"int32": "int32", "int64": "int64", "int16": "int16"}.get(bias, "int32")
        if bias_type == "int16":
            limit = 2 ** 15
        values = rng.integers(-limit, limit, out_c)
        bias_t = TensorSpec(f"b{k}", (out_c,), bias_type, bias_scales, [0] * len(bias_scales),
                            values.astype({"int16": np.int16, "int32": np.int32, "int64": np.int64}[bias_type]))
        out_t = TensorSpec(f"out{k}", out_shape, dtype, [out_scale], [out_zp])
    shape_values = np.asarray(out_shape, dtype=np.int32)
    shape_t = g.add(TensorSpec(f"shape{k}", (4,), "int32", data=None if shape_input else shape_values))
    if shape_input:
        g.fixed[len(g.inputs)] = shape_values
        g.inputs.append(shape_t)
    i = g.add(in_t)
    g.inputs.append(i)
    inputs = [shape_t, g.add(filt), i]
    if bias != "none":
        inputs.append(g.add(bias_t))
    o = g.add(out_t)
    g.outputs.append(o)
    g.ops.append(OpSpec("TRANSPOSE_CONV", inputs, [o], options=("TransposeConvOptions", {
        "padding": padding, "strideH": sh, "strideW": sw, "fusedActivationFunction": activation})))


def _graph(rng: np.random.Generator, dtype: str) -> _Graph:
    g = _Graph()
    biases = {"int8": ("int32", "none"), "int16": ("int64", "int16", "none"), "float32": ("float32", "none")}[dtype]
    # Fixed cases: kernel smaller than the stride (output positions no input reaches), a 1x1
    # input under a large kernel, SEANet's 3x4 kernel with stride 1x2.
    g_fixed = [
        (1, 3, 4, 3, 5, 1, 2, 3, 3, "VALID"),
        (1, 1, 1, 4, 6, 5, 4, 2, 3, "SAME"),
        (1, 2, 5, 8, 4, 3, 4, 1, 2, "VALID"),
    ]
    for geometry in g_fixed:
        _add_layer(g, rng, dtype, bias=biases[0], per_channel=True, geometry=geometry)
    _add_layer(g, rng, dtype, bias=biases[0], per_channel=True, shape_input=True)
    while len(g.ops) < LAYERS:
        _add_layer(g, rng, dtype, bias=biases[len(g.ops) % len(biases)], per_channel=len(g.ops) % 3 != 0)
    return g


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_transpose_conv_quantized_matches_tflm(dtype: str, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng({"int8": 71, "int16": 72}[dtype])
    g = _graph(rng, dtype)
    results = run_on_device(g.spec_bytes(), g.samples(rng, 2), tmp_path, replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"TRANSPOSE_CONV {dtype} ({kernels} kernels)")


def test_transpose_conv_f32_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(73)
    g = _graph(rng, "float32")
    results = run_on_device(g.spec_bytes(), g.samples(rng, 2), tmp_path, bench_options)
    worst = max((o.vs_tflm.max_diff, r.index, o.index) for r in results for o in r.outputs)
    assert worst[0] <= MAX_ULP, f"TRANSPOSE_CONV float32: sample {worst[1]} output {worst[2]} differs by {worst[0]} ULP"


def test_16x8_int16_bias_with_a_shape_input_is_checked_against_tflm_alone(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """TFLM widens an int16 bias; TFLite refuses one, and after a layer whose output_shape is a
    graph input (its output resized at run time) it prepares the rest, and says so, only at its
    first invoke: the run goes on against TFLM and the report says why. The bench's own random
    inputs hold the output shape in that input (generator.fixed_input_values)."""
    rng = np.random.default_rng(74)
    g = _Graph()
    _add_layer(g, rng, "int16", bias="int64", per_channel=True, shape_input=True)
    _add_layer(g, rng, "int16", bias="int16", per_channel=False)
    path = tmp_path / "tconv_int16_bias.tflite"
    path.write_bytes(g.spec_bytes())
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=True)
    with BenchSession(path, options) as session:
        report = session.report(session.run_samples(session.random_samples(2, seed=5)))
    assert_bit_exact(list(report.results), "TRANSPOSE_CONV 16x8 with an int16 bias")
    assert any("TFLite BUILTIN_REF refused the model, so it is compared with TFLM only" in w for w in report.warnings)
