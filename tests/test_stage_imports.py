"""The stage rules, checked on every file of generator/, emulation/ and bench/ (every import:
module level, inside functions, under TYPE_CHECKING; tests/support/import_graph.py reads them).

The data flow is model -> generator -> firmware -> engine -> verdict, and all three stages read
the board from one stage-neutral place:

- neutral: the package `tflm_bench.board` (bench/board/: the platform description, its parser,
  the board facts) and the module `tflm_bench.cache` (where built things are kept). The cache
  stays where it is, a one-function module of the root package rather than a "board" fact; it
  is declared neutral here. Neutral code imports no stage (nor any other bench module).
- generator/ imports nothing of emulation/ or bench/ but the neutral entries `tflm_bench.board`
  and `tflm_bench.cache`.
- emulation/ likewise: nothing of generator/ or bench/ but those two.
- bench/ reaches the stages only through their entries, `tflm_bench.generator`,
  `tflm_bench.emulation` and `tflm_bench.board` (their __init__), never the modules behind them.

And no import cycle between files anywhere: a module may import its own package's __init__
only if that __init__ does not import it back.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from support.import_graph import Import, cycles, import_graph

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("tflm_bench.generator", "tflm_bench.emulation", "tflm_bench.board")
NEUTRAL_ENTRIES = {"tflm_bench.board", "tflm_bench.cache"}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def stage_of(module: str) -> str:
    """generator, emulation, neutral or bench."""
    if _within(module, "tflm_bench.generator"):
        return "generator"
    if _within(module, "tflm_bench.emulation"):
        return "emulation"
    if _within(module, "tflm_bench.board") or module == "tflm_bench.cache":
        return "neutral"
    return "bench"


def why_forbidden(edge: Import) -> str | None:
    """The rule `edge` breaks, or None."""
    source, target = stage_of(edge.source), stage_of(edge.target)
    if source == target:
        return None
    if source == "neutral":
        return "the neutral package imports no stage"
    if source == "bench":
        entry = next((s for s in STAGES if _within(edge.target, s)), edge.target)  # tflm_bench.cache: itself
        return None if edge.target == entry else f"bench/ imports the stages only through their entry {entry}"
    if target == "neutral":
        return None if edge.target in NEUTRAL_ENTRIES else "a stage imports the neutral package through its entry tflm_bench.board"
    return f"{source}/ imports nothing of {target}/ (only the neutral tflm_bench.board / tflm_bench.cache)"


def violations(root: Path) -> list[str]:
    return [f"{edge}: {reason}" for edges in import_graph(root).values() for edge in edges
            if (reason := why_forbidden(edge)) is not None]


def test_every_import_keeps_the_stage_rules() -> None:
    assert violations(ROOT) == []


def test_no_import_cycle_between_files() -> None:
    assert cycles(import_graph(ROOT)) == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in ("bench", "generator", "emulation"):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "__init__.py").touch()
    return root


def test_the_check_catches_a_planted_cycle_through_lazy_and_relative_imports(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "generator/a.py": "def f():\n    from .b import g\n",
        "generator/b.py": "from . import c\n",
        "generator/c.py": "import tflm_bench.generator.a\n",
        "bench/reports/__init__.py": "def write():\n    from .html import render\n",
        "bench/reports/html.py": "from . import shared_helper\n",  # a name of the __init__: imports it back
        "bench/reports/figures.py": "from . import html\n",  # a submodule: no edge to the __init__
    })
    assert cycles(import_graph(root)) == [
        ["tflm_bench.generator.a", "tflm_bench.generator.b", "tflm_bench.generator.c"],
        ["tflm_bench.reports", "tflm_bench.reports.html"],
    ]


def test_the_check_catches_planted_forbidden_imports(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "bench/board/__init__.py": "from .facts import Board\n",
        "bench/board/facts.py": "def f():\n    from tflm_bench.emulation import Engine\n",
        "bench/cache.py": "",
        "bench/session.py": "from tflm_bench.board.facts import Board\nfrom tflm_bench.generator import build\n"
                            "from .cache import cache_root\n",
        "generator/targets.py": "from tflm_bench.board import Board\nfrom tflm_bench.cache import cache_root\n"
                                "from tflm_bench.emulation import Engine\nfrom tflm_bench.session import run\n",
        "emulation/engine.py": "from tflm_bench.board.facts import Board\n",
    })
    assert sorted(violations(root)) == sorted([
        "tflm_bench.session:1 imports tflm_bench.board.facts: bench/ imports the stages only through their entry "
        "tflm_bench.board",
        "tflm_bench.board.facts:2 imports tflm_bench.emulation: the neutral package imports no stage",
        "tflm_bench.generator.targets:3 imports tflm_bench.emulation: generator/ imports nothing of emulation/ "
        "(only the neutral tflm_bench.board / tflm_bench.cache)",
        "tflm_bench.generator.targets:4 imports tflm_bench.session: generator/ imports nothing of bench/ "
        "(only the neutral tflm_bench.board / tflm_bench.cache)",
        "tflm_bench.emulation.engine:1 imports tflm_bench.board.facts: a stage imports the neutral package "
        "through its entry tflm_bench.board",
    ])


@pytest.mark.parametrize("module, stage", [
    ("tflm_bench", "bench"), ("tflm_bench.reports.html", "bench"), ("tflm_bench.cache", "neutral"),
    ("tflm_bench.board", "neutral"), ("tflm_bench.board.description", "neutral"),
    ("tflm_bench.generator.ops.conv2d", "generator"), ("tflm_bench.emulation", "emulation"),
])
def test_stage_of(module: str, stage: str) -> None:
    assert stage_of(module) == stage
