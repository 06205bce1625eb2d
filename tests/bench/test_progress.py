"""Progress on stderr: an updating line on a TTY, sparse plain lines elsewhere."""
from __future__ import annotations

import io

import pytest

from tflm_bench.progress import Progress, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _progress(tty: bool) -> tuple[Progress, io.StringIO, Clock]:
    stream, clock = io.StringIO(), Clock()
    return Progress("inputs", stream=stream, tty=tty, clock=clock), stream, clock


def test_tty_redraws_one_line_with_count_rate_and_eta() -> None:
    progress, stream, clock = _progress(tty=True)
    with progress.counting(4):
        for _ in range(3):
            clock.now += 1.0
            progress.advance()
        assert progress.status() == "inputs 3/4 (75%) 1.0 inputs/s ETA 1s"
        clock.now += 1.0
        progress.advance()
    text = stream.getvalue()
    assert "\n" not in text.rsplit("\r\x1b[K", 1)[0]  # every update overwrote the line
    assert "\r\x1b[Kinputs 2/4 (50%) 1.0 inputs/s ETA 2s" in text
    assert text.endswith("\r\x1b[Kinputs 4/4 done in 4s, 1.0 inputs/s\n")


def test_tty_redraws_at_most_ten_times_a_second() -> None:
    progress, stream, clock = _progress(tty=True)
    progress.start(1000)
    for _ in range(999):
        clock.now += 0.001
        progress.advance()
    assert stream.getvalue().count("\r\x1b[K") < 15


def test_plain_lines_every_ten_percent_but_not_more_than_once_a_second() -> None:
    progress, stream, clock = _progress(tty=False)
    with progress.counting(20):
        for _ in range(20):
            clock.now += 0.6
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[-1] == "inputs 20/20 done in 12s, 1.7 inputs/s"
    # 10% is 2 inputs = 1.2 s here: one line per 10%, the last one replaced by "done"
    assert lines[:-1] == [f"inputs {n}/20 ({5 * n}%) 1.7 inputs/s ETA {format_duration((20 - n) * 0.6)}"
                          for n in range(2, 20, 2)]


def test_plain_lines_every_ten_seconds_on_a_long_stretch() -> None:
    progress, stream, clock = _progress(tty=False)
    progress.start(1000)
    for _ in range(30):
        clock.now += 1.0
        progress.advance()  # 3% after 30 s: no 10% step yet, so the 10 s interval decides
    assert [line.split()[1] for line in stream.getvalue().splitlines()] == ["10/1000", "20/1000", "30/1000"]


def test_a_quick_run_prints_only_its_final_line_and_notes_stay() -> None:
    progress, stream, clock = _progress(tty=False)
    progress.note("building firmware")
    with progress.counting(10):
        for _ in range(10):
            clock.now += 0.01
            progress.advance()
    assert stream.getvalue().splitlines() == ["tflm-bench: building firmware", "inputs 10/10 done in 0s, 100.0 inputs/s"]


def test_a_note_on_a_tty_clears_the_status_line_first_and_errors_still_finish() -> None:
    progress, stream, clock = _progress(tty=True)
    with pytest.raises(RuntimeError):
        with progress.counting(3):
            clock.now += 1
            progress.advance()
            progress.note("phase two")
            raise RuntimeError("boom")
    text = stream.getvalue()
    assert "\r\x1b[Ktflm-bench: phase two\n" in text and text.endswith("inputs 1/3 stopped after 1s, 1.0 inputs/s\n")


def test_durations_are_short() -> None:
    assert [format_duration(s) for s in (0.4, 59, 61, 3599, 7380)] == ["0s", "59s", "1m01s", "59m59s", "2h03m"]


def test_the_cli_reports_progress_on_stderr_only(sine_model, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from tflm_bench.cli import main

    assert main(["run", str(sine_model), "--count", "3", "--no-tflite"]) == 0
    captured = capsys.readouterr()
    assert "tflm-bench: building and booting sine_int8.tflite (optimized kernels, builtin engine)" in captured.err
    assert "inputs 3/3 done in" in captured.err and "inputs 3/3" not in captured.out
