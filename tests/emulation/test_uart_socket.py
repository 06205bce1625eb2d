"""`tflm-bench emulate FW.elf --uart-port N`: the bench protocol spoken over a real TCP socket."""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tflm_bench.protocol import Command, encode_frame
from tflm_bench.session import BenchSession
from support import uart_frames

ROOT = Path(__file__).resolve().parents[2]


def read_frame(sock: socket.socket) -> tuple[int, int, bytes]:
    return uart_frames.read_frame(sock.recv, "the bridge connection")


@pytest.fixture(scope="module")
def sine_elf() -> Path:
    return BenchSession(ROOT / "models" / "sine_int8.tflite").build().elf


def test_protocol_over_the_socket_then_exit_on_disconnect(sine_elf: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tflm_bench.cli", "emulate", str(sine_elf), "--uart-port", "0",
         "--exit-after-disconnect"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert "socket://127.0.0.1:" in banner, banner + (process.stderr.read() if process.stderr else "")
        port = int(banner.split("socket://127.0.0.1:")[1].split()[0])
        with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
            frame_type, _, payload = read_frame(sock)          # HELLO, kept from boot
            assert frame_type == Command.HELLO and payload[0] == 1
            sock.sendall(encode_frame(Command.PING, 7, b"over tcp"))
            assert read_frame(sock) == (Command.PING | 0x80, 7, b"over tcp")
            sock.sendall(encode_frame(Command.INVOKE, 8))
            frame_type, seq, payload = read_frame(sock)
            assert (frame_type, seq) == (Command.INVOKE | 0x80, 8) and len(payload) == 12 + 4 * 3
        assert process.wait(timeout=20) == 0
        assert "client disconnected" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
