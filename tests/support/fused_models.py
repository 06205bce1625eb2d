"""A small float32 model whose CONV_2D + MAX_POOL_2D pair the generator fuses (generator/fusion.py):
input 12x10x2 -> conv 3x3x6 (SAME, RELU) -> max-pool 2x2/2 -> conv 1x1x3, float32 throughout."""
from __future__ import annotations

import numpy as np

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite


def conv_pool_conv_spec(seed: int = 1, conv_output_is_model_output: bool = False) -> ModelSpec:
    rng = np.random.default_rng(seed)

    def weights(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 1.0, shape).astype(np.float32)

    tensors = [
        TensorSpec("in", (1, 12, 10, 2), "float32"),
        TensorSpec("f0", (6, 3, 3, 2), "float32", data=weights(6, 3, 3, 2)),
        TensorSpec("b0", (6,), "float32", data=weights(6)),
        TensorSpec("conv0", (1, 12, 10, 6), "float32"),
        TensorSpec("pool1", (1, 6, 5, 6), "float32"),
        TensorSpec("f2", (3, 1, 1, 6), "float32", data=weights(3, 1, 1, 6)),
        TensorSpec("b2", (3,), "float32", data=weights(3)),
        TensorSpec("out", (1, 6, 5, 3), "float32"),
    ]
    conv = {"padding": "SAME", "strideH": 1, "strideW": 1, "dilationHFactor": 1, "dilationWFactor": 1}
    ops = [
        OpSpec("CONV_2D", [0, 1, 2], [3], options=("Conv2DOptions", {**conv, "fusedActivationFunction": "RELU"})),
        OpSpec("MAX_POOL_2D", [3], [4], options=("Pool2DOptions", {
            "padding": "VALID", "strideH": 2, "strideW": 2, "filterHeight": 2, "filterWidth": 2,
            "fusedActivationFunction": "NONE"})),
        OpSpec("CONV_2D", [4, 5, 6], [7], options=("Conv2DOptions", {**conv, "fusedActivationFunction": "NONE"})),
    ]
    return ModelSpec(tensors, ops, [0], [3, 7] if conv_output_is_model_output else [7])


def conv_pool_conv(seed: int = 1, conv_output_is_model_output: bool = False) -> bytes:
    return build_tflite(conv_pool_conv_spec(seed, conv_output_is_model_output))
