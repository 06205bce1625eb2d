"""Energy per inference and battery life, estimated from cycles and the board's current figures.

An estimate, never a measurement. What it models (docs/energy.md has the sources and the why):

    t_inference = cycles / f_clock
    P_run       = V_supply x I_run(regulator)      I_run: the CPU running from flash, HFXO on
    E_inference = P_run x t_inference
    duty r (inferences per second):
        active share  a = r x t_inference           (at most 1)
        I_average       = a x I_run + (1 - a) x I_sleep    I_sleep: System ON, RAM kept, RTC wake
        battery life    = capacity / I_average

The current figures are the datasheet's typical values at 3.0 V; at another supply voltage the
same current is taken, so the power scales with the voltage (for the LDO that is what happens;
for the DC/DC it over-estimates above 3.0 V). Not modelled: peripherals (UART, radio, sensors,
the board's LED and regulator), the time to wake up, and flash wait states beyond what the
CoreMark-from-flash figure includes.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tflm_bench.board import SupplyCurrents
from tflm_bench.generator import Choice

from .errors import InputError


class EnergyInputError(InputError):
    """An energy option the user gave cannot be read (the message names the accepted forms)."""


FIGURES_SOURCE = ("nRF52840 data-sheet typical currents (bench/board/currents.py; a description may override them "
                  "with `// tflm-bench: FIELD VALUE` lines), chip only")


class Regulator(Choice, noun="regulator", default="dcdc"):
    """The nRF52840's main regulator: the datasheet gives the CPU's current for each."""

    DCDC = "dcdc"
    LDO = "ldo"


def run_amps(currents: SupplyCurrents, regulator: Regulator, clock_hz: int) -> float:
    """The CPU's current running from flash at `clock_hz`: the data-sheet figure at its own clock,
    scaled by the clock (the current of a CMOS core grows with its frequency)."""
    micro = currents.cpu_flash_dcdc_ua if regulator is Regulator.DCDC else currents.cpu_flash_ldo_ua
    return micro * 1e-6 * clock_hz / currents.cpu_clock_hz


def sleep_amps(currents: SupplyCurrents) -> float:
    """System ON with all RAM kept, woken by the RTC: the state between periodic inferences."""
    return currents.on_ram_retained_rtc_ua * 1e-6


@dataclass(frozen=True)
class DutyCycle:
    """How often the device runs an inference, e.g. "1/s", "30/min", "4/h", "12/day"."""

    per_second: float
    text: str

    _UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0, "day": 86400.0}

    @classmethod
    def parse(cls, text: str) -> DutyCycle:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*/\s*(s|min|h|day)\s*", text)
        if match is None or float(match.group(1)) <= 0:
            raise EnergyInputError(
                f"--duty {text!r}: give inferences per time unit, a positive number over s, min, h or day, "
                "e.g. --duty 1/s, --duty 30/min, --duty 4/h"
            )
        return cls(float(match.group(1)) / cls._UNITS[match.group(2)], text.strip())


@dataclass(frozen=True)
class Battery:
    """A battery's usable capacity, e.g. "220mAh" (a CR2032 is about 220 mAh) or "1.2Ah"."""

    amp_hours: float
    text: str

    @classmethod
    def parse(cls, text: str) -> Battery:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mAh|Ah)\s*", text, re.IGNORECASE)
        if match is None or float(match.group(1)) <= 0:
            raise EnergyInputError(f"--battery {text!r}: give a positive capacity in mAh or Ah, e.g. --battery 220mAh")
        value = float(match.group(1))
        return cls(value / 1000 if match.group(2).lower() == "mah" else value, text.strip())


@dataclass(frozen=True)
class EnergySettings:
    """What the user chose: regulator and supply, and optionally a duty cycle and a battery."""

    regulator: Regulator = Regulator.default()
    supply_volts: float = 3.0
    duty: DutyCycle | None = None
    battery: Battery | None = None

    def __post_init__(self) -> None:
        if not 1.7 <= self.supply_volts <= 5.5:
            # The nRF52840's VDD range is 1.7-3.6 V, VDDH up to 5.5 V.
            raise EnergyInputError(f"--supply-volts {self.supply_volts}: the nRF52840 runs from 1.7 V to 5.5 V (VDDH)")
        if self.battery is not None and self.duty is None:
            raise EnergyInputError("--battery needs --duty: battery life depends on how often the model runs "
                                   "(e.g. --duty 1/s)")


def settings_from_options(regulator: str, supply_volts: float, duty: str | None, battery: str | None) -> EnergySettings:
    """EnergySettings from the option values (text as given on a command line or in Robot)."""
    try:
        chosen = Regulator.parse(str(regulator))
    except ValueError as error:
        raise EnergyInputError(f"--regulator: {error}") from None
    return EnergySettings(chosen, float(supply_volts), DutyCycle.parse(duty) if duty else None,
                          Battery.parse(battery) if battery else None)


@dataclass(frozen=True)
class DutyEstimate:
    """Average current and battery life at a duty cycle."""

    duty: DutyCycle
    active_share: float  # the fraction of time spent in inference
    average_amps: float
    battery: Battery | None
    battery_hours: float | None


