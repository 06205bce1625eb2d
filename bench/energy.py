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
from enum import StrEnum


class EnergyInputError(ValueError):
    """An energy option the user gave cannot be read (the message names the accepted forms)."""


class Regulator(StrEnum):
    """The nRF52840's main regulator: the datasheet gives the CPU's current for each."""

    DCDC = "dcdc"
    LDO = "ldo"

    @classmethod
    def default(cls) -> Regulator:
        return cls.DCDC


@dataclass(frozen=True)
class CurrentFigures:
    """Typical supply currents of the chip, in amperes, and the supply they were given for."""

    run_dcdc: float  # CPU at the core clock running from flash, HFXO, DC/DC regulator
    run_ldo: float  # the same with the LDO regulator
    sleep: float  # System ON, all RAM retained, woken by the RTC: between periodic inferences
    rated_volts: float  # the supply voltage of the figures
    source: str  # where the figures come from, printed beside every estimate

    def run(self, regulator: Regulator) -> float:
        return self.run_dcdc if regulator is Regulator.DCDC else self.run_ldo


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
    figures: CurrentFigures
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
            "sleep_current_ua": self.figures.sleep * 1e6,
            "figures_source": self.figures.source,
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

    def format_lines(self) -> list[str]:
        s, f = self.settings, self.figures
        lines = [
            f"energy    ~{self.microjoules:,.1f} uJ per inference (estimate: {self.cycles:,} {self.cycles_kind} at "
            f"{self.clock_hz / 1e6:g} MHz = {self.seconds * 1e3:.3f} ms, {self.run_watts * 1e3:.2f} mW while running)",
            f"          assumed: {s.regulator.name if s.regulator is Regulator.LDO else 'DC/DC'} regulator, "
            f"{s.supply_volts:g} V supply, {self.run_amps * 1e3:g} mA running from flash, "
            f"{f.sleep * 1e6:g} uA asleep (System ON); {f.source}",
        ]
        if self.duty is not None:
            d = self.duty
            text = (f"duty      {d.duty.text}: {d.active_share:.4%} of the time in inference, "
                    f"average {d.average_amps * 1e6:,.1f} uA")
            if d.battery is not None and d.battery_hours is not None:
                text += f"; {d.battery.text} lasts ~{_duration(d.battery_hours)} (chip only, estimate)"
            lines.append(text)
        return lines


def estimate(cycles: int, clock_hz: int, figures: CurrentFigures, settings: EnergySettings,
             cycles_kind: str = "estimated cycles") -> EnergyEstimate:
    """The energy of one inference and, with a duty cycle, the average current and battery life.

    Raises:
        EnergyInputError: the duty cycle asks for more inferences than fit in the time.
    """
    if cycles < 0 or clock_hz <= 0:
        raise ValueError(f"cycles {cycles} and clock {clock_hz} Hz must be non-negative and positive")
    seconds = cycles / clock_hz
    run_amps = figures.run(settings.regulator)
    run_watts = settings.supply_volts * run_amps
    duty = None
    if settings.duty is not None:
        share = settings.duty.per_second * seconds
        if share > 1:
            most = math.floor(1 / seconds) if seconds else 0
            raise EnergyInputError(
                f"--duty {settings.duty.text}: one inference takes {seconds * 1e3:.3f} ms, so at most {most} fit "
                "in a second; choose a lower rate"
            )
        average = share * run_amps + (1 - share) * figures.sleep
        hours = settings.battery.amp_hours / average if settings.battery is not None else None
        duty = DutyEstimate(settings.duty, share, average, settings.battery, hours)
    return EnergyEstimate(cycles, cycles_kind, clock_hz, settings, figures, seconds, run_amps, run_watts,
                          run_watts * seconds, duty)


def _duration(hours: float) -> str:
    if hours < 48:
        return f"{hours:,.1f} hours"
    if hours < 24 * 365 * 2:
        return f"{hours / 24:,.1f} days"
    return f"{hours / 24 / 365:,.1f} years"
