"""Which models the built-in runtime accepts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gen_helpers import ModelSpec, OpSpec, TensorSpec, build_tflite, fc_model_spec
from tflm_bench.generator.errors import UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.ops.registry import supported_ops
from tflm_bench.generator.validate import SUPPORTED_OPS, validate


def test_supported_ops():
    # Other op families register themselves too; these are the ones this test knows about.
    assert SUPPORTED_OPS == tuple(sorted(SUPPORTED_OPS))
    assert {"AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "DEQUANTIZE", "FULLY_CONNECTED",
            "MAX_POOL_2D", "QUANTIZE"} <= set(SUPPORTED_OPS)


@pytest.mark.parametrize("name", ["dense_int8", "dense_float_io", "dense_per_tensor", "relu6"])
def test_converted_dense_models_are_accepted(keras_models, name):
    validate(read_tflite(keras_models[name]))


def test_converted_conv_model_is_accepted(keras_models):
    validate(read_tflite(keras_models["conv"]))


def test_model_names_first_unsupported_op(unsupported_op_model):
    model = read_tflite(unsupported_op_model.read_bytes())
    supported = supported_ops()  # without CEIL, which the fixture takes out of the registry
    first_bad = next(op for op in model.operators if op.name not in supported)
    with pytest.raises(UnsupportedOpError) as info:
        validate(model)
    error = info.value
    assert error.op_name == first_bad.name == "CEIL"
    assert error.op_index == first_bad.index
    assert str(error) == (
        f"operator #{first_bad.index} CEIL is not supported by the built-in runtime; "
        f"supported: {', '.join(supported)}; "
        "run it with --runtime tflm and your TFLM library (docs/tflm-runtime.md)"
    )


def test_unsupported_fused_activation(rng):
    spec = fc_model_spec(rng, batches=1, depth=4, units=2, in_scale=0.1, in_zp=0,
                         filter_scales=[0.1], filter_zp=0, out_scale=0.1, out_zp=0,
                         activation="TANH")
    with pytest.raises(UnsupportedOpError, match="fused activation TANH"):
        validate(read_tflite(build_tflite(spec)))


def test_int16_fully_connected_needs_int8_weights():
    # 16x8 runs (tests/generator/ops/test_conv_fc_16x8.py); int16 weights do not, as in TFLM.
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "int16", [0.1], [0]),
                 TensorSpec("w", (2, 4), "int16", [0.1], [0], data=np.ones((2, 4), np.int16)),
                 TensorSpec("y", (1, 2), "int16", [0.1], [0])],
        ops=[OpSpec("FULLY_CONNECTED", [0, 1, -1], [2])], inputs=[0], outputs=[2])
    with pytest.raises(UnsupportedTensorError) as info:
        validate(read_tflite(build_tflite(spec)))
    assert info.value.tensor_name == "w"
    assert "int8" in str(info.value) and "operator #0" in str(info.value)


def test_per_channel_weights_need_zero_zero_points(rng):
    spec = fc_model_spec(rng, batches=1, depth=4, units=2, in_scale=0.1, in_zp=0,
                         filter_scales=[0.1, 0.2], filter_zp=3, out_scale=0.1, out_zp=0)
    with pytest.raises(UnsupportedTensorError, match="zero points 0"):
        validate(read_tflite(build_tflite(spec)))


def test_quantize_from_uint8_to_int16_rejected_as_tflm_does():
    # TFLM's QUANTIZE takes uint8 only to int8 or uint8 (float32 -> int16 runs: test_int16_ops.py).
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "uint8", [0.1], [128]),
                 TensorSpec("q", (1, 4), "int16", [0.1], [0])],
        ops=[OpSpec("QUANTIZE", [0], [1])], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedTensorError, match="int16"):
        validate(read_tflite(build_tflite(spec)))


def test_fc_input_of_higher_rank_is_flattened():
    spec = ModelSpec(
        tensors=[TensorSpec("x", (2, 3, 4), "int8", [0.1], [0]),
                 TensorSpec("w", (5, 12), "int8", [0.1], [0], np.ones((5, 12), np.int8)),
                 TensorSpec("y", (2, 5), "int8", [0.1], [0])],
        ops=[OpSpec("FULLY_CONNECTED", [0, 1, -1], [2])], inputs=[0], outputs=[2])
    validate(read_tflite(build_tflite(spec)))


# ---- refusals name what the operator is and the fix -----------------------------------------


def _with_custom_code(data: bytes, code: bytes) -> bytes:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
    import flatbuffers

    model = schema.ModelT.InitFromPackedBuf(bytearray(data), 0)
    model.operatorCodes[0].customCode = code
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _npu_spec() -> ModelSpec:
    """person_detect_vela's form: one CUSTOM op reading constant command stream and weights, and two
    scratch areas nothing writes (the NPU driver provides them)."""
    return ModelSpec(
        tensors=[TensorSpec("out", (1, 2), "int8", [1 / 256], [-128]),
                 TensorSpec("_split_1_command_stream", (8,), "uint8", data=np.arange(8, dtype=np.uint8)),
                 TensorSpec("_split_1_flash", (8,), "uint8", data=np.arange(8, dtype=np.uint8)),
                 TensorSpec("_split_1_scratch", (16,), "uint8"),
                 TensorSpec("_split_1_scratch_fast", (16,), "uint8"),
                 TensorSpec("input", (1, 4), "int8", [0.1], [0])],
        ops=[OpSpec("CUSTOM", [1, 2, 3, 4, 5], [0])], inputs=[5], outputs=[0])


def test_an_npu_command_stream_is_named_before_the_graph_checks():
    from tflm_bench.generator.errors import CustomOpError
    from tflm_bench.generator.validate import check_graph

    model = read_tflite(_with_custom_code(build_tflite(_npu_spec()), b"ethos-u"))
    for check in (validate, check_graph):  # the built-in runtime and the tflm runtime
        with pytest.raises(CustomOpError) as info:
            check(model)
        assert str(info.value) == (
            "operator #0 is the custom operator 'ethos-u' (an Arm Ethos-U NPU command stream compiled by Vela): "
            "no CPU runs it (the nRF52840 has no Ethos-U NPU); run the model before Vela compilation")
        assert isinstance(info.value, UnsupportedOpError) and info.value.op_index == 0


def test_an_unknown_custom_operator_names_its_code_and_the_fix():
    model = read_tflite(_with_custom_code(build_tflite(_npu_spec()), b"MyOp"))
    with pytest.raises(UnsupportedOpError, match="operator #0 is the custom operator 'MyOp'") as info:
        validate(model)
    assert "builtin operators only" in str(info.value)


def test_a_type_tflm_has_names_the_tflm_runtime(monkeypatch: pytest.MonkeyPatch):
    # The built-in runtime now runs every type TFLM defines, so a refusal of int8 GREATER is staged:
    # its check is replaced by one that refuses without citing a rule of TFLM's.
    from dataclasses import replace

    from tflm_bench.generator.ops.registry import handlers

    def refuse(model, op):
        raise UnsupportedTensorError("x", "int8", "GREATER int8 is not in the built-in runtime")

    monkeypatch.setitem(handlers(), "GREATER", replace(handlers()["GREATER"], check=refuse))
    spec = ModelSpec(tensors=[TensorSpec("x", (1, 4), "int8", [0.1], [0]),
                              TensorSpec("z", (1, 4), "int8", [0.1], [0]),
                              TensorSpec("y", (1, 4), "bool")],
                     ops=[OpSpec("GREATER", [0, 1], [2])], inputs=[0, 1], outputs=[2])
    with pytest.raises(UnsupportedTensorError) as info:
        validate(read_tflite(build_tflite(spec)))
    assert str(info.value).endswith("; run it with --runtime tflm and your TFLM library (docs/tflm-runtime.md)")


def test_an_undefined_tflm_type_names_tflm_and_no_runtime_fix():
    # TFLM's int16 GREATER reads comparison parameters its Prepare never writes
    spec = ModelSpec(tensors=[TensorSpec("x", (1, 4), "int16", [0.001], [0]),
                              TensorSpec("z", (1, 4), "int16", [0.001], [0]),
                              TensorSpec("y", (1, 4), "bool")],
                     ops=[OpSpec("GREATER", [0, 1], [2])], inputs=[0, 1], outputs=[2])
    with pytest.raises(UnsupportedTensorError, match="undefined behaviour") as info:
        validate(read_tflite(build_tflite(spec)))
    assert "--runtime tflm" not in str(info.value)


def test_an_operator_tflm_lacks_says_so():
    spec = ModelSpec(tensors=[TensorSpec("x", (1, 4), "float32"), TensorSpec("y", (1, 4), "float32")],
                     ops=[OpSpec("RANK", [0], [1])], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedOpError) as info:
        validate(read_tflite(build_tflite(spec)))
    assert str(info.value).endswith("; TFLM has no kernel for it either: replace the operator in the model")


def test_a_refusal_of_tflm_s_own_rule_does_not_suggest_the_tflm_runtime():
    spec = ModelSpec(tensors=[TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (1, 4), "int8", [1 / 128], [-128])],
                     ops=[OpSpec("SOFTMAX", [0], [1], options=("SoftmaxOptions", {"beta": 1.0}))], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedOpError) as info:
        validate(read_tflite(build_tflite(spec)))
    assert "TFLM requires 1/256 and -128" in str(info.value) and "--runtime tflm" not in str(info.value)


def _signal_window_model(code: str) -> bytes:
    from flatbuffers import flexbuffers

    spec = ModelSpec(
        tensors=[TensorSpec("x", (8,), "int16"), TensorSpec("w", (8,), "int16", data=np.full(8, 4096, np.int16)),
                 TensorSpec("y", (8,), "int16")],
        ops=[OpSpec("CUSTOM", [0, 1], [2], custom_code=code, custom_options=bytes(flexbuffers.Dumps({"shift": 12})))],
        inputs=[0], outputs=[2])
    return build_tflite(spec)


def test_a_custom_operator_a_handler_claims_runs_in_the_built_in_runtime_only():
    from tflm_bench.generator.errors import CustomOpError
    from tflm_bench.generator.validate import check_graph

    model = read_tflite(_signal_window_model("SignalWindow"))
    assert model.operators[0].key == "CUSTOM:SignalWindow"
    validate(model)  # claimed by ops/signal_window.py
    with pytest.raises(CustomOpError, match="custom operator 'SignalWindow'"):
        check_graph(model)  # the tflm runtime resolves builtin operators only


def test_a_signal_operator_without_a_kernel_says_what_it_is():
    model = read_tflite(_signal_window_model("SignalStacker"))
    with pytest.raises(UnsupportedOpError, match="TFLM registers as a custom operator") as info:
        validate(model)
    assert "CUSTOM:<code>" in str(info.value)


def test_a_signal_operator_s_options_are_checked():
    from flatbuffers import flexbuffers

    data = _signal_window_model("SignalWindow")
    model = read_tflite(data)
    op = model.operators[0]
    broken = replace(op, options={**op.options, "custom_options": bytes(flexbuffers.Dumps({"shift": 40}))})
    with pytest.raises(UnsupportedOpError, match="shift 40"):
        validate(replace(model, operators=(broken,)))
