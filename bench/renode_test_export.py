"""`tflm-bench export MODEL --renode-test DIR`: a Renode test suite that checks the model's
firmware against host TFLM with Renode's own keywords, so a renode-test CI runs it without us.

DIR gets the MLPerf Tiny mode image (`--protocol mlperf`: a text protocol on uart0, which
Renode's terminal tester can speak; the bench's own protocol is binary), a copy of the platform
description, `model.resc` (machine, platform, firmware, VTOR) and `model.robot`: one test case
per recorded input, each booting the firmware, loading the input's bytes with `db load N` and
`db <hex>` and checking that `infer 1 0` prints exactly the `m-results-[...]` line host TFLM
gives (bench/mlperf_client.host_results).

The text functions (`resc_script`, `robot_suite`, `readme_text`) are pure: they take the
expected lines as data. Only `renode_test_cases` asks host TFLM.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .mlperf_client import CHUNK_BYTES

RESC_NAME = "model.resc"
ROBOT_NAME = "model.robot"
PLATFORM_NAME = "nrf52840.repl"
FIRMWARE_NAME = "firmware.elf"
MANIFEST_NAME = "renode-test.json"
README_NAME = "README.md"
UART = "sysbus.uart0"
MACHINE = "nano"
DEFAULT_TIMEOUT_S = 60.0  # per UART wait, in host seconds (Renode's default is 8)

# Renode's keywords the suite names: its remote server's [RobotFrameworkKeyword] methods
# (src/Renode/RobotFrameworkEngine/RenodeKeywords.cs, UartKeywords.cs), which
# tests/renode-keywords.robot makes available to every renode-test suite.
RENODE_KEYWORDS = frozenset({
    "Execute Script", "Create Terminal Tester", "Register Failing Uart String", "Start Emulation",
    "Write To Uart", "Wait For Line On Uart",
})
# Robot Framework's BuiltIn keywords it names.
BUILTIN_KEYWORDS = frozenset({"Should Be Equal"})
# The suite's own keywords (defined in its *** Keywords *** section).
SUITE_KEYWORDS = ("Boot The Model Firmware", "Command Should Answer", "Inference Should Give")


@dataclass(frozen=True)
class RenodeTestCase:
    """One recorded input and the line the firmware must print for it."""

    raw: bytes  # the model's input tensors' bytes, in input order
    expected: str  # m-results-[...] as host TFLM gives it
    origin: str  # where the input came from, for the test's documentation


@dataclass(frozen=True)
class RenodeTestExport:
    root: Path
    robot: Path
    resc: Path
    firmware: Path
    platform: Path
    cases: tuple[RenodeTestCase, ...]

    def command(self) -> str:
        return f"renode-test {self.robot}"


def robot_cell(text: str) -> str:
    """`text` as one Robot Framework data cell: escapes what Robot would read otherwise."""
    if not text or text != text.strip() or "  " in text or "\t" in text or "\n" in text:
        raise ValueError(f"cannot write {text!r} as one Robot cell")
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([$@&%])\{", r"\\\1{", text)
    text = text.replace("=", "\\=")  # never a named argument
    return "\\" + text if text.startswith("#") else text


def command_exchanges(raw: bytes, chunk: int = CHUNK_BYTES) -> list[tuple[str, tuple[str, ...]]]:
    """The runner's load: `db load N`, then `db` chunks of hex; each with the replies before m-ready."""
    if not raw:
        raise InputError("the model has no input bytes to load")
    exchanges: list[tuple[str, tuple[str, ...]]] = [(f"db load {len(raw)}", (f"m-[Expecting {len(raw)} bytes]",))]
    for start in range(0, len(raw), chunk):
        last = start + chunk >= len(raw)
        exchanges.append(("db " + raw[start:start + chunk].hex(), ("m-load-done",) if last else ()))
    return exchanges


def resc_script(model_name: str, vector_table: int) -> str:
    """The machine: the platform copy and the firmware next to the script ($ORIGIN), VTOR set."""
    return "\n".join([
        f":name: tflm-bench {model_name}",
        f":description: {model_name} (MLPerf Tiny mode firmware) on the nRF52840 as tflm-bench emulates it",
        "",
        f'mach create "{MACHINE}"',
        f"machine LoadPlatformDescription $ORIGIN/{PLATFORM_NAME}",
        f"sysbus LoadELF $ORIGIN/{FIRMWARE_NAME}",
        "# Cortex-M reads SP and PC from VTOR at start; the image's vector table is here",
        f"sysbus.cpu VectorTableOffset 0x{vector_table:x}",
        "",
    ])


