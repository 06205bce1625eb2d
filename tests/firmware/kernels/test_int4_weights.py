"""int8 activations with int4 (packed) weights ("8x4") in CONV_2D, DEPTHWISE_CONV_2D and
FULLY_CONNECTED on the emulated device against host TFLM, bit-exact.

The model stores the weights as kTfLiteInt4, two a byte (tests/support/tflite_builder.pack_int4);
TFLM unpacks them into int8 at every Eval (UnpackDenseInt4IntoInt8), the generator once when it
reads the model (tflite_reader.unpack_int4), so the int8 kernels run the same values. Layers mix
per-channel and per-tensor filters (FULLY_CONNECTED per tensor only: TFLM refuses per-channel int4
weights there), odd element counts (the last byte's high nibble unused), all 16 weight values,
zero points at the rails, and both kernel sets.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import OpSpec, TensorSpec
from support.window_layers import LayerSet, Window, conv_quant

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def _fully_connected(layers: LayerSet, rng: np.random.Generator, batches: int, depth: int, units: int) -> None:
    k = len(layers.ops)
    in_scale = float(2.0 ** rng.uniform(-8, -2))
    w_scale = float(2.0 ** rng.uniform(-8, -4))
    # int4 weights spread about 4.6 steps: the output scale maps +-2 accumulator deviations to 256 steps.
    out_scale = float(in_scale * w_scale * 73.0 * 4.6 * np.sqrt(depth) / 64.0 * 2.0 ** rng.uniform(-1, 1))
    in_zp, out_zp = (int(v) for v in rng.choice([-128, 127, *rng.integers(-128, 128, 3)], 2))
    weights = rng.integers(-8, 8, (units, depth)).astype(np.int8)
    i_in = layers.add(TensorSpec(f"in{k}", (batches, depth), "int8", [in_scale], [in_zp]))
    i_w = layers.add(TensorSpec(f"w{k}", (units, depth), "int4", [w_scale], [0], weights))
    i_b = layers.add(TensorSpec(f"b{k}", (units,), "int32", [in_scale * w_scale], [0],
                                rng.integers(-2000, 2000, units).astype(np.int32)))
    i_out = layers.add(TensorSpec(f"out{k}", (batches, units), "int8", [out_scale], [out_zp]))
    layers.ops.append(OpSpec("FULLY_CONNECTED", [i_in, i_w, i_b], [i_out], activation=ACTIVATIONS[k % len(ACTIVATIONS)]))
    layers.inputs.append(i_in)
    layers.outputs.append(i_out)


def _layers(rng: np.random.Generator) -> LayerSet:
    layers = LayerSet()

    def q(taps: int, channels: int, per_channel: bool):  # type: ignore[no-untyped-def]
        # int4 weights spread about 1/24 of int8's: lower the output scale to match.
        return conv_quant(rng, taps, channels, per_channel, float(rng.uniform(-6.5, -3.5)))

    # CONV_2D: 5 x 3x3x3 = 135 weights (odd), per channel; 3 x 2x2x1 = 12, per tensor; grouped.
    layers.conv(rng, Window((1, 5, 6, 3), (3, 3), padding="SAME", activation="RELU"), 5, q(27, 5, True),
                weight_dtype="int4")
    layers.conv(rng, Window((2, 4, 4, 1), (2, 2), (2, 1)), 3, q(4, 3, False), weight_dtype="int4")
    layers.conv(rng, Window((1, 5, 4, 6), (3, 1), activation="RELU6"), 6, q(6, 6, True), groups=3,
                weight_dtype="int4")
    layers.conv(rng, Window((1, 7, 7, 5), (1, 1)), 7, q(5, 7, True), bias=False, weight_dtype="int4")
    # DEPTHWISE_CONV_2D: 3x3 x 3 channels = 27 (odd), per channel; multiplier 2; per tensor.
    layers.conv(rng, Window((1, 6, 5, 3), (3, 3), padding="SAME"), 0, q(9, 3, True), depthwise_multiplier=1,
                weight_dtype="int4")
    layers.conv(rng, Window((1, 5, 5, 2), (2, 3), (2, 2), (1, 1), "VALID", "RELU"), 0, q(6, 4, True),
                depthwise_multiplier=2, weight_dtype="int4")
    layers.conv(rng, Window((1, 4, 4, 5), (3, 3), dilation=(2, 1)), 0, q(9, 5, False), depthwise_multiplier=1,
                weight_dtype="int4")
    # FULLY_CONNECTED: 3 x 5 = 15 weights (odd), 8 x 33, 1 x 1.
    _fully_connected(layers, rng, 2, 5, 3)
    _fully_connected(layers, rng, 1, 33, 8)
    _fully_connected(layers, rng, 3, 1, 1)
    return layers


@pytest.mark.parametrize("kernels", ["reference", "optimized"])
def test_int4_weights_match_tflm(kernels: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(44)
    layers = _layers(rng)
    weights = [t for t in layers.tensors if t.dtype == "int4"]
    assert len(weights) == 10 and any(t.data is not None and t.data.size % 2 for t in weights)
    samples = layers.samples(rng, 3)
    results = run_on_device(layers.spec_bytes(), samples, tmp_path, replace(bench_options, kernels=kernels))
    assert_bit_exact(results, f"int4 weights ({kernels} kernels)")
    assert sum(len(r.outputs) for r in results) == 3 * len(layers.outputs)



def test_int4_layers_are_not_stuck_on_the_rails() -> None:
    """Host TFLM takes the int4 model, and its outputs spread over int8 (not saturated), so the
    device comparison above means something."""
    from tflite_micro.python.tflite_micro import runtime

    rng = np.random.default_rng(44)
    layers = _layers(rng)
    interpreter = runtime.Interpreter.from_bytes(layers.spec_bytes())
    for i, value in enumerate(layers.samples(rng, 1)[0]):
        interpreter.set_input(value, i)
    interpreter.invoke()
    for k in range(len(layers.outputs)):
        values = np.asarray(interpreter.get_output(k)).reshape(-1)
        inside = np.mean((values > -128) & (values < 127))
        assert inside > 0.5 or len(set(values.tolist())) > 1, f"output {k} is stuck at the rails: {values[:16]}"
