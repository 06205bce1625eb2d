"""Random CONV_2D / DEPTHWISE_CONV_2D / pooling layers for the kernel tests, several per model.

Each layer gets its own model input and output, so one firmware build checks many parameter sets.
Output sizes follow TFLite's rule, written out here independently of the generator: SAME gives
ceil(in / stride), VALID gives (in + stride - effective_filter) // stride.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite

ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def out_size(padding: str, size: int, kernel: int, stride: int, dilation: int = 1) -> int:
    effective = (kernel - 1) * dilation + 1
    return -(-size // stride) if padding == "SAME" else (size + stride - effective) // stride


@dataclass
class Window:
    """One layer's geometry and options (filter size doubles as the pool size)."""

    in_shape: tuple[int, int, int, int]  # NHWC
    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    dilation: tuple[int, int] = (1, 1)
    padding: str = "SAME"
    activation: str = "NONE"

    def out_hw(self) -> tuple[int, int]:
        return (out_size(self.padding, self.in_shape[1], self.kernel[0], self.stride[0], self.dilation[0]),
                out_size(self.padding, self.in_shape[2], self.kernel[1], self.stride[1], self.dilation[1]))

    def fits(self) -> bool:
        return min(self.out_hw()) >= 1


@dataclass
class Quant:
    """int8 quantization of one layer (layers take None instead for float32)."""

    in_scale: float
    in_zp: int
    out_scale: float
    out_zp: int
    filter_scales: list[float] = field(default_factory=list)  # one (per tensor) or one per channel


