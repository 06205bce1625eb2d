"""docs/supported-ops.md is generated from the op registry and must be up to date."""
from __future__ import annotations

from pathlib import Path

from tflm_bench.cli import main
from tflm_bench.generator.ops.registry import handlers
from tflm_bench.ops_doc import ops_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "supported-ops.md"


def test_committed_supported_ops_page_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == ops_markdown(), (
        "docs/supported-ops.md is stale: run `.venv/bin/tflm-bench ops --markdown > docs/supported-ops.md`"
    )


def test_every_registered_op_is_listed_with_its_types(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["ops", "--markdown"]) == 0
    text = capsys.readouterr().out
    assert text == ops_markdown()
    for name, handler in handlers().items():
        assert f"| `{name}` | {handler.types.replace('|', '/')} |" in text
