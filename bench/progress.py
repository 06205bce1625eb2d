"""Progress of a long run on stderr: a bar with rate and ETA on a terminal, plain lines every
few seconds elsewhere (CI logs). Kept minimal: `counting(total)` then `after(result)` per item."""
from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    def __init__(self, label: str = "samples", stream: TextIO | None = None, interval_s: float = 10.0,
                 enabled: bool = True) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.interval_s = interval_s
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = 0
        self.done = 0
        self._start = self._last = 0.0

    @contextmanager
    def counting(self, total: int) -> Iterator[Progress]:
        self.total, self.done = total, 0
        self._start = self._last = time.monotonic()
        try:
            yield self
        finally:
            if self.enabled and self.total:
                self._write(final=True)

    def after(self, result: object = None, count: int = 1) -> None:
        """Count `count` finished items (`result` is accepted for a richer progress display)."""
        self.done += count
        now = time.monotonic()
        # A terminal redraws at most 10 times a second; a log gets a line per interval.
        if self.enabled and now - self._last >= (0.1 if self.tty else self.interval_s) and self.done < self.total:
            self._last = now
            self._write(final=False)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self._start
        return self.done / elapsed if elapsed > 0 else 0.0

    def _write(self, final: bool) -> None:
        rate = self.rate
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        stats = f"{self.done}/{self.total} {self.label}, {rate:.1f}/s, ETA {_duration(eta)}"
        if self.tty:
            width = 24
            filled = int(width * self.done / self.total) if self.total else width
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {stats}\033[K" + ("\n" if final else ""))
        else:
            self.stream.write(f"progress: {stats}\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"
