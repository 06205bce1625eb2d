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
from tflm_bench.generator.errors import MalformedGraphError, MalformedModelError, MalformedTensorError
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


def test_max_versions_are_what_the_pinned_tensorflow_knows() -> None:
    # The table in the op modules must follow the pinned TensorFlow: its highest version is
    # accepted by TFLite's reference interpreter, the next one is refused.
    probe = _probe_module()
    base = (REPO / "models" / "sine_int8.tflite").read_bytes()
    wrong = {}
    for name, handler in sorted(handlers().items()):
        accepted = probe.tflite_accepts(probe.with_opcode(base, name, handler.max_version))
        next_refused = not probe.tflite_accepts(probe.with_opcode(base, name, handler.max_version + 1))
        if not (accepted and next_refused):
            wrong[name] = handler.max_version
    assert not wrong, f"max_version differs from the pinned TensorFlow for {wrong}; run scripts/probe_op_versions.py"


# ---- tensor records ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "zero_point", "allowed"),
    [("int8", 128, "-128..127"), ("int8", -129, "-128..127"), ("uint8", 256, "0..255"), ("uint8", -1, "0..255"),
     ("int16", 3, "outside 0 ")],
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
