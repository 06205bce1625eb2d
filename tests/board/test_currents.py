"""The nRF52840's data-sheet currents: units as documented, and the board carries them."""
from __future__ import annotations

import dataclasses

import pytest

from tflm_bench.board import NRF52840_CURRENTS, load_board


def test_the_shipped_board_carries_the_nrf52840_figures() -> None:
    assert load_board().currents is NRF52840_CURRENTS


def test_energy_per_cycle_in_the_units_the_fields_name() -> None:
    c = NRF52840_CURRENTS

    def picojoules_per_cycle(microamps: float) -> float:
        return microamps * 1e-6 * c.supply_volts / c.cpu_clock_hz * 1e12

    # 3.3 mA x 3.0 V at 64 MHz is about 155 pJ per cycle from flash with the DC/DC, 295 with the LDO.
    assert picojoules_per_cycle(c.cpu_flash_dcdc_ua) == pytest.approx(154.7, abs=0.1)
    assert picojoules_per_cycle(c.cpu_flash_ldo_ua) == pytest.approx(295.3, abs=0.1)


def test_sleep_draws_less_than_running_and_off_less_than_on() -> None:
    c = NRF52840_CURRENTS
    running = min(c.cpu_flash_dcdc_ua, c.cpu_flash_ldo_ua, c.cpu_ram_dcdc_ua)
    system_on = (c.on_ram_retained_event_ua, c.on_ram_retained_rtc_ua, c.on_no_ram_rtc_ua)
    assert max(system_on) < running
    assert c.off_no_ram_ua < min(system_on) and c.off_no_ram_ua < c.off_ram_retained_ua
    assert c.cpu_ram_dcdc_ua < c.cpu_flash_dcdc_ua < c.cpu_flash_ldo_ua


def test_the_figures_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        NRF52840_CURRENTS.cpu_flash_dcdc_ua = 0.0  # type: ignore[misc]
