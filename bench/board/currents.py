"""Typical supply currents of the nRF52840, for estimating energy from cycle counts.

Nothing in a platform description gives current draw, so these are the chip's data-sheet
figures: Nordic's nRF52840 Product Specification v1.11, electrical tables, typical values at
a 3.0 V supply and 25 C, as quoted in two independent public transcriptions (the
specification itself could not be opened here). Each is an assumption an energy estimate
must print beside its result. The board (Arduino Nano 33 BLE) adds its own draw (power LED,
sensors, the 3.3 V regulator), which none of these include.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SupplyCurrents:
    """Typical currents in microamperes, each under the condition its comment names."""

    supply_volts: float            # VDD all figures were measured at
    cpu_clock_hz: int              # the core clock of the CPU figures (CoreMark at 64 MHz, HFXO running)
    cpu_flash_dcdc_ua: float       # I_CPU0: CoreMark from flash, DC/DC regulator
    cpu_flash_ldo_ua: float        # I_CPU1: CoreMark from flash, LDO regulator
    cpu_ram_dcdc_ua: float         # I_CPU2: CoreMark from RAM, DC/DC regulator
    on_ram_retained_event_ua: float  # I_ON_RAMON_EVENT: System ON, all 256 KiB RAM kept, wake on any event
    on_ram_retained_rtc_ua: float    # I_ON_RAMON_RTC: System ON, all RAM kept, wake on RTC
    on_no_ram_rtc_ua: float          # I_ON_RAMOFF_RTC: System ON, no RAM kept, wake on RTC
    off_no_ram_ua: float             # I_OFF_RAMOFF_RESET: System OFF, no RAM kept, wake on reset
    off_ram_retained_ua: float       # I_OFF_RAMON_RESET: System OFF, all RAM kept, wake on reset


NRF52840_CURRENTS = SupplyCurrents(
    supply_volts=3.0,
    cpu_clock_hz=64_000_000,
    cpu_flash_dcdc_ua=3300.0,
    cpu_flash_ldo_ua=6300.0,
    cpu_ram_dcdc_ua=2800.0,
    on_ram_retained_event_ua=2.35,
    on_ram_retained_rtc_ua=3.16,
    on_no_ram_rtc_ua=1.50,
    off_no_ram_ua=0.40,
    off_ram_retained_ua=1.86,
)
