"""What the driver says to Renode: the command line and every monitor command, as pure functions.

Both monitor backends (a Renode process with its monitor on stdin/stdout, and pyrenode3 in
this process) and the tests use these functions, so the sequence lives in one place. Each
command is checked against Renode's sources; docs/renode.md lists where.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Command-line switches (Renode's src/UI/Options.cs in renode-infrastructure):
# --console runs the monitor on stdin/stdout, so no telnet monitor port is opened at all;
# --disable-gui keeps the windowed UI off; --plain drops colour codes; --hide-log keeps log
# lines (including the UART analyzer's) out of the monitor's output.
HEADLESS_FLAGS = ("--console", "--disable-gui", "--plain", "--hide-log")

QUIT = "quit"
PAUSE = "pause"
START = "start"

# Exact DWT counts (emulation/renode/exact_counts.md). Renode's DWT reads CYCCNT
# from the virtual clock after CPU.SyncTime(), which only sees the instructions of the
# translation blocks *before* the one doing the read (tlib adds a block's count when the next
# block starts), so a read in the middle of a block lags by the instructions before it in that
# block. One instruction per block makes every read start its own block.
EXACT_BLOCK_SIZE = 1
# Renode's virtual time has 1 ns ticks (TimeInterval.TicksPerMicrosecond = 1000): progress is
# reported in whole ticks and the rest of the instructions is carried over, i.e. in steps of
# MIPS / gcd(MIPS, 1000) instructions (8 at 64 MIPS). Only a PerformanceInMips dividing 1000
# advances the clock at every instruction.
TICKS_PER_MICROSECOND = 1000
MAX_DWT_FREQUENCY = 0xFFFFFFFF   # DWT(IMachine, uint frequency)


@dataclass(frozen=True)
class MachineSetup:
    """The names and files one emulated board is built from."""

    platform: Path
    uart_port: int
    machine: str = "nano"
    uart: str = "sysbus.uart0"
    terminal: str = "uart0term"
    cpu: str = "sysbus.cpu"
    # Folders Renode's `using` lines are resolved under, before its own root (--repl-path).
    repl_path: tuple[Path, ...] = ()


class CommandArgumentError(ValueError):
    """A path or name cannot be written as a monitor token."""


def monitor_string(text: str) -> str:
    """A double-quoted monitor string token."""
    if any(c in text for c in '"\r\n'):
        raise CommandArgumentError(f"cannot pass {text!r} to Renode's monitor: it contains a quote or a line break")
    return f'"{text}"'


def monitor_path(path: Path | str) -> str:
    """An absolute path as a monitor path token: '@' then the path, spaces escaped as '\\ '."""
    text = str(Path(path).resolve())
    if any(c in text for c in ";\r\n\t\""):
        raise CommandArgumentError(
            f"cannot pass the path {text!r} to Renode's monitor: it contains ';', a quote, a tab or a "
            f"line break; move the file to a plainer path"
        )
    return "@" + text.replace(" ", "\\ ")


def command_line(binary: Path | str, pid_file: Path | None = None, config_file: Path | None = None) -> list[str]:
    """argv for a headless Renode whose monitor reads stdin and writes stdout."""
    argv = [str(binary), *HEADLESS_FLAGS]
    if pid_file is not None:
        argv += ["--pid-file", str(pid_file)]
    if config_file is not None:
        argv += ["--config", str(config_file)]
    return argv


def machine_commands(setup: MachineSetup) -> list[str]:
    """Create the machine (it becomes the monitor's current one) from the platform description."""
    return [
        *(f"path add {monitor_path(root)}" for root in setup.repl_path),
        f"mach create {monitor_string(setup.machine)}",
        f"machine LoadPlatformDescription {monitor_path(setup.platform)}",
    ]


# What Renode prints when an `init:` block's `ApplySVD @https://...` (the stock nrf52840.repl
# has one) cannot download the SVD: the description is loaded all the same (every peripheral
# exists); only the SVD's register names, and the init commands after it, are missing.
SVD_DOWNLOAD_FAILURE = re.compile(r"Failed to download (\S+\.svd(?:\.gz)?), see log for details\.?")


def svd_download_failures(error: str) -> list[str] | None:
    """The SVD URLs of an error text made only of SVD download failures, else None."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    matches = [SVD_DOWNLOAD_FAILURE.fullmatch(line) for line in lines]
    if not lines or not all(matches):
        return None
    return [m.group(1) for m in matches if m is not None]


def terminal_commands(setup: MachineSetup) -> list[str]:
    """The server socket terminal (binary mode: telnet off) and its connection to the UART."""
    return [
        f"emulation CreateServerSocketTerminal {setup.uart_port} {monitor_string(setup.terminal)} false",
        f"connector Connect {setup.uart} {setup.terminal}",
    ]


def load_commands(elf: Path | str, vector_table: int = 0, cpu: str = "sysbus.cpu") -> list[str]:
    """Load the firmware into the paused machine, point VTOR at its vector table, start it.

    LoadELF refuses a running machine. CortexM ignores the ELF's entry point (InitFromElf does
    nothing): on start, InitPCAndSP reads SP and PC from VectorTableOffset, and when nobody set
    it, guesses it from the lowest loaded section. Setting it from the ELF's vector table
    (0x0, or 0x10000 for the Nano 33 BLE image) leaves nothing to that guess.
    """
    return [f"sysbus LoadELF {monitor_path(elf)}", f"{cpu} VectorTableOffset 0x{vector_table:x}", START]


def exact_count_commands(setup: MachineSetup) -> list[str]:
    """After the machine is built: translation blocks of one instruction (exact CYCCNT reads)."""
    return [f"{setup.cpu} MaximumBlockSize {EXACT_BLOCK_SIZE}"]


@dataclass(frozen=True)
class ExactClock:
    """PerformanceInMips and DWT frequencies that keep CYCCNT = instructions x F / (MIPS x 1e6)
    but let Renode's 1 ns clock advance at every instruction."""

    cpu: str                                  # the .repl entry names
    mips: int
    dwt_frequencies: tuple[tuple[str, int], ...]

    def note(self, old_mips: int, old: dict[str, int]) -> str:
        dwts = ", ".join(f"{name} {old[name]} -> {frequency} Hz" for name, frequency in self.dwt_frequencies)
        return (f"Renode: PerformanceInMips {old_mips} -> {self.mips}{f', DWT {dwts}' if dwts else ''} "
                f"(same CYCCNT per instruction; Renode's 1 ns clock then advances at every instruction)")


