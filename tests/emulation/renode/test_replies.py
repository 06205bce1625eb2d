"""Parsing Renode's monitor output: prompts, echo, failures and numbers."""
from __future__ import annotations

import pytest

from tflm_bench.emulation.renode.replies import (
    ERROR_PREFIXES,
    Reply,
    ReplyFormatError,
    parse_number,
    prompt_at_end,
    split_reply,
    strip_terminal,
)

ESC = "\x1b"


def test_escape_sequences_and_carriage_returns_are_dropped() -> None:
    raw = f"{ESC}[?25lsysbus{ESC}[1D{ESC}[1C{ESC}[?25h\n\r{ESC}[2K{ESC}[J{ESC}[91m(nano) {ESC}[0m"
    assert strip_terminal(raw) == "sysbus\n(nano) "


def test_prompts_are_recognised_only_at_the_end() -> None:
    assert prompt_at_end("Renode, version 1.17.0\n\n(monitor) ") == "monitor"
    assert prompt_at_end("(nano) ") == "nano"
    assert prompt_at_end("(nano)") == "nano"
    assert prompt_at_end("(nano) mach create") is None
    assert prompt_at_end("output without prompt\n") is None


def test_reply_waits_for_the_prompt_and_drops_the_echo() -> None:
    command = "sysbus.cpu ExecutedInstructions"
    assert split_reply(command, f"{command}\n\r0x0000") is None
    reply = split_reply(command, f"{ESC}[?25l{command}{ESC}[?25h\n\r0x00000000000012AB\r\n(nano) ")
    assert reply == Reply(command, ("0x00000000000012AB",), "nano")
    assert reply.error is None


def test_empty_reply_and_prompt_change() -> None:
    reply = split_reply('mach create "nano"', 'mach create "nano"\n\r(nano) ')
    assert reply is not None and reply.lines == () and reply.prompt == "nano"


@pytest.mark.parametrize("prefix", ERROR_PREFIXES)
def test_every_failure_text_is_detected(prefix: str) -> None:
    reply = split_reply("x", f"x\n\rsome line\r\n{prefix} something went wrong\r\ndetail\r\n(nano) ")
    assert reply is not None and reply.error == f"{prefix} something went wrong\ndetail"


def test_renode_exception_report_keeps_its_message() -> None:
    command = 'emulation CreateServerSocketTerminal 3456 "uart0term" false'
    raw = (
        f"{command}\n\rThere was an error executing command '{command}': \r\n"
        "Unable to create '0.0.0.0:3456' socket:[AddressAlreadyInUse] Address already in use\r\n(nano) "
    )
    reply = split_reply(command, raw)
    assert reply is not None and reply.error is not None
    assert "AddressAlreadyInUse" in reply.error and reply.error.startswith("There was an error")


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("0x00000000000012AB", 0x12AB),     # Hexadecimal, the default number mode
        ("0x1234", 0x1234),
        ("4779", 4779),                      # Decimal
        ("0x00000000000012AB (4779)", 4779),  # Both
        ("0x0000000000000000", 0),
    ],
)
def test_numbers_in_every_monitor_number_mode(printed: str, value: int) -> None:
    assert parse_number(Reply("c", (printed,), "nano")) == value


@pytest.mark.parametrize("printed", [("4,779",), ("0x12AB (4780)",), ("12", "13"), ()])
def test_malformed_numbers_are_refused(printed: tuple[str, ...]) -> None:
    with pytest.raises(ReplyFormatError):
        parse_number(Reply("sysbus.cpu ExecutedInstructions", printed, "nano"))
