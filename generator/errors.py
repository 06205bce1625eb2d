"""Exceptions raised while turning a .tflite model into firmware.

Every message says what is wrong and what the user can do about it.
"""

from __future__ import annotations

from collections.abc import Sequence


class GeneratorError(Exception):
    """Base class of every error the generator raises on purpose."""


class MalformedModelError(GeneratorError):
    """The file is not a readable TFLite flatbuffer, or it contradicts itself."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            f"malformed .tflite model: {problem}; re-export the model with "
            "tf.lite.TFLiteConverter and check that the file was copied completely"
        )


class UnsupportedOpError(GeneratorError):
    """An operator (or one configuration of it) that the built-in runtime cannot run."""

    def __init__(
        self,
        op_name: str,
        op_index: int,
        supported_ops: Sequence[str],
        detail: str | None = None,
    ) -> None:
        self.op_name = op_name
        self.op_index = op_index
        self.supported_ops = tuple(supported_ops)
        self.detail = detail
        if detail is None:
            message = (
                f"operator #{op_index} {op_name} is not supported by the built-in runtime; "
                f"supported: {', '.join(self.supported_ops)}"
            )
        else:
            message = (
                f"operator #{op_index} {op_name}: {detail} is not supported by the "
                "built-in runtime"
            )
        super().__init__(message)


class CustomOpError(UnsupportedOpError):
    """A CUSTOM operator: the message says what it is (e.g. an NPU command stream) and what to do."""

    def __init__(self, op_index: int, custom_code: str, problem: str) -> None:
        self.custom_code = custom_code
        GeneratorError.__init__(self, problem)
        self.op_name, self.op_index, self.supported_ops, self.detail = "CUSTOM", op_index, (), problem


def add_fix(error: GeneratorError, fix: str) -> GeneratorError:
    """The same error with `fix` appended to its message (the refusal's attributes unchanged)."""
    error.args = (f"{error}; {fix}",)
    return error


class UnsupportedTensorError(GeneratorError):
    """A tensor whose type, shape or quantization the built-in runtime cannot handle."""

    def __init__(self, tensor_name: str, dtype: str, reason: str) -> None:
        self.tensor_name = tensor_name
        self.dtype = dtype
        self.reason = reason
        super().__init__(f"tensor '{tensor_name}' ({dtype}): {reason}")


class ModelTooLargeError(GeneratorError):
    """The firmware image would not fit the target's flash or RAM.

    The message names the bytes needed against the limit, e.g. "the model's constant
    tensors take 1200000 bytes, more than the 1048576 bytes of flash".
    `flash_overflow` is the flash bytes over the limit when known (0 otherwise).
    """

    flash_overflow: int = 0


class FirmwareBuildError(GeneratorError):
    """The toolchain failed to build the firmware (missing tool, compile or link error)."""


class ToolchainMissingError(FirmwareBuildError):
    """arm-none-eabi-gcc or CMake is not installed: a set-up problem, not a bug."""


class MalformedTensorError(MalformedModelError):
    """One tensor's record is impossible: a shape, quantization or buffer no exporter writes."""

    def __init__(self, tensor_name: str, problem: str) -> None:
        self.tensor_name = tensor_name  # the problem text names it too
        super().__init__(problem)


class MalformedGraphError(MalformedModelError):
    """The operators contradict each other: a tensor read before it is written, written twice,
    an operand count the operator cannot have, an impossible operator version."""

    def __init__(self, op_index: int | None, op_name: str | None, problem: str) -> None:
        self.op_index = op_index
        self.op_name = op_name
        where = f"operator #{op_index} {op_name}: " if op_index is not None else ""
        super().__init__(f"{where}{problem}")
