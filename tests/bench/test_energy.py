"""The energy estimate's arithmetic, checked against the formula in bench/energy.py's docstring
on round figures, and its refusals."""
from __future__ import annotations

import pytest

from tflm_bench.energy import (
    Battery, CurrentFigures, DutyCycle, EnergyInputError, EnergySettings, Regulator, estimate,
)

# The nRF52840 datasheet's typical figures at 3.0 V (REFERENCE section 9).
FIGURES = CurrentFigures(run_dcdc=3.3e-3, run_ldo=6.3e-3, sleep=3.16e-6, rated_volts=3.0, source="test figures")


def test_one_inference_is_power_times_time() -> None:
    # 6.4 M cycles at 64 MHz = 100 ms; 3.0 V x 3.3 mA = 9.9 mW; 9.9 mW x 0.1 s = 990 uJ.
    result = estimate(6_400_000, 64_000_000, FIGURES, EnergySettings())
    assert result.seconds == pytest.approx(0.1)
    assert result.run_watts == pytest.approx(9.9e-3)
    assert result.microjoules == pytest.approx(990.0)
    assert result.duty is None


def test_the_ldo_and_the_supply_scale_the_power() -> None:
    result = estimate(6_400_000, 64_000_000, FIGURES, EnergySettings(Regulator.LDO, supply_volts=3.3))
    assert result.run_amps == 6.3e-3
    assert result.microjoules == pytest.approx(3.3 * 6.3e-3 * 0.1 * 1e6)


def test_duty_cycle_and_battery_life() -> None:
    settings = EnergySettings(duty=DutyCycle.parse("1/s"), battery=Battery.parse("220mAh"))
    result = estimate(6_400_000, 64_000_000, FIGURES, settings)
    assert result.duty is not None
    # 10% of the time at 3.3 mA, 90% asleep at 3.16 uA.
    average = 0.1 * 3.3e-3 + 0.9 * 3.16e-6
    assert result.duty.active_share == pytest.approx(0.1)
    assert result.duty.average_amps == pytest.approx(average)
    assert result.duty.battery_hours == pytest.approx(0.220 / average)
    text = "\n".join(result.format_lines())
    assert "990.0 uJ" in text and "27.5 days" in text and "test figures" in text
    data = result.to_dict()
    assert data["estimate"] is True and data["duty"]["battery_days"] == pytest.approx(0.220 / average / 24)


@pytest.mark.parametrize("text,per_second", [("1/s", 1.0), ("30/min", 0.5), ("4/h", 4 / 3600), ("12/day", 12 / 86400),
                                             (" 2.5 / s ", 2.5)])
def test_duty_forms(text: str, per_second: float) -> None:
    assert DutyCycle.parse(text).per_second == pytest.approx(per_second)


@pytest.mark.parametrize("text", ["1", "1/week", "0/s", "-1/s", "x/s", ""])
def test_bad_duty_names_the_forms(text: str) -> None:
    with pytest.raises(EnergyInputError, match="e.g. --duty 1/s"):
        DutyCycle.parse(text)


@pytest.mark.parametrize("text,amp_hours", [("220mAh", 0.22), ("1.2Ah", 1.2), ("500 MAH", 0.5)])
def test_battery_forms(text: str, amp_hours: float) -> None:
    assert Battery.parse(text).amp_hours == pytest.approx(amp_hours)


def test_bad_battery_and_supply_are_refused() -> None:
    with pytest.raises(EnergyInputError, match="mAh or Ah"):
        Battery.parse("220")
    with pytest.raises(EnergyInputError, match="1.7 V to 5.5 V"):
        EnergySettings(supply_volts=12)
    with pytest.raises(EnergyInputError, match="--battery needs --duty"):
        EnergySettings(battery=Battery.parse("220mAh"))


def test_a_duty_faster_than_the_model_is_refused() -> None:
    with pytest.raises(EnergyInputError, match="at most 10 fit in a second"):
        estimate(6_400_000, 64_000_000, FIGURES, EnergySettings(duty=DutyCycle.parse("11/s")))
