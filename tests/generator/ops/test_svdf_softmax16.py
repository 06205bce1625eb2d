"""Validation and emission of SVDF, SOFTMAX with int16 outputs and QUANTIZE from int16: what
TFLM's Prepare refuses is refused with the reason, the rest is emitted; TFLM's int16 tables."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import GeneratorError, MalformedGraphError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.lut16 import LUT_SIZE, softmax_exp_lut, softmax_one_over_one_plus_x_lut
from tflm_bench.generator.ops.registry import choose_variant
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _svdf(state_dtype: str = "int16", *, time_dtype: str | None = None, variable: bool = True, rank: int = 1,
          bias: bool = True, bias_scale: float | None = None, state_shape: tuple[int, int] | None = None,
          dtype: str = "int8", activation: str = "NONE") -> LayerModel:
    b = LayerModel()
    time_dtype = time_dtype or state_dtype
    q: dict[str, Any] = {} if dtype == "float32" else {"scale": 0.01, "zero_point": 0}
    wf_data = np.ones((4, 6), np.int8 if dtype == "int8" else np.float32)
    wt_data = np.ones((4, 3), time_dtype if dtype == "int8" else np.float32)
    x = b.input("x", (1, 6), dtype, **({} if dtype == "float32" else {"scale": 0.1, "zero_point": 3}))
    wf = b.tensor("wf", (4, 6), dtype, data=wf_data, **q)
    wt = b.tensor("wt", (4, 3), time_dtype if dtype == "int8" else dtype, data=wt_data, **q)
    state_scale = 0.02
    default_bias = float(np.float32(np.float32(state_scale) * np.float32(0.01)))
    bias_q = {} if dtype == "float32" else {"scale": default_bias if bias_scale is None else bias_scale, "zero_point": 0}
    bias_index = b.tensor("b", (4 // rank,), "int32" if dtype == "int8" else dtype,
                          data=np.zeros(4 // rank, np.int32 if dtype == "int8" else np.float32), **bias_q)
    state = b.tensor("s", state_shape or (1, 12), state_dtype if dtype == "int8" else dtype, variable=variable,
                     **({} if dtype == "float32" else {"scale": state_scale, "zero_point": 0}))
    y = b.output("y", (1, 4 // rank), dtype, **({} if dtype == "float32" else {"scale": 0.05, "zero_point": -1}))
    b.op("SVDF", [x, wf, wt, bias_index if bias else -1, state], [y],
         ("SVDFOptions", {"rank": rank, "fusedActivationFunction": activation}))
    return b


def _check(b: LayerModel) -> None:
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    emit_layers(model, plan_arena(model))


@pytest.mark.parametrize("kwargs", [{}, {"state_dtype": "int8"}, {"rank": 2}, {"dtype": "float32", "activation": "RELU6"}])
def test_svdf_forms_tflm_runs_are_accepted(kwargs: dict[str, Any]) -> None:
    _check(_svdf(**kwargs))


@pytest.mark.parametrize(("kwargs", "error", "fragment"), [
    ({"variable": False}, GeneratorError, "input 4 reads tensor 4 's_4', but no operator writes it"),
    ({"time_dtype": "int8"}, UnsupportedTensorError, "TFLM reads the state as weights_time's type"),
    ({"bias_scale": 0.5}, UnsupportedTensorError, "TFLM refuses such a bias"),
    ({"bias": False}, MalformedGraphError, "crashes (segfault) on an absent SVDF bias"),
    ({"state_shape": (1, 13)}, GeneratorError, "its activation_state has shape [1, 13]"),
    ({"rank": 3}, GeneratorError, "rank 3 does not divide the 4 filters"),
    ({"dtype": "float32", "activation": "TANH"}, UnsupportedOpError, "fused activation TANH"),
])
def test_svdf_refusals_name_the_problem(kwargs: dict[str, Any], error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as info:
        _check(_svdf(**kwargs))
    assert fragment in str(info.value)


def test_an_svdf_tflm_runs_but_we_do_not_names_the_tflm_runtime() -> None:
    with pytest.raises(UnsupportedOpError) as info:
        _check(_svdf(dtype="float32", activation="TANH"))
    assert "run it with --runtime tflm" in str(info.value)


def _softmax(in_dtype: str, in_q: tuple[float, int], out_dtype: str, out_q: tuple[float, int]) -> LayerModel:
    b = LayerModel()
    x = b.input("x", (2, 5), in_dtype, *in_q)
    y = b.output("y", (2, 5), out_dtype, *out_q)
    b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": 1.0}))
    return b


@pytest.mark.parametrize(("in_dtype", "in_q", "out_q"), [
    ("int8", (0.1, 3), (1 / 65536, -32768)), ("int8", (0.1, 3), (1.0005 / 65536, -32768)),
    ("int16", (0.001, 0), (1 / 32768, 0)),
])
def test_softmax_int16_outputs_tflm_accepts(in_dtype: str, in_q: tuple[float, int], out_q: tuple[float, int]) -> None:
    _check(_softmax(in_dtype, in_q, "int16", out_q))


@pytest.mark.parametrize(("in_dtype", "in_q", "out_q", "fragment"), [
    ("int8", (0.1, 3), (1 / 65536, 0), "TFLM requires 1/65536 and -32768"),
    ("int8", (0.1, 3), (1.002 / 65536, -32768), "the scale within 0.001 x 1/65536"),
    ("int16", (0.001, 0), (1 / 32768, -32768), "TFLM requires 1/32768 and 0"),
    ("int16", (0.001, 5), (1 / 32768, 0), "TFLM's int16 SOFTMAX requires 0"),
])
def test_softmax_int16_quantization_tflm_refuses(in_dtype: str, in_q: tuple[float, int], out_q: tuple[float, int],
                                                 fragment: str) -> None:
    with pytest.raises(GeneratorError) as info:
        _check(_softmax(in_dtype, in_q, "int16", out_q))
    assert fragment in str(info.value) and "--runtime tflm" not in str(info.value)


def test_softmax_int16_tables_are_tflm_s() -> None:
    exp, recip = softmax_exp_lut(), softmax_one_over_one_plus_x_lut()
    assert exp.shape == recip.shape == (LUT_SIZE,) and exp.dtype == recip.dtype == np.int16
    # exp over [-10, 0] in steps of 2/65535: exp(0) saturates at 32767, exp(-10) rounds to 2 (ish).
    assert exp[-1] == 32767 and 0 <= exp[0] <= 3 and np.all(np.diff(exp.astype(int)) >= 0)
    # 1/(1+x) over [0, 1]: 1 -> 32767 (saturated), 1/2 -> 16384.
    assert recip[0] == 32767 and recip[-1] == 16384 and np.all(np.diff(recip.astype(int)) <= 0)


@pytest.mark.parametrize("out_dtype", ["int8", "int32"])
def test_quantize_from_int16(out_dtype: str) -> None:
    b = LayerModel()
    x = b.input("x", (1, 8), "int16", 0.000625, 0)
    y = b.output("y", (1, 8), out_dtype, 0.06, -128 if out_dtype == "int8" else 0)
    b.op("QUANTIZE", [x], [y])
    _check(b)


def _svdf_variants(b: LayerModel) -> list[str]:
    model = read_tflite(build_tflite(b.spec()))
    validate(model)
    return [choose_variant(model, op, KernelSet.OPTIMIZED).name for op in model.operators]


@pytest.mark.parametrize("state_dtype", ["int16", "int8"])
def test_svdf_ring_runs_an_svdf_that_owns_its_state(state_dtype: str) -> None:
    assert _svdf_variants(_svdf(state_dtype)) == ["dsp ring"]


def test_svdf_ring_leaves_a_shared_state_to_the_shifting_kernel() -> None:
    """The ring keeps the state in its own order, so two SVDF reading one state tensor (each
    shifting it, as TFLM does) run the shifting kernels."""
    b = _svdf()
    first = b.ops[0]
    y2 = b.output("y2", (1, 4), "int8", 0.05, -1)
    b.op("SVDF", list(first.inputs), [y2], ("SVDFOptions", {"rank": 1}))
    assert _svdf_variants(b) == ["dsp", "dsp"]
