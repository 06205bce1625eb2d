"""SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND in the generator: the emitted parameters and the
refusals (shapes TFLM would half-compute, TFLM's uninitialised padding, types it does not run)."""
from __future__ import annotations

import numpy as np
import pytest

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.model import Model
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate

OPTIONS = {"SPACE_TO_BATCH_ND": "SpaceToBatchNDOptions", "BATCH_TO_SPACE_ND": "BatchToSpaceNDOptions"}


def space_model(op: str, in_shape: tuple[int, ...], out_shape: tuple[int, ...], block: list[int],
                edges: list[list[int]], dtype: str = "int8", out_q: tuple[float, int] = (0.1, 3),
                block_dtype: str = "int32") -> Model:
    quant = dtype in ("int8", "int16")
    zp = 0 if dtype == "int16" else 3
    tensors = [
        TensorSpec("input", in_shape, dtype, [0.1] if quant else None, [zp] if quant else None),
        TensorSpec("block", (len(block),), block_dtype, data=np.asarray(block, block_dtype)),
        TensorSpec("edges", (len(edges), 2), "int32", data=np.asarray(edges, np.int32).reshape(len(edges), 2)),
        TensorSpec("output", out_shape, dtype, [out_q[0]] if quant else None, [out_q[1] if dtype == "int8" else 0] if quant else None),
    ]
    spec = ModelSpec(tensors, [OpSpec(op, [0, 1, 2], [3], options=(OPTIONS[op], {}))], [0], [3])
    return read_tflite(build_tflite(spec))


def test_batch_to_space_3d_emits_nhwc_with_unit_width() -> None:
    model = space_model("BATCH_TO_SPACE_ND", (6, 4, 5), (2, 10, 5), [3], [[1, 1]], dtype="float32")
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == "tb_batch_to_space_nd" and layer.header == "space_batch/tb_space_batch.h"
    fields = dict(layer.structs[0].fields)
    assert fields["input"] == "{.n = 6, .h = 4, .w = 1, .c = 5}"
    assert fields["output"] == "{.n = 2, .h = 10, .w = 1, .c = 5}"
    assert fields["block"] == "{.h = 3, .w = 1}" and fields["before"] == "{.h = 1, .w = 0}"
    assert fields["element_bytes"] == "4"


def test_space_to_batch_4d() -> None:
    model = space_model("SPACE_TO_BATCH_ND", (2, 4, 6, 3), (12, 2, 2, 3), [2, 3], [[0, 0], [0, 0]])
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    assert layer.function == "tb_space_to_batch_nd"
    assert dict(layer.structs[0].fields)["element_bytes"] == "1"


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        # Keras with an unknown batch size: batch 1 stored where the op makes 4.
        (("SPACE_TO_BATCH_ND", (1, 16, 16, 3), (1, 8, 8, 3), [2, 2], [[0, 0], [0, 0]]), {}, UnsupportedTensorError,
         r"makes \[4, 8, 8, 3\] .* its output tensor is \[1, 8, 8, 3\]; TFLM would run on the stored shape .* "
         r"give keras.Input a fixed batch_size=1"),
        (("BATCH_TO_SPACE_ND", (1, 8, 8, 3), (1, 16, 16, 3), [2, 2], [[0, 0], [0, 0]]), {}, MalformedModelError,
         r"input batch 1 is not a multiple of the block shape's 4 positions"),
        (("SPACE_TO_BATCH_ND", (1, 3, 3, 2), (4, 2, 2, 2), [2, 2], [[1, 0], [0, 1]]), {}, UnsupportedOpError,
         r"padding \[\[1, 0\], \[0, 1\]\] \(TFLM pads with a value its kernel never initialises"),
        (("SPACE_TO_BATCH_ND", (1, 4, 4, 2), (4, 2, 2, 2), [2, 2], [[0, 0], [0, 0]]), {"dtype": "int16"},
         UnsupportedTensorError, r"needs its input to be int8 or float32"),
        (("SPACE_TO_BATCH_ND", (1, 4, 4, 2), (4, 2, 2, 2), [2, 2], [[0, 0], [0, 0]]), {"out_q": (0.2, 3)},
         UnsupportedTensorError, r"copies int8 values, so its output needs the input's quantization"),
        (("SPACE_TO_BATCH_ND", (1, 4, 4, 2), (4, 2, 2, 2), [2, 2], [[0, 0], [0, 0]]), {"block_dtype": "int64"},
         UnsupportedTensorError, r"needs a constant int32 block shape \(TFLM reads it as int32\)"),
        (("SPACE_TO_BATCH_ND", (1, 5, 4, 2), (4, 2, 2, 2), [2, 2], [[0, 0], [0, 0]]), {}, MalformedModelError,
         r"the padded input 5x4 is not a multiple of the block shape 2x2"),
        (("BATCH_TO_SPACE_ND", (4, 2, 2, 2), (1, 4, 4, 2), [2, 2], [[0, -1], [0, 0]]), {}, UnsupportedOpError,
         r"negative crops"),
        (("BATCH_TO_SPACE_ND", (4, 2, 2, 2, 1), (1, 4, 4, 2, 1), [2, 2], [[0, 0], [0, 0]]), {}, UnsupportedTensorError,
         r"needs 3-D or 4-D input and output of the same rank"),
    ],
)
def test_refusals_name_the_problem_and_the_fix(args, kwargs, error, pattern) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=pattern):
        validate(space_model(*args, **kwargs))


def test_keras_dilated_conv_converts_to_conv_2d_or_is_refused_with_the_fix() -> None:
    """What the converter makes of Keras' Conv2D(dilation_rate=2): with a fixed batch size one
    dilated CONV_2D (which the runtime runs); with an unknown one SPACE_TO_BATCH_ND + CONV_2D +
    BATCH_TO_SPACE_ND stored with batch 1 where the block makes 4, which TFLM computes only
    a quarter of (the rest of its output is stale arena bytes), so the intake refuses it."""
    import tensorflow as tf

    from tflm_bench.generator.intake import convert_keras_model

    calibration = np.random.default_rng(0).uniform(-1, 1, (16, 12, 12, 3)).astype(np.float32)

    def convert(batch_size: int | None) -> Model:
        tf.keras.utils.set_random_seed(1)
        inputs = tf.keras.Input((12, 12, 3), batch_size=batch_size)
        outputs = tf.keras.layers.Conv2D(4, 3, dilation_rate=2, padding="valid")(inputs)
        return read_tflite(convert_keras_model(tf.keras.Model(inputs, outputs), calibration))

    fixed = convert(1)
    assert [op.name for op in fixed.operators] == ["CONV_2D"]
    assert fixed.operators[0].options["dilation_hfactor"] == 2
    validate(fixed)
    unknown = convert(None)
    assert [op.name for op in unknown.operators] == ["SPACE_TO_BATCH_ND", "CONV_2D", "BATCH_TO_SPACE_ND"]
    with pytest.raises(UnsupportedTensorError, match=r"give keras.Input a fixed batch_size=1"):
        validate(unknown)
