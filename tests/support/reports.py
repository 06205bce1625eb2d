"""Hand-made BenchReports for the report, baseline and JUnit tests: no firmware, no emulator."""
from __future__ import annotations

from dataclasses import replace

from tflm_bench.compare import Difference
from tflm_bench.generator import LayerInfo, MemoryUse
from tflm_bench.memory_map import TensorPlacement
from tflm_bench.report import BenchConfig, BenchReport, InputResult, OutputResult

CONFIG_FIELDS = ("engine", "kernels", "runtime", "platform", "board", "versions", "port", "count_unit")

SHA = "ab" * 32
EXACT = Difference(0, 0, "LSB")


def result(index: int, layers: tuple[int, ...] = (100, 300, 50), cycles: tuple[int, ...] | None = None,
           vs_tflm: Difference = EXACT) -> InputResult:
    cycles = cycles if cycles is not None else tuple(c * 3 // 2 for c in layers)
    return InputResult(index, (OutputResult(0, vs_tflm, None),), sum(layers) + 10, layers,
                       sum(cycles) + 20, cycles, seconds=0.25)


def synthetic_report(results: tuple[InputResult, ...] | None = None, kernels: str = "optimized",
                     model: str = "models/tiny.tflite", sha: str = SHA, **changes: object) -> BenchReport:
    config = BenchConfig(engine="builtin", kernels=kernels, runtime="generated",
                         platform="bench/board/platforms/nrf52840.repl", board={"dwt_hz": 64_000_000, "performance_mips": 64},
                         versions={"python": "3.11.7", "tflm-bench": "0.1.0"})
    config = replace(config, **{k: changes.pop(k) for k in CONFIG_FIELDS if k in changes})  # type: ignore[arg-type]
    report = BenchReport(
        model=model,
        model_sha256=sha,
        config=config,
        firmware="/tmp/fw/firmware.elf",
        firmware_reused=False,
        memory=MemoryUse(flash_bytes=20_000, ram_bytes=12_000, arena_bytes=2_048, flash_limit=1 << 20, ram_limit=256 << 10),
        layers=(LayerInfo(0, 0, "CONV_2D", 1000), LayerInfo(1, 1, "FULLY_CONNECTED", 200), LayerInfo(2, 2, "SOFTMAX", 0)),
        results=results if results is not None else (result(0), result(1, (104, 296, 50))),
        firmware_sha256="cd" * 32,
        build_key="0123456789abcdef",
        layer_outputs=("model/conv;model/relu", "model/dense|x", "Identity:0"),
        tensors=(
            TensorPlacement(0, "input", 0, 1024, 0, 0),
            TensorPlacement(3, "model/conv;model/relu", 1024, 1024, 0, 1),
            TensorPlacement(4, "model/dense|x", 0, 64, 1, 2),
            TensorPlacement(-1, "scratch of layer 0 (CONV_2D)", 64, 256, 0, 0, "scratch"),
            TensorPlacement(5, "Identity:0", 1024, 16, 2, 2),
        ),
    )
    return replace(report, **changes) if changes else report  # type: ignore[arg-type]


MISMATCH = Difference(3, 2, "LSB", ((-1, 1), (2, 2)))
