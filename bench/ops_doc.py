"""The list of operators the built-in runtime supports, generated from the op registry.

`tflm-bench ops --markdown > docs/supported-ops.md` writes the committed page; a test checks
that the page matches the code.
"""
from __future__ import annotations

from tflm_bench.generator import supported_ops


def ops_table() -> list[tuple[str, str]]:
    """(operator, supported types) for every registered handler, by name."""
    return supported_ops()


def ops_markdown() -> str:
    lines = [
        "# Supported operators",
        "",
        "Operators the built-in runtime (the generated C firmware) runs, with the tensor types each",
        "supports. Generated from the op modules in `generator/ops/` by",
        "`tflm-bench ops --markdown > docs/supported-ops.md`; do not edit by hand.",
        "",
        "Integer outputs are checked bit-exact against TFLM; float32 outputs within the tolerance in",
        "`bench/compare.py` (`FLOAT_TOLERANCE_ULP`).",
        "",
        "| operator | types |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {types.replace('|', '/')} |" for name, types in ops_table()]
    return "\n".join(lines) + "\n"


def ops_text() -> str:
    table = ops_table()
    width = max((len(name) for name, _ in table), default=0)
    return "\n".join(f"{name:<{width}}  {types}" for name, types in table)
