"""A bench device: the firmware's protocol spoken over an engine's UART."""
from __future__ import annotations

import os
import struct
import time

import numpy as np

from tflm_bench.emulation import EmulationError, Engine, SerialTimeout, FaultState, StackBounds, describe_fault

from .errors import DeviceError, DeviceFault, InputError, NotBenchFirmware, ProtocolError
from .protocol import (
    CRC_SIZE,
    HEADER_SIZE,
    MAX_PAYLOAD,
    PROTOCOL_VERSION,
    REPLY_FLAG,
    Command,
    DeviceInfo,
    FaultReport,
    Frame,
    InvokeResult,
    RuntimeInfo,
    decode_frame,
    encode_frame,
    get_layer_output_payload,
    get_output_payload,
    invoke_partial_payload,
    parse_error,
    parse_fault,
    parse_header,
    parse_info,
    parse_invoke,
    parse_runtime,
    set_input_payload,
)

CHUNK = MAX_PAYLOAD - 8  # SET_INPUT carries 8 bytes of index and offset before its data
# Zeros never start a frame (no A5), and this many finish any frame the firmware is part-way
# through (header, 1024 payload bytes, CRC): it answers at most one ERROR and hunts again.
FLUSH = bytes(HEADER_SIZE + MAX_PAYLOAD + CRC_SIZE)
SYNC_ATTEMPT_S = 1.0  # one flush + PING; a board busy in an INVOKE may miss it, so retry


