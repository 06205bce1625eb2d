"""The data-movement operators in the generator: what TFLM refuses is refused (with the reason
and the fix), several outputs pass validation, and the folds match numpy / TFLM's formulas."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import GeneratorError, MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.model import Model
from tflm_bench.generator.ops import mirror_pad
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _model(b: LayerModel) -> Model:
    return read_tflite(build_tflite(b.spec()))


def _const(b: LayerModel, values: Any, dtype: str = "int32") -> int:
    array = np.asarray(values, dtype=dtype)
    return b.tensor("c", array.shape, dtype, data=array)


def _split(axis_constant: bool = True, num_splits: int = 2) -> Model:
    b = LayerModel()
    x = b.input("x", (2, 6), "float32")
    axis = _const(b, [-1]) if axis_constant else b.input("axis", (1,), "int32")
    outs = [b.output("y", (2, 3), "float32") for _ in range(2)]
    b.op("SPLIT", [axis, x], outs, ("SplitOptions", {"numSplits": num_splits}))
    return _model(b)


def test_split_with_two_outputs_validates_and_deals_blocks_by_bytes() -> None:
    model = _split()
    validate(model)
    layer = emit_layers(model, plan_arena(model))[0]
    fields = dict(layer.structs[0].fields)
    assert layer.function == "tb_split_x8"
    assert fields["outer"] == "2" and fields["count"] == "2" and fields["bytes"] == "{12, 12}"


def test_split_refuses_a_computed_axis_as_tflm_does() -> None:
    with pytest.raises(UnsupportedTensorError, match="constant axis.*Non-constant >axis<"):
        validate(_split(axis_constant=False))


def test_split_refuses_a_wrong_num_splits() -> None:
    with pytest.raises(MalformedModelError, match="num_splits"):
        validate(_split(num_splits=3))


def test_unpack_needs_num_outputs() -> None:
    b = LayerModel()
    x = b.input("x", (3, 2), "int8", 0.1, 0)
    outs = [b.output("y", (2,), "int8", 0.1, 0) for _ in range(2)]
    b.op("UNPACK", [x], outs, ("UnpackOptions", {"num": 3, "axis": 0}))
    with pytest.raises(MalformedModelError, match="UNPACK declares num 3 with 2 outputs"):
        validate(_model(b))


def _reverse(axes: list[int], dtype: str = "float32") -> Model:
    b = LayerModel()
    x = b.input("x", (2, 3, 4), dtype)
    b.op("REVERSE_V2", [x, _const(b, axes)], [b.output("y", (2, 3, 4), dtype)])
    return _model(b)


def test_reverse_folds_negative_steps_from_the_last_element() -> None:
    model = _reverse([-1, 1])
    validate(model)
    fields = dict(emit_layers(model, plan_arena(model))[0].structs[0].fields)
    assert fields["count"] == "{1, 1, 2, 3, 4}"
    assert fields["step"] == "{24, 24, 12, -4, -1}" and fields["base"] == str(2 * 4 + 3)


def test_reverse_refuses_non_contiguous_axes_as_tflm_does() -> None:
    with pytest.raises(UnsupportedOpError, match="not contiguous"):
        validate(_reverse([0, 2]))


def test_transpose_int32_is_refused_because_tflm_does_not_run_it() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int32")
    b.op("TRANSPOSE", [x, _const(b, [1, 0])], [b.output("y", (3, 2), "int32")])
    with pytest.raises(UnsupportedTensorError, match="int8 or int16 or float32.*--runtime tflm"):
        validate(_model(b))


def test_gather_refuses_int32_values_and_int64_positions() -> None:
    for values, positions in (("int32", "int32"), ("float32", "int64")):
        b = LayerModel()
        x = b.input("x", (4, 2), values)
        p = _const(b, [1, 0], positions)
        b.op("GATHER", [x, p], [b.output("y", (2, 2), values)], ("GatherOptions", {"axis": 0}))
        with pytest.raises(UnsupportedTensorError):
            validate(_model(b))


def test_fill_refuses_computed_dims_as_tflm_does() -> None:
    b = LayerModel()
    dims = b.input("dims", (2,), "int32")
    value = _const(b, np.float32(1.5), "float32")
    b.op("FILL", [dims, value], [b.output("y", (2, 3), "float32")])
    with pytest.raises(UnsupportedTensorError, match="Non-constant >dims<"):
        validate(_model(b))


@pytest.mark.parametrize(("size", "left", "offset", "expected"), [
    (3, 2, 1, [2, 1, 0, 1, 2, 1, 0]),  # REFLECT: no edge repeated
    (3, 2, 0, [1, 0, 0, 1, 2, 2, 1]),  # SYMMETRIC: the edge repeated
])
def test_mirror_pad_coordinates_follow_numpy(size: int, left: int, offset: int, expected: list[int]) -> None:
    got = [mirror_pad.input_coordinate(c, left, size, offset) for c in range(size + 2 * left)]
    assert got == expected
    mode = "reflect" if offset else "symmetric"
    assert got == list(np.pad(np.arange(size), left, mode=mode))


def test_mirror_pad_refuses_paddings_that_make_tflm_read_outside_the_input() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "float32")
    pads = _const(b, [[0, 0], [3, 0]])
    b.op("MIRROR_PAD", [x, pads], [b.output("y", (2, 6), "float32")], ("MirrorPadOptions", {"mode": 0}))
    with pytest.raises(UnsupportedOpError, match="REFLECT allows up to dim - 1"):
        validate(_model(b))


def test_dynamic_update_slice_refuses_an_update_larger_than_the_operand() -> None:
    b = LayerModel()
    x = b.input("x", (2, 3), "int16", 0.1, 0)
    u = b.input("u", (3, 3), "int16", 0.1, 0)
    b.op("DYNAMIC_UPDATE_SLICE", [x, u, _const(b, [0, 0])], [b.output("y", (2, 3), "int16", 0.1, 0)])
    with pytest.raises(MalformedModelError, match="must fit the operand"):
        validate(_model(b))


def test_broadcast_to_refuses_a_computed_shape_as_tflm_does() -> None:
    b = LayerModel()
    x = b.input("x", (1, 3), "int8", 0.1, 0)
    shape = b.input("shape", (2,), "int32")
    b.op("BROADCAST_TO", [x, shape], [b.output("y", (2, 3), "int8", 0.1, 0)])
    with pytest.raises(GeneratorError, match="Non-constant >shape<"):
        validate(_model(b))
