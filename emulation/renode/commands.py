"""What the driver says to Renode: the command line and every monitor command, as pure functions.

Both monitor backends (a Renode process with its monitor on stdin/stdout, and pyrenode3 in
this process) and the tests use these functions, so the sequence lives in one place. Each
command is checked against Renode's sources; docs/renode.md lists where.
"""
from __future__ import annotations

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


def executed_instructions_command(setup: MachineSetup) -> str:
    return f"{setup.cpu} ExecutedInstructions"


def session_commands(setup: MachineSetup, elf: Path | str, vector_table: int = 0) -> list[str]:
    """The whole sequence one engine sends, in order: machine, terminal, firmware, VTOR, start."""
    return [*machine_commands(setup), *terminal_commands(setup), *load_commands(elf, vector_table, setup.cpu)]
