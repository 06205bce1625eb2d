"""Model intake, .tflite reading, validation, planning, C generation and firmware build.

The generator's public entry: `build_firmware(BuildConfig(...)) -> FirmwareImage` (or
`FirmwarePipeline(config)` for several arenas of one TFLM build), plus the
model intake (`prepare_model`, `convert_model_file`), `read_model` and the option and error
types; for the tflm runtime, `resolve_setup` / `check_library` (the user's TFLM library). Other stages import from here, never from the modules behind it.
"""
from .errors import (
    FirmwareBuildError,
    GeneratorError,
    MalformedModelError,
    ModelTooLargeError,
    UnsupportedOpError,
    ToolchainMissingError,
    UnsupportedTensorError,
)
from .build import (
    BuildConfig,
    FirmwareImage,
    FirmwarePipeline,
    LayerInfo,
    MemoryUse,
    build_firmware,
    firmware_dir,
    probe_arena_bytes,
    round_arena,
    write_memory_script,
)
from .export import ExportError, ExportFormat, ExportedLibrary, export_library
from .flash_files import BOSSAC_COMMAND, FlashFiles, write_flash_files
from .targets import link_board
from .intake import (
    IO_TYPES,
    VARIANT_DESCRIPTIONS,
    VARIANTS,
    IntakeError,
    convert_model_file,
    convert_variant,
    needs_conversion,
    prepare_model,
)
from .legacy_keras import QAT_PACKAGES, QatError, is_qat_model_file, missing_qat_packages, qat_install_command
from .mlperf import MlperfModel
from .model import Model, Quantization, Tensor
from .options import Choice, KernelSet, Optimize, Protocol, Runtime, Target
from .tflm_library import LibraryProblem, TflmLibrary, TflmLibraryError, TflmSetup, check_library, resolve_setup
from .fusion import ConvPoolFusion, conv_pool_fusions
from .planner import ArenaPlan, align_up
from .ops.registry import handlers as _handlers
from .ops.slots import ABSENT, BIAS, input_index
from .ops.transpose_conv import fixed_input_values
from .tflite_reader import read_tflite as read_model
from .validate import validate as validate_model


def supported_ops() -> list[tuple[str, str]]:
    """(operator, supported tensor types) for every operator the generated runtime runs, by name."""
    return [(name, handler.types) for name, handler in sorted(_handlers().items())]


__all__ = [
    "ABSENT", "BIAS", "input_index", "fixed_input_values", "ArenaPlan", "align_up", "ConvPoolFusion", "conv_pool_fusions",
    "IO_TYPES", "VARIANTS", "VARIANT_DESCRIPTIONS", "IntakeError", "QatError", "QAT_PACKAGES", "missing_qat_packages", "qat_install_command", "convert_variant", "is_qat_model_file", "needs_conversion",
    "BuildConfig", "Choice", "FirmwareBuildError", "FirmwareImage", "FirmwarePipeline", "GeneratorError", "KernelSet", "Optimize", "Protocol", "Target", "MlperfModel",
    "LayerInfo", "MalformedModelError", "MemoryUse", "Model", "ModelTooLargeError", "Quantization",
    "Tensor", "ToolchainMissingError", "UnsupportedOpError", "UnsupportedTensorError", "build_firmware", "convert_model_file",
    "firmware_dir", "prepare_model", "read_model", "supported_ops", "validate_model",
    "write_memory_script", "Runtime", "LibraryProblem", "TflmLibrary", "TflmLibraryError", "TflmSetup",
    "check_library", "resolve_setup", "probe_arena_bytes", "round_arena",
    "BOSSAC_COMMAND", "FlashFiles", "link_board", "write_flash_files",
    "ExportError", "ExportFormat", "ExportedLibrary", "export_library",
]

# TFLM's builtin operators and types against the op registry's (`tflm-bench ops --missing`).
from .ops.registry import OpHandler, handlers as op_handlers, keeps_state, reference_gaps, supported_configs  # noqa: E402
from .ops.tflm_ops import ANY as ANY_TYPE, TFLM_BUILTIN_OPS, TFLM_CUSTOM_OPS, TFLM_UNDEFINED  # noqa: E402

__all__ += ["OpHandler", "op_handlers", "keeps_state", "reference_gaps", "supported_configs", "ANY_TYPE", "TFLM_BUILTIN_OPS", "TFLM_CUSTOM_OPS", "TFLM_UNDEFINED"]
