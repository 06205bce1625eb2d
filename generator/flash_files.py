"""Flashable copies of a firmware ELF: a raw .bin (what bossac writes) and an Intel .hex.

The .bin starts at the image's first flash byte (0x10000 for the Nano 33 BLE image: the
Arduino bootloader writes it there) and holds every loaded byte up to the last, .data's
initial values included, as `arm-none-eabi-objcopy -O binary` lays them out.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import FirmwareBuildError, ToolchainMissingError

OBJCOPY = "arm-none-eabi-objcopy"
OBJCOPY_TIMEOUT_S = 60.0

# The Arduino Mbed core's upload recipe (platform.txt, tools.bossac.upload.pattern, with the
# verbose flag -d), for the bossac 1.9.1-arduino2 it ships. The bootloader places the image at
# 0x10000 itself, so no --offset is given.
BOSSAC_COMMAND = "bossac -d --port={port} -U -i -e -w {binary} -R"
DEFAULT_PORT = "/dev/ttyACM0"


@dataclass(frozen=True)
class FlashFiles:
    elf: Path
    binary: Path
    hex: Path

    def bossac_command(self, port: str = DEFAULT_PORT) -> str:
        return BOSSAC_COMMAND.format(port=port, binary=self.binary)


def write_flash_files(elf: Path) -> FlashFiles:
    """Write ELF.bin and ELF.hex next to `elf` (same stem) and return the three paths."""
    elf = Path(elf)
    objcopy = shutil.which(OBJCOPY)
    if objcopy is None:
        raise ToolchainMissingError(
            f"{OBJCOPY} is not on PATH; run scripts/setup.sh as root, or apt-get install gcc-arm-none-eabi binutils-arm-none-eabi"
        )
    files = FlashFiles(elf, elf.with_suffix(".bin"), elf.with_suffix(".hex"))
    for output_format, path in (("binary", files.binary), ("ihex", files.hex)):
        try:
            result = subprocess.run([objcopy, "-O", output_format, str(elf), str(path)],
                                    capture_output=True, text=True, timeout=OBJCOPY_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise FirmwareBuildError(f"{OBJCOPY} -O {output_format} {elf} took over {OBJCOPY_TIMEOUT_S:.0f} s") from None
        if result.returncode != 0:
            raise FirmwareBuildError(f"{OBJCOPY} -O {output_format} {elf} failed: {result.stderr.strip()}")
    return files
