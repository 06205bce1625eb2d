"""The list of operators the built-in runtime supports, generated from the op registry.

`tflm-bench ops --markdown > docs/supported-ops.md` writes the committed page; a test checks
that the page matches the code.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tflm_bench.generator import ANY_TYPE as ANY, TFLM_BUILTIN_OPS, TFLM_UNDEFINED, OpHandler, op_handlers as handlers, supported_configs, supported_ops


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
    return "\n".join(lines) + "\n\n" + coverage_markdown()


def ops_text() -> str:
    table = ops_table()
    width = max((len(name) for name, _ in table), default=0)
    return "\n".join(f"{name:<{width}}  {types}" for name, types in table)


# -- ours against TFLM's builtin operators (generator/ops/tflm_ops.py) -------------------------

# TFLM's "16x8" (int16 activations, int8 weights) is what an op module calls int16 for these ops.
_WEIGHTED_INT16 = "16x8"


@dataclass(frozen=True)
class OpCoverage:
    """One TFLM builtin operator: its type configurations, and which of them the built-in runtime runs."""

    name: str
    tflm: tuple[str, ...]
    ours: tuple[str, ...]  # the subset of `tflm` supported (all of them for an "any" kernel)
    registered: bool  # the built-in runtime has the operator at all

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c for c in self.tflm if c not in self.ours)


def covers(ours: tuple[str, ...], config: str, tflm: tuple[str, ...]) -> bool:
    """Whether our configurations run TFLM's `config` of an operator whose configurations are `tflm`."""
    if config in ours or ANY in ours or config == ANY:
        return True
    return config == _WEIGHTED_INT16 and "int16" in ours and "int16" not in tflm


def coverage(registry: Mapping[str, OpHandler] | None = None,
             tflm_ops: Mapping[str, tuple[str, ...]] | None = None) -> list[OpCoverage]:
    """Every TFLM builtin operator, by name, with what the registry (default: ours) supports of it."""
    registry = handlers() if registry is None else registry
    tflm_ops = TFLM_BUILTIN_OPS if tflm_ops is None else tflm_ops
    rows = []
    for name, configs in sorted(tflm_ops.items()):
        handler = registry.get(name)
        ours = supported_configs(handler) if handler is not None else ()
        rows.append(OpCoverage(name, configs, tuple(c for c in configs if handler is not None and covers(ours, c, configs)),
                               handler is not None))
    return rows


def missing_text(registry: Mapping[str, OpHandler] | None = None,
                 tflm_ops: Mapping[str, tuple[str, ...]] | None = None) -> str:
    """One line per TFLM builtin operator the built-in runtime lacks or runs in fewer types;
    empty when it runs them all. A type whose result TFLM leaves undefined says so (TFLM_UNDEFINED)."""
    rows = [row for row in coverage(registry, tflm_ops) if row.missing]
    width = max((len(row.name) for row in rows), default=0)
    lines = []
    for row in rows:
        what = "not supported: " if not row.registered else "missing types: "
        configs = [f"{c} (undefined in TFLM: {TFLM_UNDEFINED[row.name, c]})" if (row.name, c) in TFLM_UNDEFINED else c
                   for c in row.missing]
        lines.append(f"{row.name:<{width}}  {what}{', '.join(configs)}")
    return "".join(line + "\n" for line in lines)


_MATRIX_COLUMNS = ("int8", "16x8", "int16", "8x4", "int32", "int64", "uint8", "float32", "bool", ANY)


def _cell(row: OpCoverage, column: str) -> str:
    if column not in row.tflm:
        return ""
    return "yes" if column in row.ours else "**no**"


def coverage_markdown() -> str:
    """The per-operator, per-type table: TFLM's builtin operators, ours against TFLM."""
    rows = coverage()
    runs = sum(1 for row in rows if row.registered)
    complete = sum(1 for row in rows if row.registered and not row.missing)
    lines = [
        "## Against TFLM's builtin operators",
        "",
        f"TFLM registers {len(rows)} builtin operators (`MicroMutableOpResolver`); the built-in runtime runs "
        f"{runs} of them, {complete} in every type TFLM's reference kernels accept. Per operator and type "
        "configuration: `yes` both run it, **no** TFLM runs it and the built-in runtime does not, empty: TFLM "
        "does not run it either. `16x8`: int16 activations with int8 weights; `8x4`: int8 activations with "
        "int4 weights; `any`: TFLM's kernel has no type switch. TFLM's types are data in "
        "`generator/ops/tflm_ops.py`; `tflm-bench ops --missing` lists the gaps.",
        "",
        "| operator | " + " | ".join(_MATRIX_COLUMNS) + " | other (TFLM: ours) |",
        "|---|" + ":-:|" * len(_MATRIX_COLUMNS) + "---|",
    ]
    for row in rows:
        others = [c for c in row.tflm if c not in _MATRIX_COLUMNS]
        other = ", ".join(f"{c}: {'yes' if c in row.ours else '**no**'}" for c in others)
        lines.append(f"| `{row.name}` | " + " | ".join(_cell(row, c) for c in _MATRIX_COLUMNS) + f" | {other} |")
    return "\n".join(lines) + "\n"
