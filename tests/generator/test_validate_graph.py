"""Graph and record checks of the intake: each model breaks exactly one rule.

Reading (tflite_reader) refuses impossible records; validate() refuses impossible graphs.
Every refusal is a MalformedModelError subclass whose message names the tensor or operator.
"""
from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from gen_helpers import REPO, ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.errors import (GeneratorError, MalformedGraphError, MalformedModelError, MalformedTensorError,
                                        UnsupportedTensorError)
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.generator.tflite_reader import MAX_TENSOR_BYTES, read_tflite
from tflm_bench.generator.validate import validate


def intake(data: bytes) -> None:
    validate(read_tflite(data))


def _x(shape: tuple[int, ...] = (1, 4), **kwargs: Any) -> TensorSpec:
    return TensorSpec("x", shape, kwargs.pop("dtype", "int8"), kwargs.pop("scales", [0.1]),
                      kwargs.pop("zero_points", [0]))


def _weights(units: int = 2, depth: int = 4) -> TensorSpec:
    return TensorSpec("w", (units, depth), "int8", [0.1], [0], np.ones((units, depth), np.int8))


def _y(name: str = "y", units: int = 2) -> TensorSpec:
    return TensorSpec(name, (1, units), "int8", [0.1], [0])


def fc_spec(**x_kwargs: Any) -> ModelSpec:
    """x [1, 4] -> FULLY_CONNECTED (no bias) -> y [1, 2]; `x_kwargs` change the input tensor."""
    return ModelSpec([_x(**x_kwargs), _weights(), _y()], [OpSpec("FULLY_CONNECTED", [0, 1], [2])], [0], [2])


def two_fc_spec(ops: list[OpSpec], inputs: list[int] = [0], outputs: list[int] = [4]) -> ModelSpec:
    """Tensors x, w [2, 4], h [1, 2], w2 [2, 2], y [1, 2] for two chained FULLY_CONNECTED."""
    w2 = TensorSpec("w2", (2, 2), "int8", [0.1], [0], np.ones((2, 2), np.int8))
    return ModelSpec([_x(), _weights(), _y("h"), w2, _y()], ops, inputs, outputs)


