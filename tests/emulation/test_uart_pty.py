"""`tflm-bench emulate FW.elf --uart-pty`: the bench protocol spoken over a pseudo-terminal."""
from __future__ import annotations

import os
import signal
import termios
import tty
from pathlib import Path

import pytest

from tflm_bench.child_process import emulate_child
from tflm_bench.protocol import Command, encode_frame
from tflm_bench.session import BenchSession
from support import uart_frames

ROOT = Path(__file__).resolve().parents[2]


def read_frame(fd: int) -> tuple[int, int, bytes]:
    return uart_frames.read_frame(lambda n: os.read(fd, n), "the pseudo-terminal")


@pytest.fixture(scope="module")
def sine_elf() -> Path:
    return BenchSession(ROOT / "models" / "sine_int8.tflite").build().elf


def test_protocol_over_the_pty_then_stop_on_sigterm(sine_elf: Path) -> None:
    with emulate_child(sine_elf, grace_s=20) as emulated:
        process = emulated.process
        assert process.stdout is not None
        fd = os.open(emulated.address, os.O_RDWR | os.O_NOCTTY)
        try:
            tty.setraw(fd, termios.TCSANOW)
            frame_type, _, payload = read_frame(fd)        # HELLO from boot
            assert frame_type == Command.HELLO and payload[0] == 1
            os.write(fd, encode_frame(Command.PING, 7, b"over pty"))
            assert read_frame(fd) == (Command.PING | 0x80, 7, b"over pty")
            os.write(fd, encode_frame(Command.INVOKE, 8))
            frame_type, seq, payload = read_frame(fd)
            assert (frame_type, seq) == (Command.INVOKE | 0x80, 8) and len(payload) == 12 + 4 * 3
        finally:
            os.close(fd)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stdout.read()


def test_a_second_client_reconnects_to_the_same_pty(sine_elf: Path) -> None:
    """The bridge holds its own slave descriptor: a client closing the port is no hang-up."""
    with emulate_child(sine_elf, grace_s=20) as emulated:
        for seq in (1, 2):
            fd = os.open(emulated.address, os.O_RDWR | os.O_NOCTTY)
            try:
                tty.setraw(fd, termios.TCSANOW)
                os.write(fd, encode_frame(Command.PING, seq, b"client %d" % seq))
                reply = read_frame(fd)
                if seq == 1 and reply[0] == Command.HELLO:  # the boot HELLO waited for the first client
                    reply = read_frame(fd)
                assert reply == (Command.PING | 0x80, seq, b"client %d" % seq)
            finally:
                os.close(fd)
        assert emulated.process.poll() is None


def test_the_bridge_ends_when_the_firmware_ends(build_c_firmware) -> None:  # type: ignore[no-untyped-def]
    """Firmware whose fault report ends in a branch to itself: the client still reads the FAULT
    frame, then the bridge closes by itself instead of spinning forever."""
    elf = build_c_firmware("faults", CASE=1)
    with emulate_child(elf, grace_s=20) as emulated:
        process = emulated.process
        assert process.stdout is not None
        fd = os.open(emulated.address, os.O_RDWR | os.O_NOCTTY)
        try:
            tty.setraw(fd, termios.TCSANOW)
            frame_type, _, payload = read_frame(fd)
            assert frame_type == Command.FAULT and len(payload) == 56
        finally:
            os.close(fd)
        assert process.wait(timeout=20) == 0
        assert "firmware ended: it branches to itself at PC" in process.stdout.read()