def robot_suite(model_name: str, cases: Sequence[RenodeTestCase], timeout_s: float = DEFAULT_TIMEOUT_S) -> str:
    """The renode-test suite: Renode's keywords only (and BuiltIn's Should Be Equal)."""
    lines = [
        "*** Comments ***",
        f"Written by `tflm-bench export {model_name}.tflite --renode-test DIR`. Run: renode-test model.robot",
        "Each test boots the MLPerf Tiny mode firmware, loads one recorded input and checks the",
        "m-results-[...] line against the one host TFLM gives for that input (docs/mlperf.md).",
        "",
        "*** Variables ***",
        f"${{UART}}                      {UART}",
        f"${{TIMEOUT}}                   {timeout_s:g}",
        "",
        "*** Keywords ***",
        "Boot The Model Firmware",
        f"    Execute Script                    ${{CURDIR}}/{RESC_NAME}",
        "    Create Terminal Tester            ${UART}    timeout=${TIMEOUT}",
        "    Register Failing Uart String      e-[",
        "    Start Emulation",
        "    Wait For Line On Uart             m-init-done",
        "    Wait For Line On Uart             m-ready",
        "",
        "Command Should Answer",
        "    [Arguments]    ${command}    @{replies}",
        "    Write To Uart                     ${command}%",
        "    FOR    ${reply}    IN    @{replies}",
        "        Wait For Line On Uart         ${reply}",
        "    END",
        "    Wait For Line On Uart             m-ready",
        "",
        "Inference Should Give",
        "    [Arguments]    ${expected}",
        "    Write To Uart                     infer 1 0%",
        "    Wait For Line On Uart             m-infer-done",
        "    ${result}=    Wait For Line On Uart    m-results-",
        "    Should Be Equal                   ${result.line}    ${expected}",
        "    Wait For Line On Uart             m-ready",
        "",
        "*** Test Cases ***",
        "Should Boot And Name Itself",
        "    Boot The Model Firmware",
        "    Command Should Answer             name    m-name-dut-[tflm-bench]",
    ]
    for number, case in enumerate(cases, 1):
        lines += ["", f"Input {number} Should Give Host TFLM's Outputs",
                  f"    [Documentation]    {robot_cell(case.origin)}: {len(case.raw)} byte{'' if len(case.raw) == 1 else 's'}",
                  "    Boot The Model Firmware"]
        for command, replies in command_exchanges(case.raw):
            lines.append("    " + "    ".join(["Command Should Answer", *map(robot_cell, (command, *replies))]))
        lines.append(f"    Inference Should Give             {robot_cell(case.expected)}")
    return "\n".join(lines) + "\n"


def readme_text(model_name: str, cases: Sequence[RenodeTestCase], build_id: int) -> str:
    return f"""# Renode test of {model_name}

Written by `tflm-bench export {model_name}.tflite --renode-test DIR`. Self-contained: Renode and
its `renode-test` are all it needs.

    renode-test {ROBOT_NAME}                        # from this folder, or give its path

| file | what |
|---|---|
| `{FIRMWARE_NAME}` | the model's firmware in MLPerf Tiny mode (build id 0x{build_id:08x}; a text protocol on uart0) |
| `{PLATFORM_NAME}` | the nRF52840 description tflm-bench emulates (legacy UART, DWT at 64 MHz) |
| `{RESC_NAME}` | creates machine `{MACHINE}`, loads the description and the firmware, sets VTOR |
| `{ROBOT_NAME}` | {len(cases)} recorded input(s), each checked against host TFLM's `m-results-[...]` line |
| `{MANIFEST_NAME}` | the inputs (hex) and expected lines, and where they came from |

Each test boots the firmware, waits for `m-ready`, sends `db load N` and `db <hex>` commands
(31 bytes each, as the MLCommons runner does; commands end in `%`), then `infer 1 0`, and checks
that the `m-results-[...]` line equals the expected one exactly: every output dequantized as
`(q - zero_point) x scale` in float32 and printed with three decimals. Any `e-[...]` reply fails
the test. Waits time out after ${{TIMEOUT}} seconds (`renode-test --variable TIMEOUT:120 ...`).

Renode deletes the folders named `renode-*` in its temp folder (`$TMPDIR`, else `/tmp`) when it
starts; keep nothing of yours under such a name there (or run with `TMPDIR=/some/dir`).

By hand, in Renode's monitor: `include @{RESC_NAME}`, `showAnalyzer {UART}`, `start`, then type
e.g. `name%` in the analyzer.
"""