def repack(data: bytes, change: Callable[[Any], None]) -> bytes:
    """`data` after `change(model)` on the schema's object form: fields builders cannot set."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(data), 0)
    change(model)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def refused(data: bytes, error: type[MalformedModelError], *fragments: str) -> MalformedModelError:
    with pytest.raises(error) as info:
        intake(data)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert "re-export" in message  # every malformed-model message ends with the fix
    return info.value


def test_the_base_models_are_accepted() -> None:
    intake(build_tflite(fc_spec()))
    intake(build_tflite(two_fc_spec([OpSpec("FULLY_CONNECTED", [0, 1], [2]), OpSpec("FULLY_CONNECTED", [2, 3], [4])])))


# ---- data flow --------------------------------------------------------------------------


def test_reading_a_tensor_only_a_later_operator_writes() -> None:
    spec = two_fc_spec([OpSpec("FULLY_CONNECTED", [2, 3], [4]), OpSpec("FULLY_CONNECTED", [0, 1], [2])])
    error = refused(build_tflite(spec), MalformedGraphError,
                    "operator #0 FULLY_CONNECTED: input 0 reads tensor 2 'h'", "only the later operator #1 writes it")
    assert isinstance(error, MalformedGraphError) and error.op_index == 0


def test_reading_a_tensor_nothing_writes() -> None:
    spec = two_fc_spec([OpSpec("FULLY_CONNECTED", [2, 3], [4])], inputs=[0], outputs=[4])
    refused(build_tflite(spec), MalformedGraphError, "input 0 reads tensor 2 'h'",
            "no operator writes it and it is neither a constant nor a graph input")


def test_writing_a_constant() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, 1], [1])]
    spec.outputs = [2]
    refused(build_tflite(spec), MalformedGraphError, "operator #0 FULLY_CONNECTED: output 0 writes the constant tensor 1 'w'")


def test_writing_a_graph_input() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, 1], [0])]
    refused(build_tflite(spec), MalformedGraphError, "output 0 writes the graph input tensor 0 'x'")


def test_writing_a_tensor_twice() -> None:
    spec = two_fc_spec([OpSpec("FULLY_CONNECTED", [0, 1], [2]), OpSpec("FULLY_CONNECTED", [2, 3], [2])], outputs=[2])
    refused(build_tflite(spec), MalformedGraphError, "operator #1 FULLY_CONNECTED: output 0 writes tensor 2 'h', "
            "which operator #0 already writes")


def test_an_absent_output() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, 1], [-1])]
    refused(build_tflite(spec), MalformedGraphError, "output 0 is -1 (absent)")


def test_a_graph_output_nothing_writes() -> None:
    spec = two_fc_spec([OpSpec("FULLY_CONNECTED", [0, 1], [2])], outputs=[4])
    refused(build_tflite(spec), MalformedGraphError, "the subgraph output tensor 4 'y' is written by no operator")


def test_a_graph_input_listed_twice() -> None:
    spec = fc_spec()
    spec.inputs = [0, 0]
    refused(build_tflite(spec), MalformedGraphError, "lists an input twice")


# ---- operand counts and absent inputs ----------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "outputs", "fragment"),
    [
        ([0], [2], "has 1 inputs and 1 outputs; FULLY_CONNECTED takes 2 to 3 inputs (input, weights, bias) and 1 output"),
        ([0, 1, -1, 1], [2], "has 4 inputs and 1 outputs"),
        ([0, 1], [2, 3], "has 2 inputs and 2 outputs"),
    ],
)
def test_operand_counts(inputs: list[int], outputs: list[int], fragment: str) -> None:
    spec = fc_spec()
    spec.tensors.append(_y("z"))
    spec.ops = [OpSpec("FULLY_CONNECTED", inputs, outputs)]
    refused(build_tflite(spec), MalformedGraphError, "operator #0 FULLY_CONNECTED", fragment)


def test_a_required_input_given_as_absent() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, -1], [2])]
    refused(build_tflite(spec), MalformedGraphError,
            "its weights (input 1) is -1 (absent), which FULLY_CONNECTED does not allow; list a tensor there")


def test_an_absent_depthwise_bias_is_refused_before_tflm_sees_it() -> None:
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4, 4, 2), "int8", [0.05], [0]),
                 TensorSpec("w", (1, 3, 3, 2), "int8", [0.02, 0.03], [0, 0], np.ones((1, 3, 3, 2), np.int8),
                            quantized_dimension=3),
                 TensorSpec("y", (1, 4, 4, 2), "int8", [0.1], [0])],
        ops=[OpSpec("DEPTHWISE_CONV_2D", [0, 1, -1], [2], options=(
            "DepthwiseConv2DOptions", {"padding": "SAME", "strideW": 1, "strideH": 1, "depthMultiplier": 1}))],
        inputs=[0], outputs=[2])
    refused(build_tflite(spec), MalformedGraphError, "operator #0 DEPTHWISE_CONV_2D: its bias (input 2) is -1",
            "segfault", "leave the input out (list 2 inputs)")
    spec.ops[0].inputs = [0, 1]
    intake(build_tflite(spec))  # leaving the bias out is the form TFLM runs


def test_an_absent_fully_connected_bias_stays_allowed() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, 1, -1], [2])]
    intake(build_tflite(spec))


# ---- operator codes ------------------------------------------------------------------------


def _set_version(version: int) -> Callable[[Any], None]:
    def change(model: Any) -> None:
        model.operatorCodes[0].version = version
    return change


def test_opcode_version_zero() -> None:
    data = repack(build_tflite(fc_spec()), _set_version(0))
    refused(data, MalformedGraphError, "operator code #0 (FULLY_CONNECTED) has version 0; versions start at 1")


def test_opcode_version_above_the_known_maximum() -> None:
    highest = handlers()["FULLY_CONNECTED"].max_version
    intake(repack(build_tflite(fc_spec()), _set_version(highest)))
    data = repack(build_tflite(fc_spec()), _set_version(highest + 1))
    refused(data, MalformedGraphError, f"operator #0 FULLY_CONNECTED: has operator version {highest + 1}, above {highest}")


def test_opcode_index_out_of_range() -> None:
    def change(model: Any) -> None:
        model.subgraphs[0].operators[0].opcodeIndex = 3
    refused(repack(build_tflite(fc_spec()), change), MalformedModelError, "operator #0 uses opcode #3", "1 operator codes")


def _probe_module() -> Any:
    spec = importlib.util.spec_from_file_location("probe_op_versions", REPO / "scripts" / "probe_op_versions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Operators whose max_version stays at what TensorFlow 2.21's interpreter knew, below the highest
# the pinned ai-edge-litert's BUILTIN_REF registers (printed by scripts/probe_op_versions.py).
# Later operator versions mark features added since (new tensor types, new quantization forms);
# a version is raised here and in its op module once its handler's checks cover that feature.
BELOW_THE_REFERENCE = {"BATCH_MATMUL": 4, "CAST": 9, "CONCATENATION": 7, "DEQUANTIZE": 9, "DYNAMIC_UPDATE_SLICE": 6,
                       "BROADCAST_TO": 4, "FILL": 5, "GATHER": 8, "GATHER_ND": 6, "PACK": 5, "PAD": 6, "PADV2": 6, "QUANTIZE": 6,
                       "REVERSE_V2": 4, "SELECT_V2": 2, "SLICE": 8, "SPLIT": 5, "SPLIT_V": 3, "TRANSPOSE": 8, "UNPACK": 6}
# Operators TFLM runs that the reference interpreter's BUILTIN_REF resolver has no kernel for at any
# version (OpHandler.reference_knows False): the bench runs them and compares with TFLM alone, the
# report saying so (tests/bench/test_reference_gaps.py).
UNKNOWN_TO_THE_REFERENCE = {"CEIL", "ROUND", "ELU"}


def test_max_versions_follow_the_pinned_reference_interpreter() -> None:
    # TFLite's reference interpreter (ai-edge-litert) accepts every max_version, so the generator
    # never passes a version the second reference refuses. Its highest version is max_version
    # itself, or the one named in BELOW_THE_REFERENCE.
    probe = _probe_module()
    base = (REPO / "models" / "sine_int8.tflite").read_bytes()
    wrong = {}
    for name, handler in sorted(handlers().items()):
        if name.startswith("CUSTOM:"):
            continue  # TFLM's custom operators (its signal library): TFLite versions no custom code
        if name in UNKNOWN_TO_THE_REFERENCE or not handler.reference_knows:
            assert name in UNKNOWN_TO_THE_REFERENCE and not handler.reference_knows, name
            assert not probe.tflite_accepts(probe.with_opcode(base, name, 1)), name
            continue
        highest = BELOW_THE_REFERENCE.get(name, handler.max_version)
        accepted = probe.tflite_accepts(probe.with_opcode(base, name, handler.max_version))
        at_highest = probe.tflite_accepts(probe.with_opcode(base, name, highest))
        next_refused = not probe.tflite_accepts(probe.with_opcode(base, name, highest + 1))
        if not (accepted and at_highest and next_refused):
            wrong[name] = (handler.max_version, highest)
    assert not wrong, (f"(max_version, highest the reference knows) disagree with the pinned ai-edge-litert for {wrong}; "
                       "run scripts/probe_op_versions.py and update the op modules or BELOW_THE_REFERENCE")


# ---- tensor records ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "zero_point", "allowed"),
    [("int8", 128, "-128..127"), ("int8", -129, "-128..127"), ("uint8", 256, "0..255"), ("uint8", -1, "0..255"),
     ("int16", 32768, "-32768..32767"), ("int16", -32769, "-32768..32767")],
)
def test_zero_point_outside_the_type(dtype: str, zero_point: int, allowed: str) -> None:
    spec = ModelSpec([TensorSpec("x", (1, 4), "float32"), TensorSpec("q", (1, 4), dtype, [0.1], [zero_point])],
                     [OpSpec("QUANTIZE", [0], [1])], [0], [1])
    error = refused(build_tflite(spec), MalformedTensorError, f"tensor 'q' ({dtype}) has zero point {zero_point}", allowed)
    assert isinstance(error, MalformedTensorError) and error.tensor_name == "q"


@pytest.mark.parametrize("scale", [0.0, -0.5, math.inf, math.nan])
def test_scale_not_finite_and_positive(scale: float) -> None:
    refused(build_tflite(fc_spec(scales=[scale])), MalformedTensorError,
            f"tensor 'x' has quantization scale {scale}", "finite and positive")


def test_per_channel_scales_outside_the_shape() -> None:
    spec = fc_spec()
    spec.tensors[1].scales, spec.tensors[1].zero_points = [0.1, 0.2], [0, 0]
    spec.tensors[1].quantized_dimension = 2
    refused(build_tflite(spec), MalformedTensorError,
            "tensor 'w' (shape [2, 4]) has 2 per-channel scales along dimension 2 outside its 2-D shape")


def test_negative_dimension() -> None:
    refused(build_tflite(fc_spec(shape=(1, -4))), MalformedTensorError,
            "corrupted shape: dimension -4 of tensor 'x' (shape [1, -4]) is negative")


def test_dimension_too_large_to_be_real() -> None:
    error = refused(build_tflite(fc_spec(shape=(4, 16777216))), MalformedTensorError,
                    "corrupted shape: dimension 16777216 of tensor 'x'", f"{4 * 16777216} bytes",
                    f"{MAX_TENSOR_BYTES}-byte ceiling")
    assert "dynamic" not in str(error)


def test_buffer_index_out_of_range() -> None:
    def change(model: Any) -> None:
        model.subgraphs[0].tensors[1].buffer = 9
    refused(repack(build_tflite(fc_spec()), change), MalformedModelError, "tensor 'w' uses buffer #9", "2 buffers")


def test_operator_tensor_index_out_of_range() -> None:
    spec = fc_spec()
    spec.ops = [OpSpec("FULLY_CONNECTED", [0, 7], [2])]
    refused(build_tflite(spec), MalformedModelError, "operator #0 inputs refer to tensor 7", "3 tensors")


def test_reader_checks_run_before_graph_checks() -> None:
    # Both a corrupted scale and a tensor read before it is written: the record error comes first.
    spec = two_fc_spec([OpSpec("FULLY_CONNECTED", [2, 3], [4]), OpSpec("FULLY_CONNECTED", [0, 1], [2])])
    spec.tensors[0].scales = [-1.0]
    with pytest.raises(MalformedTensorError):
        read_tflite(build_tflite(spec))


def test_reads_every_committed_model() -> None:
    for path in sorted(Path(REPO / "models").glob("*.tflite")):
        intake(path.read_bytes())


# ---- found by the mutation test (test_intake_mutations.py) ---------------------------------


def test_flatbuffer_structure_is_verified_before_decoding() -> None:
    data = bytearray(build_tflite(fc_spec()))
    root = int.from_bytes(data[0:4], "little")
    data[root:root + 4] = (0x7FFFFFF0).to_bytes(4, "little")  # the root table's vtable offset
    refused(bytes(data), MalformedModelError, "the flatbuffer is corrupted at model", "vtable of the Model table")


def test_a_tensor_name_that_is_not_utf8() -> None:
    data = build_tflite(fc_spec())
    position = data.index(b"w\x00")  # the weights' one-letter name and its terminator
    damaged = data[:position] + b"\xff" + data[position + 1:]
    refused(damaged, MalformedModelError, "tensors[1].name", "is not UTF-8")


def test_schema_version_other_than_3() -> None:
    def change(model: Any) -> None:
        model.version = 240
    refused(repack(build_tflite(fc_spec()), change), MalformedModelError, "schema version 240", "version 3 only")


def test_scales_without_zero_points() -> None:
    def change(model: Any) -> None:
        model.subgraphs[0].tensors[0].quantization.zeroPoint = None
    refused(repack(build_tflite(fc_spec()), change), MalformedTensorError,
            "tensor 'x' has 1 quantization scales but 0 zero points")


def test_quantized_dimension_of_a_per_tensor_quantization_is_ignored() -> None:
    # TFLM's allocator copies the field unchecked and no kernel reads it with one scale (TFLite's
    # interpreter refuses it: the bench reports that as its second oracle's refusal).
    def change(model: Any) -> None:
        model.subgraphs[0].tensors[0].quantization.quantizedDimension = 7
    model = read_tflite(repack(build_tflite(fc_spec()), change))
    assert model.tensors[0].quantization is not None and model.tensors[0].quantization.quantized_dimension == 7


def test_an_option_outside_its_enum() -> None:
    def change(model: Any) -> None:
        model.subgraphs[0].operators[0].builtinOptions.quantizedBiasType = 100
    refused(repack(build_tflite(fc_spec()), change), MalformedGraphError,
            "operator #0 FULLY_CONNECTED: option quantized_bias_type is 100, which is no TensorType value")


def _fc_with_bias(bias_scale: float, out_scale: float = 0.1, activation: str = "NONE") -> bytes:
    tensors = [_x(), _weights(), TensorSpec("y", (1, 2), "int8", [out_scale], [0]),
               TensorSpec("b", (2,), "int32", [bias_scale], [0], np.zeros(2, np.int32))]
    return build_tflite(ModelSpec(tensors, [OpSpec("FULLY_CONNECTED", [0, 1, 3], [2], activation)], [0], [2]))


def test_fully_connected_bias_scale_must_match_input_times_weights() -> None:
    intake(_fc_with_bias(0.01))  # 0.1 x 0.1
    with pytest.raises(UnsupportedTensorError, match=r"FULLY_CONNECTED \(operator #0\) bias scale 0.5 differs "
                       r"from input scale x weights scale") as info:
        intake(_fc_with_bias(0.5))
    assert info.value.tensor_name == "b"


def test_fused_activation_bound_outside_int32() -> None:
    with pytest.raises(GeneratorError, match=r"the RELU6 bound 6.0 over output scale 1.0+03\d+e-30 is 6e\+30, outside int32; TFLM refuses"):
        spec = fc_spec()
        spec.tensors[2].scales = [1e-30]
        spec.ops[0].activation = "RELU6"
        intake(build_tflite(spec))


def _reshape(new_shape: list[int] | None, shape_input: list[int] | None) -> bytes:
    tensors = [TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (2, 2), "int8", [0.1], [0])]
    inputs = [0]
    if shape_input is not None:
        tensors.append(TensorSpec("s", (len(shape_input),), "int32", data=np.array(shape_input, np.int32)))
        inputs.append(2)
    options = ("ReshapeOptions", {"newShape": new_shape}) if new_shape is not None else None
    return build_tflite(ModelSpec(tensors, [OpSpec("RESHAPE", inputs, [1], options=options)], [0], [1]))


def test_reshape_target_shape_must_hold_the_input() -> None:
    intake(_reshape(None, [2, -1]))
    intake(_reshape([2, 2], None))
    refused(_reshape(None, [3, 2]), MalformedModelError, "RESHAPE asks for shape [3, 2]", "4 values")
    refused(_reshape(None, None), MalformedModelError, "RESHAPE asks for shape []")  # no shape at all: a scalar


def test_reshape_shape_computed_by_shape_slice_pack_is_folded() -> None:
    # y = RESHAPE(x, PACK(STRIDED_SLICE(SHAPE(x), [0], [1], [1]), c)) with c = 5: [1, 5] cannot hold 4 values.
    def model(c: int) -> bytes:
        ints = [("begin", [0]), ("end", [1]), ("strides", [1])]
        tensors = [TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (1, 4), "int8", [0.1], [0]),
                   TensorSpec("shape", (2,), "int32"), TensorSpec("batch", (), "int32"),
                   TensorSpec("c", (), "int32", data=np.array(c, np.int32)), TensorSpec("new_shape", (2,), "int32")]
        tensors += [TensorSpec(name, (1,), "int32", data=np.array(v, np.int32)) for name, v in ints]
        ops = [OpSpec("SHAPE", [0], [2], options=("ShapeOptions", {"outType": "INT32"})),
               OpSpec("STRIDED_SLICE", [2, 6, 7, 8], [3], options=("StridedSliceOptions", {"shrinkAxisMask": 1})),
               OpSpec("PACK", [3, 4], [5], options=("PackOptions", {"valuesCount": 2, "axis": 0})),
               OpSpec("RESHAPE", [0, 5], [1])]
        return build_tflite(ModelSpec(tensors, ops, [0], [1]))

    intake(model(4))
    refused(model(5), MalformedModelError, "operator #3 RESHAPE asks for shape [1, 5]")


def test_reshape_shape_input_given_as_absent() -> None:
    spec_bytes = repack(_reshape([2, 2], None), lambda m: setattr(
        m.subgraphs[0].operators[0], "inputs", np.array([0, -1], np.int32)))
    refused(spec_bytes, MalformedGraphError, "its shape (input 1) is -1", "segfault")


def test_conv_bias_must_be_one_dimensional() -> None:
    # TFLM only counts the bias values; TFLite's reference kernels need a 1-D bias.
    def conv(bias_shape: tuple[int, ...]) -> bytes:
        tensors = [TensorSpec("x", (1, 3, 3, 1), "int8", [0.05], [0]),
                   TensorSpec("w", (2, 1, 1, 1), "int8", [0.02], [0], np.ones((2, 1, 1, 1), np.int8)),
                   TensorSpec("y", (1, 3, 3, 2), "int8", [0.1], [0]),
                   TensorSpec("b", bias_shape, "int32", [0.001], [0], np.zeros(bias_shape, np.int32))]
        op = OpSpec("CONV_2D", [0, 1, 3], [2], options=("Conv2DOptions", {"padding": "SAME", "strideW": 1, "strideH": 1}))
        return build_tflite(ModelSpec(tensors, [op], [0], [2]))

    intake(conv((2,)))
    with pytest.raises(UnsupportedTensorError, match=r"needs a constant 1-D bias of 2 values, got shape \[2, 1\]"):
        intake(conv((2, 1)))


def test_pack_without_options_counts_zero_values() -> None:
    tensors = [TensorSpec("a", (2,), "int32"), TensorSpec("y", (2, 2), "int32"),
               TensorSpec("b", (2,), "int32", data=np.array([1, 2], np.int32))]
    spec = ModelSpec(tensors, [OpSpec("PACK", [0, 2], [1])], [0], [1])
    refused(build_tflite(spec), MalformedModelError, "PACK declares values_count 0 with 2 inputs")


def test_shape_needs_out_type_int32() -> None:
    tensors = [TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("s", (2,), "int32")]
    spec = ModelSpec(tensors, [OpSpec("SHAPE", [0], [1])], [0], [1])
    with pytest.raises(GeneratorError, match="out_type FLOAT32 for an int32 output"):
        intake(build_tflite(spec))


def test_strided_slice_operands_must_be_vectors() -> None:
    def model(operand_shape: tuple[int, ...]) -> bytes:
        tensors = [TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (1, 2), "int8", [0.1], [0])]
        for name, values in (("begin", [0, 1]), ("end", [1, 3]), ("strides", [1, 1])):
            tensors.append(TensorSpec(name, operand_shape, "int32", data=np.array(values, np.int32).reshape(operand_shape)))
        return build_tflite(ModelSpec(tensors, [OpSpec("STRIDED_SLICE", [0, 2, 3, 4], [1])], [0], [1]))

    intake(model((2,)))
    refused(model((1, 2)), MalformedModelError, "STRIDED_SLICE begin has shape [1, 2]; it must be 1-D")


# ---- TFLM's rules, not TFLite's (the corpus models keyword_scrambled and person_detect) ------


def test_int16_zero_point_other_than_0_is_the_operators_rule() -> None:
    # keyword_scrambled: SOFTMAX int8 -> int16 writes zero point -32768, as TFLM requires.
    spec = ModelSpec([TensorSpec("x", (1, 4), "int8", [0.1], [0]), TensorSpec("y", (1, 4), "int16", [1 / 65536], [-32768])],
                     [OpSpec("SOFTMAX", [0], [1], options=("SoftmaxOptions", {"beta": 1.0}))], [0], [1])
    validate(read_tflite(build_tflite(spec)))


def test_int16_concatenation_needs_zero_point_0() -> None:
    spec = ModelSpec([TensorSpec("a", (1, 2), "int16", [0.1], [0]), TensorSpec("b", (1, 2), "int16", [0.1], [5]),
                      TensorSpec("y", (1, 4), "int16", [0.1], [0])],
                     [OpSpec("CONCATENATION", [0, 1], [2], options=("ConcatenationOptions", {"axis": 1}))], [0, 1], [2])
    with pytest.raises(UnsupportedTensorError, match=r"input|operand") as info:
        validate(read_tflite(build_tflite(spec)))
    assert info.value.tensor_name == "b" and "zero point 5" in str(info.value)
    assert "TFLM's int16 CONCATENATION requires 0" in str(info.value)
    assert "--runtime tflm" not in str(info.value)  # TFLM refuses it too


def test_per_channel_bias_quantized_along_a_dimension_it_lacks() -> None:
    # person_detect: 1-D biases with one scale per value and quantized_dimension 3 (TFLM ignores it).
    spec = ModelSpec(
        [TensorSpec("x", (1, 4), "int8", [0.1], [0]),
         TensorSpec("w", (2, 4), "int8", [0.1, 0.2], [0, 0], np.ones((2, 4), np.int8)),
         TensorSpec("y", (1, 2), "int8", [0.5], [0]),
         TensorSpec("b", (2,), "int32", [0.01, 0.02], [0, 0], np.zeros(2, np.int32), quantized_dimension=3)],
        [OpSpec("FULLY_CONNECTED", [0, 1, 3], [2])], [0], [2])
    model = read_tflite(build_tflite(spec))
    assert model.tensors[3].quantization is not None and model.tensors[3].quantization.quantized_dimension == 3


def test_per_channel_weights_still_need_one_scale_per_channel_of_their_dimension() -> None:
    spec = fc_spec()
    spec.tensors[1].scales, spec.tensors[1].zero_points = [0.1, 0.2, 0.3], [0, 0, 0]
    refused(build_tflite(spec), MalformedTensorError,
            "tensor 'w' (shape [2, 4]) has 3 per-channel scales along dimension 0 of size 2")
