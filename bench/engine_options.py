"""The command-line options that choose what runs the firmware: --engine, and --port/--baud for
a real board (engine serial). One definition for every command that runs firmware."""
from __future__ import annotations

import argparse

from tflm_bench.emulation import DEFAULT_BAUD, EngineName


def _baud(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a baud rate is a positive whole number, got {text!r}")
    return int(text)


def add_engine_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--engine", choices=tuple(EngineName), default=str(EngineName.default()),
                         help="what runs the firmware: builtin or renode (emulators), or serial (a real board "
                              f"already flashed with this model's image, on --port) (default: {EngineName.default()})")
    command.add_argument("--port", metavar="DEVICE",
                         help="engine serial: the board's serial port, e.g. /dev/ttyUSB0 (or a PTY from "
                              "`tflm-bench emulate FW.elf --uart-pty`)")
    command.add_argument("--baud", type=_baud, default=DEFAULT_BAUD,
                         help=f"engine serial: the port's baud rate (default: {DEFAULT_BAUD}, the firmware's)")


def engine_settings(args: argparse.Namespace) -> dict[str, object]:
    """BenchOptions fields from the parsed engine options (BenchOptions checks they fit)."""
    return {"engine": args.engine, "port": getattr(args, "port", None), "baud": getattr(args, "baud", DEFAULT_BAUD)}