class BenchDevice:
    """Talks to the bench firmware through `engine` (already open, ELF loaded)."""

    def __init__(self, engine: Engine, timeout_s: float = 60.0, symbolize=None,  # type: ignore[no-untyped-def]
                 stack: StackBounds | None = None) -> None:
        """symbolize(address) -> "function() at file:line" and the stack bounds from the ELF
        make FAULT reports name the code and a stack overflow."""
        self.engine = engine
        self.timeout_s = timeout_s
        self._seq = 0
        self._symbolize = symbolize
        self._stack = stack
        self.hello: Frame | None = None
        self._info: DeviceInfo | None = None

    # -- framing ---------------------------------------------------------------------------
    def read_frame(self) -> Frame:
        header = self.engine.read_uart(HEADER_SIZE, self.timeout_s)
        _, _, length = parse_header(header)
        rest = self.engine.read_uart(length + CRC_SIZE, self.timeout_s)
        frame = decode_frame(header + rest)
        if frame.type == Command.FAULT:
            state = fault_state(parse_fault(frame.payload))
            raise DeviceFault(
                "firmware fault: " + describe_fault(state, self._symbolize, self._stack), state
            )
        return frame

    def send_raw(self, data: bytes) -> None:
        """Send bytes as they are (tests use this to send broken frames)."""
        self.engine.write_uart(data)

    def read_reply(self) -> Frame:
        """The next frame, raising DeviceError if it is an ERROR reply."""
        reply = self.read_frame()
        if reply.type == Command.ERROR:
            raise DeviceError(*parse_error(reply.payload))
        return reply

    def request(self, command: int, payload: bytes = b"") -> bytes:
        self._seq = (self._seq + 1) & 0xFF
        self.engine.write_uart(encode_frame(command, self._seq, payload))
        reply = self.read_reply()
        if reply.type != command | REPLY_FLAG or reply.seq != self._seq:
            raise ProtocolError(
                f"expected reply 0x{command | REPLY_FLAG:02x} seq {self._seq}, "
                f"got type 0x{reply.type:02x} seq {reply.seq}"
            )
        return reply.payload

    # -- commands --------------------------------------------------------------------------
    def wait_ready(self) -> Frame:
        """Wait for the HELLO the firmware sends once its receiver is running."""
        frame = self.read_frame()
        if frame.type != Command.HELLO:
            raise ProtocolError(f"expected HELLO (0xf0) after boot, got frame type 0x{frame.type:02x}")
        version = frame.payload[0]
        if version != PROTOCOL_VERSION:
            raise ProtocolError(f"firmware speaks protocol {version}, this host speaks {PROTOCOL_VERSION}")
        self.hello = frame
        return frame

    def resync(self, timeout_s: float) -> None:
        """For a board the bench did not reset (no HELLO): flush any half-received frame, then
        PING with a random payload until its exact reply arrives; stale frames are skipped.

        A silent line raises SerialTimeout; one that talks but never answers, NotBenchFirmware."""
        deadline = time.monotonic() + timeout_s
        stream = bytearray()
        received = 0
        while True:
            self._seq = (self._seq + 1) & 0xFF
            nonce = os.urandom(8)
            self.engine.write_uart(FLUSH + encode_frame(Command.PING, self._seq, nonce))
            expected = encode_frame(Command.PING | REPLY_FLAG, self._seq, nonce)
            attempt_end = min(deadline, time.monotonic() + SYNC_ATTEMPT_S)
            while (left := attempt_end - time.monotonic()) > 0:
                try:
                    stream += self.engine.read_uart(1, left)
                except EmulationError:  # this attempt's read timed out: try again, or give up below
                    break
                received += 1
                if stream.endswith(expected):
                    return
                del stream[: max(0, len(stream) - len(expected))]
            if time.monotonic() < deadline:
                continue
            if received == 0:
                raise SerialTimeout(self._where(), "an answer to the bench's PING", timeout_s, 0)
            raise NotBenchFirmware(
                f"{self._where()}: the board sent {received} byte(s) in {timeout_s:g} s but never answered the bench's "
                f"PING, so it does not run bench firmware (or runs it at another baud rate); flash the "
                f"image for this model as docs/engines.md's \"Comparing against a real board\" says")

    def _where(self) -> str:
        return str(getattr(self.engine, "port", self.engine.name))

    def ping(self, data: bytes = b"") -> bytes:
        return self.request(Command.PING, data)

    def info(self) -> DeviceInfo:
        if self._info is None:
            self._info = parse_info(self.request(Command.INFO))
        return self._info

    def runtime(self) -> RuntimeInfo:
        """Which runtime runs, whether it started, and its arena given and used."""
        return parse_runtime(self.request(Command.RUNTIME))

    def reinit_arena(self, arena_bytes: int) -> RuntimeInfo:
        """TFLM only: set the interpreter up again over the first `arena_bytes` of its arena."""
        self._info = None  # tensor addresses and counts change with the new set-up
        return parse_runtime(self.request(Command.RUNTIME, struct.pack("<I", arena_bytes)))

    def set_input(self, index: int, values: np.ndarray) -> None:
        info = self.info()
        if not 0 <= index < len(info.inputs):
            raise InputError(f"input index {index} out of range: the model has {len(info.inputs)} inputs")
        spec = info.inputs[index]
        array = np.asarray(values)
        if array.dtype != spec.dtype or array.size * array.itemsize != spec.nbytes:
            raise InputError(
                f"input {index} must be {spec.dtype} with shape {spec.shape} ({spec.nbytes} bytes); "
                f"got {array.dtype} with shape {array.shape}"
            )
        data = np.ascontiguousarray(array).tobytes()
        for offset in range(0, len(data), CHUNK):
            self.request(Command.SET_INPUT, set_input_payload(index, offset, data[offset : offset + CHUNK]))

    def invoke(self) -> InvokeResult:
        return parse_invoke(self.request(Command.INVOKE))

    def invoke_partial(self, layers: int) -> InvokeResult:
        """Run only the first `layers` layers; layer `layers - 1`'s output can then be read."""
        return parse_invoke(self.request(Command.INVOKE_PARTIAL, invoke_partial_payload(layers)))

    def get_output(self, index: int) -> np.ndarray:
        info = self.info()
        if not 0 <= index < len(info.outputs):
            raise InputError(f"output index {index} out of range: the model has {len(info.outputs)} outputs")
        spec = info.outputs[index]
        data = self._read(Command.GET_OUTPUT, get_output_payload, index, spec.nbytes)
        return np.frombuffer(data, dtype=spec.dtype).reshape(spec.shape)

    def get_layer_output(self, layer: int, dtype: np.dtype, shape: tuple[int, ...]) -> np.ndarray:
        """Layer `layer`'s first output as it lies in the arena now (after INVOKE_PARTIAL)."""
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        data = self._read(Command.GET_LAYER_OUTPUT, get_layer_output_payload, layer, nbytes)
        return np.frombuffer(data, dtype=dtype).reshape(shape)

    def _read(self, command: Command, payload, index: int, nbytes: int) -> bytes:  # type: ignore[no-untyped-def]
        data = bytearray()
        while len(data) < nbytes:
            length = min(MAX_PAYLOAD, nbytes - len(data))
            data += self.request(command, payload(index, len(data), length))
        return bytes(data)


# The firmware sends zeros for the stacked registers when SP was outside RAM (fault.c).
_RAM_START = 0x20000000


def fault_state(fault: FaultReport) -> FaultState:
    """The FAULT frame's registers as the decoder takes them."""
    stacked = (fault.r0, fault.r1, fault.r2, fault.r3, fault.r12, fault.lr, fault.pc, fault.xpsr)
    frame_valid = any(stacked) or fault.sp - 32 >= _RAM_START
    return FaultState(fault.exception, fault.pc, fault.lr, fault.cfsr, fault.hfsr, fault.mmfar,
                      fault.bfar, fault.sp, frame_valid)
