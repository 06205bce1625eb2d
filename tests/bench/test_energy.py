"""The energy estimate's arithmetic, checked against the formula in bench/energy.py's docstring
on round figures, and its refusals."""
from __future__ import annotations

import pytest

from tflm_bench.board import NRF52840_CURRENTS as FIGURES
from tflm_bench.energy import Battery, DutyCycle, EnergyInputError, EnergySettings, Regulator, estimate


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
    assert "990.0 uJ" in text and "27.5 days" in text and "data-sheet typical currents" in text
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


def test_the_run_current_scales_with_the_clock() -> None:
    """A platform at 32 MHz: half the data sheet's 64 MHz current, for twice the time."""
    fast = estimate(6_400_000, 64_000_000, FIGURES, EnergySettings())
    slow = estimate(6_400_000, 32_000_000, FIGURES, EnergySettings())
    assert slow.run_amps == pytest.approx(fast.run_amps / 2) and slow.seconds == pytest.approx(2 * fast.seconds)
    assert slow.joules == pytest.approx(fast.joules)


def test_run_reports_energy_by_the_documented_formula(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The sine model's estimated cycles through the formula in bench/energy.py, against the report."""
    import json

    from tflm_bench.cli import main

    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    out = tmp_path / "r.json"
    assert main(["run", str(root / "models" / "sine_int8.tflite"), "--count", "2", "--no-tflite", "--duty", "10/min",
                 "--battery", "1.2Ah", "--supply-volts", "3.3", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    cycles = max(r["estimated_cycles"] for r in data["results"])
    energy = data["energy"]
    seconds = cycles / 64e6
    assert energy["cycles"] == cycles and energy["seconds_per_inference"] == pytest.approx(seconds)
    assert energy["energy_uj_per_inference"] == pytest.approx(3.3 * 3.3e-3 * seconds * 1e6)
    share = seconds / 6
    average = share * 3.3e-3 + (1 - share) * 3.16e-6
    assert energy["duty"]["average_current_ua"] == pytest.approx(average * 1e6)
    assert energy["duty"]["battery_hours"] == pytest.approx(1.2 / average)
