"""Generator side of TFLM's signal-library custom operators: custom options read from the file,
kissfft's factoring and twiddles, and refusals of what the kernels do not run."""
from __future__ import annotations

import numpy as np
import pytest
from flatbuffers import flexbuffers

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator.errors import UnsupportedOpError, UnsupportedTensorError
from tflm_bench.generator.ops.signal_rfft import kiss_factors, super_twiddles, twiddles
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate


def _rfft_model(fft_length: int, frame: int = 40, out_dtype: str = "int16") -> bytes:
    b = LayerModel()
    x = b.input("x", (frame,), "int16")
    y = b.output("y", (fft_length + 2,), out_dtype)
    b.custom("SignalRfft", [x], [y], {"T": 7, "fft_length": fft_length})
    return build_tflite(b.spec())


def test_the_reader_hands_over_the_custom_code_and_options() -> None:
    op = read_tflite(_rfft_model(64)).operators[0]
    assert op.name == "CUSTOM" and op.key == "CUSTOM:SignalRfft"
    assert flexbuffers.Loads(op.options["custom_options"]) == {"T": 7, "fft_length": 64}


def test_kissfft_factors_fours_first_then_twos() -> None:
    assert kiss_factors(256) == [4, 64, 4, 16, 4, 4, 4, 1]
    assert kiss_factors(32) == [4, 8, 4, 2, 2, 1]
    assert kiss_factors(2) == [2, 1]
    assert kiss_factors(24) == [4, 6, 2, 3, 3, 1]


def test_twiddles_are_q15_unit_circle_points() -> None:
    tw = twiddles(8).reshape(-1, 2)
    assert tw[0].tolist() == [32767, 0] and tw[2].tolist() == [0, -32767] and tw[4].tolist() == [-32767, 0]
    assert np.all(np.abs(np.hypot(tw[:, 0], tw[:, 1]) - 32767) < 1.0)
    assert super_twiddles(8).reshape(-1, 2).shape == (4, 2)


def test_a_supported_rfft_validates() -> None:
    validate(read_tflite(_rfft_model(64)))


@pytest.mark.parametrize(("fft_length", "frame", "match"), [
    (48, 40, "only powers of two"),
    (32, 40, "frames at most that long"),
])
def test_an_rfft_the_kernel_lacks_is_refused(fft_length: int, frame: int, match: str) -> None:
    with pytest.raises(UnsupportedOpError, match=match) as info:
        validate(read_tflite(_rfft_model(fft_length, frame)))
    assert "CUSTOM:SignalRfft" in str(info.value)


def test_an_rfft_of_another_type_names_the_type() -> None:
    with pytest.raises(UnsupportedTensorError, match="needs its output to be int16"):
        validate(read_tflite(_rfft_model(64, out_dtype="int32")))
