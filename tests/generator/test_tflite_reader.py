"""Reading .tflite flatbuffers into the model IR."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from gen_helpers import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.errors import GeneratorError, MalformedModelError
from tflm_bench.generator.tflite_reader import read_tflite


def test_reads_converted_dense_model(keras_models, tmp_path):
    data = keras_models["dense_int8"]
    path = tmp_path / "dense.tflite"
    path.write_bytes(data)
    model = read_tflite(path)
    assert model == read_tflite(data)
    assert model.sha256 == hashlib.sha256(data).hexdigest()
    assert model.build_id == int.from_bytes(hashlib.sha256(data).digest()[:4], "little")
    assert [op.name for op in model.operators] == ["FULLY_CONNECTED", "FULLY_CONNECTED"]
    assert [op.opcode for op in model.operators] == [9, 9]
    first = model.operators[0]
    assert first.options["fused_activation_function"] == "RELU"
    assert first.options["keep_num_dims"] is False
    assert first.options["weights_format"] == "DEFAULT"
    assert model.operators[1].options["fused_activation_function"] == "NONE"

    inp = model.tensors[model.inputs[0]]
    assert (inp.shape, inp.dtype, inp.is_constant) == ((4, 12), "int8", False)
    weights = model.tensors[first.inputs[1]]
    assert weights.dtype == "int8" and weights.shape == (20, 12)
    assert weights.data is not None and weights.data.shape == (20, 12)
    assert weights.data.dtype == np.int8 and not weights.data.flags.writeable
    assert len(weights.quantization.scales) == 20
    bias = model.tensors[first.inputs[2]]
    assert bias.dtype == "int32" and bias.data.shape == (20,)
    # scales are the file's float32 values, exactly
    assert all(float(np.float32(s)) == s for s in inp.quantization.scales)


def test_float_io_model_has_quantize_and_dequantize(keras_models):
    model = read_tflite(keras_models["dense_float_io"])
    names = [op.name for op in model.operators]
    assert names[0] == "QUANTIZE" and names[-1] == "DEQUANTIZE"
    assert model.tensors[model.inputs[0]].dtype == "float32"
    assert model.tensors[model.inputs[0]].quantization is None


def test_optional_input_is_minus_one():
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "int8", [0.1], [0]),
                 TensorSpec("w", (2, 4), "int8", [0.1], [0], np.ones((2, 4), np.int8)),
                 TensorSpec("y", (1, 2), "int8", [0.1], [0])],
        ops=[OpSpec("FULLY_CONNECTED", [0, 1, -1], [2])], inputs=[0], outputs=[2])
    model = read_tflite(build_tflite(spec))
    assert model.operators[0].inputs == (0, 1, -1)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda b: b[:3], "only 3 bytes"),
        (lambda b: b[:4] + b"XXXX" + b[8:], "file identifier"),
        (lambda b: b"\x00" * 64, "file identifier"),
        (lambda b: b[:len(b) // 2], "malformed"),
        (lambda b: b[:40], "malformed"),
        (lambda b: (0xFFFFFF00).to_bytes(4, "little") + b[4:], "root table"),
    ],
)
def test_malformed_files_raise(keras_models, mutate, fragment):
    with pytest.raises(MalformedModelError) as info:
        read_tflite(mutate(keras_models["dense_int8"]))
    message = str(info.value)
    assert fragment in message
    assert "re-export" in message


def test_random_garbage_never_crashes(keras_models):
    rng = np.random.default_rng(9)
    original = bytearray(keras_models["dense_int8"])
    for _ in range(40):
        damaged = bytearray(original)
        for position in rng.integers(8, len(damaged), size=20):
            damaged[position] = int(rng.integers(0, 256))
        try:
            read_tflite(bytes(damaged))
        except GeneratorError:
            pass


def test_second_subgraph_is_read_and_unreachable_one_is_not_planned():
    from tflm_bench.generator.planner import plan_arena
    from tflm_bench.generator.subgraphs import reachable

    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "float32"), TensorSpec("q", (1, 4), "int8", [0.1], [0])],
        ops=[OpSpec("QUANTIZE", [0], [1])], inputs=[0], outputs=[1], extra_subgraphs=1)
    model = read_tflite(build_tflite(spec))
    assert len(model.subgraphs) == 1 and model.subgraphs[0].index == 1 and not model.subgraphs[0].operators
    assert [op.name for op in model.operators] == ["QUANTIZE"] and reachable(model) == ()
    assert set(plan_arena(model).offsets) == {0, 1}


def test_tensor_index_out_of_range_rejected():
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "float32"), TensorSpec("q", (1, 4), "int8", [0.1], [0])],
        ops=[OpSpec("QUANTIZE", [0], [5])], inputs=[0], outputs=[1])
    with pytest.raises(MalformedModelError, match="tensor 5"):
        read_tflite(build_tflite(spec))


def test_reads_tflm_s_quantization_forms():
    """What TFLM accepts is read as it is: an int16 zero point of -32768 (SOFTMAX int8 -> int16
    writes it), a variable tensor, and a 1-D per-channel bias quantized along dimension 3 (TFLM
    never reads a bias's quantized dimension)."""
    spec = ModelSpec(
        tensors=[TensorSpec("x", (1, 4), "int8", [0.1], [0]),
                 TensorSpec("w", (2, 4), "int8", [0.1, 0.2], [0, 0], np.ones((2, 4), np.int8)),
                 TensorSpec("b", (2,), "int32", [0.01, 0.02], [0, 0], np.zeros(2, np.int32), quantized_dimension=3),
                 TensorSpec("h", (1, 2), "int8", [0.5], [0]),
                 TensorSpec("y", (1, 2), "int16", [1 / 65536], [-32768]),
                 TensorSpec("s", (1, 8), "int16", [0.01], [0], is_variable=True)],
        ops=[OpSpec("FULLY_CONNECTED", [0, 1, 2], [3]),
             OpSpec("SOFTMAX", [3], [4], options=("SoftmaxOptions", {"beta": 1.0}))],
        inputs=[0], outputs=[4])
    model = read_tflite(build_tflite(spec))
    assert model.tensors[4].quantization.zero_points == (-32768,)
    assert model.tensors[2].quantization.quantized_dimension == 3
    assert model.tensors[5].is_variable and not model.tensors[0].is_variable


@pytest.mark.parametrize("zero_point", [-32769, 32768])
def test_int16_zero_point_outside_int16_is_refused(zero_point):
    spec = ModelSpec([TensorSpec("x", (1, 4), "int16", [0.1], [zero_point]), TensorSpec("y", (1, 4), "int8", [0.1], [0])],
                     [OpSpec("QUANTIZE", [0], [1])], [0], [1])
    with pytest.raises(MalformedModelError, match=rf"tensor 'x' \(int16\) has zero point {zero_point}, outside -32768..32767"):
        read_tflite(build_tflite(spec))
