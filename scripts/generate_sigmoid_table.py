"""Write firmware/kernels/activations/sigmoid_table_u16.c from generator/int16_sigmoid.py.

The knots of TFLM's int16 sigmoid and tanh come from their mathematical definition there;
tests/generator/test_int16_sigmoid.py fails when the C file and the definition differ.

Run from a checkout: .venv/bin/python scripts/generate_sigmoid_table.py
"""
from __future__ import annotations

from pathlib import Path

from tflm_bench.generator.int16_sigmoid import TABLE_C_PATH, table_c_source


def main() -> None:
    path = Path(__file__).resolve().parents[1] / TABLE_C_PATH
    path.write_text(table_c_source())
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
