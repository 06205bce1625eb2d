"""QUANTIZE (float32 -> int8, int8 -> int8, uint8 <-> int8) and DEQUANTIZE (int8 -> float32) on the
emulated device against TFLM, with random scales and zero points and float inputs that sit exactly
on rounding ties.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite

SHAPE = (1, 37)  # not a multiple of 4


def _scale(rng: np.random.Generator) -> float:
    return float(2.0 ** rng.uniform(-10, 3))


def _zero_point(rng: np.random.Generator, dtype: str) -> int:
    low, high = (-128, 127) if dtype == "int8" else (0, 255)
    return int(rng.choice([low, high, int(rng.integers(low, high + 1))]))


def _spec(rng: np.random.Generator) -> ModelSpec:
    """Independent layers: 3 float->int8, 3 int8->int8, 2 uint8->int8, 2 int8->uint8, 3 int8->float."""
    kinds = [("float32", "int8")] * 3 + [("int8", "int8")] * 3 + [("uint8", "int8"), ("int8", "uint8")] * 2
    kinds += [("int8", "float32")] * 3
    tensors: list[TensorSpec] = []
    ops: list[OpSpec] = []
    inputs, outputs = [], []
    for k, (src, dst) in enumerate(kinds):
        quant = lambda dtype: ([_scale(rng)], [_zero_point(rng, dtype)]) if dtype != "float32" else (None, None)  # noqa: E731
        tensors.append(TensorSpec(f"in{k}", SHAPE, src, *quant(src)))
        tensors.append(TensorSpec(f"out{k}", SHAPE, dst, *quant(dst)))
        ops.append(OpSpec("DEQUANTIZE" if dst == "float32" else "QUANTIZE", [2 * k], [2 * k + 1]))
        inputs.append(2 * k)
        outputs.append(2 * k + 1)
    return ModelSpec(tensors, ops, inputs, outputs)


def _sample(spec: ModelSpec, rng: np.random.Generator) -> list[np.ndarray]:
    sample = []
    for index, op in zip(spec.inputs, spec.ops):
        tensor = spec.tensors[index]
        if tensor.dtype == "float32":
            out = spec.tensors[op.outputs[0]]
            scale, zp = out.scales[0], out.zero_points[0]
            # Half of the values on exact .5 ties of x / scale (where rounding modes differ),
            # the rest spread over and beyond the int8 range.
            steps = rng.integers(-140 - zp, 140 - zp, SHAPE).astype(np.float64)
            ties = ((steps + 0.5) * scale).astype(np.float32)
            spread = rng.uniform((-150 - zp) * scale, (150 - zp) * scale, SHAPE).astype(np.float32)
            sample.append(np.where(rng.random(SHAPE) < 0.5, ties, spread).astype(np.float32))
        else:
            info = np.iinfo(np.int8 if tensor.dtype == "int8" else np.uint8)
            sample.append(rng.integers(info.min, info.max, SHAPE, endpoint=True).astype(tensor.dtype))
    return sample


@pytest.mark.parametrize("seed", [3, 4])
def test_quantize_and_dequantize_match_tflm(seed: int, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    spec = _spec(rng)
    results = run_on_device(build_tflite(spec), [_sample(spec, rng) for _ in range(4)], tmp_path, bench_options)
    # Float outputs (DEQUANTIZE) are held to 0 ULP here: scale * (q - zp) has one rounding.
    for result in results:
        for output in result.outputs:
            assert output.vs_tflm.exact, f"seed {seed} sample {result.index} output {output.index}: {output.vs_tflm}"
    assert_bit_exact(results, f"QUANTIZE/DEQUANTIZE seed {seed}")
