"""Budget assertions and the mapping of CYCCNT reads to layers, on hand-made results."""
from __future__ import annotations

import pytest

from tflm_bench.assertions import (
    assert_estimated_cycles_within,
    assert_instructions_within,
    assert_layer_within,
)
from tflm_bench.emulation.engine import CyccntRead
from tflm_bench.profile import estimate_invoke, format_profile, layer_profiles, op_profiles
from tflm_bench.report import InputResult
from tflm_bench.generator import LayerInfo


def result(index: int, layers: tuple[int, ...], cycles: tuple[int, ...] | None) -> InputResult:
    return InputResult(index, (), sum(layers) + 10, layers,
                       None if cycles is None else sum(cycles) + 20, cycles)


RESULTS = [result(0, (100, 300), (150, 420)), result(1, (110, 290), (160, 400))]


def test_budgets_pass_and_fail_with_the_worst_input() -> None:
    assert_instructions_within(RESULTS, 420)
    assert_layer_within(RESULTS, 0, 110)
    assert_layer_within(RESULTS, 1, 420, metric="estimated_cycles")
    assert_estimated_cycles_within(RESULTS, 590)
    with pytest.raises(AssertionError, match="layer 0 took 110 instructions on input 1, over its budget of 105"):
        assert_layer_within(RESULTS, 0, 105)
    with pytest.raises(AssertionError, match="input 0 took 590 estimated cycles"):
        assert_estimated_cycles_within(RESULTS, 500)
    with pytest.raises(AssertionError, match="layer 5 does not exist"):
        assert_layer_within(RESULTS, 5, 1)
    with pytest.raises(AssertionError, match="no cycle model"):
        assert_estimated_cycles_within([result(0, (1,), None)], 10)


def test_reads_map_to_layers_only_when_they_match_the_device() -> None:
    # start, layer 0 begin/end, layer 1 begin/end, end: CYCCNT values and estimates.
    reads = [CyccntRead(v, v, e) for v, e in
             [(1000, 5000), (1010, 5015), (1110, 5165), (1115, 5172), (1415, 5600), (1420, 5610)]]
    estimate = estimate_invoke(reads, 420, (100, 300))
    assert estimate is not None and estimate.total == 610 and estimate.layers == (150, 428)
    assert estimate_invoke(reads, 421, (100, 300)) is None          # totals disagree
    assert estimate_invoke(reads[:-1], 420, (100, 300)) is None     # a read missing
    assert estimate_invoke(None, 420, (100, 300)) is None           # engine without a model


def test_profile_tables() -> None:
    layers = (LayerInfo(0, 0, "FULLY_CONNECTED", 16), LayerInfo(1, 1, "QUANTIZE", 0),
              LayerInfo(2, 2, "FULLY_CONNECTED", 256))
    profiles = layer_profiles(layers, (160, 40, 1280), (200, 50, 1600))
    assert profiles[0].instructions_per_mac == 10 and profiles[1].instructions_per_mac is None
    fc, quantize = op_profiles(profiles)
    assert (fc.layers, fc.instructions, fc.estimated_cycles, fc.macs) == (2, 1440, 1800, 272)
    text = "\n".join(format_profile(profiles))
    assert "est. cycles" in text and "instr/MAC" in text and "QUANTIZE" in text


def test_profile_tables_show_shares_output_names_and_heaviest_op_types_first() -> None:
    layers = (LayerInfo(0, 0, "QUANTIZE", 0), LayerInfo(1, 1, "FULLY_CONNECTED", 16))
    profiles = layer_profiles(layers, (25, 75), None)
    lines = format_profile(profiles, ("in_q", "dense/MatMul;dense/BiasAdd"))
    assert lines[0].endswith("  output")
    assert lines[1].rstrip().endswith("25.0%            -          0         -  in_q")
    assert lines[2].endswith("  dense/MatMul")  # the first of the fused names
    op_lines = lines[lines.index("") + 2:]
    assert op_lines[0].startswith("FULLY_CONNECTED") and "75.0%" in op_lines[0]
