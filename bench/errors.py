"""The bench's own errors; generator and emulation errors live beside their modules."""
from __future__ import annotations


class BenchError(Exception):
    """Base class for failures of the bench itself (protocol, oracle, verdict input)."""


class ProtocolError(BenchError):
    """The device sent something that is not a valid frame, or not the reply expected."""


class DeviceError(BenchError):
    """The device answered a request with an ERROR frame."""

    def __init__(self, code: int, code_name: str, request_type: int, text: str) -> None:
        self.code = code
        self.code_name = code_name
        self.request_type = request_type
        self.text = text
        super().__init__(
            f"device replied ERROR {code_name} ({code}) to request 0x{request_type:02x}: {text}"
        )


class DeviceFault(BenchError):
    """The firmware's fault handler reported a fault over the UART."""

    def __init__(self, message: str, state: object = None) -> None:
        self.state = state  # tflm_bench.emulation.faults.FaultState, when decoded
        super().__init__(message)


class InputError(BenchError):
    """The inputs given to the bench do not fit the model."""


class OracleError(BenchError):
    """A reference interpreter (TFLM or TFLite) refused a model the generator accepted.

    That is a gap in tflm-bench's validation, not an output mismatch: the message names the
    oracle and the stage and asks for a report.
    """

    def __init__(self, oracle: str, stage: str, cause: BaseException) -> None:
        self.oracle = oracle
        self.stage = stage
        detail = str(cause).strip().rstrip(".") or type(cause).__name__
        super().__init__(
            f"{oracle} refused the model while {stage}: {detail}. The generator accepted this model, so "
            "this is a validation gap in tflm-bench; please report it with the model attached"
        )


class NotBenchFirmware(InputError):
    """A real board answers, but not with the bench protocol (other firmware, another baud rate)."""


class WrongImage(InputError):
    """A real board runs bench firmware for another model: it must be flashed, the bench cannot."""
