"""The operator registry: variants in preference order and the one kernel-set choice."""
from __future__ import annotations

from conv_specs import conv_model
from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import KernelSet
from tflm_bench.generator.ops.layer_plan import always
from tflm_bench.generator.ops.registry import choose_variant, handlers
from tflm_bench.generator.tflite_reader import read_tflite


def test_every_operator_ends_with_a_reference_variant_that_always_applies() -> None:
    for name, handler in handlers().items():
        last = handler.variants[-1]
        assert last.kernels is KernelSet.REFERENCE and last.applies is always and not last.fused, name
        names = [v.name for v in handler.variants]
        assert len(set(names)) == len(names), name


def test_kernel_set_and_int8_layout_pick_the_conv_variant() -> None:
    model = conv_model(in_shape=(1, 6, 6, 8), filter_shape=(4, 1, 1, 8), padding="VALID")
    op = model.operators[0]
    assert choose_variant(model, op, KernelSet.OPTIMIZED).name == "dsp rows"
    assert choose_variant(model, op, KernelSet.REFERENCE).name == "reference"
    # Kept on int8 weights: the reference kernel, also in the optimized set.
    assert choose_variant(model, op, KernelSet.OPTIMIZED, frozenset({op.index})).name == "reference"
    padded = conv_model(in_shape=(1, 6, 6, 8), filter_shape=(4, 3, 3, 8), padding="SAME")
    assert choose_variant(padded, padded.operators[0], KernelSet.OPTIMIZED).name == "dsp general"
    float_conv = conv_model(in_shape=(1, 6, 6, 3), filter_shape=(4, 3, 3, 3), dtype="float32")
    assert choose_variant(float_conv, float_conv.operators[0], KernelSet.OPTIMIZED).name == "reference"


def test_the_dsp_add_runs_whatever_the_weight_layout() -> None:
    b = LayerModel()
    x, z = b.input("x", (2, 3), "int8", 0.1, 0), b.input("z", (2, 3), "int8", 0.2, 1)
    y = b.output("y", (2, 3), "int8", 0.3, 0)
    b.op("ADD", [x, z], [y])
    model = read_tflite(build_tflite(b.spec()))
    op = model.operators[0]
    # Its tables are not weights: layout.py keeping the layer int8 does not change its kernel.
    assert choose_variant(model, op, KernelSet.OPTIMIZED, frozenset({op.index})).name == "dsp"
    assert choose_variant(model, op, KernelSet.REFERENCE).name == "reference"
