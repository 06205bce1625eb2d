"""The .repl parser (tflm_bench.board.description): the real platform file, update entries, using, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.board import description as repl
from tflm_bench.board.description import EnumValue, IrqConnection, Reference, Registration, ReplError


def test_real_platform_file() -> None:
    platform = repl.load()
    assert [e.name for e in platform] == ["flash", "sram", "nvic", "cpu", "uart0", "dwt", "clock"]
    flash, sram = platform.memories()
    assert flash.addresses == (Registration("sysbus", 0x0),) and flash.get("size") == 0x100000
    assert sram.address == 0x20000000 and sram.get("size") == 0x40000
    cpu = platform.cpu()
    assert cpu.type_name == "CPU.CortexM"
    assert cpu.get("cpuType") == "cortex-m4"
    assert cpu.get("nvic") == Reference("nvic")
    assert cpu.get("performanceInMips") == 64 == cpu.get("PERFORMANCEINMIPS")
    (uart,) = platform.find_by_type("UART.NRF52840_UART")
    assert uart.name == "uart0" and uart.address == 0x40002000
    assert uart.get("easyDMA") is False
    assert uart.irqs == (IrqConnection(None, "nvic", 2),)
    assert platform.entry("nvic").irqs == (IrqConnection(None, "cpu", 0),)
    assert platform.entry("dwt").get("frequency") == 64_000_000
    assert platform.entry("clock").type_name == "Miscellaneous.NRF_CLOCK"
    assert platform.entry("uart0").source_line.line == 26


def test_syntax_forms(tmp_path: Path) -> None:
    text = """
/* block comment
   over lines */
mem: Memory.MappedMemory @ { sysbus 0x0; sysbus 0x800000 }  // two places
    size: 0x1_000
timer: Timers.Foo @ sysbus <0x40008000, +0x400>
    0 -> nic@8 | nic@9
    IRQ -> nic@3
    mode: Mode.Fast
    name: "a \\"quoted\\" // not a comment"
    ratio: 1.5
    enabled: true
nic: IRQControllers.NVIC @ sysbus 0xE000E000
cpu: CPU.CortexM @ sysbus
    nvic: nic
"""
    platform = repl.parse_text(text, tmp_path / "x.repl")
    mem = platform.entry("mem")
    assert mem.addresses == (Registration("sysbus", 0), Registration("sysbus", 0x800000))
    assert mem.get("size") == 0x1000
    timer = platform.entry("timer")
    assert timer.addresses == (Registration("sysbus", 0x40008000, 0x400),)
    assert timer.irqs == (
        IrqConnection(0, "nic", 8), IrqConnection(0, "nic", 9), IrqConnection("IRQ", "nic", 3)
    )
    assert timer.get("mode") == EnumValue("Mode.Fast")
    assert timer.get("name") == 'a "quoted" // not a comment'
    assert timer.get("ratio") == 1.5 and timer.get("enabled") is True
    assert platform.cpu().addresses == (Registration("sysbus"),)


def test_using_and_update_entries(tmp_path: Path) -> None:
    (tmp_path / "cpus").mkdir()
    (tmp_path / "cpus" / "base.repl").write_text(
        "uart0: UART.NRF52840_UART @ sysbus 0x40002000\n"
        "    easyDMA: true\n"
        "    -> nvic@2\n"
        "nvic: IRQControllers.NVIC @ sysbus 0xE000E000\n"
        "cpu: CPU.CortexM @ sysbus\n"
        "    performanceInMips: 100\n"
    )
    board = tmp_path / "board.repl"
    board.write_text(
        'using "cpus/base.repl"\n'
        "uart0:\n"
        "    easyDMA: false\n"
        "cpu:\n"
        "    PerformanceInMips: 64\n"
        "uart0: @ sysbus 0x40028000\n"
    )
    platform = repl.load(board)
    uart = platform.entry("uart0")
    assert uart.get("easyDMA") is False
    assert uart.address == 0x40028000
    assert uart.irqs == (IrqConnection(None, "nvic", 2),)
    assert uart.source_line.path.endswith("base.repl") and uart.source_line.line == 1
    assert platform.cpu().get("performanceinmips") == 64
    assert list(platform.cpu().attributes) == ["PerformanceInMips"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: Memory.MappedMemory @ sysbus 0x0\n    size 12\n", 2, "key: value"),
        ("a: Memory.MappedMemory @ sysbus 0x0\nb:\n    size: 1\n", 2, "no earlier declaration"),
        ("a: X.Y @ sysbus 0x0\n\na: X.Y @ sysbus 0x10\n", 3, "already declared at"),
        ("a: X.Y @ sysbus zz\n", 1, "bad address"),
        ("a: X.Y @ sysbus 0x0\n    k: {1, 2}\n", 2, "unsupported value"),
        ("    k: 1\n", 1, "outside any entry"),
        ("a: X.Y @ sysbus 0x0\n    -> 12@\n", 2, "bad IRQ target"),
        ("a: X.Y @ sysbus 0x0\n/* open\n\n", 2, "never closed"),
        ('a: X.Y @ sysbus 0x0\n    s: "open\n', 2, "unterminated string"),
        ("a: X.Y @ sysbus 0x0\n    -> nobody@1\n", 1, "unknown entry 'nobody'"),
        ('using "missing.repl"\n', 1, "no such file under the search roots"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = tmp_path / "bad.repl"
    path.write_text(text)
    with pytest.raises(ReplError) as caught:
        repl.load(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


def test_using_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.repl").write_text('using "b.repl"\n')
    (tmp_path / "b.repl").write_text('\nusing "a.repl"\n')
    with pytest.raises(ReplError, match=r"b\.repl:2: `using` cycle"):
        repl.load(tmp_path / "a.repl")
