"""The full .repl grammar, `using` search roots, and Renode's stock Nano 33 BLE description."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tflm_bench.board import description as repl, load_board
from tflm_bench.board.description import NONE, IrqConnection, NewObject, RangeValue, Reference, Registration, ReplError

GRAMMAR = """
/* block
   comment */
nvic: IRQControllers.NVIC @ sysbus 0xE000E000
    -> cpu@0
cpu: CPU.CortexM @ sysbus
    nvic: nvic
bus2: Bus.Thing @ sysbus 0x1000
dev: Sensors.X @ {
        sysbus 0x2000;
        bus2 0x30
    }
    region: <0x10, 0x20>
    window: <0x0, +0x100>
    parent: none
    list: [1, 2, 3]
    obj: new Misc.Obj { a: 1; b: "s" }
    [0-1] -> nvic@[4-5]
    7 -> nvic@9 | cpu@1
sysbus:
    init:
        Tag <0x10000000, 0x10000FFF> "FICR"
        ApplySVD @https://example.invalid/x.svd
dev:
    init add:
        Tag <0x0, 0x3> "X"
"""


def test_grammar_snippet() -> None:
    p = repl.parse_text(GRAMMAR)
    dev = p.entry("dev")
    assert dev.addresses == (Registration("sysbus", 0x2000), Registration("bus2", 0x30))
    assert dev.address == 0x2000
    assert dev.get("region") == RangeValue(0x10, end=0x20)
    assert dev.get("window") == RangeValue(0, size=0x100)
    assert dev.get("parent") is NONE
    assert dev.get("list") == (1, 2, 3)
    assert dev.get("obj") == NewObject("Misc.Obj", (("a", 1), ("b", "s")))
    assert dev.irqs == (
        IrqConnection(0, "nvic", 4), IrqConnection(1, "nvic", 5),
        IrqConnection(7, "nvic", 9), IrqConnection(7, "cpu", 1),
    )
    assert dev.init == ('Tag <0x0, 0x3> "X"',)
    assert p.entry("sysbus").init == (
        'Tag <0x10000000, 0x10000FFF> "FICR"', "ApplySVD @https://example.invalid/x.svd",
    )
    assert len(p.ignored_init()) == 2


def test_using_prefixed_and_search_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "platforms").mkdir(parents=True)
    (root / "platforms" / "part.repl").write_text("mem: Memory.MappedMemory @ sysbus 0x0\n    size: 0x1000\n")
    top = tmp_path / "elsewhere" / "top.repl"
    top.parent.mkdir()
    top.write_text('using "platforms/part.repl" prefixed "a_"\nusing "platforms/part.repl"\n')
    with pytest.raises(ReplError, match="search roots .*--repl-path"):
        repl.load(top, roots=())
    p = repl.load(top, roots=[root])
    assert [e.name for e in p] == ["a_mem", "mem"]


def test_search_path_from_environment(tmp_path: Path) -> None:
    env = {repl.REPL_PATH_ENV: f"{tmp_path}/a{os.pathsep}{tmp_path}/b", "PATH": ""}
    assert repl.search_path([tmp_path / "c"], env)[:3] == (tmp_path / "c", tmp_path / "a", tmp_path / "b")


def _renode_tree() -> Path:
    tree = os.environ.get("TFLM_BENCH_RENODE_TREE")
    if not tree:
        pytest.skip("no Renode tree given (set TFLM_BENCH_RENODE_TREE)")
    return Path(tree)


def test_stock_board_and_overlay(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _renode_tree()
    stock = repl.load(tree / "platforms" / "boards" / "arduino_nano_33_ble.repl", roots=[tree])
    assert stock.entry("uart0").get("easyDMA") is True
    assert stock.entry("camera").addresses == (Registration("spi2"), Registration("twi0", 0x30))
    merged = repl.load(repl.RENODE_OVERLAY, roots=[tree])
    assert merged.entry("uart0").get("easyDMA") is False
    board = repl.load(repl.RENODE_OVERLAY, roots=[tree])
    assert board.cpu().get("PerformanceInMips") == 64
    monkeypatch.setenv(repl.REPL_PATH_ENV, str(tree))
    b = load_board(repl.RENODE_OVERLAY)
    assert (b.flash.size, b.ram.base, b.ram.size, b.performance_mips, b.dwt_hz) == (
        0x100000, 0x20000000, 0x40000, 64, 64_000_000)


def test_sine_runs_bit_exact_from_stock_board_and_overlay(
    sine_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tflm_bench.session import BenchOptions, BenchSession

    monkeypatch.setenv(repl.REPL_PATH_ENV, str(_renode_tree()))
    options = BenchOptions(platform=repl.RENODE_OVERLAY, compare_tflite=False)
    with BenchSession(sine_model, options) as session:
        results = session.run_samples(session.random_samples(3, seed=2))
    assert results and all(r.bit_exact for r in results)


def test_conv_model_runs_bit_exact_from_stock_board_with_repl_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tflm_bench.cli import main

    tree = _renode_tree()
    monkeypatch.delenv(repl.REPL_PATH_ENV, raising=False)
    model = Path(__file__).resolve().parents[2] / "models" / "accel_cnn_int8.tflite"
    out = tmp_path / "r.json"
    code = main(["run", str(model), "--platform", str(repl.RENODE_OVERLAY), "--repl-path", str(tree),
                 "--count", "2", "--no-tflite", "--json", str(out)])
    assert code == 0, capsys.readouterr()
    data = json.loads(out.read_text())
    assert data["all_bit_exact"] is True
    assert data["config"]["platform"].endswith("nano33ble-renode-overlay.repl")
    assert data["config"]["board"]["performance_mips"] == 64
    # The stock cpu file's `sysbus:` init block (Tag, ApplySVD) is Renode setup: named, not run.
    assert any("init command(s) ignored by the built-in engine" in w for w in data["warnings"])


def test_cli_names_the_missing_root_and_the_option(
    sine_model: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tflm_bench.cli import main

    monkeypatch.delenv(repl.REPL_PATH_ENV, raising=False)
    monkeypatch.setenv("PATH", "")  # no Renode to take the root from
    monkeypatch.delenv("RENODE", raising=False)
    top = tmp_path / "top.repl"
    top.write_text('using "platforms/cpus/nrf52840.repl"\n')
    assert main(["build", str(sine_model), "--platform", str(top), "--repl-path", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "platforms/cpus/nrf52840.repl" in err and "--repl-path" in err and str(tmp_path / "nowhere") in err
    assert "Traceback" not in err
