"""The firmware's protocol on the emulated device: errors are answered and the device keeps serving."""
from __future__ import annotations

import struct

import pytest

from tflm_bench.device import BenchDevice
from tflm_bench.emulation.errors import FirmwareIdle
from tflm_bench.errors import DeviceError
from tflm_bench.protocol import Command, encode_frame, get_output_payload
from tflm_bench.session import BenchSession


@pytest.fixture(scope="module")
def device(bench_session, sine_model) -> BenchDevice:  # type: ignore[no-untyped-def]
    return bench_session(sine_model).start()


def test_corrupted_frame_gets_bad_crc_then_valid_command_succeeds(device: BenchDevice) -> None:
    frame = bytearray(encode_frame(Command.PING, 0x21, b"payload"))
    frame[8] ^= 0x40  # flip a payload bit; the CRC no longer matches
    device.send_raw(bytes(frame))
    with pytest.raises(DeviceError) as error:
        device.read_reply()
    assert error.value.code_name == "BAD_CRC"
    assert device.ping(b"after the error") == b"after the error"


def test_oversized_length_is_refused_at_the_header(device: BenchDevice) -> None:
    device.send_raw(b"\xa5\x5a" + struct.pack("<BBH", Command.PING, 3, 2000))
    with pytest.raises(DeviceError) as error:
        device.read_reply()
    assert error.value.code_name == "BAD_LENGTH"
    assert device.info().layer_opcodes  # still serving


def test_unknown_command(device: BenchDevice) -> None:
    with pytest.raises(DeviceError) as error:
        device.request(0x42)
    assert error.value.code_name == "UNKNOWN_COMMAND" and error.value.request_type == 0x42


def test_out_of_range_output_is_a_bad_argument(device: BenchDevice) -> None:
    with pytest.raises(DeviceError) as error:
        device.request(Command.GET_OUTPUT, get_output_payload(7, 0, 1))
    assert error.value.code_name == "BAD_ARGUMENT"
    with pytest.raises(DeviceError, match="BAD_ARGUMENT"):
        device.request(Command.GET_OUTPUT, get_output_payload(0, 0, 4096))


def test_noise_before_a_frame_is_skipped(device: BenchDevice) -> None:
    device.send_raw(b"\x00\xff\xa5\x13 line noise")
    assert device.ping(b"x") == b"x"


def test_truncated_frame_ends_with_a_clear_error_not_a_hang(sine_model, bench_options) -> None:  # type: ignore[no-untyped-def]
    if bench_options.engine != "builtin":
        pytest.skip("idle detection is a built-in engine feature; other engines time out instead")
    with BenchSession(sine_model, bench_options) as session:
        device = session.start()
        device.send_raw(encode_frame(Command.PING, 1, b"abcdef")[:-3])
        with pytest.raises(FirmwareIdle, match="waiting"):
            device.read_frame()
