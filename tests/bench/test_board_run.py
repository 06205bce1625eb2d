"""The Nano 33 BLE image (--board nano33ble) on the built-in engine: it boots from its vector table
at 0x10000, routes UART0 to the documented pins, starts the crystal, and stays bit-exact."""
from __future__ import annotations

import contextlib
import io
from dataclasses import replace
from pathlib import Path

import pytest

from tflm_bench.cli import main
from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tflm_bench.generator import Target
from tflm_bench.session import BenchOptions, BenchSession

MODELS = Path(__file__).resolve().parents[2] / "models"
SAMPLES = 6


def _board_options(bench_options: BenchOptions) -> BenchOptions:
    if str(bench_options.engine) != "builtin":
        pytest.skip("reads the built-in engine's peripheral state (the Renode run of the image is "
                    "robot_tests/board_image.robot's)")
    return replace(bench_options, compare_tflite=False, target=Target.NANO33BLE)


@pytest.mark.parametrize("model", ["sine_int8", "accel_cnn_int8"])
def test_board_image_is_bit_exact_on_the_builtin_engine(model: str, bench_options: BenchOptions) -> None:
    with BenchSession(MODELS / f"{model}.tflite", _board_options(bench_options)) as session:
        results = session.run_samples(session.random_samples(SAMPLES, seed=11))
        engine = session.device.engine if session.device else None
        assert isinstance(engine, BuiltinEngine)
        uart, clock, vtor = engine.uart("uart0"), engine.clock(), engine.vector_table_offset
        # Taken over from the bootloader: SysTick off, every NVIC interrupt disabled, none pending.
        quiet = [engine.system_register(a) for a in (0xE000E010, 0xE000E180, 0xE000E184, 0xE000E280, 0xE000E284)]
    assert quiet == [0, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF]
    assert len(results) == SAMPLES
    assert all(o.vs_tflm.exact for r in results for o in r.outputs)
    assert all(r.instructions > 0 for r in results)
    # firmware/platform/board.h: TX on P1.03 (0x23), RX on P1.10 (0x2A), CONNECT (bit 31) 0.
    assert (uart.txd_pin.value, uart.rxd_pin.value) == (0x23, 0x2A)
    assert (str(uart.txd_pin), str(uart.rxd_pin)) == ("P1.03", "P1.10")
    assert clock.hfxo_running and vtor == 0x10000


def test_emulator_image_leaves_pins_and_clock_alone(bench_options: BenchOptions) -> None:
    options = replace(_board_options(bench_options), target=Target.EMULATOR)
    with BenchSession(MODELS / "sine_int8.tflite", options) as session:
        session.run_samples(session.random_samples(1, seed=11))
        engine = session.device.engine if session.device else None
        assert isinstance(engine, BuiltinEngine)
        uart, clock, vtor = engine.uart(), engine.clock(), engine.vector_table_offset
        assert engine.system_register(0xE000E180) == 0  # the emulator image leaves the NVIC alone
    assert not uart.txd_pin.connected and not uart.rxd_pin.connected
    assert not clock.hfxo_running and vtor == 0x0


def test_build_for_the_board_writes_flash_files_and_prints_bossac(tmp_path: Path) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["build", str(MODELS / "sine_int8.tflite"), "--board", "nano33ble", "--out", str(tmp_path / "fw.elf")])
    assert code == 0
    assert (tmp_path / "fw.elf").is_file() and (tmp_path / "fw.bin").is_file() and (tmp_path / "fw.hex").is_file()
    assert (tmp_path / "fw.bin").read_bytes()[:8] != bytes(8)  # the vector table: SP, reset handler
    assert f"bossac -d --port=/dev/ttyACM0 -U -i -e -w {tmp_path / 'fw.bin'} -R" in out.getvalue()
    assert "vector table at 0x10000" in out.getvalue()


def test_build_refuses_a_bin_as_the_elf_to_write(tmp_path: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["build", str(MODELS / "sine_int8.tflite"), "--board", "nano33ble", "--out", str(tmp_path / "fw.bin")])
    assert code == 2 and "not fw.bin" in err.getvalue()
    assert not (tmp_path / "fw.bin").exists()
