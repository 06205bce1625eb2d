"""Ctrl-C and SIGTERM during emulation: stop the emulator first, then let the signal act.

Python runs a signal's handler at the next bytecode it executes, which in the built-in engine
is often inside a Unicorn MMIO callback. An exception raised there (KeyboardInterrupt, the
CLI's Terminated) is caught by Unicorn's callback wrapper and printed as "Exception ignored",
and the UART byte the callback was moving may be lost. So while the emulator runs, the handlers
only record the signal and stop the emulator; once it has stopped, the previous handlers are
back and the signal is raised again, where it acts as it would anywhere else.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def deferred_signals(stop: Callable[[], None]) -> Iterator[list[int]]:
    """Within the block, SIGINT/SIGTERM call `stop` and are recorded (the list yielded); on
    leaving it they are raised again under the handlers the process had before.

    Only the main thread can set handlers: elsewhere this does nothing (a worker thread's
    emulator is stopped by whoever owns the main thread)."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def record(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)
        stop()

    previous = {}
    for signum in SIGNALS:
        handler = signal.getsignal(signum)
        if handler not in (signal.SIG_IGN, None):  # an ignored signal stays ignored
            previous[signum] = signal.signal(signum, record)
    try:
        yield caught
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)
