"""Build options shared by every stage and entry point, each with its one default."""
from __future__ import annotations

from enum import StrEnum


class KernelSet(StrEnum):
    """Which int8 kernels the generated runtime calls."""

    REFERENCE = "reference"  # the plain C port of TFLM's reference arithmetic
    OPTIMIZED = "optimized"  # Cortex-M4 DSP kernels, bit-exact with the reference set

    @classmethod
    def default(cls) -> KernelSet:
        return cls.OPTIMIZED

    @classmethod
    def parse(cls, text: str) -> KernelSet:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown kernel set {text!r}; choose one of {', '.join(cls)}") from None


class Optimize(StrEnum):
    """How the optimized kernel set trades flash for speed when it lays out weights.

    The DSP kernels of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED read weights expanded
    to int16 at generation time; a layer left in the int8 layout runs its reference kernel.
    See generator/layout.py for the rules.
    """

    SPEED = "speed"  # expand every layer; fall back (least gain per byte first) only to fit flash
    SIZE = "size"  # expand no layer: flash stays within the model's weights plus the runtime
    BALANCED = "balanced"  # expand, best gain per byte first, while the extra stays <= 25% of the weights

    @classmethod
    def default(cls) -> Optimize:
        return cls.SPEED

    @classmethod
    def parse(cls, text: str) -> Optimize:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown optimization goal {text!r}; choose one of {', '.join(cls)}") from None


class Runtime(StrEnum):
    """What runs the model in the firmware, behind the same bench shell (tb_runtime.h)."""

    GENERATED = "generated"  # our ahead-of-time C runtime, with the kernel set chosen
    TFLM = "tflm"  # TFLM's MicroInterpreter from the user's own library (--tflm-lib)

    @classmethod
    def default(cls) -> Runtime:
        return cls.GENERATED

    @classmethod
    def parse(cls, text: str) -> Runtime:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown runtime {text!r}; choose one of {', '.join(cls)}") from None


class Protocol(StrEnum):
    """What the firmware speaks on uart0."""

    BENCH = "bench"  # our framed protocol with length and CRC (firmware/shell/protocol.c)
    MLPERF = "mlperf"  # the MLCommons/EEMBC runner's '%'-terminated text commands (MLPerf Tiny)

    @classmethod
    def default(cls) -> Protocol:
        return cls.BENCH

    @classmethod
    def parse(cls, text: str) -> Protocol:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown protocol {text!r}; choose one of {', '.join(cls)}") from None


class Target(StrEnum):
    """Where the image is meant to run: how it is linked and which pins and clocks it sets up."""

    EMULATOR = "emulator"  # linked at the platform's flash base (0x0), uart0 on no pins
    NANO33BLE = "nano33ble"  # a real Arduino Nano 33 BLE: after its bootloader, uart0 on D0/D1

    @classmethod
    def default(cls) -> Target:
        return cls.EMULATOR

    @classmethod
    def parse(cls, text: str) -> Target:
        try:
            return cls(text)
        except ValueError:
            raise ValueError(f"unknown board {text!r}; choose one of {', '.join(cls)}") from None