def write_renode_test(root: Path, model_name: str, elf: Path, platform: Path, vector_table: int,
                      cases: Sequence[RenodeTestCase], build_id: int,
                      timeout_s: float = DEFAULT_TIMEOUT_S) -> RenodeTestExport:
    """Write the suite into `root` (created; the files named here are replaced)."""
    if not cases:
        raise InputError("a Renode test needs at least one input")
    text = platform.read_text()
    if re.search(r"^\s*using\b", text, re.MULTILINE):
        raise InputError(f"--renode-test copies the platform description alone, and {platform} includes other "
                         "files (`using`); give a self-contained .repl with --platform")
    root = root.resolve()
    if root.name.startswith("renode-") and root.parent == Path(tempfile.gettempdir()).resolve():
        # Renode deletes the folders named renode-* in its temp folder when it starts.
        raise InputError(f"name the folder something other than {root.name}: Renode removes renode-* folders "
                         f"from {root.parent} when it starts")
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(elf, root / FIRMWARE_NAME)
    (root / PLATFORM_NAME).write_text(text)
    (root / RESC_NAME).write_text(resc_script(model_name, vector_table))
    (root / ROBOT_NAME).write_text(robot_suite(model_name, cases, timeout_s))
    (root / README_NAME).write_text(readme_text(model_name, cases, build_id))
    manifest = {
        "model": model_name,
        "build_id": f"0x{build_id:08x}",
        "protocol": "mlperf",
        "cases": [{"origin": c.origin, "input_hex": c.raw.hex(), "expected": c.expected} for c in cases],
    }
    (root / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return RenodeTestExport(root, root / ROBOT_NAME, root / RESC_NAME, root / FIRMWARE_NAME,
                            root / PLATFORM_NAME, tuple(cases))


def sample_bytes(sample: Sequence[np.ndarray]) -> bytes:
    """One sample's input tensors as the firmware's `db` buffer holds them: in input order, raw."""
    return b"".join(np.ascontiguousarray(array).tobytes() for array in sample)


def renode_test_cases(model_bytes: bytes, samples: Sequence[Sequence[np.ndarray]],
                      origins: Sequence[str]) -> list[RenodeTestCase]:
    """Each sample with the m-results-[...] line host TFLM gives for it (the oracle step)."""
    from .mlperf_client import host_results

    cases = []
    for sample, origin in zip(samples, origins, strict=True):
        raw = sample_bytes(sample)
        cases.append(RenodeTestCase(raw, "m-results-[" + ",".join(host_results(model_bytes, raw)) + "]", origin))
    return cases


def host_input_specs(model: object) -> tuple:
    """The model's inputs as bench.protocol.TensorInfo, read from the model (no device needed)."""
    from .protocol import TensorInfo

    specs = []
    for index in model.inputs:  # type: ignore[attr-defined]
        tensor = model.tensors[index]  # type: ignore[attr-defined]
        q = tensor.quantization
        scale = float(q.scales[0]) if q is not None and q.scales else 0.0
        zero_point = int(q.zero_points[0]) if q is not None and q.zero_points else 0
        specs.append(TensorInfo(np.dtype(tensor.dtype), tuple(tensor.shape), scale, zero_point, tensor.num_bytes))
    return tuple(specs)


def export_renode_test(session: object, root: Path, inputs: Path | None, count: int, seed: int,
                       timeout_s: float = DEFAULT_TIMEOUT_S) -> RenodeTestExport:
    """Build `session`'s model in MLPerf mode (its kernels and optimize options), record the inputs
    (loaded from `inputs`, else `count` seeded random ones) with host TFLM's lines, write DIR."""
    from dataclasses import replace

    from tflm_bench.emulation import vector_table_address
    from tflm_bench.generator import Protocol, fixed_input_values

    from .inputs import load_inputs, random_inputs
    from .session import BenchSession, float_input_ranges

    assert isinstance(session, BenchSession)
    mlperf = BenchSession(session.model_path, replace(session.options, protocol=Protocol.MLPERF))
    specs = host_input_specs(mlperf.model)
    if inputs is not None:
        samples = load_inputs(inputs, specs).samples
        origins = [f"{inputs.name} sample {i}" for i in range(len(samples))]
    else:
        samples = random_inputs(specs, count, seed, float_input_ranges(mlperf.model), fixed_input_values(mlperf.model))
        origins = [f"seeded random input {i} (seed {seed})" for i in range(len(samples))]
    image = mlperf.build()
    cases = renode_test_cases(mlperf.model_bytes, samples, origins)
    return write_renode_test(root, session.model_path.stem, image.elf, mlperf.options.platform_path,
                             vector_table_address(image.elf), cases, image.build_id, timeout_s)
