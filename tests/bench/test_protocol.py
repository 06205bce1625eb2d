"""Host-side framing and payload parsing (no device)."""
from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from tflm_bench.errors import ProtocolError
from tflm_bench.protocol import (
    Command,
    decode_frame,
    encode_frame,
    parse_error,
    parse_header,
    parse_info,
    parse_invoke,
)


def test_frame_round_trip_and_crc_matches_zlib() -> None:
    frame = encode_frame(Command.PING, 7, b"hello")
    assert frame[:2] == b"\xa5\x5a"
    assert struct.unpack("<I", frame[-4:])[0] == zlib.crc32(frame[2:-4])
    decoded = decode_frame(frame)
    assert (decoded.type, decoded.seq, decoded.payload) == (Command.PING, 7, b"hello")


def test_corrupted_frame_is_reported_with_both_crcs() -> None:
    frame = bytearray(encode_frame(Command.PING, 1, b"abc"))
    frame[7] ^= 0x01
    with pytest.raises(ProtocolError, match="corrupted frame.*CRC 0x"):
        decode_frame(bytes(frame))


def test_header_rejects_bad_start_and_oversized_length() -> None:
    with pytest.raises(ProtocolError, match="A5 5A"):
        parse_header(b"\x00\x5a\x01\x00\x00\x00")
    with pytest.raises(ProtocolError, match="2000 payload bytes"):
        parse_header(b"\xa5\x5a\x01\x00" + struct.pack("<H", 2000))


def test_encode_refuses_oversized_payload() -> None:
    with pytest.raises(ValueError, match="1025 bytes"):
        encode_frame(Command.PING, 0, bytes(1025))


def _info_payload() -> bytes:
    head = struct.pack("<BBBBIHHI", 1, 1, 1, 0, 0xDEADBEEF, 3, 0, 64)
    tensor_in = struct.pack("<BBH2ifiI", 1, 2, 0, 1, 1, 0.5, -128, 1)
    tensor_out = struct.pack("<BBH2ifiI", 3, 2, 0, 1, 4, 0.0, 0, 16)
    return head + tensor_in + tensor_out + bytes([9, 9, 9])


def test_parse_info() -> None:
    info = parse_info(_info_payload())
    assert info.build_id == 0xDEADBEEF and info.arena_bytes == 64
    assert info.inputs[0].dtype == np.int8 and info.inputs[0].shape == (1, 1)
    assert info.inputs[0].scale == 0.5 and info.inputs[0].zero_point == -128
    assert info.outputs[0].dtype == np.float32 and info.outputs[0].nbytes == 16
    assert info.layer_opcodes == (9, 9, 9)


def test_parse_info_rejects_truncated_payload() -> None:
    with pytest.raises(ProtocolError, match="INFO"):
        parse_info(_info_payload()[:-5])


def test_parse_invoke_checks_layer_count() -> None:
    payload = struct.pack("<iIHH3I", 0, 300, 3, 0, 100, 120, 80)
    result = parse_invoke(payload)
    assert result.total_cycles == 300 and result.layer_cycles == (100, 120, 80)
    with pytest.raises(ProtocolError, match="3 layers"):
        parse_invoke(payload[:-4])


def test_parse_error_names_the_code() -> None:
    code, name, request, text = parse_error(bytes([1, 0x01, 0, 0]) + b"crc mismatch")
    assert (code, name, request, text) == (1, "BAD_CRC", 1, "crc mismatch")
