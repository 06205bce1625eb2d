"""TEST DOUBLE: a fake `renode` for the Renode engine's tests. It is not Renode.

It accepts the command line the engine uses (--console --disable-gui --plain --hide-log
--pid-file --config), talks on stdin/stdout the way Renode's line-editing monitor does (an
echo of each command, cursor escape sequences, "\\n\\r" line ends, a "(monitor) " or
"(<machine>) " prompt without a line break, failure texts), opens the UART server socket of
`emulation CreateServerSocketTerminal` (on 127.0.0.1 only) and bridges it to the bench's
*built-in* engine running the ELF. So the RenodeEngine's process handling, socket, timeouts
and shutdown run end to end on a machine without Renode. It models nothing of Renode itself.

FAKE_RENODE_MODE (environment) selects misbehaviour for the tests:
  normal | ignore-quit | child | port-busy-once | no-prompt | die-on-start | mute-firmware
"""
from __future__ import annotations

import os
import re
import select
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tflm_bench.board import description as repl
from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tflm_bench.emulation.errors import EmulationError, EmulatorTimeout, FirmwareIdle

MODE = os.environ.get("FAKE_RENODE_MODE", "normal")
HIDE_CURSOR, SHOW_CURSOR, CLEAR = "\x1b[?25l", "\x1b[?25h", "\x1b[2K\x1b[J"


