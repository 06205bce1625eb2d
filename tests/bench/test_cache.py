"""Where builds go: TFLM_BENCH_BUILD, else $XDG_CACHE_HOME/tflm-bench, else ~/.cache/tflm-bench."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.cache import cache_root


def test_explicit_build_dir_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TFLM_BENCH_BUILD", str(tmp_path / "b"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == (tmp_path / "b").resolve()


def test_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TFLM_BENCH_BUILD", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == (tmp_path / "xdg" / "tflm-bench").resolve()


def test_home_cache_when_nothing_is_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TFLM_BENCH_BUILD", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == (tmp_path / ".cache" / "tflm-bench").resolve()


def test_relative_xdg_is_ignored_as_the_spec_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TFLM_BENCH_BUILD", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == (tmp_path / ".cache" / "tflm-bench").resolve()
