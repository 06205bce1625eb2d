"""The project's import graph between files, read from the source with `ast` (nothing imported).

Every import counts: module level, inside functions (lazy), under TYPE_CHECKING, and
`from . import x`. An import names a file: `from pkg import x` is the file pkg/x.py when that
is a module, else pkg/__init__.py (x is a name the __init__ defines or re-exports).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Folder of the checkout -> the import name it installs as (setup.py's ROOTS).
ROOTS = {"bench": "tflm_bench", "generator": "tflm_bench.generator", "emulation": "tflm_bench.emulation"}


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (a file of the project)
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def project_modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for every .py under the data-flow folders of `root`."""
    modules = {}
    for folder, name in ROOTS.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join((name, *parts))] = path
    return modules


def _is_package(module: str, modules: dict[str, Path]) -> bool:
    return modules[module].name == "__init__.py"


def _resolve(node: ast.ImportFrom, module: str, modules: dict[str, Path]) -> str:
    if node.level == 0:
        return node.module or ""
    package = module if _is_package(module, modules) else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _nearest(name: str, modules: dict[str, Path]) -> str | None:
    """`name`, or the closest enclosing module the project has (None: not the project's)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, modules: dict[str, Path]) -> list[Import]:
    path = modules[module]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [_nearest(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, modules)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else _nearest(base, modules)
                       for a in node.names]
        found += [Import(module, t, node.lineno) for t in dict.fromkeys(targets) if t is not None and t != module]
    return found


def import_graph(root: Path) -> dict[str, list[Import]]:
    modules = project_modules(root)
    return {module: imports_of(module, modules) for module in modules}


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The import cycles: each strongly connected group of two or more files (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for edge in graph.get(node, ()):
            if edge.target not in index:
                visit(edge.target)
                low[node] = min(low[node], low[edge.target])
            elif edge.target in on_stack:
                low[node] = min(low[node], index[edge.target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)
