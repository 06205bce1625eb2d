"""What a build target changes in the image: where it is linked and which C definition it gets.

The emulator image is linked at the platform's flash base (0x0). A real Arduino Nano 33 BLE
keeps the Arduino (Mbed OS core) bootloader in its first 64 KiB and starts the application at
0x10000 (ArduinoCore-mbed, variants/ARDUINO_NANO33BLE/conf/mbed_app.json:
`target.mbed_app_start` 0x10000), so that image is linked there and RAM stays as it is.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tflm_bench.board import Board

from .errors import ModelTooLargeError
from .options import Target

NANO33BLE_BOOTLOADER_BYTES = 0x10000


@dataclass(frozen=True)
class TargetLayout:
    """How one target places the image and what the firmware is told about it."""

    flash_offset: int  # bytes of flash before the image (the bootloader's)
    c_definition: str  # the TB_TARGET_... macro the firmware's sources test


_LAYOUTS = {
    Target.EMULATOR: TargetLayout(0, "TB_TARGET_EMULATOR"),
    Target.NANO33BLE: TargetLayout(NANO33BLE_BOOTLOADER_BYTES, "TB_TARGET_NANO33BLE"),
}


def target_layout(target: Target | str) -> TargetLayout:
    return _LAYOUTS[Target(target)]


def link_board(board: Board, target: Target | str) -> Board:
    """`board` with FLASH reduced to what the image may occupy for `target`.

    The linker script, the size checks and the flash figures all use this board, so a model
    that fits the emulator but not the 960 KiB after the bootloader is refused for the board.
    """
    offset = target_layout(target).flash_offset
    if offset == 0:
        return board
    if offset >= board.flash.size:
        raise ModelTooLargeError(
            f"the {Target(target)} image starts at flash offset 0x{offset:x} (after the bootloader), past "
            f"the 0x{board.flash.size:x} bytes of flash of {board.platform}; use a platform with more flash"
        )
    flash = dataclasses.replace(board.flash, base=board.flash.base + offset, size=board.flash.size - offset)
    return dataclasses.replace(board, flash=flash)