@dataclass(frozen=True)
class EnergyEstimate:
    """The estimate for one inference of `cycles` at `clock_hz`, with every figure it used."""

    cycles: int
    cycles_kind: str  # "estimated cycles" (the engine's model) or "DWT cycles" (a board)
    clock_hz: int
    settings: EnergySettings
    currents: SupplyCurrents
    seconds: float
    run_amps: float
    run_watts: float
    joules: float
    duty: DutyEstimate | None

    @property
    def microjoules(self) -> float:
        return self.joules * 1e6

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "estimate": True,
            "cycles": self.cycles,
            "cycles_kind": self.cycles_kind,
            "clock_hz": self.clock_hz,
            "regulator": str(self.settings.regulator),
            "supply_volts": self.settings.supply_volts,
            "run_current_ma": self.run_amps * 1e3,
            "sleep_current_ua": sleep_amps(self.currents) * 1e6,
            "figures_source": FIGURES_SOURCE,
            "seconds_per_inference": self.seconds,
            "run_power_mw": self.run_watts * 1e3,
            "energy_uj_per_inference": self.microjoules,
        }
        if self.duty is not None:
            d = self.duty
            data["duty"] = {
                "text": d.duty.text, "inferences_per_second": d.duty.per_second,
                "active_share": d.active_share, "average_current_ua": d.average_amps * 1e6,
                "battery": d.battery.text if d.battery else None,
                "battery_hours": d.battery_hours,
                "battery_days": d.battery_hours / 24 if d.battery_hours is not None else None,
            }
        return data

    def summary(self) -> str:
        """One line: energy, power and time, the regulator and supply, and the duty's figures."""
        s = self.settings
        text = (f"~{self.microjoules:,.1f} uJ ({self.run_watts * 1e3:.2f} mW for {self.seconds * 1e3:.3f} ms; "
                f"{'LDO' if s.regulator is Regulator.LDO else 'DC/DC'}, {s.supply_volts:g} V)")
        if self.duty is not None:
            text += f"; at {self.duty.duty.text}: average {self.duty.average_amps * 1e6:,.1f} uA"
            if self.duty.battery is not None and self.duty.battery_hours is not None:
                text += f", {self.duty.battery.text} lasts ~{_duration(self.duty.battery_hours)}"
        return text + " (estimate, chip only)"

    def format_lines(self) -> list[str]:
        s = self.settings
        lines = [
            f"energy    ~{self.microjoules:,.1f} uJ per inference (estimate: {self.cycles:,} {self.cycles_kind} at "
            f"{self.clock_hz / 1e6:g} MHz = {self.seconds * 1e3:.3f} ms, {self.run_watts * 1e3:.2f} mW while running)",
            f"          assumed: {s.regulator.name if s.regulator is Regulator.LDO else 'DC/DC'} regulator, "
            f"{s.supply_volts:g} V supply, {self.run_amps * 1e3:g} mA running from flash, "
            f"{sleep_amps(self.currents) * 1e6:g} uA asleep (System ON); {FIGURES_SOURCE}",
        ]
        if self.duty is not None:
            d = self.duty
            text = (f"duty      {d.duty.text}: {d.active_share:.4%} of the time in inference, "
                    f"average {d.average_amps * 1e6:,.1f} uA")
            if d.battery is not None and d.battery_hours is not None:
                text += f"; {d.battery.text} lasts ~{_duration(d.battery_hours)} (chip only, estimate)"
            lines.append(text)
        return lines


def estimate(cycles: int, clock_hz: int, currents: SupplyCurrents, settings: EnergySettings,
             cycles_kind: str = "estimated cycles") -> EnergyEstimate:
    """The energy of one inference and, with a duty cycle, the average current and battery life.

    Raises:
        EnergyInputError: the duty cycle asks for more inferences than fit in the time.
    """
    if cycles < 0 or clock_hz <= 0:
        raise ValueError(f"cycles {cycles} and clock {clock_hz} Hz must be non-negative and positive")
    seconds = cycles / clock_hz
    running = run_amps(currents, settings.regulator, clock_hz)
    run_watts = settings.supply_volts * running
    duty = None
    if settings.duty is not None:
        share = settings.duty.per_second * seconds
        if share > 1:
            most = math.floor(1 / seconds) if seconds else 0
            raise EnergyInputError(
                f"--duty {settings.duty.text}: one inference takes {seconds * 1e3:.3f} ms, so at most {most} fit "
                "in a second; choose a lower rate"
            )
        average = share * running + (1 - share) * sleep_amps(currents)
        hours = settings.battery.amp_hours / average if settings.battery is not None else None
        duty = DutyEstimate(settings.duty, share, average, settings.battery, hours)
    return EnergyEstimate(cycles, cycles_kind, clock_hz, settings, currents, seconds, running, run_watts,
                          run_watts * seconds, duty)


def _duration(hours: float) -> str:
    if hours < 48:
        return f"{hours:,.1f} hours"
    if hours < 24 * 365 * 2:
        return f"{hours / 24:,.1f} days"
    return f"{hours / 24 / 365:,.1f} years"
