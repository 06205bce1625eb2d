"""The committed models, split by cost on the emulated device.

The float32 models made for the memory work (models/make_models.py: mobilenet_v1_025_float,
cnn84_float) take 60 to 85 million instructions per inference; the suites that sweep every model
with many inputs (tests/bench/test_models.py, test_layer_diff.py) use LIGHT_MODELS, and
tests/bench/test_big_float_models.py runs the heavy ones on a few inputs.
"""
from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
ALL_MODELS = sorted(MODELS_DIR.glob("*.tflite"))
HEAVY_MODELS = tuple(m for m in ALL_MODELS if m.stem in {"mobilenet_v1_025_float", "cnn84_float"})
LIGHT_MODELS = [m for m in ALL_MODELS if m not in HEAVY_MODELS]
