"""Robot Framework keywords for the bench: build firmware, boot it, check outputs and budgets.

    *** Settings ***
    Library    tflm_bench.robot_library.TflmBench    engine=${ENGINE}

This is our own keyword library; it does not use Renode's keywords, so the same suite runs on
every engine the bench supports.
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np
from robot.api import SkipExecution, logger
from robot.api.deco import keyword, library, not_keyword

from tflm_bench.emulation import DEFAULT_BAUD, EngineName, RenodeNotInstalled, vector_table_address
from tflm_bench.generator import KernelSet, LibraryProblem, Protocol, Runtime, Target, TflmLibraryError, read_model

from .assertions import assert_estimated_cycles_within, assert_layer_within, assert_no_regressions
from .baseline import Baseline, compare, parse_tolerance
from .baseline import update as update_baseline
from .checks import CheckResult
from .device import BenchDevice
from .errors import DeviceError
from .evaluate import EvaluateRequest, EvaluationReport, check_accuracy_drop, check_device_accuracy, evaluate
from .mlperf_client import MlperfDut, host_results, served_on_pty
from .protocol import encode_frame
from .profile import format_profile
from .report import BenchReport, InputResult
from .reports import write_reports
from .session import BenchOptions, BenchSession


@library(scope="SUITE", auto_keywords=False)
class TflmBench:
    """Keywords that drive one model's firmware on one engine per suite.

    Library arguments: ``engine`` (builtin or renode, the emulators; or serial, a real board
    already flashed with the model's image, on ``port`` at ``baud``, default 115200),
    ``kernels`` (optimized or reference),
    ``optimize`` (speed, size or balanced weight layouts),
    ``runtime`` (generated, or tflm for your TFLM library's interpreter), ``tflm_lib`` (a
    libtensorflow-microlite.a; default $TFLM_LIB), ``tflm_include`` (header folders separated
    by ``:``; default $TFLM_INCLUDE), ``arena_bytes`` (tflm: the arena; default: the smallest
    that allocates), ``target`` (emulator, or nano33ble for the image a real Arduino Nano 33 BLE
    runs: linked at 0x10000 after its bootloader, UART0 on P1.03/P1.10, crystal started),
    ``timeout`` and ``build_dir``, ``platform`` (a platform description .repl;
    default: the shipped nrf52840.repl) and ``repl_path`` (root folders, separated by ``:``, for
    its ``using`` lines: e.g. a Renode tree, for Renode's stock board files).

    Renode's own Nano 33 BLE board plus the shipped overlay:
    | Library | tflm_bench.robot_library.TflmBench | platform=${OVERLAY} | repl_path=${RENODE_TREE} |

    Example:
    | ***** Settings *****
    | Library    tflm_bench.robot_library.TflmBench    runtime=tflm
    | Suite Setup    Boot Firmware For Model    models/kws_dscnn_int8.tflite

    With ``runtime=tflm`` and no library given, `Boot Firmware For Model` skips the test,
    naming the reason ("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE").

    Baselines and reports work on the last `Run Random Inputs`:

    | `Boot Firmware For Model` | ${MODEL} |
    | `Run Random Inputs` | count=8 | seed=1 |
    | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json | tolerance=instructions=1% |
    | `Write Reports` | html=${OUTPUT_DIR}/bench.html | junit=${OUTPUT_DIR}/bench-junit.xml |

    A real board (or `tflm-bench emulate FW.elf --uart-pty` standing in for one) on a serial
    port; the board is neither flashed nor reset by the bench, and a board running another
    model's image fails `Boot Firmware For Model` with the command that flashes it:

    | Library | tflm_bench.robot_library.TflmBench | engine=serial | port=/dev/ttyUSB0 | baud=115200 |

    To compare two kernel sets in one suite, import the library twice under different names:

    | Library | tflm_bench.robot_library.TflmBench | kernels=optimized | AS | Optimized |
    | Library | tflm_bench.robot_library.TflmBench | kernels=reference | AS | Reference |
    """

    def __init__(self, engine: str = str(EngineName.default()), timeout: float = 120.0,
                 kernels: str = str(KernelSet.default()), build_dir: str | None = None,
                 runtime: str = str(Runtime.default()), tflm_lib: str | None = None,
                 tflm_include: str | None = None, arena_bytes: int | None = None,
                 optimize: str = "speed", platform: str | None = None, repl_path: str | None = None,
                 port: str | None = None, baud: int = DEFAULT_BAUD, target: str = str(Target.default())) -> None:
        self._settings = dict(engine=engine, timeout_s=float(timeout), kernels=kernels, optimize=optimize,
                              target=target, platform=Path(platform) if platform else None,
                              repl_path=tuple(Path(p) for p in (repl_path or "").split(":") if p),
                              port=port or None, baud=int(baud),
                              build_root=Path(build_dir) if build_dir else None, runtime=runtime,
                              tflm_lib=Path(tflm_lib) if tflm_lib else None,
                              tflm_include=tuple(Path(p) for p in (tflm_include or "").split(":") if p),
                              arena_bytes=int(arena_bytes) if arena_bytes else None)
        self._built: BenchOptions | None = None
        self._session: BenchSession | None = None
        self._results: list[InputResult] = []
        self._checks: tuple[CheckResult, ...] = ()  # of the last baseline comparison, for the reports
        self._notes: tuple[str, ...] = ()
        self._evaluation: EvaluationReport | None = None
        self._mlperf: tuple[ExitStack, MlperfDut, Path] | None = None  # MLPerf Tiny mode: the served image

    @property
    def _options(self) -> BenchOptions:
        """Built on first use, so a suite without a TFLM library can skip instead of failing to import."""
        if self._built is None:
            try:
                self._built = BenchOptions(**self._settings)  # type: ignore[arg-type]
            except TflmLibraryError as error:
                if error.problem is LibraryProblem.NOT_GIVEN:
                    raise SkipExecution("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE") from error
                raise
        return self._built

    @not_keyword
    def session(self) -> BenchSession:
        if self._session is None:
            raise RuntimeError("no firmware is running: call 'Boot Firmware For Model' first")
        return self._session

    def _device(self) -> BenchDevice:
        return self.session().start()

    @keyword
    def build_firmware_for_model(self, model: str, target: str | None = None) -> str:
        """Generates and builds the firmware for `model`; returns the ELF path.

        ``target`` overrides the library's for this model: ``emulator`` (linked at 0x0) or
        ``nano33ble`` (the image for a real Arduino Nano 33 BLE, linked at 0x10000 after its
        bootloader; both engines boot it from its vector table).

        Example:
        | ${elf}= | `Build Firmware For Model` | ${MODEL} | target=nano33ble |
        | `Vector Table Should Be At` | ${elf} | 0x10000 |
        """
        options = self._options if target is None else replace(self._options, target=target)
        self._session = BenchSession(Path(model), options)
        image = self._session.build()
        logger.info(f"firmware {image.elf} ({'reused' if image.reused else 'built'}) for {options.target}, "
                    f"flash {image.memory.flash_bytes} B, RAM {image.memory.ram_bytes} B")
        return str(image.elf)

    @keyword
    def vector_table_should_be_at(self, elf: str, address: str) -> None:
        """Fails unless the vector table of `elf` (its ``.isr_vector``) is at `address` (e.g. 0x10000).

        Example:
        | `Vector Table Should Be At` | ${elf} | 0x10000 |
        """
        found, expected = vector_table_address(Path(elf)), int(str(address), 0)
        if found != expected:
            raise AssertionError(f"the vector table of {elf} is at 0x{found:x}, not 0x{expected:x}")

    @keyword
    def boot_firmware_for_model(self, model: str, target: str | None = None) -> None:
        """Builds (or reuses) the firmware for `model`, starts the engine and waits for the firmware's HELLO.

        ``target`` as in `Build Firmware For Model`: ``nano33ble`` boots the real board's image.
        With ``engine=serial`` it opens the port instead, resynchronises with the running
        firmware and checks that the board runs this model's image.

        Example:
        | `Boot Firmware For Model` | ${MODEL} | target=nano33ble |
        | `Run Random Inputs` | count=8 | seed=1 |
        | `Outputs Should Be Bit Exact With TFLM` |
        """
        self.build_firmware_for_model(model, target)
        try:
            self.session().start()
        except RenodeNotInstalled as missing:
            raise SkipExecution(str(missing)) from missing
        logger.info(f"booted on engine {self._options.engine}")

    @keyword
    def stop_firmware(self) -> None:
        """Stops the engine. Safe to call when nothing runs."""
        if self._session is not None:
            self._session.stop()
            self._session = None

    @keyword
    def run_random_inputs(self, count: int = 10, seed: int = 0) -> int:
        """Runs `count` seeded random inputs through the device and the oracles; returns how many ran."""
        session = self.session()
        self._results = session.run_samples(session.random_samples(int(count), int(seed)))
        self._checks, self._notes = (), ()
        for result in self._results:
            logger.info(f"input {result.index}: {'bit-exact' if result.bit_exact else 'MISMATCH'}, "
                        f"{result.instructions} instructions")
        return len(self._results)

    @keyword
    def outputs_should_be_bit_exact_with_tflm(self) -> None:
        """Fails unless every output of the last run matched TFLM bit for bit."""
        if not self._results:
            raise RuntimeError("no inputs were run: call 'Run Random Inputs' first")
        bad = [r for r in self._results if not r.bit_exact]
        if bad:
            details = "; ".join(
                f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} values differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
                for r in bad for o in r.outputs if not o.vs_tflm.exact
            )
            raise AssertionError(f"{len(bad)} of {len(self._results)} inputs differ from TFLM: {details}")

    @keyword
    def instructions_per_inference_should_be_at_most(self, budget: int) -> None:
        """Fails if any inference of the last run executed more than `budget` instructions."""
        if not self._results:
            raise RuntimeError("no inputs were run: call 'Run Random Inputs' first")
        worst = max(self._results, key=lambda r: r.instructions)
        logger.info(f"most instructions per inference: {worst.instructions} (input {worst.index}), budget {budget}")
        if worst.instructions > int(budget):
            raise AssertionError(
                f"input {worst.index} took {worst.instructions} instructions, over the budget of {int(budget)}"
            )

    def _ran(self) -> list[InputResult]:
        if not self._results:
            raise RuntimeError("no inputs were run: call 'Run Random Inputs' first")
        return self._results

    @keyword("Layer ${layer} Instructions Should Be At Most")
    def layer_instructions_should_be_at_most(self, layer: int, budget: int) -> None:
        """Fails if layer `layer` (0-based) executed more than `budget` instructions on any input."""
        assert_layer_within(self._ran(), int(layer), int(budget))

    @keyword("Layer ${layer} Estimated Cycles Should Be At Most")
    def layer_estimated_cycles_should_be_at_most(self, layer: int, budget: int) -> None:
        """Fails if layer `layer` took more than `budget` estimated Cortex-M4 cycles (a model)."""
        assert_layer_within(self._ran(), int(layer), int(budget), metric="estimated_cycles")

    @keyword
    def estimated_cycles_per_inference_should_be_at_most(self, budget: int) -> None:
        """Fails if any inference took more than `budget` estimated Cortex-M4 cycles.

        Estimated cycles come from the built-in engine's timing model (docs/cycle-model.md);
        they are not measured and real hardware may take more."""
        results = self._ran()
        logger.info("estimated cycles per inference: "
                    + ", ".join(str(r.estimated_cycles) for r in results) + f"; budget {budget}")
        assert_estimated_cycles_within(results, int(budget))

    @keyword
    def every_layer_should_match_tflm(self, count: int = 1, seed: int = 0) -> int:
        """Runs `count` seeded random inputs layer by layer and fails naming the first layer whose
        output differs from host TFLM's; returns the number of layers checked.

        Each layer's output tensor is read from the device right after that layer (the protocol's
        INVOKE_PARTIAL and GET_LAYER_OUTPUT) and compared with TFLM's preserved tensor, so a
        failure points at one kernel rather than at the whole model. A float32 CONV_2D fused into
        the MAX_POOL_2D after it has no output of its own on the device: it is logged as "fused
        into layer N, not materialised" and the pool's output is compared instead.

        Example:
        | Boot Firmware For Model | models/kws_dscnn_int8.tflite |
        | ${layers}= | Every Layer Should Match TFLM | count=2 | seed=1 |
        """
        from .layer_diff import diff_model

        session = self.session()
        report = diff_model(session, session.random_samples(int(count), int(seed)))
        logger.info(report.format_text())
        for sample in report.samples:
            first = sample.first_diverging
            if first is not None:
                raise AssertionError(f"input {sample.sample}: first diverging layer {first.layer} {first.op_name} "
                                     f"({first.tensor}): {first.verdict()}")
        return len(report.samples[0].layers) if report.samples else 0

    @keyword
    def log_layer_profile(self) -> None:
        """Logs the per-layer table (instructions, estimated cycles, MACs) of the first input."""
        session = self.session()
        report = session.report(self._ran())
        logger.info("\n".join(format_profile(report.profile(), report.layer_outputs)))

    def _report(self) -> BenchReport:
        return self.session().report(self._ran())

    @keyword
    def save_baseline(self, path: str) -> str:
        """Records the last run's figures in the baseline file `path` and returns its path.

        The entry for this model and configuration (kernel set, engine, runtime) is added or
        replaced; entries of other models and configurations in the file are kept. Recorded:
        verdict, instructions and estimated cycles per inference and per layer (worst input),
        arena, flash and RAM bytes.

        Example:
        | `Run Random Inputs` | count=8 | seed=3 |
        | ${file}= | `Save Baseline` | ${OUTPUT_DIR}/bench-baseline.json |
        """
        entry, replaced = update_baseline(Path(path), self._report())
        logger.info(f"{'replaced' if replaced else 'added'} {entry.model} [{entry.configuration}] in {path}: "
                    f"{entry.instructions} instructions per inference")
        return str(path)

    @keyword
    def results_should_match_baseline(self, path: str, tolerance: str | None = None) -> None:
        """Fails if the last run regressed against its entry in the baseline file `path`.

        `tolerance` is the same syntax as the command line's `--tolerance`, e.g.
        `instructions=1%,cycles=1%,arena=0,flash=0,accuracy=0.5pp`; metrics not named keep
        their defaults. The failure names each regressed metric (and layer) with old -> new.
        The entry compared with is the one for the same model and configuration; when the file
        has the model only under another configuration (say the optimized kernels, while this
        run used the reference ones) that entry is compared with and the difference is logged.

        Examples:
        | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json |
        | `Results Should Match Baseline` | ${CURDIR}/bench-baseline.json | tolerance=instructions=5%,flash=1% |
        | `Run Keyword And Expect Error` | *instructions per inference* | `Results Should Match Baseline` | ${FILE} |
        """
        comparison = compare(self._report(), Baseline.load(Path(path)), parse_tolerance(tolerance))
        self._checks, self._notes = comparison.checks, comparison.notes  # for Write Reports, pass or fail
        logger.info(comparison.format_text())
        assert_no_regressions(comparison)

    @keyword
    def write_reports(self, html: str | None = None, markdown: str | None = None, junit: str | None = None) -> list[str]:
        """Writes the last run's reports: a self-contained HTML file, a Markdown summary, JUnit XML.

        Give any of the three paths; the others are not written. The last `Results Should Match
        Baseline` adds its checks (JUnit testcases, an HTML section). Returns the paths written.

        Example:
        | `Write Reports` | html=${OUTPUT_DIR}/sine.html | markdown=${OUTPUT_DIR}/sine.md | junit=${OUTPUT_DIR}/sine.xml |
        """
        written = write_reports(self._report(), Path(html) if html else None, Path(markdown) if markdown else None,
                                Path(junit) if junit else None, self._checks, self._notes)
        for path in written:
            logger.info(f"wrote {path}")
        return [str(p) for p in written]

    @keyword
    def runtime_should_be(self, runtime: str) -> None:
        """Fails unless the running firmware's runtime is `runtime` (generated or tflm).

        Example:
        | Runtime Should Be    tflm
        """
        actual = self.session().config().runtime
        if actual != runtime:
            raise AssertionError(f"the firmware runs runtime {actual}, expected {runtime}")

    @keyword
    def tflm_arena_used_bytes(self) -> int:
        """Returns TFLM's arena_used_bytes() for the running firmware (runtime tflm only) and logs
        the arena given and how it was found.

        Example:
        | ${used}=    TFLM Arena Used Bytes
        | Should Be True    ${used} < 30000
        """
        session = self.session()
        session.start()
        if session.arena is None:
            raise AssertionError("the running firmware's runtime is not tflm: it has no TFLM arena")
        logger.info(session.arena.summary())
        return session.arena.used_bytes

    @keyword
    def tflm_library_should_have_cmsis_nn(self, expected: bool = True) -> None:
        """Fails unless the linked TFLM library holds CMSIS-NN kernels (``arm_*_s8``), or, with
        ``expected=False``, unless it holds none.

        Example:
        | TFLM Library Should Have CMSIS NN    expected=False
        """
        library = self.session().config().tflm_library
        if library is None:
            raise AssertionError("the running firmware's runtime is not tflm: no TFLM library is linked")
        wanted = expected if isinstance(expected, bool) else str(expected).lower() in ("true", "yes", "1")
        if bool(library["cmsis_nn"]) != wanted:
            raise AssertionError(f"TFLM library {library['path']}: CMSIS-NN {'present' if library['cmsis_nn'] else 'absent'}, "
                                 f"expected {'present' if wanted else 'absent'}")

    @keyword
    def per_operator_counts_should_be_reported(self) -> None:
        """Fails unless the last run reported a non-zero instruction count for every operator.

        Example:
        | Run Random Inputs    count=2
        | Per Operator Counts Should Be Reported
        """
        for result in self._ran():
            zero = [i for i, count in enumerate(result.layer_instructions) if count == 0]
            if len(result.layer_instructions) != len(self.session().build().layers) or zero:
                raise AssertionError(f"input {result.index}: {len(result.layer_instructions)} layer counts, "
                                     f"layers without a count: {zero}")

    @keyword
    def send_corrupted_frame(self) -> str:
        """Sends a PING whose CRC is wrong and returns the name of the device's error reply."""
        frame = bytearray(encode_frame(0x01, 0x33, b"corrupt me"))
        frame[-1] ^= 0xFF
        device = self._device()
        device.send_raw(bytes(frame))
        try:
            device.read_reply()
        except DeviceError as error:
            return error.code_name
        raise AssertionError("the device accepted a frame with a wrong CRC")

    @keyword
    def ping_should_succeed(self, text: str = "ping") -> None:
        """Sends PING with `text` and fails unless the same bytes come back."""
        echoed = self._device().ping(text.encode())
        if echoed != text.encode():
            raise AssertionError(f"PING echoed {echoed!r}, expected {text.encode()!r}")

    # -- accuracy on a data set ---------------------------------------------------------------
    @keyword
    def evaluate_model_on_dataset(self, model: str, data: str, variants: str = "float,int8",
                                  calibration: str | None = None, train: str | None = None, qat_epochs: int = 1,
                                  jobs: int = 1, limit: int | None = None, metric: str = "auto") -> dict[str, float | None]:
        """Runs every sample of `data` on the emulated device and returns the device accuracy per variant.

        `model` is a .tflite (one variant, named ``model``) or a Keras .keras/.h5 file, converted
        into each of `variants` (comma-separated: float, dynamic, int8, uint8-io, qat; the
        calibrated ones need `calibration`, qat needs `train`). `data` is an .npz with ``x`` and
        ``y`` or an image folder with one subfolder per class. `jobs` worker processes share
        the samples; `limit` evaluates the first N samples only. The table is logged; the
        accuracy checks below read this evaluation. A variant the device cannot run (e.g.
        dynamic-range) maps to ``None``.

        Example:
        | ${accuracy}=    Evaluate Model On Dataset    models/digits/digits_cnn.keras    models/digits/test.npz
        | ...    variants=float,int8,uint8-io    calibration=models/digits/calibration.npy    jobs=2
        | Should Be True    ${accuracy}[int8] > 0.9
        """
        from .variants import parse_variants

        self._evaluation = evaluate(EvaluateRequest(
            Path(model), Path(data), options=self._options, variants=parse_variants(variants),
            calibration=Path(calibration) if calibration else None, train=Path(train) if train else None,
            qat_epochs=int(qat_epochs), jobs=int(jobs), limit=int(limit) if limit else None, metric=metric,
        ))
        logger.info(self._evaluation.format_text())
        return {v.name: v.device.scores.accuracy if v.device else None for v in self._evaluation.variants}

    def _evaluated(self) -> EvaluationReport:
        if self._evaluation is None:
            raise RuntimeError("no evaluation was run: call 'Evaluate Model On Dataset' first")
        return self._evaluation

    @keyword
    def device_accuracy_should_be_at_least(self, minimum: float, variant: str | None = None) -> None:
        """Fails if the device accuracy of `variant` (of every variant run on the device when not
        given) is below `minimum`, a fraction (0.95 = 95 %).

        Example:
        | Device Accuracy Should Be At Least    0.95
        | Device Accuracy Should Be At Least    0.9    variant=uint8-io
        """
        check_device_accuracy(self._evaluated(), float(minimum), variant or None)

    @keyword
    def accuracy_drop_from_float_should_be_at_most(self, maximum: float, variant: str = "int8") -> None:
        """Fails if the float model's accuracy minus `variant`'s device accuracy is more than
        `maximum`, a fraction (0.02 = two percentage points). The float model is the Keras model
        (evaluated on the host), so the evaluation must be of a Keras model.

        Example:
        | Accuracy Drop From Float Should Be At Most    0.02    variant=int8
        """
        drop = check_accuracy_drop(self._evaluated(), float(maximum), variant)
        logger.info(f"{variant}: {100 * drop:.2f} percentage points below the float model (at most {100 * float(maximum):.2f})")

    # -- MLPerf Tiny mode ---------------------------------------------------------------------
    @keyword
    def serve_mlperf_firmware_for_model(self, model: str, mlperf_model: str | None = None) -> str:
        """Builds `model` with ``--protocol mlperf`` (the MLCommons/EEMBC runner's text protocol),
        serves it with ``tflm-bench emulate FW.elf --uart-pty`` (the built-in engine) and opens
        the pseudo-terminal as the runner would; returns its path. `mlperf_model` is the name
        ``profile`` reports (kws01, vww01, ic01, ad01; default: guessed from the input shape).
        The library's runtime and kernel options apply. Stop it with `Stop MLPerf Firmware`.

        Example:
        | ${pty}=    Serve MLPerf Firmware For Model    models/kws_dscnn_int8.tflite
        | ${lines}=    MLPerf Command    name
        | Should Be Equal    ${lines}[0]    m-name-dut-[tflm-bench]
        """
        self.stop_mlperf_firmware()
        options = replace(self._options, protocol=Protocol.MLPERF, mlperf_model=mlperf_model or None)
        image = BenchSession(Path(model), options).build()
        stack = ExitStack()
        try:
            pty = stack.enter_context(served_on_pty(image.elf))
            dut = stack.enter_context(MlperfDut(pty.path))
        except BaseException:
            stack.close()
            raise
        logger.info(f"{image.elf} on {pty.path}; boot: {' | '.join(pty.boot)}")
        self._mlperf = (stack, dut, Path(model))
        return pty.path

    def _dut(self) -> MlperfDut:
        if self._mlperf is None:
            raise RuntimeError("no MLPerf firmware is served: call 'Serve MLPerf Firmware For Model' first")
        return self._mlperf[1]

    @keyword
    def mlperf_command(self, command: str) -> list[str]:
        """Sends ``command%`` and returns the reply lines before ``m-ready``; fails on an
        ``e-[...]`` reply, with its text.

        Example:
        | ${lines}=    MLPerf Command    profile
        | Should Be Equal    ${lines}[1]    m-model-[kws01]
        | Run Keyword And Expect Error    *Unknown command: bogus*    MLPerf Command    bogus
        """
        return self._dut().command(command)

    @keyword
    def run_mlperf_performance_window(self, runs: int = 10, warmup: int = 2, seed: int = 0) -> float:
        """Loads one seeded random input as the runner does (``db load N``, 31-byte ``db`` chunks),
        runs ``infer runs warmup`` and returns the microseconds per inference between the two
        ``m-lap-us`` stamps (DWT cycles at the board's core clock, the DWT frequency its
        platform description gives).

        Example:
        | ${us}=    Run MLPerf Performance Window    runs=10    warmup=2
        | Should Be True    ${us} < 5000
        """
        dut = self._dut()
        dut.load(self._random_input(int(seed)))
        result = dut.infer(int(runs), int(warmup))
        logger.info(f"laps {result.lap_us}: {result.us_per_inference:.1f} us per inference, "
                    f"{result.inferences_per_s:.1f} inferences/s")
        return result.us_per_inference

    @keyword
    def mlperf_results_should_match_tflm(self, count: int = 3, seed: int = 0) -> None:
        """Accuracy mode: for `count` seeded random inputs, ``db load``, chunks and ``infer 1 0``;
        fails unless each ``m-results-[...]`` equals host TFLM's outputs dequantized and printed
        with three decimals.

        Example:
        | MLPerf Results Should Match TFLM    count=4    seed=3
        """
        dut = self._dut()
        assert self._mlperf is not None
        model = self._mlperf[2]
        for i in range(int(count)):
            raw = self._random_input(int(seed) + i)
            dut.load(raw)
            got = dut.infer(1, 0).results
            expected = host_results(model.read_bytes(), raw)
            if got != expected:
                raise AssertionError(f"input {i}: the firmware printed {list(got)}, host TFLM gives {list(expected)}")
            logger.info(f"input {i}: m-results-[{','.join(got)}] as host TFLM")

    def _random_input(self, seed: int) -> bytes:
        assert self._mlperf is not None
        model = read_model(self._mlperf[2].read_bytes())
        size = sum(model.tensors[i].num_bytes for i in model.inputs)
        return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()

    @keyword
    def stop_mlperf_firmware(self) -> None:
        """Closes the port and ends the emulator. Safe to call when nothing is served."""
        if self._mlperf is not None:
            stack, self._mlperf = self._mlperf[0], None
            stack.close()
