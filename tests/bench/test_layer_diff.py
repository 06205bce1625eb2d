"""`tflm-bench diff`: every layer's output on the device against host TFLM's preserved tensors."""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from support.model_files import LIGHT_MODELS
from tflm_bench.cli import main
from tflm_bench.device import BenchDevice
from tflm_bench.errors import DeviceError
from tflm_bench.exit_codes import ExitCode
from tflm_bench.generator import KernelSet, firmware_dir
from tflm_bench.layer_diff import diff_model
from tflm_bench.session import BenchOptions, BenchSession

MODELS = LIGHT_MODELS  # the heavy float models: test_big_float_models.py
KWS = next(m for m in MODELS if m.stem == "kws_dscnn_int8")
FC_KERNEL = "kernels/fully_connected/fully_connected_per_channel_s8.c"
STORE = "output[(size_t)b * (size_t)units + (size_t)u] = (int8_t)acc;"


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_every_layer_matches_tflm(model: Path, bench_options: BenchOptions) -> None:
    with BenchSession(model, replace(bench_options, compare_tflite=False)) as session:
        report = diff_model(session, session.random_samples(1, seed=3))
    (sample,) = report.samples
    assert len(sample.layers) == len(session.model.operators)
    assert sample.first_diverging is None, report.format_text()
    assert all(layer.difference.exact for layer in sample.layers if layer.difference.unit == "LSB")


def test_an_injected_one_lsb_error_is_named_at_its_layer(tmp_path: Path, bench_options: BenchOptions) -> None:
    """A throwaway firmware tree whose reference per-channel FC kernel is off by one LSB on one unit."""
    tree = tmp_path / "firmware"
    shutil.copytree(firmware_dir(), tree)
    kernel = tree / FC_KERNEL
    source = kernel.read_text()
    assert STORE in source
    kernel.write_text(source.replace(STORE, "if (u == 0) {\n                acc = acc < params->activation.max ? acc + 1 : acc - 1;\n"
                                     "            }\n            " + STORE))
    options = replace(bench_options, compare_tflite=False, kernels=KernelSet.REFERENCE, firmware_dir=tree,
                      build_root=tmp_path / "build")
    with BenchSession(KWS, options) as session:
        report = diff_model(session, session.random_samples(1, seed=3))
    first = report.samples[0].first_diverging
    fc_layers = [op.index for op in session.model.operators if op.name == "FULLY_CONNECTED"]
    assert first is not None and first.layer == fc_layers[0] and first.op_name == "FULLY_CONNECTED"
    assert first.difference.max_diff == 1 and first.difference.mismatches == 1
    assert all(layer.difference.exact for layer in report.samples[0].layers[: first.layer])
    assert f"first diverging layer: {first.layer} FULLY_CONNECTED" in report.format_text()


def test_cli_diff_prints_each_layer_and_writes_json(sine_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "diff.json"
    assert main(["diff", str(sine_model), "--count", "2", "--json", str(out)]) == ExitCode.OK
    text = capsys.readouterr().out
    assert text.count("bit-exact") == 6 and "first diverging layer: none" in text
    data = json.loads(out.read_text())
    assert data["all_passed"] and [s["first_diverging_layer"] for s in data["samples"]] == [None, None]
    assert data["config"]["runtime"] == "generated"


def test_a_runtime_without_layer_outputs_refuses_partial_invokes(build_c_firmware_for_identity: Path) -> None:
    from tflm_bench.board import DEFAULT_PLATFORM
    from tflm_bench.emulation import create_engine

    with create_engine("builtin", DEFAULT_PLATFORM) as engine:
        engine.load_elf(build_c_firmware_for_identity)
        device = BenchDevice(engine)
        device.wait_ready()
        with pytest.raises(DeviceError, match="cannot stop after a layer"):
            device.invoke_partial(1)


@pytest.fixture
def build_c_firmware_for_identity(tmp_path: Path) -> Path:
    """The shell with tests/firmware/identity_runtime.c, which describes no layer outputs."""
    from tflm_bench.cache import cache_root
    from tflm_bench.board import load_board
    from tflm_bench.generator.build.generated import kernel_library
    from tflm_bench.generator.build.toolchain import compile_firmware

    root = Path(__file__).resolve().parents[2]
    build = tmp_path / "identity"
    return compile_firmware([root / "tests" / "firmware" / "identity_runtime.c"], build, load_board(), firmware_dir(),
                            [f"-DTB_KERNEL_LIBRARY={kernel_library(cache_root(), firmware_dir())}"])


def test_diff_names_the_fused_layer_and_compares_the_pool(tmp_path: Path, bench_options: BenchOptions,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """conv -> max-pool -> conv in float32: the first conv runs banded into the pool, so its output
    never exists on the device; the diff says so and checks the pool's output instead."""
    from support.fused_models import conv_pool_conv

    model = tmp_path / "conv_pool_conv.tflite"
    model.write_bytes(conv_pool_conv(seed=4))
    with BenchSession(model, replace(bench_options, compare_tflite=False)) as session:
        report = diff_model(session, session.random_samples(1, seed=2))
    conv, pool, last = report.samples[0].layers
    assert conv.difference is None and conv.fused_into == 1 and conv.passed
    assert conv.verdict() == "fused into layer 1, not materialised"
    assert pool.difference is not None and pool.op_name == "MAX_POOL_2D" and pool.passed and pool.difference.exact
    assert last.difference is not None and last.passed
    assert report.samples[0].first_diverging is None
    assert json.loads(report.to_json())["samples"][0]["layers"][0]["fused_into"] == 1

    assert main(["diff", str(model), "--count", "1"]) == ExitCode.OK
    text = capsys.readouterr().out
    assert "fused into layer 1, not materialised" in text and "first diverging layer: none" in text
