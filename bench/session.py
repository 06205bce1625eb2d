"""A bench session: one model's firmware, booted on one engine, checked against the oracles.

The CLI, the pytest plugin and the Robot keyword library all drive this one object.
"""
from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tflm_bench.board import DEFAULT_PLATFORM, Board, load_board
from tflm_bench.emulation import DEFAULT_BAUD, MISSING_PORT_FIX, EngineName, SerialPortError, create_engine, source_locator, stack_bounds
from tflm_bench.generator import (
    BuildConfig,
    FirmwareImage,
    FirmwarePipeline,
    KernelSet,
    MlperfModel,
    Optimize,
    Model,
    Protocol,
    Runtime,
    Target,
    TflmSetup,
    build_firmware,
    fixed_input_values,
    read_model,
    reference_gaps,
    resolve_setup,
)

from .cache import cache_root
from .compare import difference
from .device import BenchDevice
from .energy import EnergyEstimate, EnergySettings, Regulator, estimate as estimate_energy, settings_from_options
from .errors import BenchError, InputError, OracleError, WrongImage
from .inputs import load_inputs, non_finite_warnings, random_inputs
from .io_view import dequantized, io_tensors, is_classifier, load_labels
from .oracle_process import OracleCrash, OracleKind, OracleProcess
from .profile import estimate_invoke
from .progress import Progress
from .protocol import RuntimeInfo
from .provenance import identity, tool_versions
from .report import BenchConfig, BenchReport, InputResult, OutputResult
from .tflm_arena import ArenaReport, search_arena
from .shards import Shard
from .trace import PhaseClock


@dataclass(frozen=True)
class BenchOptions:
    """How a session builds and runs: the options every entry point (CLI, pytest, Robot) sets."""

    engine: EngineName | str = EngineName.default()
    platform: Path | None = None  # .repl; None: the shipped nrf52840.repl
    # Root folders for the description's `using` lines (--repl-path), before $TFLM_BENCH_REPL_PATH
    # and the Renode found; e.g. a Renode tree for its stock boards plus the shipped overlay.
    repl_path: tuple[Path, ...] = ()
    build_root: Path | None = None  # None: cache.cache_root()
    compare_tflite: bool = True
    timeout_s: float = 120.0
    kernels: KernelSet | str = KernelSet.default()
    optimize: Optimize | str = Optimize.default()  # weight layouts (generator/layout.py)
    firmware_dir: Path | None = None  # another firmware/ tree (kernel development); None: the installed one
    runtime: Runtime | str = Runtime.default()
    # Runtime tflm: the user's libtensorflow-microlite.a and its header folders; None / empty:
    # $TFLM_LIB and $TFLM_INCLUDE. Checked here, so a bad library is refused before any build.
    tflm_lib: Path | None = None
    tflm_include: tuple[Path, ...] = ()
    arena_bytes: int | None = None  # runtime tflm: the arena to give; None: find the smallest
    protocol: Protocol | str = Protocol.default()  # what the firmware speaks on uart0
    target: Target | str = Target.default()  # emulator image, or one linked for a real Nano 33 BLE
    mlperf_model: MlperfModel | str | None = None  # protocol mlperf: the runner's model name; None: guessed
    port: str | None = None  # engine serial: the board's serial device, e.g. /dev/ttyUSB0
    baud: int = DEFAULT_BAUD  # engine serial: the firmware's UART rate
    # The energy estimate (bench/energy.py): regulator, supply, and optionally a duty cycle and a battery.
    regulator: str = str(Regulator.default())
    supply_volts: float = 3.0
    duty: str | None = None
    battery: str | None = None
    tflm: TflmSetup | None = field(default=None, compare=False)  # filled from tflm_lib/tflm_include

    def __post_init__(self) -> None:
        # Strings from a command line or a Robot argument become the enums, checked here once.
        object.__setattr__(self, "engine", EngineName.parse(str(self.engine)))
        try:
            object.__setattr__(self, "kernels", KernelSet.parse(str(self.kernels)))
            object.__setattr__(self, "optimize", Optimize.parse(str(self.optimize)))
            object.__setattr__(self, "runtime", Runtime.parse(str(self.runtime)))
            object.__setattr__(self, "protocol", Protocol.parse(str(self.protocol)))
            object.__setattr__(self, "target", Target.parse(str(self.target)))
            if self.mlperf_model is not None:
                object.__setattr__(self, "mlperf_model", MlperfModel.parse(str(self.mlperf_model)))
        except ValueError as exc:
            raise InputError(str(exc)) from None
        object.__setattr__(self, "tflm_include", tuple(Path(p) for p in self.tflm_include))
        object.__setattr__(self, "repl_path", tuple(Path(p) for p in self.repl_path))
        self._check_port()
        self.energy_settings  # bad energy options are refused before any build
        if self.arena_bytes is not None and int(self.arena_bytes) < 1:
            raise InputError(f"--arena-bytes must be at least 1, got {self.arena_bytes}")
        if self.runtime is Runtime.TFLM and self.tflm is None:
            object.__setattr__(self, "tflm", resolve_setup(self.tflm_lib, self.tflm_include))

    def _check_port(self) -> None:
        if self.engine is EngineName.SERIAL:
            if not self.port:
                raise InputError("--engine serial needs the board's port: add --port DEVICE "
                                 "(e.g. --port /dev/ttyUSB0: the USB-serial adapter on a Nano 33 BLE's D0/D1)")
            if int(self.baud) < 1:
                raise InputError(f"--baud must be at least 1, got {self.baud}")
            if "://" not in str(self.port) and not Path(str(self.port)).exists():
                # Before any build: a missing board is the cheapest thing to find out.
                raise SerialPortError(str(self.port), "no such device", MISSING_PORT_FIX)
            if self.runtime is Runtime.TFLM and self.arena_bytes is None:
                raise InputError("runtime tflm on a real board needs --arena-bytes N: finding the smallest arena "
                                 "boots several images, and the bench cannot flash the board")
        elif self.port:
            raise InputError(f"--port is for --engine serial (a real board); engine {self.engine} "
                             "runs the firmware itself: leave --port out or add --engine serial")

    @property
    def energy_settings(self) -> EnergySettings:
        return settings_from_options(self.regulator, self.supply_volts, self.duty, self.battery)

    def engine_options(self) -> dict[str, object]:
        """What create_engine needs beyond the platform: the serial engine's port and baud rate."""
        if self.engine is EngineName.SERIAL:
            return {"port": str(self.port), "baud": int(self.baud)}
        return {}

    @property
    def platform_path(self) -> Path:
        return Path(self.platform) if self.platform is not None else DEFAULT_PLATFORM


