"""Where the bench keeps what it builds: one per-user cache, never site-packages or the cwd."""
from __future__ import annotations

import os
from pathlib import Path

BUILD_ENV = "TFLM_BENCH_BUILD"


def cache_root() -> Path:
    """$TFLM_BENCH_BUILD, else $XDG_CACHE_HOME/tflm-bench, else ~/.cache/tflm-bench."""
    override = os.environ.get(BUILD_ENV)
    if override:
        return Path(override).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return (base / "tflm-bench").resolve()
