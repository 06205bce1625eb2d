"""Kernel unit tests in the CMSIS-NN style: a C test per kernel (tests/firmware/kernels/unit/)
calls the kernel on cases and compares with expected outputs. The cases come from a small model
of independent single-op layers: each layer's kernel arguments as the generator emits them (so
the prepared constants are the ones the firmware gets), random inputs, and the outputs host TFLM
computes. They are written as a header (tb_unit_cases.h) the C test includes; the test is built
for the host (the kernels' plain-C paths) and, for the DSP kernels, as a bare-metal program run
on the built-in emulator.

The header defines `tb_unit_cases[]` of the C test's `tb_unit_case_t`: `io` (tb_unit.h's inputs,
expected outputs and their sizes; `samples` of them per case, one after the other), fields named
after the kernel's other parameters (KernelUnit.roles), and `im2col` where the kernel takes a
scratch buffer.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from support.host_c import build_host_c

if TYPE_CHECKING:
    from tflm_bench.generator.ops.c_emit import Layer

ROOT = Path(__file__).resolve().parents[2]
KERNELS = ROOT / "firmware" / "kernels"
UNIT = ROOT / "tests" / "firmware" / "kernels" / "unit"
HEADER = "tb_unit_cases.h"
ARENA = re.compile(r"&tb_arena\[\d+\]")
INPUT_SLOTS = {"input": 0, "input2": 1}  # kernel parameter -> operator input slot
SUMMARY = re.compile(r"checks (\d+) failures (\d+)")


class KernelUnitError(AssertionError):
    """A unit model that does not exercise the kernel it was made for, or a failed C test."""


@dataclass(frozen=True)
class KernelUnit:
    """A C test (unit/<test>.c) and the kernel it calls."""

    test: str
    function: str  # the kernel every layer of the case model must call
    roles: tuple[str, ...]  # the kernel's parameters in order; "output" and "scratch" are the test's
    sources: tuple[str, ...] = ()  # kernel .c files it links, relative to firmware/kernels
    defines: tuple[str, ...] = ()  # NAME=VALUE for the C test (TB_UNIT_KERNEL, ... where it serves several)
    budget: bool = False  # plan the scratch within the firmware's arena budget (else only in the plan's gaps)

    def c_sources(self) -> tuple[Path, ...]:
        return (UNIT / f"{self.test}.c", UNIT / "tb_unit.c", *(KERNELS / s for s in self.sources))


@dataclass(frozen=True)
class UnitReport:
    checks: int
    failures: int
    text: str


def _definitions(layer: Layer) -> list[str]:
    """The layer's constant arrays and parameter structs, as the generated runtime has them."""
    lines = []
    for a in layer.arrays:
        lines += [f"static const {a.ctype} {a.name}[{a.length}] __attribute__((aligned(16))) = {{",
                  *(f"    {row}" for row in a.rows), "};"]
    for s in layer.structs:
        lines += [f"static const {s.ctype} {s.name} = {{", *(f"    .{n} = {v}," for n, v in s.fields), "};"]
    return lines


def _int8_array(name: str, values: np.ndarray) -> str:
    flat = np.asarray(values, dtype=np.int64).reshape(-1)
    body = ",\n    ".join(", ".join(str(v) for v in flat[i:i + 24]) for i in range(0, flat.size, 24))
    return f"static const int8_t {name}[{flat.size}] = {{\n    {body}\n}};"


