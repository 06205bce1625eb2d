"""Quantization parameters of the int16 and int32 elementwise types and of QUANTIZE's
requantizations (elementwise_quant.py), and the two derivations where the pinned tflite-micro
package computes in double although TFLM's source at the pinned commit writes float (LEAKY_RELU's
multipliers, SUB's scale ratios): searched cases where the two give different outputs, run on
host TFLM."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from gen_helpers import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.elementwise_quant import (
    INT32_MAX,
    AddSubQuant,
    INT32_MIN,
    QuantParamError,
    add_sub_quant,
    int32_activation_range,
    leaky_relu_quant,
    mul_quant,
    requantize_quant,
)
from tflm_bench.generator.quantization import multiply_by_quantized_multiplier, quantize_multiplier

F32 = np.float32


def real_of(multiplier: int, shift: int) -> float:
    return multiplier * 2.0 ** (shift - 31)


# ---------------------------------------------------------------- derivations


@pytest.mark.parametrize("op_name", ["ADD", "SUB"])
def test_int16_add_sub_uses_left_shift_15_and_the_int16_range(op_name: str) -> None:
    q = add_sub_quant(op_name, 0.002, 0, 0.0005, 0, 0.003, 0, "NONE", "int16")
    assert q.left_shift == 15
    assert (q.activation_min, q.activation_max) == (-32768, 32767)
    twice_max = 2.0 * float(F32(0.002))
    assert q.output_multiplier == quantize_multiplier(twice_max / (2**15 * float(F32(0.003))))[0]
    relu6 = add_sub_quant(op_name, 0.002, 0, 0.0005, 0, 0.001, 0, "RELU6", "int16")
    assert (relu6.activation_min, relu6.activation_max) == (0, 6000)


def test_int16_add_refuses_an_output_scale_its_multiplier_cannot_reach() -> None:
    # twice the input scale over 2^15 output scales is >= 1: QuantizeMultiplierSmallerThanOneExp refuses it.
    with pytest.raises(QuantParamError, match="between 0 and 1"):
        add_sub_quant("ADD", 1.0, 0, 1.0, 0, 2.0**-15, 0, "NONE", "int16")


def test_add_sub_refuses_other_types() -> None:
    with pytest.raises(ValueError, match="int8 and int16"):
        add_sub_quant("ADD", 1.0, 0, 1.0, 0, 1.0, 0, "NONE", "int32")


def test_sub_ratios_equal_adds() -> None:
    """SUB's multipliers are ADD's (double) for any scales, int8 and int16."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        s1, s2 = (float(F32(2.0 ** rng.uniform(-12, 0))) for _ in range(2))
        so = float(F32(max(s1, s2) * 2.0 ** rng.uniform(-1, 3)))
        for dtype in ("int8", "int16"):
            add, sub = (add_sub_quant(name, s1, 0, s2, 0, so, 0, "NONE", dtype) for name in ("ADD", "SUB"))
            assert add == sub


def test_int16_mul_needs_zero_points_0() -> None:
    q = mul_quant(0.001, 0, 0.002, 0, 0.0001, 0, "RELU", "int16")
    assert (q.activation_min, q.activation_max) == (0, 32767)
    assert abs(real_of(q.multiplier, q.shift) - float(F32(0.001)) * float(F32(0.002)) / float(F32(0.0001))) < 1e-9
    with pytest.raises(QuantParamError, match="int16 zero points"):
        mul_quant(0.001, 3, 0.002, 0, 0.0001, 0, "NONE", "int16")


@pytest.mark.parametrize("op_name,activation,expected", [
    ("ADD", "RELU", (INT32_MIN, INT32_MAX)),  # TFLM's int32 ADD ignores the fused activation
    ("ADD", "RELU6", (INT32_MIN, INT32_MAX)),
    ("SUB", "NONE", (INT32_MIN, INT32_MAX)),
    ("SUB", "RELU", (0, INT32_MAX)),
    ("SUB", "RELU6", (0, 6)),
    ("MUL", "RELU_N1_TO_1", (-1, 1)),
])
def test_int32_activation_range(op_name: str, activation: str, expected: tuple[int, int]) -> None:
    assert int32_activation_range(op_name, activation) == expected


