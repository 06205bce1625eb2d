"""The data flow is model -> generator -> firmware -> engine -> verdict: bench/ reaches the
generator and emulation stages only through their public entries (their package __init__)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = {"tflm_bench.generator", "tflm_bench.emulation"}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "bench").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_bench_imports_only_stage_entries(path: Path) -> None:
    deep = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if any(module.startswith(entry + ".") for entry in ENTRIES)
    ]
    assert not deep, "bench/ must import the stage entries tflm_bench.generator / tflm_bench.emulation: " + "; ".join(deep)


def test_the_check_sees_a_deep_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from tflm_bench.generator.planner import plan_arena\nimport tflm_bench.emulation.repl\n")
    assert [m for _, m in _imports(sample)] == ["tflm_bench.generator.planner", "tflm_bench.emulation.repl"]
