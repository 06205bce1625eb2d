"""deferred_signals: inside the block a signal only stops the emulator; it acts once the block ends."""
from __future__ import annotations

import os
import signal

import pytest

from tflm_bench.emulation.builtin.signals import deferred_signals


def test_a_signal_inside_the_block_stops_then_raises_after_it() -> None:
    stops: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with deferred_signals(lambda: stops.append("stop")) as caught:
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs here: it must not raise
            assert caught == [signal.SIGINT] and stops == ["stop"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_previous_handlers_come_back_untouched_without_a_signal() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with deferred_signals(lambda: None) as caught:
        assert signal.getsignal(signal.SIGTERM) is not before
    assert caught == [] and signal.getsignal(signal.SIGTERM) is before


def test_an_ignored_signal_stays_ignored() -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with deferred_signals(lambda: None):
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