def case_header(unit: KernelUnit, model_bytes: bytes, kernels: str, rng: np.random.Generator,
                samples: int = 2) -> str:
    """tb_unit_cases.h for `unit` from a model whose every operator is an independent layer."""
    from tflm_bench.generator import read_model
    from tflm_bench.generator.codegen import emit_layers
    from tflm_bench.generator.ops.registry import scratch_requests
    from tflm_bench.generator.planner import plan_arena
    from tflm_bench.oracles import TflmOracle

    from tflm_bench.generator.arena_budget import tflm_arena_lower_bound

    model = read_model(model_bytes)
    budget = tflm_arena_lower_bound(model) if unit.budget else None
    layers = emit_layers(model, plan_arena(model, scratch=scratch_requests(model, kernels), budget=budget), kernels)
    inputs = [[rng.integers(-128, 128, model.tensors[i].shape).astype(np.int8) for i in model.inputs]
              for _ in range(samples)]
    oracle = TflmOracle(model_bytes, len(model.outputs))
    outputs = [oracle.run(sample) for sample in inputs]
    lines = [f"/* Cases of {unit.test}.c: kernel arguments from the generator, outputs from host TFLM. */",
             f"#define TB_UNIT_SAMPLES {samples}"]
    entries = []
    for k, layer in enumerate(layers):
        if layer.function != unit.function:
            raise KernelUnitError(f"layer {k} of the {unit.test} model runs {layer.function}, not {unit.function}")
        if len(layer.args) != len(unit.roles):
            raise KernelUnitError(f"{unit.function} takes {len(layer.args)} arguments, the test names {unit.roles}")
        op = model.operators[layer.op_index]
        lines += _definitions(layer)
        fields, io = [], []
        for role, arg in zip(unit.roles, layer.args):
            if role in INPUT_SLOTS:
                position = model.inputs.index(op.inputs[INPUT_SLOTS[role]])
                name = f"tb_unit_{role}_{k}"
                lines.append(_int8_array(name, np.stack([s[position] for s in inputs])))
                io.append((role, name))
                size = model.tensors[op.inputs[INPUT_SLOTS[role]]].num_elements
            elif role == "scratch":
                fields.append(("im2col", "0" if arg == "NULL" else "1"))
            elif role != "output":
                if ARENA.search(arg):
                    raise KernelUnitError(f"{unit.function} parameter {role} is an arena tensor: {arg}")
                fields.append((role, arg))
        position = model.outputs.index(op.outputs[0])
        lines.append(_int8_array(f"tb_unit_expected_{k}", np.stack([o[position] for o in outputs])))
        io += [("expected", f"tb_unit_expected_{k}"), ("input_size", str(size)),
               ("output_size", str(model.tensors[op.outputs[0]].num_elements))]
        fields.insert(0, ("io", "{" + ", ".join(f".{n} = {v}" for n, v in io) + "}"))
        entries.append("    {" + ", ".join(f".{n} = {v}" for n, v in fields) + "},")
    lines += ["static const tb_unit_case_t tb_unit_cases[] = {", *entries, "};",
              "#define TB_UNIT_CASES ((int32_t)(sizeof tb_unit_cases / sizeof tb_unit_cases[0]))", ""]
    return "\n".join(lines)


def write_header(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / HEADER).write_text(text)
    return folder


def parse_report(text: str) -> UnitReport:
    match = SUMMARY.search(text)
    if match is None:
        raise KernelUnitError(f"no 'checks N failures F' line in the test's report:\n{text}")
    return UnitReport(int(match.group(1)), int(match.group(2)), text)


def run_host(unit: KernelUnit, header_dir: Path, out_dir: Path) -> UnitReport:
    """The C test built with the host compiler (the kernels' plain-C paths) and run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    binary = build_host_c(out_dir / unit.function, unit.c_sources(), (KERNELS, UNIT, header_dir), unit.defines)
    result = subprocess.run([str(binary)], capture_output=True, text=True, check=False, timeout=120)
    report = parse_report(result.stdout + result.stderr)
    if (result.returncode != 0) != (report.failures != 0):
        raise KernelUnitError(f"{unit.test} exited {result.returncode} with report:\n{report.text}")
    return report


def run_device(unit: KernelUnit, header_dir: Path, out_dir: Path) -> UnitReport:
    """The C test built as bare-metal firmware (the Cortex-M4 paths) and run on the built-in emulator."""
    from tflm_bench.board import load_description
    from tflm_bench.emulation.builtin.engine import BuiltinEngine
    from tools.baremetal import build_baremetal

    elf = build_baremetal(list(unit.c_sources()), out_dir, defines={"TB_UNIT_DEVICE": 1},
                          extra_flags=(*(f"-D{d}" for d in unit.defines), f"-I{KERNELS}", f"-I{UNIT}", f"-I{header_dir}"))
    with BuiltinEngine(load_description()) as engine:
        engine.load_elf(elf)
        size = int.from_bytes(engine.read_uart(4), "little")
        return parse_report(engine.read_uart(size, timeout_s=120).decode())


def assert_passed(report: UnitReport, least_checks: int, where: str) -> None:
    assert report.failures == 0, f"{where}:\n{report.text}"
    assert report.checks >= least_checks, f"{where}: only {report.checks} checks ran:\n{report.text}"
