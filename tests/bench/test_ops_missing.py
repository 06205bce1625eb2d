"""`tflm-bench ops --missing`: TFLM's builtin operators and types the built-in runtime lacks."""
from __future__ import annotations

from dataclasses import replace

import pytest

from tflm_bench.cli import main
from tflm_bench.generator.ops.registry import handlers, parse_types, supported_configs
from tflm_bench.generator.ops.tflm_ops import TFLM_BUILTIN_OPS
from tflm_bench.ops_doc import coverage, missing_text


def _fully_covered_tflm() -> dict[str, tuple[str, ...]]:
    """A TFLM table holding only what our registry runs (as if TFLM ran nothing else)."""
    return {row.name: row.ours for row in coverage() if row.ours}


def test_an_operator_taken_out_of_the_registry_is_listed_as_not_supported() -> None:
    tflm = _fully_covered_tflm()
    assert missing_text(handlers(), tflm) == ""
    without_add = {name: h for name, h in handlers().items() if name != "ADD"}
    assert missing_text(without_add, tflm) == f"ADD  not supported: {', '.join(tflm['ADD'])}\n"


def test_a_type_taken_out_of_an_operator_is_listed_as_missing() -> None:
    tflm = _fully_covered_tflm()
    registry = dict(handlers())
    registry["SOFTMAX"] = replace(registry["SOFTMAX"], type_configs=("float32",))
    lacking = [c for c in tflm["SOFTMAX"] if c != "float32"]
    assert lacking and missing_text(registry, tflm) == f"SOFTMAX  missing types: {', '.join(lacking)}\n"


def test_a_tflm_type_we_lack_is_listed_with_the_operator() -> None:
    registry = {"RELU": replace(handlers()["RELU"], type_configs=("int8", "float32"))}
    tflm = {"RELU": ("float32", "int8", "int16"), "ABS": ("float32",)}
    assert missing_text(registry, tflm) == "ABS   not supported: float32\nRELU  missing types: int16\n"


def test_int16_of_a_weighted_operator_is_tflm_16x8() -> None:
    registry = {"CONV_2D": replace(handlers()["CONV_2D"], type_configs=("int8", "int16", "float32"))}
    assert missing_text(registry, {"CONV_2D": ("float32", "int8", "8x4", "16x8")}) == "CONV_2D  missing types: 8x4\n"


def test_a_type_agnostic_tflm_kernel_is_covered_by_the_operator() -> None:
    registry = {"RESHAPE": handlers()["RESHAPE"]}
    assert missing_text(registry, {"RESHAPE": ("any",)}) == ""
    assert missing_text({}, {"RESHAPE": ("any",)}) == "RESHAPE  not supported: any\n"


@pytest.mark.parametrize("text, configs", [
    ("int8, float32 (broadcasting up to 6-D, fused NONE/RELU)", ("int8", "float32")),
    ("int8 (per-channel or per-tensor int8 filter, int32 bias), float32; SAME/VALID, strides", ("int8", "float32")),
    ("float32 -> int8, int8 -> int8, uint8 -> int8", ("float32->int8", "int8->int8", "uint8->int8")),
    ("int8, int16, int32, float32 with a constant pad value; up to 5-D", ("int8", "int16", "int32", "float32")),
    ("any input type -> int32 (static shape, a constant copy)", ("any",)),
    ("a table, no types", ()),
    ("int16 (16x8: int8 weights (per channel), int64 bias), int8", ("int16", "int8")),
])
def test_free_text_types_parse_to_configurations(text: str, configs: tuple[str, ...]) -> None:
    assert parse_types(text) == configs


def test_every_registered_operator_names_its_types_in_tflms_vocabulary() -> None:
    vocabulary = {c for configs in TFLM_BUILTIN_OPS.values() for c in configs} | {"uint8", "int32", "int16", "int8"}
    for name, handler in handlers().items():
        configs = supported_configs(handler)
        assert configs, (f"{name}: no type configuration could be read from types={handler.types!r}; start it with "
                         "the types (e.g. 'int8, int16 (...)') or set type_configs")
        if name in TFLM_BUILTIN_OPS:
            assert set(configs) <= vocabulary | {"any"}, f"{name}: {configs} has names tflm_ops.py does not use"


def test_the_cli_prints_the_gaps_and_nothing_when_there_are_none(capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert main(["ops", "--missing"]) == 0
    out = capsys.readouterr().out
    assert out == missing_text()
    assert all(line.split()[0] in TFLM_BUILTIN_OPS for line in out.splitlines())
    import tflm_bench.ops_doc as ops_doc

    monkeypatch.setattr(ops_doc, "TFLM_BUILTIN_OPS", _fully_covered_tflm())
    assert main(["ops", "--missing"]) == 0
    assert capsys.readouterr().out == ""


def test_markdown_and_missing_together_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["ops", "--markdown", "--missing"]) == 2
    assert "not both" in capsys.readouterr().err
