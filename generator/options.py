"""Build options shared by every stage and entry point, each with its one default."""
from __future__ import annotations

from enum import StrEnum
from typing import Any, Self


class Choice(StrEnum):
    """A closed set of values for one option, with its default and a parse() that names the set.

        class KernelSet(Choice, noun="kernel set", default="optimized"): ...
    """

    def __init_subclass__(cls, *, noun: str = "", default: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._noun, cls._default_value = noun, default

    @classmethod
    def default(cls) -> Self:
        return cls(cls._default_value)

    @classmethod
    def parse(cls, text: str) -> Self:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown {cls._noun} {text!r}; choose one of {', '.join(cls)}") from None


class KernelSet(Choice, noun="kernel set", default="optimized"):
    """Which int8 kernels the generated runtime calls."""

    REFERENCE = "reference"  # the plain C port of TFLM's reference arithmetic
    OPTIMIZED = "optimized"  # Cortex-M4 DSP kernels, bit-exact with the reference set


class Optimize(Choice, noun="optimization goal", default="speed"):
    """How the optimized kernel set trades flash for speed when it lays out weights.

    The DSP kernels of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED read weights expanded
    to int16 at generation time; a layer left in the int8 layout runs its reference kernel.
    See generator/layout.py for the rules.
    """

    SPEED = "speed"  # expand every layer; fall back (least gain per byte first) only to fit flash
    SIZE = "size"  # expand no layer: flash stays within the model's weights plus the runtime
    BALANCED = "balanced"  # expand, best gain per byte first, while the extra stays <= 25% of the weights


class Runtime(Choice, noun="runtime", default="generated"):
    """What runs the model in the firmware, behind the same bench shell (tb_runtime.h)."""

    GENERATED = "generated"  # our ahead-of-time C runtime, with the kernel set chosen
    TFLM = "tflm"  # TFLM's MicroInterpreter from the user's own library (--tflm-lib)


class Protocol(Choice, noun="protocol", default="bench"):
    """What the firmware speaks on uart0."""

    BENCH = "bench"  # our framed protocol with length and CRC (firmware/shell/protocol.c)
    MLPERF = "mlperf"  # the MLCommons/EEMBC runner's '%'-terminated text commands (MLPerf Tiny)


class Target(Choice, noun="board", default="emulator"):
    """Where the image is meant to run: how it is linked and which pins and clocks it sets up."""

    EMULATOR = "emulator"  # linked at the platform's flash base (0x0), uart0 on no pins
    NANO33BLE = "nano33ble"  # a real Arduino Nano 33 BLE: after its bootloader, uart0 on D0/D1
