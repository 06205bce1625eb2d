"""A seeded sweep of single-layer int8 models: our optimized kernels against TFLM + CMSIS-NN.

    .venv/bin/python scripts/benchmark_layers.py [--count 200] [--seed 1]
        [--tflm-lib libtensorflow-microlite.a --tflm-include DIR:DIR...] [--json OUT] [--gate]
        [--kind CONV_2D,DEPTHWISE_CONV_2D] [--only 3,17] [--tflm-cache DIR]

Draws `--count` layer configurations from the space of real models' layers: CONV_2D (1-64
channels, filters up to 7x5, strides 1-2, dilations 1-4, SAME/VALID, with and without a fused
ReLU), DEPTHWISE_CONV_2D (the same, depth multipliers 1-8), FULLY_CONNECTED, AVERAGE/MAX_POOL_2D,
ADD, MUL and SOFTMAX, with random quantization. Several independent layers share one firmware (the
per-layer profile separates them), so 200 configurations take about 20 builds per runtime. Every
layer is checked bit-exact against host TFLM on the device. With a TFLM library (built with
CMSIS-NN for cortex-m4+fp) the same models run with `--runtime tflm`, and each configuration gets
both ratios (ours / TFLM's): estimated Cortex-M4 cycles first, instructions second.

Prints one line per configuration (est. cycles/MAC and instructions/MAC of both), the distribution
of the ratios, how many configurations miss the targets (<= 0.70x est. cycles for layers of at
least 10,000 MACs, <= 1.0x below, where per-invoke overhead dominates), and the worst 10. A
configuration without MACs (pooling, ADD, SOFTMAX) is costed per output element instead.
`--gate` exits 1 when a target is missed or a layer is not bit-exact. While iterating on one kind of
kernel, `--kind` and `--only` keep some of the draw (indices stay those of the full sweep, the
batches and so the random weights differ), and `--tflm-cache` keeps TFLM's counts per model.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' flatbuffer model builders

from support.tflite_builder import OpSpec, TensorSpec  # noqa: E402
from support.window_layers import LayerSet, Quant, Window, conv_quant, zero_point  # noqa: E402
from tflm_bench.session import BenchOptions, BenchSession  # noqa: E402

BIG_LAYER_MACS = 10_000  # at least this many MACs: per-invoke overhead no longer dominates
TARGET_BIG, TARGET_SMALL = 0.70, 1.0
LAYERS_PER_MODEL = 12  # INFO describes every model input and output in one 1024-byte reply
IO_BYTES_PER_MODEL = 96 * 1024  # every layer's input and output stay alive in a multi-layer model
MAX_TENSOR_BYTES = 24 * 1024
KINDS = (("CONV_2D", 0.34), ("DEPTHWISE_CONV_2D", 0.30), ("FULLY_CONNECTED", 0.14), ("AVERAGE_POOL_2D", 0.05),
         ("MAX_POOL_2D", 0.05), ("ADD", 0.05), ("MUL", 0.04), ("SOFTMAX", 0.03))
CHANNELS = (1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 24, 32, 48, 64)


@dataclass(frozen=True)
class LayerConfig:
    """One single-layer configuration of the sweep."""

    index: int
    kind: str
    in_shape: tuple[int, ...]
    kernel: tuple[int, int] = (1, 1)
    stride: tuple[int, int] = (1, 1)
    dilation: tuple[int, int] = (1, 1)
    padding: str = "SAME"
    activation: str = "NONE"
    out_c: int = 0  # CONV_2D filters, FULLY_CONNECTED units; DEPTHWISE: in_c x multiplier
    multiplier: int = 0  # DEPTHWISE_CONV_2D only
    per_channel: bool = True

    def window(self) -> Window:
        return Window(self.in_shape, self.kernel, self.stride, self.dilation, self.padding, self.activation)  # type: ignore[arg-type]

    def out_shape(self) -> tuple[int, ...]:
        if self.kind == "FULLY_CONNECTED":
            return (self.in_shape[0], self.out_c)
        if self.kind in ("ADD", "MUL", "SOFTMAX"):
            return self.in_shape
        h, w = self.window().out_hw()
        c = self.in_shape[3] if self.kind.endswith("POOL_2D") else self.out_c
        return (self.in_shape[0], h, w, c)

    def macs(self) -> int:
        out = int(np.prod(self.out_shape()))
        if self.kind == "CONV_2D":
            return out * self.kernel[0] * self.kernel[1] * self.in_shape[3]
        if self.kind == "DEPTHWISE_CONV_2D":
            return out * self.kernel[0] * self.kernel[1]
        if self.kind == "FULLY_CONNECTED":
            return out * self.in_shape[1]
        return 0

    def work(self) -> int:
        """MACs, or output elements for layers without any."""
        return self.macs() or int(np.prod(self.out_shape()))

    def io_bytes(self) -> int:
        return int(np.prod(self.in_shape)) * (2 if self.kind in ("ADD", "MUL") else 1) + int(np.prod(self.out_shape()))

    def describe(self) -> str:
        shape = "x".join(str(d) for d in self.in_shape)
        if self.kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"):
            text = (f"{self.kind} in {shape} k{self.kernel[0]}x{self.kernel[1]} s{self.stride[0]}x{self.stride[1]}"
                    f" d{self.dilation[0]}x{self.dilation[1]} {self.padding}")
            if self.kind == "CONV_2D":
                text += f" -> {self.out_c}"
            elif self.kind == "DEPTHWISE_CONV_2D":
                text += f" m{self.multiplier}"
        elif self.kind == "FULLY_CONNECTED":
            text = f"{self.kind} {shape} -> {self.out_c}"
        else:
            text = f"{self.kind} {shape}"
        return text + ("" if self.activation == "NONE" else f" {self.activation}")


def _spatial(rng: np.random.Generator, channels: int) -> tuple[int, int]:
    """Height and width with the input no larger than MAX_TENSOR_BYTES; one-row signals too."""
    while True:
        h = 1 if rng.random() < 0.15 else int(rng.integers(2, 50))
        w = int(rng.integers(1, 50))
        if h * w * channels <= MAX_TENSOR_BYTES:
            return h, w


def draw_config(rng: np.random.Generator, index: int) -> LayerConfig:
    """One configuration; redrawn until its output is non-empty and its tensors fit."""
    names, weights = zip(*KINDS)
    kind = str(rng.choice(names, p=np.asarray(weights) / sum(weights)))
    while True:
        c = int(rng.choice(CHANNELS))
        activation = "RELU" if rng.random() < 0.5 else "NONE"
        if kind == "FULLY_CONNECTED":
            depth = int(rng.choice((8, 16, 40, 64, 100, 128, 250, 256, 400, 512)))
            units = int(rng.choice((2, 4, 10, 12, 16, 32, 64, 128)))
            config = LayerConfig(index, kind, (1, depth), out_c=units, activation=activation,
                                 per_channel=bool(rng.random() < 0.5))
        elif kind in ("ADD", "MUL", "SOFTMAX"):
            h, w = _spatial(rng, c)
            config = LayerConfig(index, kind, (1, h, w, c), activation="NONE" if kind == "SOFTMAX" else activation)
        else:
            h, w = _spatial(rng, c)
            kernel = (int(rng.integers(1, 8)), int(rng.integers(1, 6)))
            stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
            pooling = kind.endswith("POOL_2D")
            dilation = (1, 1) if pooling or rng.random() < 0.7 else (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
            padding = str(rng.choice(("SAME", "VALID")))
            multiplier = int(rng.choice((1, 1, 1, 2, 4, 8))) if kind == "DEPTHWISE_CONV_2D" else 0
            out_c = (c * multiplier if multiplier else int(rng.choice(CHANNELS))) if not pooling else 0
            config = LayerConfig(index, kind, (1, h, w, c), kernel, stride, dilation, padding, activation, out_c,
                                 multiplier, bool(rng.random() < 0.7))
        if min(config.out_shape()) >= 1 and int(np.prod(config.out_shape())) <= MAX_TENSOR_BYTES:
            return config


def sample_configs(seed: int, count: int) -> list[LayerConfig]:
    rng = np.random.default_rng(seed)
    return [draw_config(rng, i) for i in range(count)]


def batches(configs: list[LayerConfig]) -> list[list[LayerConfig]]:
    """Consecutive groups that fit one firmware: few enough layers, inputs and outputs in RAM."""
    groups: list[list[LayerConfig]] = [[]]
    for config in configs:
        group = groups[-1]
        if group and (len(group) == LAYERS_PER_MODEL or sum(c.io_bytes() for c in group) + config.io_bytes() > IO_BYTES_PER_MODEL):
            groups.append([])
        groups[-1].append(config)
    return [g for g in groups if g]


def _add_elementwise(layers: LayerSet, rng: np.random.Generator, config: LayerConfig) -> None:
    k = len(layers.ops)
    shape = config.in_shape
    if config.kind == "SOFTMAX":
        i_in = layers.add(TensorSpec(f"in{k}", shape, "int8", [float(2.0 ** rng.uniform(-6, 0))], [zero_point(rng)]))
        i_out = layers.add(TensorSpec(f"out{k}", shape, "int8", [1.0 / 256.0], [-128]))
        layers.ops.append(OpSpec("SOFTMAX", [i_in], [i_out], options=("SoftmaxOptions", {"beta": 1.0})))
        layers.inputs.append(i_in)
    else:
        scales = [float(2.0 ** rng.uniform(-6, 0)) for _ in range(3)]
        if config.kind == "MUL":
            scales[2] = scales[0] * scales[1] * 64.0
        i_a = layers.add(TensorSpec(f"a{k}", shape, "int8", [scales[0]], [zero_point(rng)]))
        i_b = layers.add(TensorSpec(f"b{k}", shape, "int8", [scales[1]], [zero_point(rng)]))
        i_out = layers.add(TensorSpec(f"out{k}", shape, "int8", [scales[2]], [zero_point(rng)]))
        options = "AddOptions" if config.kind == "ADD" else "MulOptions"
        layers.ops.append(OpSpec(config.kind, [i_a, i_b], [i_out],
                                 options=(options, {"fusedActivationFunction": config.activation})))
        layers.inputs += [i_a, i_b]
    layers.outputs.append(i_out)


def _add_fully_connected(layers: LayerSet, rng: np.random.Generator, config: LayerConfig) -> None:
    k = len(layers.ops)
    batches_, depth = config.in_shape
    q = conv_quant(rng, depth, config.out_c, config.per_channel)
    weights = rng.integers(-127, 128, (config.out_c, depth)).astype(np.int8)
    bias_scales = [q.in_scale * s for s in q.filter_scales]
    i_in = layers.add(TensorSpec(f"in{k}", (batches_, depth), "int8", [q.in_scale], [q.in_zp]))
    i_w = layers.add(TensorSpec(f"w{k}", (config.out_c, depth), "int8", q.filter_scales,
                                [0] * len(q.filter_scales), weights))
    i_b = layers.add(TensorSpec(f"b{k}", (config.out_c,), "int32", bias_scales, [0] * len(bias_scales),
                                rng.integers(-20_000, 20_000, config.out_c).astype(np.int32)))
    i_out = layers.add(TensorSpec(f"out{k}", (batches_, config.out_c), "int8", [q.out_scale], [q.out_zp]))
    layers.ops.append(OpSpec("FULLY_CONNECTED", [i_in, i_w, i_b], [i_out], activation=config.activation))
    layers.inputs.append(i_in)
    layers.outputs.append(i_out)


def model_of(configs: list[LayerConfig], seed: int) -> tuple[bytes, list[list[np.ndarray]]]:
    """One model with every configuration as an independent layer, and one seeded input."""
    rng = np.random.default_rng(seed)
    layers = LayerSet()
    for config in configs:
        if config.kind in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            taps = config.kernel[0] * config.kernel[1] * (config.in_shape[3] if config.kind == "CONV_2D" else 1)
            q = conv_quant(rng, taps, config.out_c, config.per_channel)
            layers.conv(rng, config.window(), config.out_c, q, depthwise_multiplier=config.multiplier)
        elif config.kind.endswith("POOL_2D"):
            layers.pool(config.kind, config.window(), Quant(float(2.0 ** rng.uniform(-6, 0)), zero_point(rng), 0.0, 0))
        elif config.kind == "FULLY_CONNECTED":
            _add_fully_connected(layers, rng, config)
        else:
            _add_elementwise(layers, rng, config)
    return layers.spec_bytes(), layers.samples(rng, 1)


@dataclass(frozen=True)
class LayerRun:
    """One configuration's counts in one runtime."""

    instructions: int
    estimated_cycles: int
    exact: bool