def exact_clock(cpu: str, mips: object, dwt_frequencies: dict[str, int]) -> ExactClock | None:
    """The smallest PerformanceInMips >= `mips` that divides 1000, with each DWT frequency
    scaled by the same factor (kept integral); None if `mips` already divides 1000 or no such
    value exists (then CYCCNT moves in steps of mips / gcd(mips, 1000) instructions)."""
    if isinstance(mips, bool) or not isinstance(mips, int) or mips <= 0 or TICKS_PER_MICROSECOND % mips == 0:
        return None
    for candidate in range(mips + 1, TICKS_PER_MICROSECOND + 1):
        if TICKS_PER_MICROSECOND % candidate:
            continue
        scaled = {name: f * candidate // mips for name, f in dwt_frequencies.items()}
        if all(f * candidate % mips == 0 for f in dwt_frequencies.values()) and all(
            0 < f <= MAX_DWT_FREQUENCY for f in scaled.values()
        ):
            return ExactClock(cpu, candidate, tuple(sorted(scaled.items())))
    return None


def exact_overlay(platform: Path | str, clock: ExactClock) -> str:
    """A .repl that includes `platform` and overrides its CPU's MIPS and its DWTs' frequencies."""
    path = str(Path(platform).resolve())
    if any(c in path for c in '"\r\n'):
        raise CommandArgumentError(f"cannot name {path!r} in a `using` line")
    lines = [f'using "{path}"', "", f"{clock.cpu}:", f"    PerformanceInMips: {clock.mips}"]
    for name, frequency in clock.dwt_frequencies:
        lines += ["", f"{name}:", f"    frequency: {frequency}"]
    return "\n".join(lines) + "\n"


def executed_instructions_command(setup: MachineSetup) -> str:
    return f"{setup.cpu} ExecutedInstructions"


def session_commands(setup: MachineSetup, elf: Path | str, vector_table: int = 0) -> list[str]:
    """The whole sequence one engine sends, in order: machine, terminal, firmware, VTOR, start."""
    return [*machine_commands(setup), *terminal_commands(setup), *load_commands(elf, vector_table, setup.cpu)]
