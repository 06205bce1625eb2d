"""A stand-in for the cross toolchain, so the firmware pipeline's steps can be tested in milliseconds."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tflm_bench.generator import ModelTooLargeError


@dataclass
class FakeToolchain:
    """compile_firmware writing the last source as the 'ELF'; one holding `overflow_marker` overflows flash."""

    overflow_marker: str | None = None
    calls: list[tuple[list[Path], list[str]]] = field(default_factory=list)  # (sources, definitions) per compile

    def compile(self, sources: list[Path], build_dir: Path, board: object, firmware: Path, definitions: list[str]) -> Path:
        self.calls.append((sources, definitions))
        text = sources[-1].read_text()
        if self.overflow_marker is not None and self.overflow_marker in text:
            error = ModelTooLargeError("region FLASH overflowed by 10 bytes")
            error.flash_overflow = 10
            raise error
        elf = build_dir / "cmake" / "firmware.elf"
        elf.parent.mkdir(parents=True, exist_ok=True)
        elf.write_text(text)
        return elf
