"""The optimized int8 LOGISTIC and TANH (a 256-entry table the generator computes,
activations/lut_s8.c):

- the generator's tables (generator/ops/logistic_tanh.py, generator/fixedpoint.py) against the
  reference kernels built for the host (logistic_s8.c, tanh_s8.c) on all 256 inputs, for seeded
  random input scales (the Q4.27 rescaling, the saturation radius) and zero points;
- one firmware with several of each at random quantizations and odd sizes (the kernel's word
  loop and its tail), on the emulated device against host TFLM, checked to run the table variant.
"""
from __future__ import annotations

import ctypes
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

from tflm_bench.generator.elementwise_quant import logistic_tanh_quant
from tflm_bench.generator.ops import logistic_tanh

KERNELS = Path(__file__).resolve().parents[3] / "firmware" / "kernels"


class _Params(ctypes.Structure):
    _fields_ = [("input_zero_point", ctypes.c_int32), ("input_range_radius", ctypes.c_int32),
                ("multiplier", ctypes.c_int32), ("shift", ctypes.c_int32)]


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("sigmoid_lut") / "libsigmoid.so"
    subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", f"-I{KERNELS}",
                    str(KERNELS / "activations" / "logistic_s8.c"), str(KERNELS / "activations" / "tanh_s8.c"),
                    "-o", str(out)], check=True, capture_output=True, text=True)
    return ctypes.CDLL(str(out))


def _scales(rng: np.random.Generator, count: int) -> list[tuple[float, int]]:
    return [(float(np.exp(rng.uniform(np.log(1e-3), np.log(2.0)))), int(rng.integers(-128, 128)))
            for _ in range(count)] + [(1 / 16, 0), (0.1, -128), (0.5, 127)]


@pytest.mark.parametrize("op, function, curve", [
    ("LOGISTIC", "tb_logistic_s8", logistic_tanh._logistic_curve),
    ("TANH", "tb_tanh_s8", logistic_tanh._tanh_curve),
])
def test_tables_match_the_reference_kernels(kernels: ctypes.CDLL, op: str, function: str, curve) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(41)
    inputs = np.arange(-128, 128, dtype=np.int8)
    for scale, zp in _scales(rng, 60):
        q = logistic_tanh_quant(scale, zp)
        params = _Params(q.input_zero_point, q.input_range_radius, q.input_multiplier, q.input_left_shift)
        out = np.zeros(256, dtype=np.int8)
        status = getattr(kernels, function)(ctypes.byref(params), 256, inputs.ctypes.data_as(ctypes.c_void_p),
                                            out.ctypes.data_as(ctypes.c_void_p))
        assert status == 0
        table = np.array(logistic_tanh.sigmoid_like_table(q, curve), dtype=np.int8)
        assert np.array_equal(table, out), f"{op} scale {scale} zero point {zp}: {np.count_nonzero(table != out)} differ"


def test_table_layers_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    from tflm_bench.generator import read_model
    from tflm_bench.generator.ops.registry import choose_variant

    rng = np.random.default_rng(43)
    b = LayerModel()
    for k, (scale, zp) in enumerate(_scales(rng, 3)):
        size = int(rng.integers(1, 40))
        x = b.input("x", (1, size), "int8", scale, zp)
        if k % 2 == 0:
            y = b.output("y", (1, size), "int8", 1 / 256, -128)
            b.op("LOGISTIC", [x], [y])
        else:
            y = b.output("y", (1, size), "int8", 1 / 128, 0)
            b.op("TANH", [x], [y])
    tflite = build_tflite(b.spec())
    model = read_model(tflite)
    assert {choose_variant(model, op, "optimized").name for op in model.operators} == {"dsp table"}
    samples = b.random_samples(rng, 2) + [[np.arange(-128, 128, dtype=np.int8)[:b.tensors[i].shape[1]][None, :]
                                            for i in b.inputs]]
    results = run_on_device(tflite, samples, tmp_path, replace(bench_options, kernels="optimized"))
    assert_bit_exact(results, "int8 LOGISTIC / TANH tables")
