"""Generated C + kernels built for the host must match TFLM (tflite-micro) bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gen_helpers import (
    HostRuntime,
    ModelSpec,
    OpSpec,
    TensorSpec,
    build_tflite,
    fc_model_spec,
    tflm_outputs,
)
from tflm_bench.generator.codegen import generate_c
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _host_runtime(model_bytes: bytes, tmp_path: Path) -> HostRuntime:
    model = read_tflite(model_bytes)
    validate(model)
    generated = tmp_path / "generated"
    generate_c(model, plan_arena(model), generated)
    return HostRuntime(generated, tmp_path)


def _compare(model_bytes: bytes, inputs: list[np.ndarray], tmp_path: Path) -> int:
    """Run both; assert identical outputs; return the number of output values compared."""
    host = _host_runtime(model_bytes, tmp_path)
    compared = 0
    for i, (array, expected) in enumerate(zip(inputs, tflm_outputs(model_bytes, inputs))):
        actual = host.run(array)
        assert actual.dtype == expected.dtype
        bits = np.uint8 if actual.dtype == np.int8 else np.uint32  # compare floats bitwise
        mismatch = np.flatnonzero(actual.view(bits) != expected.view(bits))
        assert mismatch.size == 0, (
            f"input #{i}: {mismatch.size} outputs differ, first at {mismatch[0]}: "
            f"ours {actual.reshape(-1)[mismatch[0]]}, TFLM {expected.reshape(-1)[mismatch[0]]}"
        )
        compared += actual.size
    return compared


def _int8_inputs(rng: np.random.Generator, shape: tuple[int, ...], count: int) -> list[np.ndarray]:
    return [rng.integers(-128, 128, size=shape, dtype=np.int8) for _ in range(count)]


@pytest.mark.parametrize("name", ["dense_int8", "dense_per_tensor", "relu6"])
def test_converted_dense_models_match_tflm(keras_models, name, rng, tmp_path):
    model_bytes = keras_models[name]
    shape = read_tflite(model_bytes).tensors[read_tflite(model_bytes).inputs[0]].shape
    assert _compare(model_bytes, _int8_inputs(rng, shape, 300), tmp_path) > 0


def test_converted_model_kinds(keras_models):
    """The converted fixtures really cover per-channel and per-tensor weights."""
    def weight_scales(name):
        model = read_tflite(keras_models[name])
        return [len(model.tensors[op.inputs[1]].quantization.scales) for op in model.operators
                if op.name == "FULLY_CONNECTED"]

    assert all(n > 1 for n in weight_scales("dense_int8"))
    assert all(n == 1 for n in weight_scales("dense_per_tensor"))


def test_float_io_model_matches_tflm(keras_models, rng, tmp_path):
    model_bytes = keras_models["dense_float_io"]
    model = read_tflite(model_bytes)
    assert [op.name for op in model.operators][0] == "QUANTIZE"
    assert model.operators[-1].name == "DEQUANTIZE"
    shape = model.tensors[model.inputs[0]].shape
    inputs = [(rng.standard_normal(shape) * 3).astype(np.float32) for _ in range(300)]
    _compare(model_bytes, inputs, tmp_path)


@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("activation", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
def test_random_quantization_fc_matches_tflm(per_channel, activation, rng, tmp_path):
    """FC with random scales and zero points, including multipliers > 1 and filter zp != 0."""
    units, depth, batches = 7, 33, 3
    compared = 0
    for trial in range(4):
        filter_scales = (rng.uniform(0.001, 0.05, size=units) if per_channel
                         else [rng.uniform(0.001, 0.05)])
        spec = fc_model_spec(
            rng, batches=batches, depth=depth, units=units,
            in_scale=float(rng.uniform(0.005, 0.1)), in_zp=int(rng.integers(-128, 128)),
            filter_scales=[float(s) for s in filter_scales],
            filter_zp=0 if per_channel else int(rng.integers(-20, 21)),
            out_scale=float(rng.uniform(0.002, 0.5)) if trial else 0.0004,
            out_zp=int(rng.integers(-128, 128)), activation=activation,
            with_bias=trial != 1,
        )
        model_bytes = build_tflite(spec)
        compared += _compare(model_bytes, _int8_inputs(rng, (batches, depth), 60),
                             tmp_path / f"trial{trial}")
    assert compared == 4 * 60 * batches * units


def _quantize_model(in_dtype: str, in_scale: float | None, in_zp: int | None,
                    out_scale: float, out_zp: int, size: int) -> bytes:
    in_q = ([in_scale], [in_zp]) if in_scale is not None else (None, None)
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, size), in_dtype, *in_q),
                 TensorSpec("q", (1, size), "int8", [out_scale], [out_zp])],
        ops=[OpSpec("QUANTIZE", [0], [1])], inputs=[0], outputs=[1])
    return build_tflite(spec)


def test_quantize_float_matches_tflm_including_ties(rng, tmp_path):
    size = 512
    for trial, (scale, zp) in enumerate([(0.1, 0), (0.0235, -7), (1.0 / 3.0, 100), (0.5, -128)]):
        scale32 = np.float32(scale)
        halves = (np.arange(-size // 2, size // 2, dtype=np.float32) + np.float32(0.5))
        ties = (halves * scale32).astype(np.float32)  # x / scale lands on (or next to) k + 0.5
        assert np.count_nonzero(ties / scale32 == halves) > size // 4  # many exact ties
        near = np.nextafter(ties, np.float32(np.inf))
        random = (rng.standard_normal(size) * 300 * scale).astype(np.float32)
        specials = np.zeros(size, dtype=np.float32)
        # |x / scale| >= 2^31 is left out: TFLM's float -> int32 cast is undefined there (x86
        # gives INT32_MIN, so +huge -> -128); our kernel saturates (+huge -> 127).
        specials[:8] = [0.0, -0.0, 1e-30, -1e-30, 1e6, -1e6, 2e9 * scale, -2e9 * scale]
        inputs = [a.reshape(1, size) for a in (ties, near, random, specials)]
        _compare(_quantize_model("float32", None, None, scale, zp, size), inputs,
                 tmp_path / f"q{trial}")


def test_requantize_matches_tflm(rng, tmp_path):
    all_values = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    for trial in range(8):
        in_scale, out_scale = (float(s) for s in rng.uniform(0.001, 0.2, size=2))
        if trial == 0:
            out_scale = in_scale  # identity rescale
        model_bytes = _quantize_model("int8", in_scale, int(rng.integers(-128, 128)),
                                      out_scale, int(rng.integers(-128, 128)), 256)
        _compare(model_bytes, [all_values], tmp_path / f"r{trial}")


def test_dequantize_matches_tflm(rng, tmp_path):
    all_values = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    for trial in range(8):
        scale = float(rng.uniform(1e-4, 2.0))
        zp = int(rng.integers(-128, 128))
        spec = ModelSpec(
            tensors=[TensorSpec("q", (1, 256), "int8", [scale], [zp]),
                     TensorSpec("x", (1, 256), "float32")],
            ops=[OpSpec("DEQUANTIZE", [0], [1])], inputs=[0], outputs=[1])
        _compare(build_tflite(spec), [all_values], tmp_path / f"d{trial}")


def _srdhm_then_divide(acc: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """Vectorised MultiplyByQuantizedMultiplier for shift <= 0 (search helper)."""
    product = acc.astype(np.int64) * multiplier
    total = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(total >= 0, total >> 31, -((-total) >> 31))
    mask = (1 << -shift) - 1
    return (high >> -shift) + ((high & mask) > ((mask >> 1) + (high < 0)))


@pytest.mark.parametrize("per_channel", [False, True])
def test_fc_multiplier_uses_double_precision_product(per_channel, tmp_path):
    """Scales where float(in*filter) and double(in)*double(filter) give different multipliers:
    biases are chosen so the two multipliers round differently; TFLM must agree with ours."""
    from tflm_bench.generator.quantization import quantize_multiplier

    rng = np.random.default_rng(7)
    checked = 0
    while checked < 3:
        a, b, c = (float(np.float32(x)) for x in rng.uniform(0.001, 0.1, 3))
        c = float(np.float32(c * 20))
        ours = quantize_multiplier(a * b / c)
        single = quantize_multiplier(float(np.float32(a) * np.float32(b)) / c)
        if ours == single:
            continue
        span = int(127 / (a * b / c))
        acc = np.arange(-span, span, dtype=np.int64)
        targets = acc[_srdhm_then_divide(acc, *ours) != _srdhm_then_divide(acc, *single)][:16]
        if targets.size == 0:
            continue
        units = int(targets.size)
        spec = ModelSpec(
            tensors=[
                TensorSpec("input", (1, 1), "int8", [a], [0]),
                TensorSpec("weights", (units, 1), "int8", [b] * (units if per_channel else 1),
                           [0] * (units if per_channel else 1), np.zeros((units, 1), np.int8)),
                TensorSpec("output", (1, units), "int8", [c], [0]),
                TensorSpec("bias", (units,), "int32", [a * b], [0], targets.astype(np.int32)),
            ],
            ops=[OpSpec("FULLY_CONNECTED", [0, 1, 3], [2])], inputs=[0], outputs=[2])
        _compare(build_tflite(spec), [np.zeros((1, 1), np.int8)], tmp_path / f"m{checked}")
        checked += 1