@pytest.mark.parametrize("s_in,zp_in,s_out,zp_out", [
    (0.000494, 0, 1.49e-7, 0),  # SEANet's int16 -> int32: a left shift
    (1.49e-7, 0, 0.000922, 0),  # int32 -> int16: a right shift
    (0.05, -3, 0.0004, 0),  # int8 -> int16
    (0.5, 7, 0.5, -2),  # same scale: multiplier 2^30, shift 1
])
def test_requantize_quant(s_in: float, zp_in: int, s_out: float, zp_out: int) -> None:
    q = requantize_quant(s_in, zp_in, s_out, zp_out)
    assert (q.input_offset, q.output_offset) == (-zp_in, zp_out)
    ratio = float(F32(s_in)) / float(F32(s_out))
    assert abs(real_of(q.multiplier, q.shift) - ratio) <= 2.0 ** (q.shift - 32) * 1.0000001


def test_requantize_refuses_a_shift_beyond_31() -> None:
    with pytest.raises(QuantParamError, match="outside -31..31"):
        requantize_quant(1.0e6, 0, 1.0e-6, 0)


# ---------------------------------------------------------------- against host TFLM
# Cases (found by a seeded search) where the float derivation of TFLM's source and the double one
# give different outputs; host TFLM must give the double one, which is what the generator derives.

LEAKY_CASES = {  # (input scale, output scale, alpha, input, output); zero points 0
    "int8": [(0.2045128494501114, 0.9734125137329102, 0.3, -118, -7),
             (0.0837990939617157, 0.029371168464422226, 0.3, -59, -51),
             (0.009137031622231007, 0.010838409885764122, 0.3, 86, 73)],
    "int16": [(0.059817779809236526, 0.014650912955403328, 0.3, -21789, -26689),
              (0.5820123553276062, 0.16146302223205566, 0.2, 3747, 13506),
              (0.004951182287186384, 0.007785547990351915, 1.7, -25528, -27598)],
}
SUB_CASES = {  # (s1, zp1, s2, zp2, s_out, zp_out, input1, input2, output)
    "int8": [(0.01361110433936119, -42, 0.07644318044185638, 111, 0.26819106936454773, -96, 99, -13, -54),
             (0.053968075662851334, -125, 0.17586202919483185, 62, 0.11310390383005142, -40, -105, -1, 67),
             (0.05204666778445244, -44, 0.009500530548393726, 54, 0.08775553852319717, -118, 126, 57, -17)],
    "int16": [(0.7277920246124268, 0, 0.4520207345485687, 0, 0.585553765296936, 0, -28754, -13321, -25455),
              (0.27318674325942993, 0, 0.04848957806825638, 0, 0.9112973809242249, 0, 25181, 20395, 6463),
              (0.2597031891345978, 0, 0.8704528212547302, 0, 1.7385907173156738, 0, -22672, -24252, 8756)],
}


def _run_tflm(spec: ModelSpec, inputs: list[np.ndarray]) -> list[int]:
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(build_tflite(spec), arena_size=1 << 20)
    for k, array in enumerate(inputs):
        interpreter.set_input(array, k)
    interpreter.invoke()
    return [int(np.array(interpreter.get_output(k)).reshape(-1)[0]) for k in range(len(spec.outputs))]


