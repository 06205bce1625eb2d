"""Where the `renode` launcher is: $RENODE, else `renode` on PATH.

Both the description's `using "platforms/..."` lines (resolved under the launcher's tree, as
Renode resolves them) and the emulation's Renode engine need it, so it lives here.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "RENODE"
BINARY_NAME = "renode"


def find_renode(explicit: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The Renode launcher to run, or None: `explicit`, else $RENODE, else `renode` on $PATH."""
    env = os.environ if environ is None else environ
    for candidate in (explicit, env.get(ENV_VAR) or None):
        if candidate:
            path = Path(candidate).expanduser()
            return path if _is_executable(path) else None
    found = shutil.which(BINARY_NAME, path=env.get("PATH"))
    return Path(found) if found else None


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
