"""The bench protocol's frames and payloads (docs/protocol.md), independent of any transport."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from .errors import ProtocolError

SOF = b"\xa5\x5a"
HEADER_SIZE = 6
CRC_SIZE = 4
MAX_PAYLOAD = 1024
PROTOCOL_VERSION = 1


class Command(IntEnum):
    PING = 0x01
    INFO = 0x02
    SET_INPUT = 0x03
    INVOKE = 0x04
    GET_OUTPUT = 0x05
    INVOKE_PARTIAL = 0x06
    GET_LAYER_OUTPUT = 0x07
    RUNTIME = 0x08
    HELLO = 0xF0
    FAULT = 0xFE
    ERROR = 0xFF


REPLY_FLAG = 0x80


class ErrorCode(IntEnum):
    BAD_CRC = 1
    BAD_LENGTH = 2
    UNKNOWN_COMMAND = 3
    BAD_ARGUMENT = 4
    INVOKE_FAILED = 5


DTYPES: dict[int, np.dtype] = {
    1: np.dtype(np.int8),
    2: np.dtype(np.uint8),
    3: np.dtype(np.float32),
    4: np.dtype(np.int16),
    5: np.dtype(np.int32),
    6: np.dtype(np.bool_),
    7: np.dtype(np.int64),
    8: np.dtype(np.uint32),
}


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes


def encode_frame(frame_type: int, seq: int, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds the protocol's {MAX_PAYLOAD}")
    body = struct.pack("<BBH", frame_type, seq & 0xFF, len(payload)) + payload
    return SOF + body + struct.pack("<I", zlib.crc32(body))


def parse_header(header: bytes) -> tuple[int, int, int]:
    """(type, seq, payload length) from the 6 header bytes; raises on a bad start or length."""
    if header[:2] != SOF:
        raise ProtocolError(f"expected a frame start A5 5A, got {header[:2].hex(' ')} (header {header.hex(' ')})")
    frame_type, seq, length = struct.unpack("<BBH", header[2:6])
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"frame header announces {length} payload bytes, over the {MAX_PAYLOAD} limit")
    return frame_type, seq, length


def decode_frame(data: bytes) -> Frame:
    """Decode one complete frame (header, payload and CRC), checking its CRC."""
    frame_type, seq, length = parse_header(data[:HEADER_SIZE])
    if len(data) != HEADER_SIZE + length + CRC_SIZE:
        raise ProtocolError(f"frame is {len(data)} bytes, its header announces {HEADER_SIZE + length + CRC_SIZE}")
    body = data[2 : HEADER_SIZE + length]
    (crc,) = struct.unpack("<I", data[HEADER_SIZE + length :])
    if crc != zlib.crc32(body):
        raise ProtocolError(
            f"corrupted frame from the device: CRC 0x{crc:08x}, computed 0x{zlib.crc32(body):08x} "
            f"(frame {data[:32].hex(' ')}{' ...' if len(data) > 32 else ''})"
        )
    return Frame(frame_type, seq, data[HEADER_SIZE : HEADER_SIZE + length])


@dataclass(frozen=True)
class TensorInfo:
    dtype: np.dtype
    shape: tuple[int, ...]
    scale: float
    zero_point: int
    nbytes: int


@dataclass(frozen=True)
class DeviceInfo:
    protocol_version: int
    build_id: int
    arena_bytes: int
    inputs: tuple[TensorInfo, ...]
    outputs: tuple[TensorInfo, ...]
    layer_opcodes: tuple[int, ...]


class RuntimeKind(IntEnum):
    GENERATED = 0
    TFLM = 1


# init_status of a TFLM runtime (firmware/runtime/tflm/tb_tflm_runner.cc).
TFLM_INIT_STATUS: dict[int, str] = {
    1: "the model's schema version is not the one the TFLM headers expect",
    2: "AllocateTensors() failed: the arena is too small, or an operator is missing from the resolver",
    3: "a model input or output the protocol cannot carry (over 16, rank over 6, or an unsupported type)",
    4: "the MicroInterpreter could not initialise",
}


@dataclass(frozen=True)
class RuntimeInfo:
    """The RUNTIME reply: which runtime runs and its arena (given and used)."""

    kind: RuntimeKind
    init_status: int
    arena_bytes: int
    arena_used_bytes: int
    message: str  # the runtime's last log line, "" if none

    @property
    def started(self) -> bool:
        return self.init_status == 0

    def problem(self) -> str:
        """Why the runtime did not start, in words (with TFLM's last log line when there is one)."""
        text = TFLM_INIT_STATUS.get(self.init_status, f"status {self.init_status}")
        return text + (f" (TFLM: {self.message.strip()})" if self.message.strip() else "")


@dataclass(frozen=True)
class InvokeResult:
    status: int
    total_cycles: int
    layer_cycles: tuple[int, ...]


@dataclass(frozen=True)
class FaultReport:
    exception: int
    r0: int
    r1: int
    r2: int
    r3: int
    r12: int
    lr: int
    pc: int
    xpsr: int
    cfsr: int
    hfsr: int
    mmfar: int
    bfar: int
    sp: int


def parse_info(payload: bytes) -> DeviceInfo:
    try:
        version, n_in, n_out, _, build_id, n_layers, _, arena = struct.unpack_from("<BBBBIHHI", payload, 0)
        offset = 16
        tensors: list[TensorInfo] = []
        for _ in range(n_in + n_out):
            code, rank, _ = struct.unpack_from("<BBH", payload, offset)
            offset += 4
            dims = struct.unpack_from(f"<{rank}i", payload, offset)
            offset += 4 * rank
            scale, zero_point, nbytes = struct.unpack_from("<fiI", payload, offset)
            offset += 12
            if code not in DTYPES:
                raise ProtocolError(f"INFO names unknown dtype code {code}")
            tensors.append(TensorInfo(DTYPES[code], tuple(dims), scale, zero_point, nbytes))
        opcodes = tuple(payload[offset : offset + n_layers])
        if len(opcodes) != n_layers or offset + n_layers != len(payload):
            raise ProtocolError(f"INFO payload of {len(payload)} bytes does not match its {n_layers} layers")
    except struct.error as exc:
        raise ProtocolError(f"INFO payload too short ({len(payload)} bytes): {exc}") from exc
    return DeviceInfo(version, build_id, arena, tuple(tensors[:n_in]), tuple(tensors[n_in:]), opcodes)


def parse_runtime(payload: bytes) -> RuntimeInfo:
    if len(payload) < 16:
        raise ProtocolError(f"RUNTIME reply of {len(payload)} bytes, expected at least 16")
    kind, _, _, status, arena, used = struct.unpack_from("<BBHiII", payload, 0)
    if kind not in RuntimeKind._value2member_map_:
        raise ProtocolError(f"RUNTIME names unknown runtime kind {kind}")
    return RuntimeInfo(RuntimeKind(kind), status, arena, used, payload[16:].decode("ascii", errors="replace"))


def parse_invoke(payload: bytes) -> InvokeResult:
    if len(payload) < 12:
        raise ProtocolError(f"INVOKE reply of {len(payload)} bytes, expected at least 12")
    status, total, n_layers, _ = struct.unpack_from("<iIHH", payload, 0)
    if len(payload) != 12 + 4 * n_layers:
        raise ProtocolError(f"INVOKE reply of {len(payload)} bytes does not match its {n_layers} layers")
    return InvokeResult(status, total, struct.unpack_from(f"<{n_layers}I", payload, 12))


def parse_error(payload: bytes) -> tuple[int, str, int, str]:
    """(code, code name, request type, text) from an ERROR payload."""
    if len(payload) < 4:
        raise ProtocolError(f"ERROR frame payload of {len(payload)} bytes, expected at least 4")
    code, request_type = payload[0], payload[1]
    name = ErrorCode(code).name if code in ErrorCode._value2member_map_ else f"UNKNOWN_{code}"
    return code, name, request_type, payload[4:].decode("ascii", errors="replace")


def parse_fault(payload: bytes) -> FaultReport:
    if len(payload) != 14 * 4:
        raise ProtocolError(f"FAULT payload of {len(payload)} bytes, expected 56")
    return FaultReport(*struct.unpack("<14I", payload))


def set_input_payload(index: int, offset: int, data: bytes) -> bytes:
    return struct.pack("<B3xI", index, offset) + data


def get_output_payload(index: int, offset: int, length: int) -> bytes:
    return struct.pack("<B3xIH", index, offset, length)


def get_layer_output_payload(layer: int, offset: int, length: int) -> bytes:
    return struct.pack("<H2xIH", layer, offset, length)


def invoke_partial_payload(layers: int) -> bytes:
    return struct.pack("<H", layers)
