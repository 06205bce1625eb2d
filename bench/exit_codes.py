"""The CLI's exit codes, one meaning each, and which failure gets which.

    0  every output as expected (and every budget or gate met)
    1  outputs differ from TFLM, or a budget or baseline gate failed
    2  usage or input error: a bad option, model, input file, platform or missing tool
    3  internal error: a bug in tflm-bench (generated firmware that faults, a compile error
       in generated code, a model the generator accepted but an oracle refused)
  130  interrupted (SIGINT), 143 terminated (SIGTERM)
"""
from __future__ import annotations

from enum import IntEnum

from tflm_bench.board import ReplError
from tflm_bench.emulation import (
    FirmwareFileError,
    HostBuildError,
    PlatformError,
    RenodeInstallError,
    RenodeNotInstalled,
    SerialPortError,
    SerialTimeout,
)
from tflm_bench.generator import FirmwareBuildError, GeneratorError, ToolchainMissingError

from .baseline import BaselineError
from .errors import InputError


class ExitCode(IntEnum):
    OK = 0
    MISMATCH = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130
    TERMINATED = 143


# The user can fix these: a model, file, option, platform or installation of theirs.
_USER_ERRORS: tuple[type[BaseException], ...] = (
    InputError, BaselineError, FirmwareFileError, PlatformError, ReplError, RenodeNotInstalled, RenodeInstallError,
    SerialPortError, SerialTimeout,  # a board's port, cable or firmware: the user's to fix
    HostBuildError, ToolchainMissingError, FileNotFoundError, PermissionError, IsADirectoryError,
    NotADirectoryError,
)


def classify(error: BaseException) -> ExitCode:
    """USAGE for what the user can fix, INTERNAL for everything else (a bug of ours)."""
    if isinstance(error, _USER_ERRORS):
        return ExitCode.USAGE
    if isinstance(error, GeneratorError) and not isinstance(error, FirmwareBuildError):
        return ExitCode.USAGE  # the model is malformed, unsupported or too large
    return ExitCode.INTERNAL
