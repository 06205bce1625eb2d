"""The same firmware and inputs in two separate processes give identical outputs, instruction
counts, estimated cycles and profiles."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tflm_bench.session import BenchSession

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "sine_int8.tflite"


def test_two_processes_agree(tmp_path: Path) -> None:
    BenchSession(MODEL).build()   # build once, so the two runs only reuse it
    outputs = [tmp_path / f"run{i}.json" for i in range(2)]
    runs = [
        subprocess.Popen([sys.executable, "-m", "tflm_bench.cli", "run", str(MODEL), "--count", "6",
                          "--seed", "4", "--no-tflite", "--json", str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for out in outputs
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    first, second = (json.loads(out.read_text()) for out in outputs)
    for result in (*first["results"], *second["results"]):
        assert result.pop("seconds") >= 0  # host wall time, for JUnit: the one figure that may differ
    assert first["results"] == second["results"] and first["profile"] == second["profile"]
    assert all(r["estimated_cycles"] and r["instructions"] for r in first["results"])
    assert len(first["profile"]["layers"]) == 3
