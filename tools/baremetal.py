"""Build small bare-metal C programs the way the bench firmware is built.

The program gets the firmware's real start-up code, fault handler, UART0 driver, DWT helper,
protocol framing and linker script, and the compiler flags of firmware/CMakeLists.txt and
firmware/cmake/arm-none-eabi.cmake, in one arm-none-eabi-gcc call. Test firmware (deliberate
faults, hand-counted loops) and the speed benchmark use it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from tflm_bench.board import load_board
from tflm_bench.emulation.errors import EmulationError
from tflm_bench.generator import Target, firmware_dir, link_board, write_memory_script

GCC = "arm-none-eabi-gcc"
CPU_FLAGS = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16")
C_FLAGS = ("-std=c11", "-O2", "-g", "-Wall", "-Wextra", "-Werror",
           "-ffunction-sections", "-fdata-sections")
LINK_FLAGS = ("-nostartfiles", "--specs=nano.specs", "-Wl,--gc-sections")
PLATFORM_SOURCES = ("platform/startup.c", "platform/fault.c", "platform/uart0.c",
                    "platform/dwt.c", "shell/crc32.c", "shell/protocol.c")


class BareMetalBuildError(EmulationError):
    """arm-none-eabi-gcc is missing or could not build a bare-metal program."""


def build_baremetal(
    sources: list[Path],
    out_dir: Path,
    *,
    defines: dict[str, int] | None = None,
    name: str | None = None,
    platform: bool = True,
    linker_script: Path | None = None,
    extra_flags: tuple[str, ...] = (),
) -> Path:
    """Compile sources (+ the firmware's platform code unless platform=False) into an ELF.

    The ELF lands in out_dir, named after the first source and the defines; an identical
    earlier build (same command and source contents) is reused.
    """
    if shutil.which(GCC) is None:
        raise BareMetalBuildError(
            f"{GCC} is not on PATH; run scripts/setup.sh as root, or apt-get install "
            f"gcc-arm-none-eabi libnewlib-arm-none-eabi"
        )
    fw = firmware_dir()
    all_sources = [Path(s) for s in sources]
    if platform:
        all_sources += [fw / rel for rel in PLATFORM_SOURCES]
    script = linker_script or fw / "platform" / "nrf52840.ld"
    defines = dict(defines or {})
    if not any(key.startswith("TB_TARGET_") for key in defines):
        defines["TB_TARGET_EMULATOR"] = 1  # the image the emulators run (firmware/platform/board.h)
    # The linker script INCLUDEs the memory map the generator writes from the board's facts
    # (fault.c includes the RAM bounds written beside it); with TB_TARGET_NANO33BLE, FLASH
    # starts after the bootloader as in the board image.
    target = Target.NANO33BLE if defines.get("TB_TARGET_NANO33BLE") else Target.EMULATOR
    memory_dir = Path(out_dir) / f"memory-{target}"
    write_memory_script(link_board(load_board(), target), memory_dir)
    flags = [*CPU_FLAGS, *C_FLAGS, *extra_flags,
             *(f"-D{key}={value}" for key, value in sorted(defines.items())),
             f"-I{fw / 'platform'}", f"-I{fw / 'shell'}", f"-I{fw / 'runtime'}", f"-I{memory_dir}"]
    digest = hashlib.sha256(" ".join(flags).encode())
    for path in [*all_sources, script]:
        digest.update(path.read_bytes())
    stem = name or all_sources[0].stem
    elf = Path(out_dir) / f"{stem}-{digest.hexdigest()[:12]}.elf"
    if elf.is_file():
        return elf
    elf.parent.mkdir(parents=True, exist_ok=True)
    command = [GCC, *flags, *LINK_FLAGS, f"-L{memory_dir}", f"-T{script}", *map(str, all_sources), "-lm",
               "-o", str(elf)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BareMetalBuildError(
            f"building {stem} failed:\n{' '.join(command)}\n{result.stderr.strip()}"
        )
    return elf
