"""Pick an engine by name and configure it from a platform description."""
from __future__ import annotations

from pathlib import Path

from .engine import Engine
from .errors import EmulationError
from .repl import load

ENGINE_NAMES = ("builtin", "renode")


def create_engine(name: str, platform: Path, **options: object) -> Engine:
    """An unopened engine `name` for the .repl at `platform`; use it as a context manager."""
    if name == "builtin":
        from .builtin.engine import BuiltinEngine

        return BuiltinEngine(load(platform), **options)  # type: ignore[arg-type]
    if name == "renode":
        from .renode.engine import RenodeEngine

        return RenodeEngine(platform, **options)  # type: ignore[arg-type]
    raise EmulationError(f"unknown engine {name!r}; available: {', '.join(ENGINE_NAMES)}")
