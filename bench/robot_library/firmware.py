"""Keywords that build and boot the firmware and ask the running firmware about itself."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from robot.api import SkipExecution, logger
from robot.api.deco import keyword

from tflm_bench.emulation import RenodeNotInstalled, vector_table_address
from tflm_bench.generator import ExportFormat, export_library

from ..errors import DeviceError
from ..protocol import encode_frame
from ..session import BenchSession
from .state import LibraryState


class FirmwareKeywords:
    def __init__(self, state: LibraryState) -> None:
        self.state = state

    @keyword
    def build_firmware_for_model(self, model: str, target: str | None = None) -> str:
        """Generates and builds the firmware for `model`; returns the ELF path.

        ``target`` overrides the library's for this model: ``emulator`` (linked at 0x0) or
        ``nano33ble`` (the image for a real Arduino Nano 33 BLE, linked at 0x10000 after its
        bootloader; both engines boot it from its vector table).

        Example:
        | ${elf}= | `Build Firmware For Model` | ${MODEL} | target=nano33ble |
        | `Vector Table Should Be At` | ${elf} | 0x10000 |
        """
        options = self.state.options if target is None else replace(self.state.options, target=target)
        self.state.session_ = BenchSession(Path(model), options)
        image = self.state.session_.build()
        logger.info(f"firmware {image.elf} ({'reused' if image.reused else 'built'}) for {options.target}, "
                    f"flash {image.memory.flash_bytes} B, RAM {image.memory.ram_bytes} B")
        return str(image.elf)

    @keyword
    def export_library_for_model(self, model: str, out: str, format: str = "c") -> str:
        """Builds (or reuses) the firmware for `model` with the library's options and writes its
        generated runtime as a library into `out`; returns the library's folder.

        ``format``: ``c`` (src/ and an example main.c), ``cmake`` (a CMake package) or ``arduino``
        (an Arduino library: then the folder is `out`/<model>_model). The files are the ones the
        bench compiles and checks; export.json records the build id and build folder.

        Example:
        | ${lib}= | `Export Library For Model` | ${MODEL} | ${OUTPUT_DIR}/lib | format=arduino |
        | `Exported Library Should Be Of Model` | ${lib} | ${MODEL} |
        """
        session = BenchSession(Path(model), self.state.options)
        image = session.build()
        library = export_library(image, session.model, Path(model), Path(out), ExportFormat.parse(format))
        logger.info(f"exported {library.name} ({library.format}) to {library.root}: build id 0x{image.build_id:08x}, "
                    f"build {image.build_dir.name}")
        return str(library.root)

    @keyword
    def exported_library_should_be_of_model(self, library: str, model: str) -> None:
        """Fails unless the export.json in `library` records the build that the bench makes of
        `model` with this library's options (same model hash, build id and build folder).

        Example:
        | `Exported Library Should Be Of Model` | ${lib} | ${MODEL} |
        """
        recorded = json.loads((Path(library) / "export.json").read_text())
        image = BenchSession(Path(model), self.state.options).build()
        expected = {"model_sha256": image.model_sha256, "build_id": f"0x{image.build_id:08x}",
                    "build_key": image.build_dir.name}
        differ = {key: (recorded.get(key), value) for key, value in expected.items() if recorded.get(key) != value}
        if differ:
            raise AssertionError(f"{library} is not the bench's build of {model}: "
                                 + ", ".join(f"{key} {got} != {want}" for key, (got, want) in differ.items()))

    @keyword
    def vector_table_should_be_at(self, elf: str, address: str) -> None:
        """Fails unless the vector table of `elf` (its ``.isr_vector``) is at `address` (e.g. 0x10000).

        Example:
        | `Vector Table Should Be At` | ${elf} | 0x10000 |
        """
        found, expected = vector_table_address(Path(elf)), int(str(address), 0)
        if found != expected:
            raise AssertionError(f"the vector table of {elf} is at 0x{found:x}, not 0x{expected:x}")

    @keyword
    def boot_firmware_for_model(self, model: str, target: str | None = None) -> None:
        """Builds (or reuses) the firmware for `model`, starts the engine and waits for the firmware's HELLO.

        ``target`` as in `Build Firmware For Model`: ``nano33ble`` boots the real board's image.
        With ``engine=serial`` it opens the port instead, resynchronises with the running
        firmware and checks that the board runs this model's image.

        Example:
        | `Boot Firmware For Model` | ${MODEL} | target=nano33ble |
        | `Run Random Inputs` | count=8 | seed=1 |
        | `Outputs Should Be Bit Exact With TFLM` |
        """
        self.build_firmware_for_model(model, target)
        try:
            self.state.session().start()
        except RenodeNotInstalled as missing:
            raise SkipExecution(str(missing)) from missing
        logger.info(f"booted on engine {self.state.options.engine}")

    @keyword
    def stop_firmware(self) -> None:
        """Stops the engine. Safe to call when nothing runs."""
        if self.state.session_ is not None:
            self.state.session_.stop()
            self.state.session_ = None

    @keyword
    def runtime_should_be(self, runtime: str) -> None:
        """Fails unless the running firmware's runtime is `runtime` (generated or tflm).

        Example:
        | Runtime Should Be    tflm
        """
        actual = self.state.session().config().runtime
        if actual != runtime:
            raise AssertionError(f"the firmware runs runtime {actual}, expected {runtime}")

    @keyword
    def tflm_arena_used_bytes(self) -> int:
        """Returns TFLM's arena_used_bytes() for the running firmware (runtime tflm only) and logs
        the arena given and how it was found.

        Example:
        | ${used}=    TFLM Arena Used Bytes
        | Should Be True    ${used} < 30000
        """
        session = self.state.session()
        session.start()
        if session.arena is None:
            raise AssertionError("the running firmware's runtime is not tflm: it has no TFLM arena")
        logger.info(session.arena.summary())
        return session.arena.used_bytes

    @keyword
    def tflm_library_should_have_cmsis_nn(self, expected: bool = True) -> None:
        """Fails unless the linked TFLM library holds CMSIS-NN kernels (``arm_*_s8``), or, with
        ``expected=False``, unless it holds none.

        Example:
        | TFLM Library Should Have CMSIS NN    expected=False
        """
        library = self.state.session().config().tflm_library
        if library is None:
            raise AssertionError("the running firmware's runtime is not tflm: no TFLM library is linked")
        wanted = expected if isinstance(expected, bool) else str(expected).lower() in ("true", "yes", "1")
        if bool(library["cmsis_nn"]) != wanted:
            raise AssertionError(f"TFLM library {library['path']}: CMSIS-NN {'present' if library['cmsis_nn'] else 'absent'}, "
                                 f"expected {'present' if wanted else 'absent'}")

    @keyword
    def send_corrupted_frame(self) -> str:
        """Sends a PING whose CRC is wrong and returns the name of the device's error reply."""
        frame = bytearray(encode_frame(0x01, 0x33, b"corrupt me"))
        frame[-1] ^= 0xFF
        device = self.state.device()
        device.send_raw(bytes(frame))
        try:
            device.read_reply()
        except DeviceError as error:
            return error.code_name
        raise AssertionError("the device accepted a frame with a wrong CRC")

    @keyword
    def ping_should_succeed(self, text: str = "ping") -> None:
        """Sends PING with `text` and fails unless the same bytes come back."""
        echoed = self.state.device().ping(text.encode())
        if echoed != text.encode():
            raise AssertionError(f"PING echoed {echoed!r}, expected {text.encode()!r}")