def float_input_ranges(model: Model) -> dict[int, tuple[float, float]]:
    """For a float input feeding a QUANTIZE, the float range its int8 grid covers."""
    ranges: dict[int, tuple[float, float]] = {}
    for position, tensor_index in enumerate(model.inputs):
        for op in model.operators:
            if op.name == "QUANTIZE" and op.inputs[0] == tensor_index:
                q = model.tensors[op.outputs[0]].quantization
                if q is not None:
                    scale, zp = q.scales[0], q.zero_points[0]
                    ranges[position] = ((-128 - zp) * scale, (127 - zp) * scale)
    return ranges


# A board that answers at all answers a PING in milliseconds; a silent one should fail fast.
SYNC_TIMEOUT_S = 5.0


class TflmStartError(InputError):
    """The TFLM runtime did not start on the device (arena too small, an operator missing)."""


@dataclass
class BenchSession:
    """Open with `start()` (or `with`), run samples, read the report; `stop()` closes the engine."""

    model_path: Path
    options: BenchOptions = field(default_factory=BenchOptions)
    image: FirmwareImage | None = None
    device: BenchDevice | None = None
    _stack: ExitStack = field(default_factory=ExitStack)

    def __post_init__(self) -> None:
        self.model_path = Path(self.model_path)
        self.model_bytes = self.model_path.read_bytes()
        self.model = read_model(self.model_bytes)
        self._tflm: OracleProcess | None = None
        self._tflite: OracleProcess | None = None
        self.tflite_refusal: str | None = None
        self._tflite_answers_void = False  # TFLite crashed after answering: its answers are not reported
        self.engine_notes: tuple[str, ...] = ()  # e.g. Renode init: commands the built-in engine skips
        self.input_conversion: str | None = None  # how loaded inputs were converted (inputs.LoadedInputs)
        self.io = io_tensors(self.model)
        self.labels: tuple[str, ...] = ()  # class names of the first output (run --labels)
        self._search_stack = ExitStack()
        self.arena: ArenaReport | None = None  # runtime tflm: the arena given, used and found
        self.runtime_info: RuntimeInfo | None = None

    # -- life cycle ------------------------------------------------------------------------
    def build(self) -> FirmwareImage:
        if self.image is None:
            if self.options.runtime is Runtime.TFLM and self.options.arena_bytes is None:
                # The search talks the bench protocol to its images: one build, an image per arena
                # it tries. An MLPerf image is then built with the arena it found.
                search = FirmwarePipeline(self._build_config(Protocol.BENCH))
                image, self.arena = search_arena(search.with_arena, self._boot_runtime)
                if self.options.protocol is not Protocol.BENCH:
                    image = build_firmware(self._build_config(arena_bytes=self.arena.given_bytes))
                self.image = image  # type: ignore[assignment]
            else:
                self.image = build_firmware(self._build_config())
        assert self.image is not None
        return self.image

    def _build_config(self, protocol: Protocol | None = None, arena_bytes: int | None = None) -> BuildConfig:
        return BuildConfig(
            model=self.model_path,
            build_dir=self.options.build_root or cache_root(),
            kernels=KernelSet(self.options.kernels),
            optimize=Optimize(self.options.optimize),
            board=load_board(self.options.platform_path, self.options.repl_path),
            runtime=Runtime(self.options.runtime),
            tflm=self.options.tflm,
            arena_bytes=arena_bytes if arena_bytes is not None else self.options.arena_bytes,
            firmware=self.options.firmware_dir,
            protocol=protocol or Protocol(self.options.protocol),
            target=Target(self.options.target),
            mlperf_model=MlperfModel(self.options.mlperf_model) if self.options.mlperf_model else None,
        )

    def _boot(self, image: FirmwareImage, stack: ExitStack) -> BenchDevice:
        engine = stack.enter_context(create_engine(self.options.engine, self.options.platform_path,
                                                   self.options.repl_path, **self.options.engine_options()))
        engine.load_elf(image.elf)
        self.engine_notes = tuple(engine.notes())
        device = BenchDevice(engine, timeout_s=self.options.timeout_s, symbolize=source_locator(image.elf),
                             stack=stack_bounds(image.elf))
        if engine.boots_on_load:
            device.wait_ready()
        else:
            device.resync(min(self.options.timeout_s, SYNC_TIMEOUT_S))
            _check_board_image(device, image, str(self.options.port))
        return device

    def _boot_runtime(self, image: object):  # type: ignore[no-untyped-def]
        """For the arena search: boot `image` (closing the previous search device) and return its
        RUNTIME reply and a re-initialiser on that device."""
        self._search_stack.close()
        device = self._boot(image, self._search_stack)  # type: ignore[arg-type]
        return device.runtime(), device.reinit_arena

    def start(self) -> BenchDevice:
        """Build if needed, boot the firmware, wait for HELLO and check the build id."""
        if self.device is not None:
            return self.device
        if self.options.protocol is not Protocol.BENCH:
            raise InputError(
                f"the bench drives firmware over its own protocol; a {self.options.protocol} image is for an "
                "external runner: build it with `tflm-bench build MODEL --protocol mlperf --out FW.elf` and serve "
                "it with `tflm-bench emulate FW.elf --uart-pty` (docs/mlperf.md)")
        self.launch_oracles()  # they load beside the build and the boot
        try:
            image = self.build()
        finally:
            self._search_stack.close()
        device = self._boot(image, self._stack)
        self.runtime_info = device.runtime()
        if not self.runtime_info.started:
            raise TflmStartError(
                f"the TFLM runtime did not start in a {self.runtime_info.arena_bytes:,} B arena: "
                f"{self.runtime_info.problem()}; leave out --arena-bytes to find the arena it needs")
        if image.runtime is Runtime.TFLM and self.runtime_info.message.strip():
            # TFLM's MicroPrintf lines (a default or release_with_logs library) reach the user.
            self.engine_notes += (f"TFLM logged: {self.runtime_info.message.strip()}",)
        if image.runtime is Runtime.TFLM and self.arena is None:
            self.arena = ArenaReport(self.runtime_info.arena_bytes, self.runtime_info.arena_used_bytes, "given")
        build_id = device.info().build_id
        if build_id != image.build_id:
            raise BenchError(
                f"the device runs build 0x{build_id:08x}, expected 0x{image.build_id:08x} for model "
                f"{image.model_sha256[:16]}: stale firmware in {image.build_dir}; delete that folder and rerun"
            )
        self.device = device
        return device

    def stop(self) -> None:
        self.device = None
        self._search_stack.close()
        self._stack.close()

    def __enter__(self) -> BenchSession:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- inputs and verdicts ---------------------------------------------------------------
    def random_samples(self, count: int, seed: int) -> list[list[np.ndarray]]:
        return random_inputs(self.start().info().inputs, count, seed, float_input_ranges(self.model),
                             fixed_input_values(self.model))

    def load_samples(self, path: Path) -> list[list[np.ndarray]]:
        """The samples of a .npy; float data for a quantized input is quantized (input_conversion says how)."""
        loaded = load_inputs(path, self.start().info().inputs)
        self.input_conversion = loaded.conversion
        return loaded.samples

    def run_sample(self, number: int, sample: list[np.ndarray]) -> InputResult:
        return self.run_sample_with_outputs(number, sample)[0]

    def run_sample_with_outputs(self, number: int, sample: list[np.ndarray]) -> tuple[InputResult, list[np.ndarray]]:
        """One sample on the device, checked against the oracles; also the device's raw outputs
        (what an accuracy evaluation scores)."""
        device = self.start()
        self.oracles_ready()  # the oracles load once, outside the input's timing
        started = time.perf_counter()
        for index, value in enumerate(sample):
            device.set_input(index, value)
        device.engine.take_cyccnt_reads()  # forget reads before this INVOKE
        invoke = device.invoke()
        estimate = estimate_invoke(device.engine.take_cyccnt_reads(), invoke.total_cycles, invoke.layer_cycles)
        if invoke.status != 0:
            raise BenchError(f"input {number}: the firmware's invoke failed with kernel status {invoke.status}")
        outputs = [device.get_output(i) for i in range(len(device.info().outputs))]
        expected = self._oracle().run(sample)
        second = self._second_answer(sample)
        result = InputResult(
            index=number,
            outputs=tuple(
                OutputResult(i, difference(out, expected[i]), difference(out, second[i]) if second is not None else None)
                for i, out in enumerate(outputs)
            ),
            instructions=invoke.total_cycles,
            layer_instructions=invoke.layer_cycles,
            estimated_cycles=estimate.total if estimate else None,
            layer_estimated_cycles=estimate.layers if estimate else None,
            seconds=time.perf_counter() - started,
            values=tuple(dequantized(out, tensor) for out, tensor in zip(outputs, self.io[len(self.model.inputs):])),
        )
        return result, outputs

    def run_samples(self, samples: list[list[np.ndarray]], progress: Progress | None = None,
                    first: int = 0) -> list[InputResult]:
        """Every sample in order, numbered from `first` (a shard's place in the whole run);
        `progress` (bench/progress.py) is told of each one."""
        numbered = enumerate(samples, first)
        if progress is None:
            return [self.run_sample(number, sample) for number, sample in numbered]
        with progress.counting(len(samples)):
            return [progress.after(self.run_sample(number, sample)) for number, sample in numbered]

    def report(self, results: list[InputResult], warnings: tuple[str, ...] = ()) -> BenchReport:
        image = self.build()
        self._release_second_oracle()
        if self._tflite_answers_void:
            results = [replace(r, outputs=tuple(replace(o, vs_tflite_ref=None) for o in r.outputs)) for r in results]
        return BenchReport(
            model=str(self.model_path),
            model_sha256=image.model_sha256,
            config=self.config(),
            firmware=str(image.elf),
            firmware_reused=image.reused,
            memory=image.memory,
            layers=image.layers,
            results=tuple(results),
            warnings=tuple(warnings) + self.engine_notes + ((self.tflite_refusal,) if self.tflite_refusal else ()),
            **identity(self.model, image),  # type: ignore[arg-type]
            arena=self.arena,
            input_conversion=self.input_conversion,
            io=self.io,
            energy=self._energy(results, image.board),
            fused_layers=tuple((f.conv_op, f.pool_op) for f in image.plan.fusions) if image.plan is not None else (),
            classifier=is_classifier(self.model, self.labels),
            labels=self.labels,
        )

    def _energy(self, results: list[InputResult], board: Board) -> EnergyEstimate | None:
        """The slowest input's energy: estimated cycles, or the DWT cycles a real board counted;
        None on an engine with neither (Renode counts instructions only)."""
        if not results:
            return None
        if self.options.engine is EngineName.SERIAL:
            cycles, kind = max(r.instructions for r in results), "DWT cycles"
        elif all(r.estimated_cycles is not None for r in results):
            cycles, kind = max(int(r.estimated_cycles or 0) for r in results), "estimated cycles"
        else:
            return None
        return estimate_energy(cycles, board.clock_hz, board.currents, self.options.energy_settings, kind)

    def config(self) -> BenchConfig:
        """What this session checks with: recorded in every report so a verdict says what it checked."""
        image = self.build()
        library = image.tflm_library
        return BenchConfig(
            engine=str(self.options.engine),
            kernels=library.kernels if library is not None else str(image.kernels),
            runtime=str(image.runtime),
            optimize=str(image.optimize),
            protocol=str(self.options.protocol),
            target=str(self.options.target),
            port=str(self.options.port) if self.options.engine is EngineName.SERIAL else None,
            count_unit="cycles" if self.options.engine is EngineName.SERIAL else "instructions",
            tflm_library=library.identity() if library is not None else None,
            platform=str(self.options.platform_path),
            board=image.board.to_dict(),
            versions=tool_versions(image.toolchain),
        )

    def launch_oracles(self) -> None:
        """Start the oracles' processes (each loads its interpreter while the bench goes on)."""
        if self._tflm is None:
            self._tflm = OracleProcess(OracleKind.TFLM, self.model_bytes, len(self.model.outputs), self.model)
            self._stack.callback(self._close_oracles)
        if self.options.compare_tflite and self.tflite_refusal is None and (gaps := reference_gaps(self.model)):
            # Known before loading: TFLite's reference resolver has no kernel for these at any version.
            self.tflite_refusal = (f"TFLite BUILTIN_REF has no kernel for {', '.join(gaps)} at any version, so the model "
                                   "is compared with TFLM only (TFLM runs it; the bench checks models by TFLM's rules)")
        if self._tflite is None and self.options.compare_tflite and self.tflite_refusal is None:
            self._tflite = OracleProcess(OracleKind.TFLITE, self.model_bytes, len(self.model.outputs))

    def _close_oracles(self) -> None:
        for oracle in (self._tflm, self._tflite):
            if oracle is not None:
                oracle.close()
        self._tflm = self._tflite = None

    def _oracle(self) -> OracleProcess:
        self.launch_oracles()
        assert self._tflm is not None
        return self._tflm

    def _second_oracle(self) -> OracleProcess | None:
        """TFLite BUILTIN_REF, or None when not asked for, or when it refuses (e.g. CONV_2D without
        a bias) or crashes on a model TFLM runs: then the verdict is TFLM's alone and the report says why."""
        self.launch_oracles()
        if self._tflite is not None:
            try:
                self._tflite.ready()
            except OracleError as refusal:
                # The intake follows TFLM's rules; TFLite's interpreter checks some things TFLM does
                # not (e.g. person_detect's bias quantization), so its refusal is no validation gap.
                reason = str(refusal).split(". The generator accepted this model")[0]
                self._drop_second_oracle(f"TFLite BUILTIN_REF refused the model, so it is compared with TFLM only "
                                         f"(TFLM runs it; the bench checks models by TFLM's rules): {reason}")
            except OracleCrash as crash:
                self._drop_second_oracle(f"TFLite BUILTIN_REF crashed, so the model is compared with TFLM only: {crash}")
        return self._tflite

    def oracles_loaded(self) -> bool:
        """Whether every oracle launched has answered that it loaded the model (without waiting)."""
        return all(o.loaded() for o in (self._tflm, self._tflite) if o is not None)

    def oracles_ready(self) -> None:
        """Wait until the oracles have loaded the model (they load beside the build and boot)."""
        self._oracle().ready()
        self._second_oracle()

    def _second_answer(self, sample: list[np.ndarray]) -> list[np.ndarray] | None:
        tflite = self._second_oracle()
        if tflite is None:
            return None
        try:
            return tflite.run(sample)
        except OracleError as refusal:
            # A model with run-time shapes (e.g. a TRANSPOSE_CONV's output_shape fed by a graph
            # input) is only prepared by TFLite at its first invoke, so it refuses there.
            self._drop_second_oracle(f"TFLite BUILTIN_REF refused the model, so it is compared with TFLM only: {refusal}")
            return None
        except OracleCrash as crash:
            self._drop_second_oracle(f"TFLite BUILTIN_REF crashed, so the model is compared with TFLM only: {crash}")
            return None

    def _release_second_oracle(self) -> None:
        """Free TFLite's interpreter of this model and see its host survive: kernels that wrote
        outside their buffers (TFLite's SVDF on int8 state, say) may crash only there, after
        answering; then its answers are void. A later sample loads the model again."""
        tflite, self._tflite = self._tflite, None
        if tflite is not None:
            try:
                tflite.close(check=True)
            except OracleCrash as crash:
                self._tflite_answers_void = True
                self.tflite_refusal = (f"TFLite BUILTIN_REF crashed after answering, so its answers are dropped and the "
                                       f"model is compared with TFLM only (a crash there means it wrote outside its "
                                       f"memory while running this model): {crash}")

    def _drop_second_oracle(self, reason: str) -> None:
        assert self._tflite is not None
        self._tflite.close()
        self._tflite, self.tflite_refusal = None, reason


