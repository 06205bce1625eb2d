"""Board facts come from the platform description, and every stage follows them."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.board import DEFAULT_PLATFORM, ReplError, load_board
from tflm_bench.generator import BuildConfig, ModelTooLargeError, build_firmware
from tflm_bench.session import BenchOptions, BenchSession


def _variant(tmp_path: Path, ram: int) -> Path:
    text = DEFAULT_PLATFORM.read_text().replace("size: 0x40000", f"size: 0x{ram:x}")
    assert f"size: 0x{ram:x}" in text
    path = tmp_path / f"nrf52840-{ram // 1024}k.repl"
    path.write_text(text)
    return path


def test_the_shipped_description_is_the_nano_33_ble() -> None:
    board = load_board()
    assert (board.flash.base, board.flash.size) == (0x0, 1024 * 1024)
    assert (board.ram.base, board.ram.size) == (0x20000000, 256 * 1024)
    assert board.performance_mips == 64 and board.dwt_hz == 64_000_000
    assert board.counts_per_instruction == 1.0


def test_a_smaller_ram_sizes_and_links_the_firmware(sine_model: Path, tmp_path: Path) -> None:
    platform = _variant(tmp_path, 16 * 1024)
    options = BenchOptions(platform=platform, build_root=tmp_path / "build", compare_tflite=False)
    with BenchSession(sine_model, options) as session:
        assert session.build().memory.ram_limit == 16 * 1024
        results = session.run_samples(session.random_samples(2, seed=1))
    assert all(r.bit_exact for r in results)
    assert session.report(results).config.board["ram"]["size"] == 16 * 1024


def test_a_ram_too_small_for_the_stack_fails_with_the_numbers(sine_model: Path, tmp_path: Path) -> None:
    board = load_board(_variant(tmp_path, 8 * 1024))
    with pytest.raises(ModelTooLargeError, match="8192"):
        build_firmware(BuildConfig(sine_model, tmp_path / "build", board=board))


def test_a_description_without_a_dwt_is_refused_by_name(tmp_path: Path) -> None:
    text = DEFAULT_PLATFORM.read_text()
    start = text.index("dwt: Miscellaneous.DWT")
    path = tmp_path / "no-dwt.repl"
    path.write_text(text[:start] + text[text.index("frequency: 64000000", start) + len("frequency: 64000000"):])
    with pytest.raises(ReplError, match="no DWT entry"):
        load_board(path)


def test_a_description_overrides_the_supply_currents_in_comments(tmp_path: Path) -> None:
    """`// tflm-bench: FIELD VALUE` lines are comments to Renode; an outer file's win over the file it uses."""
    from tflm_bench.board import DEFAULT_PLATFORM, NRF52840_CURRENTS, ReplError, load_board

    inner = tmp_path / "inner.repl"
    inner.write_text(Path(DEFAULT_PLATFORM).read_text() + "// tflm-bench: cpu_flash_dcdc_ua 3000\n"
                     "// tflm-bench: on_ram_retained_rtc_ua 2.5\n")
    outer = tmp_path / "outer.repl"
    outer.write_text(f'using "{inner}"\n// tflm-bench: cpu_flash_dcdc_ua = 3100\n')
    board = load_board(outer)
    assert board.currents.cpu_flash_dcdc_ua == 3100 and board.currents.on_ram_retained_rtc_ua == 2.5
    assert board.currents.cpu_flash_ldo_ua == NRF52840_CURRENTS.cpu_flash_ldo_ua
    assert load_board().currents == NRF52840_CURRENTS
    outer.write_text(f'using "{inner}"\n// tflm-bench: cpu_current 3100\n')
    with pytest.raises(ReplError, match=r"outer.repl:2: .*names no board fact; the supply currents are: .*cpu_flash_dcdc_ua"):
        load_board(outer)
