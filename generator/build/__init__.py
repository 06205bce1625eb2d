"""The firmware pipeline: a model in, a sized firmware image out, the runtime one part of it."""
from .image import BuildConfig, FirmwareImage, LayerInfo, MemoryUse
from .pipeline import FirmwarePipeline, build_firmware
from .tflm import probe_arena_bytes, round_arena
from .toolchain import firmware_dir, write_memory_script

__all__ = ["BuildConfig", "FirmwareImage", "FirmwarePipeline", "LayerInfo", "MemoryUse", "build_firmware",
           "firmware_dir", "probe_arena_bytes", "round_arena", "write_memory_script"]
