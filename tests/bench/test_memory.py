"""Our static arena against TFLM's planned arena (RecordingMicroAllocator's head) for every model."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.memory import parse_allocations, tflm_arena

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODELS = sorted(MODELS_DIR.glob("*.tflite"))


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_arena_no_larger_than_tflm_head(model: Path) -> None:
    data = model.read_bytes()
    ours = plan_arena(read_tflite(data)).arena_bytes
    tflm = tflm_arena(data)
    assert tflm.head > 0 and tflm.total == tflm.head + tflm.tail
    assert ours <= tflm.head, f"{model.name}: our arena {ours} B > TFLM's planned arena {tflm.head} B"


def test_sine_model_arena_is_tflms() -> None:
    tflm = tflm_arena((MODELS_DIR / "sine_int8.tflite").read_bytes())
    assert (tflm.head, tflm.tail, tflm.total) == (32, 1728, 1760)


def test_aliasing_reshape_saves_the_copy_buffer() -> None:
    """micro_speech's RESHAPEs share their input's buffer: TFLM's reference head was 5,968 B."""
    model = read_tflite((MODELS_DIR / "micro_speech_int8.tflite").read_bytes())
    assert plan_arena(model).arena_bytes < plan_arena(model, allow_aliasing=False).arena_bytes
    assert plan_arena(model).arena_bytes == 5968


def test_parse_allocations_rejects_unexpected_text() -> None:
    from tflm_bench.errors import BenchError

    with pytest.raises(BenchError, match="arena sizes"):
        parse_allocations("nothing here")
