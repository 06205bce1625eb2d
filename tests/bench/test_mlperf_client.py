"""bench/mlperf_client.py's parsing and errors, without firmware (tests/firmware/shell has the exchanges)."""
from __future__ import annotations

import pytest

from tflm_bench.mlperf_client import InferResult, MlperfDut, MlperfError, parse_lap, parse_results


def test_results_and_laps_parse_as_printed() -> None:
    assert parse_results("m-results-[0.008,-1.250,12.000]") == ("0.008", "-1.250", "12.000")
    assert parse_lap("m-lap-us-4294967295") == 4294967295
    with pytest.raises(MlperfError, match="expected m-results"):
        parse_results("m-results-0.1")
    with pytest.raises(MlperfError, match="expected m-lap-us"):
        parse_lap("m-lap-us-")


def test_throughput_survives_one_wrap_of_the_u32_clock() -> None:
    result = InferResult(runs=10, warmup=2, lap_us=(4294967000, 704), results=("0.500",))
    assert result.elapsed_us == 1000
    assert result.us_per_inference == 100.0 and result.inferences_per_s == 10000.0
    assert result.values == (0.5,)


def test_a_port_that_cannot_be_opened_names_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(MlperfError, match="cannot open .*missing"):
        MlperfDut(str(tmp_path / "missing"))
