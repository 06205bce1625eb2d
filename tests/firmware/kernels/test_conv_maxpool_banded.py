"""The banded float32 CONV_2D + MAX_POOL_2D kernel (generator/fusion.py) on the emulated device.

Each seed builds one model of several random conv -> max-pool chains twice: as is (every pair is
fused: the conv output has the pool as its only reader) and with every conv output also listed as
a model output (nothing can be fused, the unfused kernels run). The pool outputs of the two
firmwares must be identical bit for bit (the fused kernel runs the unfused kernels' arithmetic),
and both within MAX_ULP of TFLM, as every float kernel test asks.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from support.tflite_builder import OpSpec, TensorSpec, build_tflite
from support.window_layers import ACTIVATIONS, LayerSet, Window, out_size
from tflm_bench.generator import KernelSet, read_model
from tflm_bench.generator.fusion import conv_pool_fusions
from tflm_bench.session import BenchOptions, BenchSession

MAX_ULP = 4
CHAINS = 5


def _chain(layers: LayerSet, rng: np.random.Generator, k: int) -> int:
    """A random conv then a max-pool reading its output; returns the conv output's tensor index."""
    while True:
        conv = Window(
            (1, int(rng.integers(3, 14)), int(rng.integers(3, 14)), int(rng.choice([1, 2, 3, 5]))),
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
            (1, 1) if k % 2 else (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
            str(rng.choice(["SAME", "VALID"])), ACTIVATIONS[k % len(ACTIVATIONS)],
        )
        if conv.fits():
            break
    out_c = int(rng.choice([1, 4, 8, 16]))
    layers.conv(rng, conv, out_c, None, bias=bool(k % 3))
    mid = layers.outputs.pop()
    conv_h, conv_w = conv.out_hw()
    # Pool windows: the classic 2x2/2, taller than the stride (rows computed twice), larger than
    # the conv output (clipped), SAME padding.
    kernel = [(2, 2), (3, 2), (min(conv_h + 1, 5), 2), (2, 3), (1, 1)][k % 5]
    stride = [(2, 2), (1, 2), (2, 1), (3, 2), (1, 1)][k % 5]
    padding = "SAME" if k % 2 else "VALID"
    if padding == "VALID" and (kernel[0] > conv_h or kernel[1] > conv_w):
        padding = "SAME"
    pool_h = out_size(padding, conv_h, kernel[0], stride[0])
    pool_w = out_size(padding, conv_w, kernel[1], stride[1])
    pooled = layers.add(TensorSpec(f"pool{k}", (1, pool_h, pool_w, out_c), "float32"))
    options = {"padding": padding, "strideH": stride[0], "strideW": stride[1], "filterHeight": kernel[0],
               "filterWidth": kernel[1], "fusedActivationFunction": ACTIVATIONS[(k + 1) % len(ACTIVATIONS)]}
    layers.ops.append(OpSpec("MAX_POOL_2D", [mid], [pooled], options=("Pool2DOptions", options)))
    layers.outputs.append(pooled)
    return mid


def _device_outputs(model_bytes: bytes, samples: list[list[np.ndarray]], workdir: Path,
                    options: BenchOptions) -> tuple[list[list[np.ndarray]], list[float]]:
    """Raw device outputs per sample, and the worst difference from TFLM (ULP) per sample."""
    path = workdir / f"model-{hashlib.sha256(model_bytes).hexdigest()[:12]}.tflite"
    path.write_bytes(model_bytes)
    with BenchSession(path, replace(options, compare_tflite=False)) as session:
        results = session.run_samples(samples)
        device = session.start()
        raw = []
        for sample in samples:
            for position, value in enumerate(sample):
                device.set_input(position, value)
            assert device.invoke().status == 0
            raw.append([device.get_output(i) for i in range(len(session.model.outputs))])
    return raw, [max(o.vs_tflm.max_diff for o in r.outputs) for r in results]


@pytest.mark.parametrize(("seed", "kernels"), [(1, KernelSet.REFERENCE), (2, KernelSet.OPTIMIZED)], ids=str)
def test_banded_conv_maxpool_equals_unfused(seed: int, kernels: KernelSet, tmp_path: Path,
                                            bench_options: BenchOptions) -> None:
    """One seed per kernel set: float32 layers run the same kernels in both, so each set is built once."""
    bench_options = replace(bench_options, kernels=kernels)
    rng = np.random.default_rng(7100 + seed)
    layers = LayerSet()
    mids = [_chain(layers, rng, k + 5 * (seed - 1)) for k in range(CHAINS)]
    fused_bytes = layers.spec_bytes()
    unfused_spec = layers.spec()
    unfused_spec.outputs = [*mids, *layers.outputs]
    unfused_bytes = build_tflite(unfused_spec)
    assert len(conv_pool_fusions(read_model(fused_bytes))) == CHAINS
    assert conv_pool_fusions(read_model(unfused_bytes)) == ()

    samples = layers.samples(rng, 2)
    fused, fused_ulp = _device_outputs(fused_bytes, samples, tmp_path, bench_options)
    unfused, unfused_ulp = _device_outputs(unfused_bytes, samples, tmp_path, bench_options)
    assert max(fused_ulp + unfused_ulp) <= MAX_ULP, f"seed {seed}: device vs TFLM {fused_ulp} / {unfused_ulp} ULP"
    for number, (got, want) in enumerate(zip(fused, unfused)):
        for position, value in enumerate(got):
            reference = want[len(mids) + position]
            assert value.shape == reference.shape
            assert value.tobytes() == reference.tobytes(), (
                f"seed {seed} sample {number}: pool output {position} of the banded kernel differs from the "
                f"unfused kernels in {int(np.sum(value.view(np.uint32) != reference.view(np.uint32)))} elements"
            )
