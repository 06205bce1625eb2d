"""Progress of long runs on stderr: one updating line on a terminal, sparse plain lines in CI logs.

    progress = Progress("inputs")
    progress.note("building firmware")          # a plain line, never overwritten
    with progress.counting(len(samples)):
        for sample in samples:
            run(sample)
            progress.advance()

On a TTY the line `inputs 12/32 (37%) 4.1 inputs/s ETA 5s` is redrawn in place (at most ten times a
second, so a fast loop does not spend its time drawing). Elsewhere (CI logs, pipes) carriage
returns would pile up into one unreadable line, so a plain line is written every `interval_s`
seconds or at each further 10% - but never more than once a second, so a quick run prints only
its final line.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

T = TypeVar("T")

TTY_REDRAW_S = 0.1
PLAIN_MIN_GAP_S = 1.0


def format_duration(seconds: float) -> str:
    """3s, 1m05s, 2h03m: short enough for a status line."""
    whole = max(0, int(round(seconds)))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


class Progress:
    """Counts finished items of a known total and shows rate and ETA on `stream` (stderr)."""

    def __init__(
        self,
        unit: str = "inputs",
        stream: TextIO | None = None,
        tty: bool | None = None,
        interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool = True,  # False: count silently (an API caller that wants no output)
    ) -> None:
        self.enabled = enabled
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.tty = tty if tty is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval_s = interval_s
        self.clock = clock
        self.total = 0
        self.done = 0
        self._started = 0.0
        self._last_emit = 0.0
        self._next_decile = 1
        self._line_open = False  # a TTY status line is on screen and must be cleared first

    # -- plain messages ------------------------------------------------------------------------
    def note(self, message: str) -> None:
        """A line that stays: a phase such as a firmware build."""
        self._clear()
        self._write(f"tflm-bench: {message}\n")

    # -- counting --------------------------------------------------------------------------------
    @contextmanager
    def counting(self, total: int) -> Iterator[Progress]:
        """Count `total` items inside the block; the final line is written even on an error."""
        self.start(total)
        try:
            yield self
        finally:
            self.finish()

    def start(self, total: int) -> None:
        self.total, self.done = max(0, total), 0
        self._started = self._last_emit = self.clock()
        self._next_decile = 1
        if self.tty and self.total:
            self._draw()

    def after(self, item: T) -> T:
        """advance() in an expression: `[progress.after(run(x)) for x in xs]`."""
        self.advance()
        return item

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        now = self.clock()
        if self.tty:
            if now - self._last_emit >= TTY_REDRAW_S or self.done == self.total:
                self._last_emit = now
                self._draw()
            return
        crossed = self.total > 0 and self.done * 10 >= self._next_decile * self.total
        if crossed:
            self._next_decile = self.done * 10 // self.total + 1
        due = now - self._last_emit >= self.interval_s or (crossed and now - self._last_emit >= PLAIN_MIN_GAP_S)
        if due and self.done < self.total:
            self._last_emit = now
            self._write(self.status() + "\n")

    def finish(self) -> None:
        if not self.total and not self.done:
            return
        elapsed = self.clock() - self._started
        self._clear()
        rate = f", {self.done / elapsed:.1f} {self.unit}/s" if elapsed > 0 else ""
        # An error or a signal ends the block early: the line must not read as finished.
        ended = "done in" if self.done >= self.total else "stopped after"
        self._write(f"{self.unit} {self.done}/{self.total} {ended} {format_duration(elapsed)}{rate}\n")
        self.total = self.done = 0

    # -- the status line -------------------------------------------------------------------------
    def status(self) -> str:
        """`inputs 12/32 (37%) 4.1 inputs/s ETA 5s`."""
        elapsed = self.clock() - self._started
        parts = [f"{self.unit} {self.done}/{self.total}"]
        if self.total:
            parts.append(f"({100 * self.done // self.total}%)")
        if self.done and elapsed > 0:
            rate = self.done / elapsed
            parts.append(f"{rate:.1f} {self.unit}/s")
            if self.total:
                parts.append(f"ETA {format_duration((self.total - self.done) / rate)}")
        return " ".join(parts)

    def _draw(self) -> None:
        self._write("\r\x1b[K" + self.status())
        self._line_open = True

    def _clear(self) -> None:
        if self._line_open:
            self._write("\r\x1b[K")
            self._line_open = False

    def _write(self, text: str) -> None:
        if not self.enabled:
            return
        self.stream.write(text)
        self.stream.flush()
