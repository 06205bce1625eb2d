"""Reading Renode's monitor output: prompts, echoed commands, error texts and numbers.

The monitor is a line editor (AntShell) even on stdin/stdout: it echoes what it reads, moves
the cursor with CSI escape sequences (also under --plain, which only drops colours), ends
lines with "\\n\\r" and, when a command finishes, writes its prompt "(monitor) " or
"(<machine>) " without a line break. A failed command still "succeeds" at the stream level:
only its text tells, so the texts Renode writes for failures are matched here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x1b")
_PROMPT_AT_END = re.compile(r"\((?P<name>[A-Za-z0-9_.\-]+)\) *\Z")

# Texts the monitor starts a failure with (Monitor.cs, MonitorCommands.cs, the exceptions
# they print): "There was an error executing command '<cmd>': <message>" covers every
# RecoverableException a command throws.
ERROR_PREFIXES = (
    "There was an error",
    "Could not find",
    "Could not tokenize",
    "Error",
    "Invalid",
    "Failed",
    "Unknown",
    "Parameters did not match",
    "No such command or device",
    "No such variable",
    "Bad parameters for command",
)


class ReplyFormatError(ValueError):
    """The monitor's answer does not have the expected form."""


def strip_terminal(text: str) -> str:
    """The visible text: escape sequences, carriage returns and NULs removed."""
    return _ESCAPES.sub("", text).replace("\r", "").replace("\x00", "")


@dataclass(frozen=True)
class Reply:
    """One command's answer: its output lines (echo removed) and the prompt that ended it."""

    command: str
    lines: tuple[str, ...]
    prompt: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def error(self) -> str | None:
        """Renode's failure text, if a line of the answer starts like one."""
        for index, line in enumerate(self.lines):
            if line.lstrip().startswith(ERROR_PREFIXES):
                return "\n".join(l.strip() for l in self.lines[index:] if l.strip())
        return None


def prompt_at_end(visible: str) -> str | None:
    """The machine name of a prompt closing `visible` ("monitor" before any machine), or None."""
    match = _PROMPT_AT_END.search(visible)
    return match.group("name") if match else None


def split_reply(command: str, raw: str) -> Reply | None:
    """Parse everything the monitor wrote after `command` was sent; None until its prompt came."""
    visible = strip_terminal(raw)
    match = _PROMPT_AT_END.search(visible)
    if match is None:
        return None
    body = visible[: match.start()]
    echo = body.find(command) if command else -1
    if command and 0 <= echo <= len(body) - len(command):
        body = body[echo + len(command):]
    lines = tuple(line.rstrip() for line in body.split("\n"))
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return Reply(command, lines, match.group("name"))


_HEX = re.compile(r"\A0x(?P<hex>[0-9A-Fa-f]+)(?: \((?P<dec>\d+)\))?\Z")
_DEC = re.compile(r"\A(?P<dec>\d+)\Z")


def parse_number(reply: Reply) -> int:
    """The integer a property read printed, in any of the monitor's number modes.

    MonitorCommands.PrintActionResult formats integers with the invariant culture as
    "0x<hex, zero-padded>" (Hexadecimal, the default), "<decimal>" (Decimal) or
    "0x<hex> (<decimal>)" (Both): never with thousands separators.
    """
    candidates = [line.strip() for line in reply.lines if line.strip()]
    if len(candidates) != 1:
        raise ReplyFormatError(f"expected one number from `{reply.command}`, Renode answered {reply.text!r}")
    token = candidates[0]
    hex_match = _HEX.match(token)
    if hex_match:
        value = int(hex_match.group("hex"), 16)
        if hex_match.group("dec") is not None and int(hex_match.group("dec")) != value:
            raise ReplyFormatError(f"`{reply.command}` printed {token!r}: its hex and decimal forms differ")
        return value
    dec_match = _DEC.match(token)
    if dec_match:
        return int(dec_match.group("dec"))
    raise ReplyFormatError(f"expected a number from `{reply.command}`, Renode answered {token!r}")
