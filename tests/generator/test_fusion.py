"""Fused CONV_2D + MAX_POOL_2D (generator/fusion.py): which pairs, what the planner and codegen do."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from gen_helpers import build_tflite
from support.fused_models import conv_pool_conv, conv_pool_conv_spec
from support.model_files import MODELS_DIR
from tflm_bench.generator.codegen import MODEL_SOURCE, emit_layers, generate_c
from tflm_bench.generator.fusion import FUSED_KERNEL, conv_pool_fusions
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite

CONV_OUT, POOL_OUT, BAND = 3, 4, 2 * 10 * 6 * 4  # tensor indices of conv_pool_conv; band: 2 rows x 10 x 6 floats


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_the_pair_is_fused_and_its_conv_output_not_planned() -> None:
    model = read_tflite(conv_pool_conv())
    (fusion,) = conv_pool_fusions(model)
    assert (fusion.conv_op, fusion.pool_op, fusion.intermediate, fusion.band_rows, fusion.band_bytes) == (0, 1, CONV_OUT, 2, BAND)
    plan = plan_arena(model)
    assert CONV_OUT not in plan.offsets and plan.elided == {CONV_OUT}
    band = (plan.band_offsets[0], plan.band_offsets[0] + BAND)
    # While the fused kernel runs it reads the input and writes the band and the pool's output.
    live = [(plan.offsets[t], plan.offsets[t] + plan.sizes[t]) for t in (0, POOL_OUT)]
    assert not _overlap(band, live[0]) and not _overlap(band, live[1]) and not _overlap(live[0], live[1])
    assert plan.lifetimes[POOL_OUT][0] == 0
    unfused = plan_arena(model, fuse=False)
    assert CONV_OUT in unfused.offsets and unfused.fusions == ()
    assert plan.arena_bytes < unfused.arena_bytes


def test_no_fusion_when_the_conv_output_is_needed_elsewhere() -> None:
    assert conv_pool_fusions(read_tflite(conv_pool_conv(conv_output_is_model_output=True))) == ()
    spec = conv_pool_conv_spec()
    spec.ops[2] = replace(spec.ops[2], inputs=[CONV_OUT, 5, 6])  # a second reader of the conv output
    spec.tensors[5] = replace(spec.tensors[5], shape=(3, 1, 1, 6))
    spec.tensors[7] = replace(spec.tensors[7], shape=(1, 12, 10, 3))
    spec.outputs = [4, 7]
    assert conv_pool_fusions(read_tflite(build_tflite(spec))) == ()


def test_int8_pairs_are_not_fused() -> None:
    model = read_tflite((MODELS_DIR / "rps_cnn_uint8.tflite").read_bytes())
    assert [op.name for op in model.operators].count("MAX_POOL_2D") == 3
    assert conv_pool_fusions(model) == ()


def test_codegen_calls_the_banded_kernel_and_skips_the_pool(tmp_path: Path) -> None:
    model = read_tflite(conv_pool_conv())
    plan = plan_arena(model)
    layers = emit_layers(model, plan)
    assert layers[0].function == FUSED_KERNEL and layers[1].function == "" and layers[2].function == "tb_conv2d_f32"
    assert f"(float *)&tb_arena[{plan.band_offsets[0]}]" in layers[0].args
    generate_c(model, plan, tmp_path)
    source = (tmp_path / MODEL_SOURCE).read_text()
    assert source.count(f"status = {FUSED_KERNEL}(") == 1 and "tb_max_pool2d_f32" not in source
    assert "fused into layer 1 MAX_POOL_2D, not materialised" in source
    # The conv's layer output: 0 bytes at NULL, so GET_LAYER_OUTPUT refuses it.
    entry = source.split("/* layer 0:", 1)[1].split("/* layer 1:", 1)[0]
    assert ".bytes = 0u" in entry and ".data = NULL" in entry


def test_mobilenet_float_plan_reaches_its_lower_bound() -> None:
    """TFLM's order gives 258,048 B (input at offset 0 pushes the dw output up); the bound is the
    dw -> pw peak, 48x48x8 + 48x48x16 floats."""
    model = read_tflite((MODELS_DIR / "mobilenet_v1_025_float.tflite").read_bytes())
    plan = plan_arena(model)
    assert plan.arena_bytes == (48 * 48 * 8 + 48 * 48 * 16) * 4 == 221_184
    for i in plan.offsets:
        for j in plan.offsets:
            li, lj = plan.lifetimes[i], plan.lifetimes[j]
            if i < j and li[0] <= lj[1] and lj[0] <= li[1]:
                assert not _overlap((plan.offsets[i], plan.offsets[i] + plan.sizes[i]),
                                    (plan.offsets[j], plan.offsets[j] + plan.sizes[j])), (i, j)
