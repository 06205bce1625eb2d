"""16x8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (int16 activations, int8 weights) on the
emulated device against TFLM: randomized shapes, geometry, per-channel and per-tensor scales,
int64 and int32 biases (TFLM's 64- and 32-bit accumulators), no bias, fused activations.

Each firmware holds many independent layers (own input, filter, output), so two builds per
kernel set cover the parameter space. int16 tensors are symmetric (zero point 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from support.window_layers import ACTIVATIONS, Window

# INFO describes every model input and output in one 1024-byte reply: 65 bytes per 4-D layer.
MAX_LAYERS = 14
CHANNELS = (1, 2, 3, 5, 8, 17)


@dataclass
class S16Layers:
    """Tensors and ops of a model made of independent 16x8 layers."""

    tensors: list[TensorSpec] = field(default_factory=list)
    ops: list[OpSpec] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def add(self, tensor: TensorSpec) -> int:
        self.tensors.append(tensor)
        return len(self.tensors) - 1

    def spec_bytes(self) -> bytes:
        return build_tflite(ModelSpec(self.tensors, self.ops, self.inputs, self.outputs))

    def samples(self, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
        def one(t: TensorSpec) -> np.ndarray:
            # Full range half of the time, a narrower spread (fewer saturated outputs) otherwise.
            bound = 32768 if rng.random() < 0.5 else 4000
            return rng.integers(-bound, bound, t.shape).astype(np.int16)

        return [[one(self.tensors[i]) for i in self.inputs] for _ in range(count)]

    def _bias(self, rng: np.random.Generator, name: str, count: int, bias: str, in_scale: float,
              filter_scales: list[float], taps: int) -> int:
        """An int64 / int32 bias near the accumulator's spread (some int64 biases far beyond int32),
        or -1 (bias "none" / "none32")."""
        if bias.startswith("none"):
            return -1
        spread = int(2500 * 73 * np.sqrt(taps))
        values = rng.integers(-spread, spread + 1, count).astype(np.int64)
        if bias == "int64" and rng.random() < 0.3:
            values[0] = int(rng.choice([-1, 1])) * (2**40 + int(rng.integers(0, 2**20)))
        dtype = np.int64 if bias == "int64" else np.int32
        scales = [in_scale * s for s in (filter_scales if len(filter_scales) == count else filter_scales * count)]
        return self.add(TensorSpec(name, (count,), bias, scales, [0] * count, values.astype(dtype)))

    def conv(self, rng: np.random.Generator, w: Window, out_c: int, *, per_channel: bool, bias: str,
             depth_multiplier: int = 0, log2: float | None = None) -> None:
        """CONV_2D (depth_multiplier 0) or DEPTHWISE_CONV_2D; `bias` is int64, int32, none (the
        default quantized_bias_type) or none32 (quantized_bias_type INT32: the 32-bit path)."""
        k = len(self.ops)
        n, _, _, in_c = w.in_shape
        out_h, out_w = w.out_hw()
        depthwise = depth_multiplier > 0
        if depthwise:
            out_c = in_c * depth_multiplier
            filter_shape: tuple[int, ...] = (1, *w.kernel, out_c)
            taps = w.kernel[0] * w.kernel[1]
        else:
            filter_shape = (out_c, *w.kernel, in_c)
            taps = w.kernel[0] * w.kernel[1] * in_c
        in_scale, filter_scales, out_scale = _scales(rng, taps, out_c if per_channel else 1, log2)
        weights = rng.integers(-127, 128, filter_shape).astype(np.int8)
        i_in = self.add(TensorSpec(f"in{k}", w.in_shape, "int16", [in_scale], [0]))
        i_f = self.add(TensorSpec(f"f{k}", filter_shape, "int8", filter_scales, [0] * len(filter_scales), weights,
                                  quantized_dimension=3 if depthwise else 0))
        i_b = self._bias(rng, f"b{k}", out_c, bias, in_scale, filter_scales, taps)
        i_out = self.add(TensorSpec(f"out{k}", (n, out_h, out_w, out_c), "int16", [out_scale], [0]))
        options: dict[str, object] = {
            "padding": w.padding, "strideH": w.stride[0], "strideW": w.stride[1],
            "dilationHFactor": w.dilation[0], "dilationWFactor": w.dilation[1],
            "fusedActivationFunction": w.activation,
        }
        if depthwise:
            options["depthMultiplier"] = depth_multiplier
            # Two inputs when there is no bias: the pinned TFLM crashes on a -1 depthwise bias.
            inputs = [i_in, i_f, i_b] if i_b >= 0 else [i_in, i_f]
            self.ops.append(OpSpec("DEPTHWISE_CONV_2D", inputs, [i_out], options=("DepthwiseConv2DOptions", options)))
        else:
            if bias == "none32":
                options["quantizedBiasType"] = "INT32"
            self.ops.append(OpSpec("CONV_2D", [i_in, i_f, i_b], [i_out], options=("Conv2DOptions", options)))
        self.inputs.append(i_in)
        self.outputs.append(i_out)

    def fully_connected(self, rng: np.random.Generator, batches: int, depth: int, units: int, *,
                        per_channel: bool, bias: str, activation: str, filter_zp: int = 0) -> None:
        k = len(self.ops)
        in_scale, filter_scales, out_scale = _scales(rng, depth, units if per_channel else 1, None)
        weights = rng.integers(-127, 128, (units, depth)).astype(np.int8)
        zps = [0] * units if per_channel else [filter_zp]
        i_in = self.add(TensorSpec(f"in{k}", (batches, depth), "int16", [in_scale], [0]))
        i_w = self.add(TensorSpec(f"w{k}", (units, depth), "int8", filter_scales, zps, weights))
        i_b = self._bias(rng, f"b{k}", units, bias, in_scale, filter_scales, depth)
        i_out = self.add(TensorSpec(f"out{k}", (batches, units), "int16", [out_scale], [0]))
        options: dict[str, object] = {"fusedActivationFunction": activation}
        if bias == "none32":
            options["quantizedBiasType"] = "INT32"
        self.ops.append(OpSpec("FULLY_CONNECTED", [i_in, i_w, i_b], [i_out],
                               options=("FullyConnectedOptions", options)))
        self.inputs.append(i_in)
        self.outputs.append(i_out)


def _scales(rng: np.random.Generator, taps: int, count: int, log2: float | None) -> tuple[float, list[float], float]:
    """Input scale, filter scales, output scale: the output maps about +-2 standard deviations of
    the accumulator onto int16, times 2^log2 (random in [-2, 2] unless given)."""
    in_scale = float(2.0 ** rng.uniform(-16, -6))
    filter_scales = [float(2.0 ** rng.uniform(-10, -4)) for _ in range(count)]
    spread = 2 * 18000.0 * 73.0 * np.sqrt(max(taps, 1)) / 65536.0
    shift = float(rng.uniform(-2, 2)) if log2 is None else log2
    out_scale = float(in_scale * float(np.median(filter_scales)) * spread * 2.0 ** shift)
    return in_scale, filter_scales, out_scale


def _conv_model(rng: np.random.Generator) -> S16Layers:
    layers = S16Layers()
    # Edge cases: SAME 3x3 over a 1x1 input; kernel larger than the input with stride 2; dilations;
    # a multiplier above 1 (shift > 0) and a tiny one; each bias kind on both ops.
    layers.conv(rng, Window((1, 1, 1, 3), (3, 3), padding="SAME", activation="RELU"), 5, per_channel=True,
                bias="int64")
    layers.conv(rng, Window((1, 3, 2, 5), (5, 4), (2, 2), padding="SAME", activation="RELU6"), 7,
                per_channel=False, bias="int32")
    layers.conv(rng, Window((1, 7, 8, 3), (3, 3), (1, 2), (2, 3), "SAME", "RELU_N1_TO_1"), 4, per_channel=True,
                bias="none")
    layers.conv(rng, Window((1, 8, 7, 2), (2, 3), (2, 1), (3, 2), "VALID"), 17, per_channel=True, bias="none32")
    layers.conv(rng, Window((1, 4, 4, 2), (1, 1)), 3, per_channel=True, bias="int64", log2=-9.5)
    layers.conv(rng, Window((1, 4, 4, 2), (2, 2)), 3, per_channel=False, bias="int32", log2=22.0)
    # A receptive field whose sum can leave 32 bits (5x5x64 weights: 2^15 x sum |w| > 2^31): the
    # optimized kernel adds each tap's 32-bit sum into 64 bits; two pixels share the taps.
    layers.conv(rng, Window((1, 5, 6, 64), (5, 5), padding="VALID"), 5, per_channel=True, bias="int64")
    layers.conv(rng, Window((2, 5, 6, 3), (3, 3), (1, 1), (1, 1), "SAME"), 3, per_channel=True, bias="int64",
                depth_multiplier=2)
    layers.conv(rng, Window((1, 9, 8, 4), (3, 2), (2, 3), (2, 1), "VALID", "RELU"), 4, per_channel=False,
                bias="none", depth_multiplier=1)
    bias_kinds = ("int64", "int32", "none", "none32")
    while len(layers.ops) < MAX_LAYERS:
        depthwise = rng.random() < 0.35
        in_c = int(rng.choice(CHANNELS))
        w = Window(
            (int(rng.integers(1, 3)), int(rng.integers(1, 10)), int(rng.integers(1, 10)), in_c),
            (int(rng.integers(1, 6)), int(rng.integers(1, 6))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            str(rng.choice(["SAME", "VALID"])),
            ACTIVATIONS[len(layers.ops) % len(ACTIVATIONS)],
        )
        if not w.fits():
            continue
        per_channel = bool(rng.random() < 0.6)
        if depthwise:
            layers.conv(rng, w, 0, per_channel=per_channel, bias=str(rng.choice(["int64", "none"])),
                        depth_multiplier=int(rng.integers(1, 4)))
        else:
            layers.conv(rng, w, int(rng.choice(CHANNELS)), per_channel=per_channel,
                        bias=str(bias_kinds[len(layers.ops) % len(bias_kinds)]))
    return layers


def _fc_model(rng: np.random.Generator) -> S16Layers:
    layers = S16Layers()
    cases = [  # (batches, depth, units, per_channel, bias, filter zero point)
        (1, 1, 1, False, "int64", 0), (3, 17, 5, True, "int64", 0), (2, 64, 8, True, "int32", 0),
        (1, 33, 7, False, "int32", 3), (4, 9, 3, False, "none", -5), (1, 100, 10, True, "none32", 0),
        (2, 5, 16, False, "int64", 127), (1, 300, 4, True, "int64", 0),
    ]
    for i, (batches, depth, units, per_channel, bias, zp) in enumerate(cases):
        layers.fully_connected(rng, batches, depth, units, per_channel=per_channel, bias=bias,
                               activation=ACTIVATIONS[i % len(ACTIVATIONS)], filter_zp=zp)
    while len(layers.ops) < MAX_LAYERS:
        per_channel = bool(rng.random() < 0.5)
        layers.fully_connected(rng, int(rng.integers(1, 4)), int(rng.integers(1, 80)), int(rng.integers(1, 20)),
                               per_channel=per_channel, bias=str(rng.choice(["int64", "int32", "none", "none32"])),
                               activation=str(rng.choice(ACTIVATIONS)),
                               filter_zp=0 if per_channel else int(rng.integers(-20, 21)))
    return layers


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
@pytest.mark.parametrize("model", ["conv", "fully_connected"])
def test_s16_layers_match_tflm(model: str, kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(16_008 + (0 if model == "conv" else 1))
    layers = _conv_model(rng) if model == "conv" else _fc_model(rng)
    results = run_on_device(layers.spec_bytes(), layers.samples(rng, 3), tmp_path,
                            replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"16x8 {model} ({kernels} kernels)")
