"""generator/mlperf.py: the runner's model name for each committed model, and the CMake entries."""
from __future__ import annotations

from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from tflm_bench.generator import BuildConfig, MlperfModel, Protocol, read_model
from tflm_bench.generator.build.pipeline import build_key
from tflm_bench.generator.mlperf import cmake_definitions, guess_model_name, input_bytes
from tflm_bench.session import BenchOptions, BenchSession

MODELS = Path(__file__).resolve().parents[2] / "models"


@pytest.mark.parametrize(("name", "expected"), [
    ("kws_dscnn_int8", "kws01"), ("spectrogram_cnn_int8", "kws01"), ("micro_speech_int8", "kws01"),
    ("accel_cnn_int8", "kws01"), ("vww_mobilenet_int8", "vww01"), ("person_detection_int8", "vww01"),
    ("ic_resnet8_float", "ic01"), ("rps_cnn_uint8", "ic01"), ("ad_autoencoder_float", "ad01"), ("sine_int8", "ad01"),
])
def test_model_name_from_the_input_shape(name: str, expected: str) -> None:
    assert guess_model_name(read_model((MODELS / f"{name}.tflite").read_bytes())) == expected


def test_definitions_carry_the_name_given_and_the_input_bytes() -> None:
    model = read_model((MODELS / "ic_resnet8_float.tflite").read_bytes())
    assert input_bytes(model) == 32 * 32 * 3 * 4  # float32 input: its raw bytes
    assert cmake_definitions(model, "vww01") == [
        "-DTB_PROTOCOL=mlperf", "-DTB_MLPERF_MODEL=vww01", f"-DTB_MLPERF_BUFFER_BYTES={32 * 32 * 3 * 4}"]
    assert "-DTB_MLPERF_MODEL=ic01" in cmake_definitions(model, None)


def test_an_unknown_name_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="kws01, vww01, ic01, ad01"):
        MlperfModel.parse("strww01")


def test_protocol_and_name_are_in_the_build_key(tmp_path: Path) -> None:
    model = MODELS / "sine_int8.tflite"
    data = model.read_bytes()
    keys = {build_key(BuildConfig(model, tmp_path, protocol=protocol, mlperf_model=name), data)
            for protocol, name in ((Protocol.BENCH, None), (Protocol.MLPERF, None), (Protocol.MLPERF, MlperfModel.KWS01))}
    assert len(keys) == 3


def test_an_mlperf_image_links_the_mlperf_shell_instead_of_the_bench_one() -> None:
    def symbols(protocol: Protocol) -> set[str]:
        elf = BenchSession(MODELS / "sine_int8.tflite", BenchOptions(protocol=protocol)).build().elf
        with elf.open("rb") as handle:
            table = ELFFile(handle).get_section_by_name(".symtab")
            return {symbol.name for symbol in table.iter_symbols()}

    mlperf, bench = symbols(Protocol.MLPERF), symbols(Protocol.BENCH)
    assert "tb_format_fixed3" in mlperf and "tb_commands_handle" not in mlperf
    assert "tb_commands_handle" in bench and "tb_format_fixed3" not in bench
