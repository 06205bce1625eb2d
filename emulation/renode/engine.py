"""The Renode engine: the same ELF, platform description and UART protocol, on Renode.

open() starts Renode (a headless process with its monitor on stdin/stdout, or pyrenode3 in
this process when it is importable), builds the machine from the .repl and connects to
uart0's server socket terminal. load_elf() loads the firmware and starts the emulation; the
firmware then runs freely in Renode while the host exchanges bytes over the socket.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Protocol

from tflm_bench.board import RENODE_DEFAULT_MIPS, ReplError, load_description, search_path
from ..engine import Engine
from ..elf_info import vector_table_address
from ..errors import EmulationError, PlatformError
from .commands import (
    CommandArgumentError,
    ExactClock,
    MachineSetup,
    exact_clock,
    exact_count_commands,
    exact_overlay,
    executed_instructions_command,
    svd_download_failures,
    load_commands,
    machine_commands,
    terminal_commands,
)
from .discovery import find_renode, pyrenode3_importable, require_renode
from .errors import RenodeCommandError
from .process import MonitorProcess
from .pyrenode3_monitor import Pyrenode3Monitor
from .replies import Reply, parse_number
from .uart import UartSocket, free_port

BACKEND_ENV = "TFLM_BENCH_RENODE_BACKEND"
BACKENDS = ("auto", "process", "pyrenode3")
# "0" (or false/no/off) runs Renode as configured, faster but with inexact DWT counts
# (emulation/renode/exact_counts.md).
EXACT_ENV = "TFLM_BENCH_RENODE_EXACT"
DWT_TYPE = "Miscellaneous.DWT"
_BIND_FAILURES = ("Unable to create", "AddressAlreadyInUse", "already in use")


class MonitorBackend(Protocol):
    pid: int | None
    last_prompt: str | None

    @property
    def alive(self) -> bool: ...

    def start(self, timeout_s: float) -> None: ...

    def execute(self, command: str, timeout_s: float, check: bool = True) -> Reply: ...

    def close(self) -> None: ...


def repl_default_mips() -> int:
    return RENODE_DEFAULT_MIPS


class RenodeEngine(Engine):
    """Runs firmware on Renode from the project's .repl; uart0 is reached over TCP on 127.0.0.1."""

    name = "renode"

    def __init__(
        self,
        platform_path: Path | str,
        *,
        renode_binary: Path | str | None = None,
        backend: str | None = None,
        start_timeout_s: float = 120.0,
        command_timeout_s: float = 60.0,
        grace_s: float = 5.0,
        port_attempts: int = 5,
        repl_path: tuple[Path, ...] = (),
        exact_counts: bool | None = None,
    ) -> None:
        self.platform_path = Path(platform_path).resolve()
        self.repl_path = tuple(Path(p).resolve() for p in repl_path)
        if not self.platform_path.is_file():
            raise EmulationError(f"platform description {self.platform_path} does not exist")
        choice = backend or os.environ.get(BACKEND_ENV) or "auto"
        if choice not in BACKENDS:
            raise EmulationError(f"unknown Renode backend {choice!r}; choose one of {', '.join(BACKENDS)}")
        if choice == "auto":
            # A Renode process per engine when a binary is found: engines then run side by side.
            # pyrenode3 (one emulation per Python process) only when there is no binary.
            in_process = renode_binary is None and find_renode() is None and pyrenode3_importable()
            choice = "pyrenode3" if in_process else "process"
        self.backend = choice
        self.binary = require_renode(renode_binary) if choice == "process" else None
        self.start_timeout_s = start_timeout_s
        self.command_timeout_s = command_timeout_s
        self.grace_s = grace_s
        self.port_attempts = port_attempts
        if exact_counts is None:
            exact_counts = os.environ.get(EXACT_ENV, "1").strip().lower() not in ("0", "false", "no", "off")
        self.exact_counts = exact_counts
        self._notes: list[str] = []
        self._block_per_instruction = False
        self._monitor: MonitorBackend | None = None
        self._uart: UartSocket | None = None
        self._workdir: Path | None = None
        self._setup: MachineSetup | None = None
        self._loaded = False

    # --- life cycle ------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        """The Renode process id (None in-process or when closed)."""
        return self._monitor.pid if self._monitor is not None else None

    def open(self) -> None:
        if self._monitor is not None:
            return
        self._check_uart0()
        try:
            self._monitor = self._start_monitor()
            self._setup = self._create_machine(self._monitor)
            self._uart = UartSocket(self._setup.uart_port, self._setup.uart.rsplit(".", 1)[-1])
            self._uart.connect(self.command_timeout_s)
        except BaseException:
            self.close()
            raise

    def _check_uart0(self) -> None:
        """Renode's nRF52840 UART in EasyDMA mode delivers only the first byte the host sends
        (renode issue 796): the bench's UART must be in legacy mode, said before Renode starts."""
        try:
            platform = load_description(self.platform_path, roots=search_path(self.repl_path))
        except ReplError:
            return  # Renode reads the file itself and names what is wrong with it
        for entry in platform.find_by_type("UART.NRF52840_UART"):
            if entry.name == "uart0" and entry.get("easyDMA") is True:
                raise PlatformError(
                    f"{self.platform_path}: 'uart0' (declared at {entry.source_line}) has easyDMA: true; the bench "
                    "talks to the firmware over "
                    "uart0, and Renode's nRF52840 UART in EasyDMA mode delivers only the first byte it is "
                    "sent (renode issue 796). Set `easyDMA: false` with an update entry `uart0:` / "
                    "`    easyDMA: false` (the shipped nano33ble-renode-overlay.repl does)")

    def close(self) -> None:
        uart, monitor, workdir = self._uart, self._monitor, self._workdir
        self._uart = self._monitor = self._workdir = self._setup = None
        self._loaded = False
        try:
            if uart is not None:
                uart.close()
        finally:
            try:
                if monitor is not None:
                    monitor.close()
            finally:
                if workdir is not None:
                    shutil.rmtree(workdir, ignore_errors=True)

    def load_elf(self, path: Path | str) -> None:
        elf = Path(path).resolve()
        if not elf.is_file():
            raise EmulationError(f"firmware {elf} does not exist")
        if self._loaded:
            self.close()  # a fresh Renode: counts and peripheral state start from zero again
        self.open()
        cpu = self._setup.cpu if self._setup is not None else MachineSetup.cpu
        for command in load_commands(elf, vector_table_address(elf), cpu):
            self._execute(command)
        self._loaded = True

    # --- UART and counts ---------------------------------------------------------------------

    def write_uart(self, data: bytes) -> None:
        self._loaded_uart().send(bytes(data))

    def read_uart(self, count: int, timeout_s: float = 30.0) -> bytes:
        return self._loaded_uart().read(count, timeout_s)

    @property
    def executed_instructions(self) -> int:
        if not self._loaded or self._setup is None:
            raise EmulationError("no firmware loaded: call load_elf(path) first")
        return parse_number(self._execute(executed_instructions_command(self._setup)))

    def monitor(self, command: str) -> str:
        """Run any monitor command (for diagnostics); returns its output."""
        return self._execute(command).text

    # --- internals ---------------------------------------------------------------------------

    def _start_monitor(self) -> MonitorBackend:
        monitor: MonitorBackend
        self._workdir = Path(tempfile.mkdtemp(prefix="tflm-bench-renode-"))
        if self.backend == "pyrenode3":
            monitor = Pyrenode3Monitor()
        else:
            assert self.binary is not None
            monitor = MonitorProcess(self.binary, self._workdir, grace_s=self.grace_s)
        self._monitor = monitor
        monitor.start(self.start_timeout_s)
        return monitor

    def notes(self) -> list[str]:
        return list(self._notes)

    def _machine_description(self) -> Path:
        """The .repl to load: the platform itself, or (exact counts) an overlay in the work
        folder that moves PerformanceInMips and the DWT frequencies to exact values."""
        self._notes = []
        self._block_per_instruction = self.exact_counts
        if not self.exact_counts:
            self._notes.append(
                f"Renode runs with {EXACT_ENV}=0: DWT counts are those of translation-block starts, "
                "in steps of MIPS / gcd(MIPS, 1000) instructions (emulation/renode/exact_counts.md)"
            )
            return self.platform_path
        try:
            platform = load_description(self.platform_path, roots=search_path(self.repl_path))
            cpu = platform.cpu()
        except (EmulationError, ReplError) as exc:
            self._notes.append(f"Renode: DWT steps left as configured (cannot read the description: {exc})")
            return self.platform_path
        mips = cpu.get("PerformanceInMips", repl_default_mips())
        dwts = {e.name: e.get("frequency") for e in platform.find_by_type(DWT_TYPE)}
        # Without a DWT the firmware has no clock to read: nothing to make exact.
        self._block_per_instruction = bool(dwts)
        frequencies = {name: f for name, f in dwts.items() if isinstance(f, int) and not isinstance(f, bool)}
        clock: ExactClock | None = exact_clock(cpu.name, mips, frequencies) if frequencies == dwts else None
        if clock is None:
            if dwts and isinstance(mips, int) and mips > 0 and 1000 % mips:
                step = mips // math.gcd(mips, 1000)
                self._notes.append(f"Renode: PerformanceInMips {mips} cannot be moved to a divisor of 1000 "
                                   f"keeping the DWT frequencies; DWT counts move in steps of {step} instructions")
            return self.platform_path
        assert self._workdir is not None
        overlay = self._workdir / "exact-counts.repl"
        try:
            overlay.write_text(exact_overlay(self.platform_path, clock))
        except CommandArgumentError as exc:
            self._notes.append(f"Renode: DWT steps left as configured ({exc})")
            return self.platform_path
        self._notes.append(clock.note(int(mips), frequencies))  # type: ignore[arg-type]
        return overlay

    def _create_machine(self, monitor: MonitorBackend) -> MachineSetup:
        description = self._machine_description()
        setup = MachineSetup(platform=description, uart_port=free_port(), repl_path=self.repl_path)
        for command in machine_commands(setup):
            if command.startswith("machine LoadPlatformDescription"):
                self._load_tolerating_svd(command)
            else:
                self._execute(command)
        if self._block_per_instruction:
            for command in exact_count_commands(setup):
                self._execute(command)
        for attempt in range(self.port_attempts):
            setup = MachineSetup(platform=description, uart_port=free_port(), repl_path=self.repl_path) if attempt else setup
            create, connect = terminal_commands(setup)
            try:
                self._execute(create)
            except RenodeCommandError as exc:
                if attempt + 1 < self.port_attempts and any(m in exc.renode_text for m in _BIND_FAILURES):
                    continue  # another process took the port between our probe and Renode's bind
                raise
            self._execute(connect)
            return setup
        raise AssertionError("unreachable")  # pragma: no cover

    def _load_tolerating_svd(self, command: str) -> None:
        """LoadPlatformDescription; an init block's ApplySVD that cannot download (no network)
        is noted, not fatal: Renode has built the machine by then."""
        assert self._monitor is not None
        reply = self._monitor.execute(command, self.command_timeout_s, check=False)
        failure = reply.error
        if failure is None:
            return
        urls = svd_download_failures(failure)
        if urls is None:
            raise RenodeCommandError(command, failure)
        self._notes.append(f"Renode could not download {', '.join(urls)} (an `init:` ApplySVD; no network?): "
                           "the machine is complete, register names from the SVD are missing")

    def _execute(self, command: str) -> Reply:
        if self._monitor is None:
            raise EmulationError("Renode is not running: open the engine first")
        return self._monitor.execute(command, self.command_timeout_s)

    def _loaded_uart(self) -> UartSocket:
        if not self._loaded or self._uart is None:
            raise EmulationError("no firmware loaded: call load_elf(path) first")
        return self._uart