def _check_board_image(device: BenchDevice, image: FirmwareImage, port: str) -> None:
    """A board keeps whatever was flashed last: refuse to compare another model's firmware."""
    build_id = device.info().build_id
    if build_id != image.build_id:
        raise WrongImage(
            f"the board on {port} runs bench firmware for another model (build id 0x{build_id:08x}; this model, "
            f"sha256 {image.model_sha256[:16]}, is build 0x{image.build_id:08x}). The bench cannot flash it: build "
            f"this model's image with `tflm-bench build MODEL --board nano33ble --out FW.elf`, flash FW.bin with the "
            f"command in docs/engines.md (\"Flashing a real board\"), then rerun")


def run_bench(
    model_path: Path, inputs_path: Path | None = None, count: int = 10, seed: int = 0, options: BenchOptions = BenchOptions(),
    progress: Progress | None = None, clock: PhaseClock | None = None, labels: str | None = None,
    shard: Shard | None = None,
) -> BenchReport:
    """Build, boot, run every sample (from `inputs_path` or `count` seeded random ones) and report;
    `clock` records how long each phase took (for --trace)."""
    if inputs_path is None and count < 1:
        raise InputError(f"the number of random inputs must be at least 1, got {count}")
    if progress is not None:
        progress.note(f"building and booting {Path(model_path).name} ({options.kernels} kernels, {options.engine} engine)")
    clock = clock or PhaseClock()
    session = BenchSession(model_path, options)
    try:
        first = session.io[len(session.model.inputs)]
        session.labels = load_labels(labels, int(np.prod(first.shape)))
        session.launch_oracles()  # they load their interpreters beside the build and the boot
        with clock.phase("build"):
            session.build()
        with clock.phase("boot"):
            session.start()
        samples = session.load_samples(inputs_path) if inputs_path else session.random_samples(count, seed)
        if session.input_conversion and progress is not None:
            progress.note(f"inputs: {session.input_conversion}")
        with clock.phase("oracles loading"):
            if progress is not None and not session.oracles_loaded():
                progress.note("loading the oracles (host TFLM, TFLite's reference interpreter)")
            session.oracles_ready()
        total, first = len(samples), 0
        if shard is not None:
            first = shard.bounds(total)[0]
            samples = shard.take(samples)
        with clock.phase(f"{len(samples)} inputs on the device and the oracles"):
            results = session.run_samples(samples, progress, first)
        report = session.report(results, tuple(non_finite_warnings(samples)))
        return replace(report, shard=shard.to_dict(total)) if shard is not None else report
    finally:
        session.stop()
