"""The firmware pipeline: a model in, a sized firmware image out, with the runtime as one part."""
from .pipeline import BuildConfig, FirmwareImage, LayerInfo, MemoryUse, build_firmware, firmware_dir, write_memory_script
from .tflm import probe_arena_bytes, round_arena

__all__ = ["BuildConfig", "FirmwareImage", "LayerInfo", "MemoryUse", "build_firmware", "firmware_dir",
           "probe_arena_bytes", "round_arena", "write_memory_script"]