def _leaky(v: int, alpha_q: tuple[int, int], ident_q: tuple[int, int], info: np.iinfo) -> int:
    if v >= 0:
        r = multiply_by_quantized_multiplier(v, *ident_q)
    else:
        scaled = multiply_by_quantized_multiplier(v, abs(alpha_q[0]), alpha_q[1])
        r = -scaled if alpha_q[0] < 0 else scaled
    return max(int(info.min), min(int(info.max), r))


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_leaky_relu_multipliers_are_double_as_host_tflm(dtype: str) -> None:
    info = np.iinfo(dtype)
    tensors, ops = [], []
    for k, (s_in, s_out, alpha, x, expected) in enumerate(LEAKY_CASES[dtype]):
        q = leaky_relu_quant(alpha, s_in, 0, s_out, 0)
        ours = _leaky(x, (q.alpha_multiplier, q.alpha_shift), (q.identity_multiplier, q.identity_shift), info)
        a, i, o = F32(alpha), F32(s_in), F32(s_out)  # the float derivation of TFLM's source
        float_result = _leaky(x, quantize_multiplier(float(i * a / o)), quantize_multiplier(float(i / o)), info)
        assert ours == expected != float_result, f"case {k} no longer tells float from double"
        tensors += [TensorSpec(f"x{k}", (1,), dtype, [s_in], [0]), TensorSpec(f"y{k}", (1,), dtype, [s_out], [0])]
        ops.append(OpSpec("LEAKY_RELU", [2 * k], [2 * k + 1], options=("LeakyReluOptions", {"alpha": alpha})))
    count = len(ops)
    spec = ModelSpec(tensors, ops, [2 * k for k in range(count)], [2 * k + 1 for k in range(count)])
    outputs = _run_tflm(spec, [np.array([case[3]], dtype=dtype) for case in LEAKY_CASES[dtype]])
    assert outputs == [case[4] for case in LEAKY_CASES[dtype]]


def _sub(q: AddSubQuant, u: int, v: int) -> int:
    s1 = multiply_by_quantized_multiplier((u + q.input1_offset) << q.left_shift, q.input1_multiplier, q.input1_shift)
    s2 = multiply_by_quantized_multiplier((v + q.input2_offset) << q.left_shift, q.input2_multiplier, q.input2_shift)
    r = multiply_by_quantized_multiplier(s1 - s2, q.output_multiplier, q.output_shift) + q.output_offset
    return max(q.activation_min, min(q.activation_max, r))


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_sub_ratios_are_double_as_host_tflm(dtype: str) -> None:
    tensors, ops, inputs, arrays = [], [], [], []
    for k, (s1, z1, s2, z2, so, zo, u, v, expected) in enumerate(SUB_CASES[dtype]):
        ours = add_sub_quant("SUB", s1, z1, s2, z2, so, zo, "NONE", dtype)
        twice = F32(2.0) * max(F32(s1), F32(s2))  # the float derivation of TFLM's source
        m1, e1 = quantize_multiplier(float(F32(s1) / twice))
        m2, e2 = quantize_multiplier(float(F32(s2) / twice))
        mo, eo = quantize_multiplier(float(twice / (F32(1 << ours.left_shift) * F32(so))))
        float_q = dataclasses.replace(ours, input1_multiplier=m1, input1_shift=e1, input2_multiplier=m2,
                                      input2_shift=e2, output_multiplier=mo, output_shift=eo)
        assert _sub(ours, u, v) == expected != _sub(float_q, u, v), f"case {k} no longer tells float from double"
        tensors += [TensorSpec(f"a{k}", (1,), dtype, [s1], [z1]), TensorSpec(f"b{k}", (1,), dtype, [s2], [z2]),
                    TensorSpec(f"y{k}", (1,), dtype, [so], [zo])]
        ops.append(OpSpec("SUB", [3 * k, 3 * k + 1], [3 * k + 2],
                          options=("SubOptions", {"fusedActivationFunction": "NONE"})))
        inputs += [3 * k, 3 * k + 1]
        arrays += [np.array([u], dtype=dtype), np.array([v], dtype=dtype)]
    spec = ModelSpec(tensors, ops, inputs, [3 * k + 2 for k in range(len(ops))])
    assert _run_tflm(spec, arrays) == [case[8] for case in SUB_CASES[dtype]]
