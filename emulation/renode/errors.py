"""Errors of the Renode engine and its installer; each says what to do next."""
from __future__ import annotations

from ..errors import EmulationError

NOT_INSTALLED = "Renode not installed"
INSTALL_HINT = "set RENODE=/path/to/renode or run `tflm-bench install-renode`"


class RenodeNotInstalled(EmulationError):
    """No Renode binary was found (RENODE, then `renode` on PATH)."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{NOT_INSTALLED}: {INSTALL_HINT}{f' ({detail})' if detail else ''}")


class RenodeCommandError(EmulationError):
    """A monitor command failed; Renode's own text is kept."""

    def __init__(self, command: str, renode_text: str) -> None:
        self.command = command
        self.renode_text = renode_text
        super().__init__(f"Renode rejected the monitor command `{command}`: {renode_text}")


class RenodeProcessError(EmulationError):
    """The Renode process did not start, exited, or stopped answering."""


class RenodeInstallError(EmulationError):
    """Downloading, checking or unpacking a Renode release failed."""


class ChecksumMismatch(RenodeInstallError):
    def __init__(self, name: str, expected: str, actual: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{name}: SHA-256 {actual} does not match the pinned {expected}; the download was "
            f"deleted. Retry; if it persists the release asset changed: check it by hand"
        )
