"""TFLM's signal-library custom operators (micro_speech's audio front end) on the emulated device
against host TFLM, bit-exact, with randomized options and tables (seeded):

- spectrum: SignalWindow over several frames, SignalFftAutoScale, SignalRfft (kissfft int16) on
  the scaled frame and directly on full-range frames (2 frames, another fft_length), SignalEnergy;
- mel: SignalFilterBank (random bands and weights, negative ones included), SquareRoot,
  SpectralSubtraction (clamping off and on; its noise estimate carries over the samples, run in a
  row on one device as on one host TFLM), PCAN (random gain table) and FilterBankLog, also on
  full-range uint32.

Model inputs and outputs are int16/int32 (the protocol's types): CASTs convert to and from uint32.
Samples span magnitudes (silence, small, full range) so the auto scale, the FFT's wrap-arounds
and the log's saturation are reached.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

SEED = 20261207


def _spectrum_model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    frame, fft_length = 100, 128
    x = b.input("audio", (3, frame), "int16")
    window = b.tensor("window", (frame,), "int16", data=rng.integers(0, 32768, frame).astype(np.int16))
    windowed = b.output("windowed", (3, frame), "int16")
    b.custom("SignalWindow", [x, window], [windowed], {"shift": int(rng.integers(8, 15))})
    first = b.input("frame", (frame,), "int16")
    scaled = b.output("scaled", (frame,), "int16")
    bits = b.output("scale_bits", (), "int32")
    b.custom("SignalFftAutoScale", [first], [scaled, bits], {})
    spectrum = b.output("spectrum", (fft_length + 2,), "int16")
    b.custom("SignalRfft", [scaled], [spectrum], {"T": 7, "fft_length": fft_length})
    energy = b.tensor("energy", (fft_length // 2 + 1,), "uint32")
    b.custom("SignalEnergy", [spectrum], [energy], {"start_index": 0, "end_index": fft_length // 2 + 1})
    energy_out = b.output("energy_i32", (fft_length // 2 + 1,), "int32")
    b.op("CAST", [energy], [energy_out])
    frames = b.input("frames", (2, 50), "int16")
    spectra = b.output("spectra", (2, 66), "int16")
    b.custom("SignalRfft", [frames], [spectra], {"T": 7, "fft_length": 64})
    return b


def _bands(rng: np.random.Generator, channels: int, spectrum: int) -> dict[str, np.ndarray]:
    widths = rng.integers(1, 7, channels + 1)
    starts = np.cumsum(np.concatenate([[int(rng.integers(0, 4))], widths[:-1]]))
    assert starts[-1] + widths[-1] <= spectrum
    weight_starts = np.concatenate([[0], np.cumsum(widths[:-1])])
    total = int(widths.sum())
    weights = rng.integers(0, 4097, total)
    weights[rng.integers(0, total, 3)] = rng.integers(-4096, 0, 3)  # TFLM widens int16 weights sign-extended
    unweights = 4096 - weights
    return {"weights": weights, "unweights": unweights, "starts": starts, "weight_starts": weight_starts,
            "widths": widths}


def _mel_model(rng: np.random.Generator) -> tuple[LayerModel, int]:
    b = LayerModel()
    channels, spectrum = 12, 64
    power_i32 = b.input("power", (spectrum,), "int32")
    power = b.tensor("power_u32", (spectrum,), "uint32")
    b.op("CAST", [power_i32], [power])
    bands = _bands(rng, channels, spectrum)
    tables = [b.tensor(name, (values.size,), "int16", data=values.astype(np.int16)) for name, values in bands.items()]
    bank = b.tensor("bank", (channels,), "uint64")
    b.custom("SignalFilterBank", [power, *tables], [bank], {"num_channels": channels})
    shift = b.input("shift", (), "int32")
    root = b.tensor("root", (channels,), "uint32")
    b.custom("SignalFilterBankSquareRoot", [bank, shift], [root], {})
    root_out = b.output("root_i32", (channels,), "int32")
    b.op("CAST", [root], [root_out])
    lut = b.tensor("gain_lut", (125,), "int16", data=rng.integers(-32768, 32768, 125).astype(np.int16))
    for clamping in (False, True):
        signal = b.tensor("subtracted", (channels,), "uint32")
        noise = b.tensor("noise", (channels,), "uint32")
        smoothing, alternate = int(rng.integers(100, 2000)), int(rng.integers(100, 2000))
        b.custom("SignalFilterBankSpectralSubtraction", [root], [signal, noise], {
            "alternate_one_minus_smoothing": 16384 - alternate, "alternate_smoothing": alternate,
            "clamping": clamping, "min_signal_remaining": int(rng.integers(0, 2000)), "num_channels": channels,
            "one_minus_smoothing": 16384 - smoothing, "smoothing": smoothing, "smoothing_bits": 10,
            "spectral_subtraction_bits": 14})
        for tensor, name in ((signal, "signal_i32"), (noise, "noise_i32")):
            out = b.output(name, (channels,), "int32")
            b.op("CAST", [tensor], [out])
        gained = b.tensor("gained", (channels,), "uint32")
        b.custom("SignalPCAN", [signal, noise, lut], [gained], {"snr_shift": int(rng.integers(4, 8))})
        gained_out = b.output("gained_i32", (channels,), "int32")
        b.op("CAST", [gained], [gained_out])
        logs = b.output("log", (channels,), "int16")
        b.custom("SignalFilterBankLog", [gained], [logs],
                 {"input_correction_bits": int(rng.integers(0, 5)), "output_scale": int(rng.integers(16, 2000))})
    wide_logs = b.output("wide_log", (spectrum,), "int16")
    b.custom("SignalFilterBankLog", [power], [wide_logs], {"input_correction_bits": 0, "output_scale": 1 << 12})
    return b, spectrum


def test_spectrum_ops_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(SEED)
    b = _spectrum_model(rng)
    samples = []
    for magnitude in (0, 40, 3000, 32768):
        def draw(shape: tuple[int, ...]) -> np.ndarray:
            low = -magnitude if magnitude else 0
            return rng.integers(low, max(magnitude, 1), shape).astype(np.int16)
        samples.append([draw((3, 100)), draw((100,)), rng.integers(-32768, 32768, (2, 50)).astype(np.int16)])
    samples[-1][1][7] = -32768  # the auto scale's int16 maximum wraps: no scaling
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "signal window, auto scale, rfft, energy")


def test_mel_ops_match_tflm_across_samples(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(SEED + 1)
    b, spectrum = _mel_model(rng)
    samples = []
    for top in (0, 1 << 8, 1 << 20, 1 << 26, 1 << 30, 1 << 20):
        power = rng.integers(0, max(top, 1), spectrum).astype(np.int32)
        if top == 1 << 30:
            power[::5] = rng.integers(-(1 << 31), 0, power[::5].size)  # uint32 values from 2^31 up
        samples.append([power, np.array(int(rng.integers(0, 4)), dtype=np.int32)])
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "signal filter bank, square root, spectral subtraction, pcan, log")
