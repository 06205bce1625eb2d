"""Finding Renode: the RENODE environment variable, then `renode` on PATH; pyrenode3 if importable."""
from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path

from tflm_bench.board import RENODE_BINARY as BINARY_NAME, RENODE_ENV_VAR as ENV_VAR, find_renode

from .errors import RenodeNotInstalled

__all__ = ["BINARY_NAME", "ENV_VAR", "find_renode", "pyrenode3_importable", "renode_available", "require_renode"]


def require_renode(explicit: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Like find_renode, but raises RenodeNotInstalled naming what was tried."""
    binary = find_renode(explicit, environ)
    if binary is not None:
        return binary
    env = os.environ if environ is None else environ
    given = explicit or env.get(ENV_VAR)
    detail = f"{given} is not an executable file" if given else f"no `{BINARY_NAME}` on PATH and {ENV_VAR} is unset"
    raise RenodeNotInstalled(detail)


def pyrenode3_importable() -> bool:
    """pyrenode3 is installed (it still needs a Renode package to start)."""
    return importlib.util.find_spec("pyrenode3") is not None


def renode_available(environ: Mapping[str, str] | None = None) -> bool:
    """A Renode binary is found, or pyrenode3 can be imported."""
    return find_renode(environ=environ) is not None or pyrenode3_importable()

