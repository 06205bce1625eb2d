"""The peripheral state the Nano 33 BLE image touches: CLOCK, UART PSEL and SCB VTOR."""
from __future__ import annotations

from tflm_bench.emulation.builtin.peripherals import LegacyUart, NrfClock, PinSelect, SystemControlSpace


def test_hfclkstart_raises_the_event_and_runs_the_crystal() -> None:
    clock = NrfClock("clock", 0x40000000)
    assert clock.read(NrfClock.EVENTS_HFCLKSTARTED, 4) == 0 and not clock.hfxo_running
    clock.write(NrfClock.TASKS_HFCLKSTART, 4, 0)  # writing 0 to a task does nothing
    assert clock.read(NrfClock.EVENTS_HFCLKSTARTED, 4) == 0
    clock.write(NrfClock.TASKS_HFCLKSTART, 4, 1)
    assert clock.read(NrfClock.EVENTS_HFCLKSTARTED, 4) == 1 and clock.hfxo_running
    assert clock.read(NrfClock.HFCLKSTAT, 4) == 0x10001  # STATE running, SRC Xtal
    clock.write(NrfClock.EVENTS_HFCLKSTARTED, 4, 0)  # the firmware clears the event
    assert clock.read(NrfClock.EVENTS_HFCLKSTARTED, 4) == 0 and clock.hfxo_running
    clock.write(NrfClock.TASKS_HFCLKSTOP, 4, 1)
    assert not clock.hfxo_running and clock.read(NrfClock.HFCLKSTAT, 4) == 0


def test_psel_registers_reset_disconnected_and_decode_port_and_pin() -> None:
    uart = LegacyUart("uart0", 0x40002000, stop=lambda: None)
    assert uart.txd_pin.value == uart.rxd_pin.value == 0xFFFFFFFF
    assert not uart.txd_pin.connected and str(uart.rxd_pin) == "disconnected"
    uart.write(LegacyUart.PSEL_TXD, 4, (1 << 5) | 3)
    uart.write(LegacyUart.PSEL_RXD, 4, (1 << 5) | 10)
    assert (uart.txd_pin.port, uart.txd_pin.pin, uart.rxd_pin.port, uart.rxd_pin.pin) == (1, 3, 1, 10)
    assert str(PinSelect(0x0000000D)) == "P0.13" and not PinSelect(0x8000002A).connected


def test_vtor_keeps_the_table_offset_bits_only() -> None:
    scs = SystemControlSpace()
    assert scs.vtor == 0
    scs.write(SystemControlSpace.VTOR, 4, 0x0001007F)
    assert scs.vtor == 0x00010000