def out(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


class FakeRenode:
    def __init__(self) -> None:
        self.machine: str | None = None
        self.vector_table: int | None = None
        self.engine: BuiltinEngine | None = None
        self.lock = threading.Lock()
        self.server: socket.socket | None = None
        self.client: socket.socket | None = None
        self.terminals: set[str] = set()
        self.path_prefixes: list[Path] = []  # `path add`: where `using` lines are found
        self.connected = False
        self.running = False
        self.stop = threading.Event()
        self.busy_once = MODE == "port-busy-once"
        self.description: repl.PlatformDescription | None = None
        self.maximum_block_size = 10000  # tlib's TCG_MAX_INSNS, what Renode reports by default

    def prompt(self) -> None:
        if MODE != "no-prompt":
            out(f"{SHOW_CURSOR}({self.machine or 'monitor'}) ")

    def handle(self, line: str) -> bool:
        """Run one command; False ends the process."""
        command = line.strip()
        out(HIDE_CURSOR + command + SHOW_CURSOR + "\n\r")
        if not command:
            return True
        try:
            result = self.dispatch(command)
        except LookupError as error:
            out(f"{error}\r\n")
        except Exception as error:  # noqa: BLE001 - the monitor prints every failure as text
            out(f"There was an error executing command '{command}': \r\n{error}\r\n")
        else:
            if result is False:
                return False
            if result is not None:
                out(f"{result}\r\n")
        return True

    def dispatch(self, command: str) -> object:
        if command in ("quit", "q"):
            return None if MODE == "ignore-quit" else False
        if match := re.fullmatch(r"path add @(\S+)", command):
            self.path_prefixes.append(Path(match.group(1).replace("\\ ", " ")))
            return None
        if match := re.fullmatch(r'mach create "([^"]+)"', command):
            self.machine = match.group(1)
            return None
        if match := re.fullmatch(r"machine LoadPlatformDescription @(\S+)", command):
            path = Path(match.group(1).replace("\\ ", " "))
            if not path.is_file():
                raise LookupError(f"Could not find file '{path}'")
            self.description = repl.load(path, roots=self.path_prefixes)
            self.engine = BuiltinEngine(self.description)
            # Offline, Renode's ApplySVD of a URL fails after the machine is built (stock nrf52840.repl).
            for entry in self.description:
                for init in entry.init:
                    if match := re.match(r"ApplySVD @(https?://\S+)", init.strip()):
                        return f"Failed to download {match.group(1)}, see log for details."
            return None
        if match := re.fullmatch(r"sysbus\.cpu MaximumBlockSize(?: (\d+))?", command):
            if match.group(1) is None:
                return f"0x{self.maximum_block_size:08X}"
            self.maximum_block_size = int(match.group(1))
            return None
        if command == "sysbus.cpu PerformanceInMips":
            assert self.description is not None
            return f"0x{int(self.description.cpu().get('PerformanceInMips', 100)):08X}"
        if match := re.fullmatch(r'emulation CreateServerSocketTerminal (\d+) "([^"]+)" false', command):
            if self.busy_once:
                self.busy_once = False
                raise RuntimeError(f"Unable to create '0.0.0.0:{match.group(1)}' socket:[AddressAlreadyInUse] Address already in use")
            self.server = socket.create_server(("127.0.0.1", int(match.group(1))), backlog=1)
            self.terminals.add(match.group(2))
            threading.Thread(target=self.accept, daemon=True).start()
            return None
        if match := re.fullmatch(r"connector Connect sysbus\.uart0 (\S+)", command):
            if match.group(1) not in self.terminals:
                raise RuntimeError(f"No such external: {match.group(1)}")
            self.connected = True
            return None
        if match := re.fullmatch(r"sysbus LoadELF @(\S+)", command):
            if self.running:
                raise RuntimeError("Cannot load ELF on an unpaused machine.")
            assert self.engine is not None
            self.engine.load_elf(match.group(1).replace("\\ ", " "))
            return None
        if match := re.fullmatch(r"sysbus\.cpu VectorTableOffset (0x[0-9a-fA-F]+)", command):
            # Like CortexM's setter, before start; the built-in engine boots from the ELF's table.
            self.vector_table = int(match.group(1), 16)
            return None
        if command in ("start", "s"):
            if MODE == "die-on-start":
                os._exit(3)
            if MODE == "child":
                child = subprocess.Popen(["sleep", "300"])
                Path("child.pid").write_text(str(child.pid))
            self.running = True
            if MODE != "mute-firmware":
                threading.Thread(target=self.run_firmware, daemon=True).start()
            return None
        if command == "pause":
            self.stop.set()
            self.running = False
            return None
        if command == "sysbus.cpu ExecutedInstructions":
            assert self.engine is not None
            with self.lock:
                return f"0x{self.engine.executed_instructions:016X}"
        raise LookupError(f"No such command or device: {command.split()[0]}")

    def accept(self) -> None:
        assert self.server is not None
        client, _ = self.server.accept()
        self.client = client

    def run_firmware(self) -> None:
        """Run the ELF on the built-in engine; bytes flow both ways through the client socket."""
        assert self.engine is not None
        held = bytearray()  # output before a client connects waits, as in Renode's terminal queue
        while not self.stop.is_set():
            client = self.client
            if client is not None:
                readable, _, _ = select.select([client], [], [], 0)
                if readable:
                    data = client.recv(4096)
                    if not data:
                        return
                    with self.lock:
                        self.engine.write_uart(data)
            try:
                with self.lock:
                    held += self.engine.read_uart(1, timeout_s=0.2)
            except FirmwareIdle:
                if client is not None:
                    select.select([client], [], [], 0.05)
                else:
                    self.stop.wait(0.05)
            except EmulatorTimeout:
                pass
            except EmulationError as error:
                sys.stderr.write(f"fake renode: firmware stopped: {error}\n")
                return
            if held and self.client is not None and self.connected:
                self.client.sendall(bytes(held))
                held.clear()


def main(argv: list[str]) -> int:
    flags = set(a for a in argv if a.startswith("--"))
    missing = {"--console", "--disable-gui", "--plain", "--hide-log"} - flags
    if missing:
        sys.stderr.write(f"fake renode: expected flags missing: {sorted(missing)}\n")
        return 2
    if "--pid-file" in argv:
        Path(argv[argv.index("--pid-file") + 1]).write_text(str(os.getpid()))
    Path("fake-renode-tmpdir").write_text(os.environ.get("TMPDIR", ""))  # for the tests
    fake = FakeRenode()
    out(CLEAR + "\n\rRenode (fake, a test double)\n\r\n\r")
    fake.prompt()
    for line in sys.stdin:
        if not fake.handle(line):
            fake.stop.set()
            return 0
        fake.prompt()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