@dataclass
class LayerSet:
    """Tensors and ops of a model made of independent layers."""

    tensors: list[TensorSpec] = field(default_factory=list)
    ops: list[OpSpec] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def add(self, tensor: TensorSpec) -> int:
        self.tensors.append(tensor)
        return len(self.tensors) - 1

    def spec(self) -> ModelSpec:
        return ModelSpec(self.tensors, self.ops, self.inputs, self.outputs)

    def spec_bytes(self) -> bytes:
        return build_tflite(self.spec())

    def samples(self, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
        def one(t: TensorSpec) -> np.ndarray:
            if t.dtype == "int8":
                return rng.integers(-128, 128, t.shape).astype(np.int8)
            if t.dtype == "int16":
                return rng.integers(-32768, 32768, t.shape).astype(np.int16)
            return rng.normal(0.0, 1.0, t.shape).astype(np.float32)

        return [[one(self.tensors[i]) for i in self.inputs] for _ in range(count)]

    # -- layers ----------------------------------------------------------------------------
    def conv(self, rng: np.random.Generator, w: Window, out_c: int, q: Quant | None, *,
             groups: int = 1, bias: bool = True, depthwise_multiplier: int = 0, weight_bound: int = 127,
             weight_dtype: str = "int8") -> None:
        """CONV_2D (depthwise_multiplier 0) or DEPTHWISE_CONV_2D (depthwise_multiplier >= 1);
        `weight_dtype` "int4" writes the filter packed as int4 (values -8..7)."""
        k = len(self.ops)
        n, _, _, in_c = w.in_shape
        out_h, out_w = w.out_hw()
        depthwise = depthwise_multiplier > 0
        if depthwise:
            out_c = in_c * depthwise_multiplier
            filter_shape: tuple[int, ...] = (1, *w.kernel, out_c)
        else:
            filter_shape = (out_c, *w.kernel, in_c // groups)
        dtype = "float32" if q is None else "int8"
        if q is None:
            weights = rng.normal(0.0, 1.0, filter_shape).astype(np.float32)
            bias_data = rng.normal(0.0, 1.0, out_c).astype(np.float32)
            in_t = TensorSpec(f"in{k}", w.in_shape, dtype)
            f_t = TensorSpec(f"f{k}", filter_shape, dtype, data=weights)
            b_t = TensorSpec(f"b{k}", (out_c,), dtype, data=bias_data)
            o_t = TensorSpec(f"out{k}", (n, out_h, out_w, out_c), dtype)
        else:
            if weight_dtype == "int4":
                weights = rng.integers(-8, 8, filter_shape).astype(np.int8)
            else:
                weights = rng.integers(-weight_bound, weight_bound + 1, filter_shape).astype(np.int8)
            bias_scales = [q.in_scale * s for s in q.filter_scales]
            # About one accumulator standard deviation, so the bias matters without dominating.
            bound = int(5000 * np.sqrt(w.kernel[0] * w.kernel[1] * filter_shape[3 if not depthwise else 0]))
            bias_data = rng.integers(-bound, bound + 1, out_c).astype(np.int32)
            in_t = TensorSpec(f"in{k}", w.in_shape, dtype, [q.in_scale], [q.in_zp])
            f_t = TensorSpec(f"f{k}", filter_shape, weight_dtype, q.filter_scales, [0] * len(q.filter_scales), weights,
                             quantized_dimension=3 if depthwise else 0)
            b_t = TensorSpec(f"b{k}", (out_c,), "int32", bias_scales, [0] * len(bias_scales), bias_data)
            o_t = TensorSpec(f"out{k}", (n, out_h, out_w, out_c), dtype, [q.out_scale], [q.out_zp])
        i_in, i_f = self.add(in_t), self.add(f_t)
        i_b = self.add(b_t) if bias else -1
        i_out = self.add(o_t)
        options: dict[str, object] = {
            "padding": w.padding, "strideH": w.stride[0], "strideW": w.stride[1],
            "dilationHFactor": w.dilation[0], "dilationWFactor": w.dilation[1],
            "fusedActivationFunction": w.activation,
        }
        if depthwise:
            options["depthMultiplier"] = depthwise_multiplier
            # No bias as a 2-input operator: TFLM (tflite-micro 0.dev20261023182759) crashes in
            # DEPTHWISE_CONV_2D's Prepare when a third input is present but is -1 (it frees the
            # absent bias tensor). CONV_2D below keeps the -1 form, which TFLM handles.
            op_inputs = [i_in, i_f, i_b] if bias else [i_in, i_f]
            op = OpSpec("DEPTHWISE_CONV_2D", op_inputs, [i_out], options=("DepthwiseConv2DOptions", options))
        else:
            op = OpSpec("CONV_2D", [i_in, i_f, i_b], [i_out], options=("Conv2DOptions", options))
        self.ops.append(op)
        self.inputs.append(i_in)
        self.outputs.append(i_out)

    def fully_connected_f32(self, rng: np.random.Generator, batches: int, depth: int, units: int,
                            activation: str = "NONE", bias: bool = True) -> None:
        """A float32 FULLY_CONNECTED layer."""
        k = len(self.ops)
        i_in = self.add(TensorSpec(f"in{k}", (batches, depth), "float32"))
        i_w = self.add(TensorSpec(f"w{k}", (units, depth), "float32",
                                  data=rng.normal(0.0, 1.0, (units, depth)).astype(np.float32)))
        i_b = self.add(TensorSpec(f"b{k}", (units,), "float32", data=rng.normal(0.0, 1.0, units).astype(np.float32))) if bias else -1
        i_out = self.add(TensorSpec(f"out{k}", (batches, units), "float32"))
        self.ops.append(OpSpec("FULLY_CONNECTED", [i_in, i_w, i_b], [i_out], activation=activation))
        self.inputs.append(i_in)
        self.outputs.append(i_out)

    def pool(self, name: str, w: Window, q: Quant | None, dtype: str = "int8") -> None:
        """AVERAGE_POOL_2D or MAX_POOL_2D; a quantized (`dtype` int8 or int16) pool keeps the
        input's quantization."""
        k = len(self.ops)
        n, _, _, c = w.in_shape
        out_h, out_w = w.out_hw()
        if q is None:
            i_in = self.add(TensorSpec(f"in{k}", w.in_shape, "float32"))
            i_out = self.add(TensorSpec(f"out{k}", (n, out_h, out_w, c), "float32"))
        else:
            i_in = self.add(TensorSpec(f"in{k}", w.in_shape, dtype, [q.in_scale], [q.in_zp]))
            i_out = self.add(TensorSpec(f"out{k}", (n, out_h, out_w, c), dtype, [q.in_scale], [q.in_zp]))
        options = {
            "padding": w.padding, "strideH": w.stride[0], "strideW": w.stride[1],
            "filterHeight": w.kernel[0], "filterWidth": w.kernel[1], "fusedActivationFunction": w.activation,
        }
        self.ops.append(OpSpec(name, [i_in], [i_out], options=("Pool2DOptions", options)))
        self.inputs.append(i_in)
        self.outputs.append(i_out)


# -- random parameters ------------------------------------------------------------------------

def zero_point(rng: np.random.Generator) -> int:
    """-128 and 127 (the edges) half of the time, otherwise anywhere in int8."""
    return int(rng.choice([-128, 127])) if rng.random() < 0.5 else int(rng.integers(-128, 128))


def conv_quant(rng: np.random.Generator, taps: int, channels: int, per_channel: bool,
               multiplier_log2: float | None = None) -> Quant:
    """Scales that keep most outputs off the rails: the output scale maps about +-2 standard
    deviations of the accumulator (73 x 110 x sqrt(taps) in input x filter units) to 256 steps, times
    2^`multiplier_log2` (random in [-2, 2] unless given). A very negative `multiplier_log2` gives a
    rescaling multiplier above 1, a very positive one a tiny multiplier."""
    in_scale = float(2.0 ** rng.uniform(-10, 0))
    filter_scales = [float(2.0 ** rng.uniform(-10, -4)) for _ in range(channels if per_channel else 1)]
    spread = 73.0 * 110.0 * np.sqrt(max(taps, 1)) / 64.0
    log2 = float(rng.uniform(-2, 2)) if multiplier_log2 is None else multiplier_log2
    out_scale = float(in_scale * float(np.median(filter_scales)) * spread * 2.0 ** log2)
    return Quant(in_scale, zero_point(rng), out_scale, zero_point(rng), filter_scales)