def run_batch(model: bytes, samples: list[list[np.ndarray]], options: BenchOptions, work: Path) -> list[LayerRun]:
    path = work / f"layers-{hashlib.sha256(model).hexdigest()[:12]}.tflite"
    path.write_bytes(model)
    with BenchSession(path, options) as session:
        result = session.run_samples(samples)[0]
    assert result.layer_estimated_cycles is not None, "the engine gave no estimated cycles"
    exact = [o.vs_tflm.exact for o in result.outputs]
    return [LayerRun(i, c, e) for i, c, e in zip(result.layer_instructions, result.layer_estimated_cycles, exact)]


def _cached_tflm(model: bytes, samples: list[list[np.ndarray]], options: BenchOptions, work: Path,
                 cache: Path | None) -> list[LayerRun]:
    """TFLM's counts of one model, from `cache` when an earlier run stored them."""
    if cache is None:
        return run_batch(model, samples, options, work)
    key = hashlib.sha256(model + b"".join(np.ascontiguousarray(a).tobytes() for s in samples for a in s)).hexdigest()
    path = cache / f"{key[:24]}.json"
    if path.is_file():
        return [LayerRun(**row) for row in json.loads(path.read_text())]
    runs = run_batch(model, samples, options, work)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) for r in runs]))
    return runs


