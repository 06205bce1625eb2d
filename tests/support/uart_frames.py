"""Reading whole bench-protocol frames from a byte stream (a socket, a pseudo-terminal)."""
from __future__ import annotations

from collections.abc import Callable

from tflm_bench.protocol import CRC_SIZE, HEADER_SIZE, decode_frame, parse_header

Reader = Callable[[int], bytes]  # returns at most n bytes; b"" when the stream closed


def read_exact(read: Reader, count: int, what: str) -> bytes:
    data = b""
    while len(data) < count:
        chunk = read(count - len(data))
        assert chunk, f"{what} closed"
        data += chunk
    return data


def read_frame(read: Reader, what: str) -> tuple[int, int, bytes]:
    header = read_exact(read, HEADER_SIZE, what)
    _, _, length = parse_header(header)
    frame = decode_frame(header + read_exact(read, length + CRC_SIZE, what))
    return frame.type, frame.seq, frame.payload
