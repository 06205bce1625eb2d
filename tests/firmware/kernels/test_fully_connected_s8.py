"""FULLY_CONNECTED int8 on the emulated device against TFLM, over randomized shapes and quantization.

Each firmware holds several independent layers (own input, weights, output), so one build
covers many parameter sets.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def _random_scale(rng: np.random.Generator) -> float:
    return float(2.0 ** rng.uniform(-12, 2))


def _fc_layers(rng: np.random.Generator, count: int, per_channel: bool) -> ModelSpec:
    tensors: list[TensorSpec] = []
    ops: list[OpSpec] = []
    inputs, outputs = [], []
    for k in range(count):
        batches, depth, units = int(rng.integers(1, 4)), int(rng.integers(1, 40)), int(rng.integers(1, 24))
        in_scale, out_scale = _random_scale(rng), _random_scale(rng)
        in_zp, out_zp = (int(v) for v in rng.choice([-128, 127, *rng.integers(-128, 128, 3)], 2))
        scales = [_random_scale(rng) * 0.01 for _ in range(units if per_channel else 1)]
        filter_zp = 0
        base = len(tensors)
        tensors += [
            TensorSpec(f"in{k}", (batches, depth), "int8", [in_scale], [in_zp]),
            TensorSpec(f"w{k}", (units, depth), "int8", scales, [filter_zp] * len(scales),
                       rng.integers(-127, 128, (units, depth)).astype(np.int8)),
            TensorSpec(f"b{k}", (units,), "int32", [in_scale * s for s in scales], [0] * len(scales),
                       rng.integers(-20000, 20000, units).astype(np.int32)),
            TensorSpec(f"out{k}", (batches, units), "int8", [out_scale], [out_zp]),
        ]
        ops.append(OpSpec("FULLY_CONNECTED", [base, base + 1, base + 2], [base + 3],
                          activation=ACTIVATIONS[k % len(ACTIVATIONS)]))
        inputs.append(base)
        outputs.append(base + 3)
    return ModelSpec(tensors, ops, inputs, outputs)


def _samples(spec: ModelSpec, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
    return [
        [rng.integers(-128, 128, spec.tensors[i].shape).astype(np.int8) for i in spec.inputs]
        for _ in range(count)
    ]


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per_tensor", "per_channel"])
@pytest.mark.parametrize("seed", [1, 2])
def test_fully_connected_matches_tflm(per_channel: bool, seed: int, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed * 100 + per_channel)
    spec = _fc_layers(rng, count=6, per_channel=per_channel)
    results = run_on_device(build_tflite(spec), _samples(spec, rng, 5), tmp_path, replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"FULLY_CONNECTED seed {seed} per_channel={per_channel} ({kernels} kernels)")