@dataclass(frozen=True)
class Row:
    config: LayerConfig
    ours: LayerRun
    tflm: LayerRun | None

    def per_work(self, run: LayerRun | None, field: str) -> float | None:
        return None if run is None else getattr(run, field) / self.config.work()

    def ratio(self, field: str) -> float | None:
        if self.tflm is None:
            return None
        return getattr(self.ours, field) / max(1, getattr(self.tflm, field))

    def target(self) -> float:
        return TARGET_BIG if self.config.macs() >= BIG_LAYER_MACS else TARGET_SMALL

    def misses(self) -> bool:
        r = self.ratio("estimated_cycles")
        return r is not None and r > self.target()


def _fmt(value: float | None, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{suffix}"


def print_table(rows: list[Row]) -> None:
    print("| # | layer | MACs | ours est/MAC | ours instr/MAC | TFLM est/MAC | est ratio | instr ratio | exact |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        unit = "" if r.config.macs() else " /elem"
        print(f"| {r.config.index} | {r.config.describe()} | {r.config.macs():,} | "
              f"{_fmt(r.per_work(r.ours, 'estimated_cycles'), unit)} | {_fmt(r.per_work(r.ours, 'instructions'), unit)} | "
              f"{_fmt(r.per_work(r.tflm, 'estimated_cycles'), unit)} | {_fmt(r.ratio('estimated_cycles'), 'x')}"
              f"{' (over)' if r.misses() else ''} | {_fmt(r.ratio('instructions'), 'x')} | "
              f"{'yes' if r.ours.exact else 'NO'} |")


def print_summary(rows: list[Row]) -> int:
    """The distribution, target misses and worst 10; returns the number of problems."""
    inexact = [r for r in rows if not r.ours.exact]
    print(f"\n{len(rows)} configurations; bit-exact with TFLM: {len(rows) - len(inexact)}/{len(rows)}")
    compared = [r for r in rows if r.tflm is not None]
    if not compared:
        worst = sorted(rows, key=lambda r: -(r.ours.estimated_cycles / r.config.work()))[:10]
        print("no TFLM library given (--tflm-lib): ours only; the 10 highest est. cycles per MAC (or element):")
        for r in worst:
            print(f"  #{r.config.index} {r.config.describe()}: {r.ours.estimated_cycles / r.config.work():.2f}")
        return len(inexact)
    for name, group in (("layers with >= 10,000 MACs", [r for r in compared if r.config.macs() >= BIG_LAYER_MACS]),
                        ("the rest", [r for r in compared if r.config.macs() < BIG_LAYER_MACS])):
        ratios = sorted(r.ratio("estimated_cycles") or 0.0 for r in group)
        if not ratios:
            continue
        target = TARGET_BIG if "10,000" in name else TARGET_SMALL
        over = sum(1 for x in ratios if x > target)
        q = statistics.quantiles(ratios, n=10) if len(ratios) > 1 else ratios * 9
        print(f"{name} ({len(ratios)}): est. cycles ratio min {ratios[0]:.2f}x, p10 {q[0]:.2f}x, median "
              f"{statistics.median(ratios):.2f}x, p90 {q[-1]:.2f}x, max {ratios[-1]:.2f}x; "
              f"{over} above the {target:.2f}x target")
    print("worst 10 by est. cycles ratio:")
    for r in sorted(compared, key=lambda r: -(r.ratio("estimated_cycles") or 0.0))[:10]:
        print(f"  #{r.config.index} {r.config.describe()} ({r.config.macs():,} MACs): "
              f"{_fmt(r.ratio('estimated_cycles'), 'x')} est. cycles, {_fmt(r.ratio('instructions'), 'x')} instructions")
    return len(inexact) + sum(1 for r in compared if r.misses())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tflm-lib", type=Path, help="libtensorflow-microlite.a built with CMSIS-NN")
    parser.add_argument("--tflm-include", default="", help="TFLM's header folders, separated by ':'")
    parser.add_argument("--build-dir", type=Path, default=None, help="the firmware cache (default: the bench's)")
    parser.add_argument("--json", type=Path, help="also write every row as JSON")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a target is missed or a layer differs")
    parser.add_argument("--kind", default="", help="only these kinds, separated by ',' (e.g. CONV_2D,FULLY_CONNECTED);"
                        " the configurations keep the numbers of the whole sweep")
    parser.add_argument("--only", default="", help="only these configuration numbers, separated by ','")
    parser.add_argument("--tflm-cache", type=Path, default=None,
                        help="a folder keeping TFLM's counts per model, reused by later runs (TFLM's side does not change)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.tflm_lib is not None and not args.tflm_lib.is_file():
        parser.error(f"--tflm-lib {args.tflm_lib}: no such file (build TFLM with CMSIS-NN first: docs/tflm-runtime.md)")
    build = {"build_root": args.build_dir} if args.build_dir else {}
    ours_options = BenchOptions(compare_tflite=False, kernels="optimized", **build)
    tflm_options = None
    if args.tflm_lib is not None:
        includes = tuple(Path(p) for p in args.tflm_include.split(":") if p)
        tflm_options = BenchOptions(compare_tflite=False, runtime="tflm", tflm_lib=args.tflm_lib, tflm_include=includes,
                                    arena_bytes=160 * 1024, **build)
    configs = sample_configs(args.seed, args.count)
    if args.kind:
        kinds = {k.strip().upper() for k in args.kind.split(",") if k.strip()}
        unknown = kinds - {k for k, _ in KINDS}
        if unknown:
            parser.error(f"--kind {','.join(sorted(unknown))}: not a kind of the sweep ({', '.join(k for k, _ in KINDS)})")
        configs = [c for c in configs if c.kind in kinds]
    if args.only:
        wanted = {int(i) for i in args.only.split(",") if i.strip()}
        configs = [c for c in configs if c.index in wanted]
    if not configs:
        parser.error("no configuration left after --kind/--only")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="tflm-bench-layers-") as tmp:
        for n, group in enumerate(batches(configs)):
            model, samples = model_of(group, args.seed * 1000 + n)
            ours = run_batch(model, samples, ours_options, Path(tmp))
            tflm = (_cached_tflm(model, samples, tflm_options, Path(tmp), args.tflm_cache) if tflm_options
                    else [None] * len(group))
            rows += [Row(c, o, t) for c, o, t in zip(group, ours, tflm)]
            print(f"batch {n + 1}: {len(group)} layers", file=sys.stderr)
    print_table(rows)
    problems = print_summary(rows)
    if args.json:
        args.json.write_text(json.dumps([{"config": asdict(r.config), "ours": asdict(r.ours),
                                          "tflm": None if r.tflm is None else asdict(r.tflm)} for r in rows], indent=1))
    return 1 if args.gate and problems else 0


if __name__ == "__main__":
    sys.exit(main())
