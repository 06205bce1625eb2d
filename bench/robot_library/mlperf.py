"""Keywords for MLPerf Tiny mode: firmware that speaks the MLCommons/EEMBC runner's text protocol,
served on a pseudo-terminal and driven as the runner drives it."""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np
from robot.api import logger
from robot.api.deco import keyword

from tflm_bench.generator import Protocol, read_model

from ..mlperf_client import MlperfDut, host_results, served_on_pty
from ..session import BenchSession
from .state import LibraryState, ServedMlperf


class MlperfKeywords:
    def __init__(self, state: LibraryState) -> None:
        self.state = state

    @keyword
    def serve_mlperf_firmware_for_model(self, model: str, mlperf_model: str | None = None) -> str:
        """Builds `model` with ``--protocol mlperf`` (the MLCommons/EEMBC runner's text protocol),
        serves it with ``tflm-bench emulate FW.elf --uart-pty`` (the built-in engine) and opens
        the pseudo-terminal as the runner would; returns its path. `mlperf_model` is the name
        ``profile`` reports (kws01, vww01, ic01, ad01; default: guessed from the input shape).
        The library's runtime and kernel options apply. Stop it with `Stop MLPerf Firmware`.

        Example:
        | ${pty}=    Serve MLPerf Firmware For Model    models/kws_dscnn_int8.tflite
        | ${lines}=    MLPerf Command    name
        | Should Be Equal    ${lines}[0]    m-name-dut-[tflm-bench]
        """
        self.stop_mlperf_firmware()
        options = replace(self.state.options, protocol=Protocol.MLPERF, mlperf_model=mlperf_model or None)
        image = BenchSession(Path(model), options).build()
        stack = ExitStack()
        try:
            pty = stack.enter_context(served_on_pty(image.elf))
            dut = stack.enter_context(MlperfDut(pty.path))
        except BaseException:
            stack.close()
            raise
        logger.info(f"{image.elf} on {pty.path}; boot: {' | '.join(pty.boot)}")
        self.state.mlperf = ServedMlperf(stack, dut, Path(model))
        return pty.path

    @keyword
    def mlperf_command(self, command: str) -> list[str]:
        """Sends ``command%`` and returns the reply lines before ``m-ready``; fails on an
        ``e-[...]`` reply, with its text.

        Example:
        | ${lines}=    MLPerf Command    profile
        | Should Be Equal    ${lines}[1]    m-model-[kws01]
        | Run Keyword And Expect Error    *Unknown command: bogus*    MLPerf Command    bogus
        """
        return self.state.served().dut.command(command)

    @keyword
    def run_mlperf_performance_window(self, runs: int = 10, warmup: int = 2, seed: int = 0) -> float:
        """Loads one seeded random input as the runner does (``db load N``, 31-byte ``db`` chunks),
        runs ``infer runs warmup`` and returns the microseconds per inference between the two
        ``m-lap-us`` stamps (DWT cycles at the board's core clock, the DWT frequency its
        platform description gives).

        Example:
        | ${us}=    Run MLPerf Performance Window    runs=10    warmup=2
        | Should Be True    ${us} < 5000
        """
        served = self.state.served()
        served.dut.load(_random_input(served.model, int(seed)))
        result = served.dut.infer(int(runs), int(warmup))
        logger.info(f"laps {result.lap_us}: {result.us_per_inference:.1f} us per inference, "
                    f"{result.inferences_per_s:.1f} inferences/s")
        return result.us_per_inference

    @keyword
    def mlperf_results_should_match_tflm(self, count: int = 3, seed: int = 0) -> None:
        """Accuracy mode: for `count` seeded random inputs, ``db load``, chunks and ``infer 1 0``;
        fails unless each ``m-results-[...]`` equals host TFLM's outputs dequantized and printed
        with three decimals.

        Example:
        | MLPerf Results Should Match TFLM    count=4    seed=3
        """
        served = self.state.served()
        for i in range(int(count)):
            raw = _random_input(served.model, int(seed) + i)
            served.dut.load(raw)
            got = served.dut.infer(1, 0).results
            expected = host_results(served.model.read_bytes(), raw)
            if got != expected:
                raise AssertionError(f"input {i}: the firmware printed {list(got)}, host TFLM gives {list(expected)}")
            logger.info(f"input {i}: m-results-[{','.join(got)}] as host TFLM")

    @keyword
    def stop_mlperf_firmware(self) -> None:
        """Closes the port and ends the emulator. Safe to call when nothing is served."""
        if self.state.mlperf is not None:
            served, self.state.mlperf = self.state.mlperf, None
            served.stack.close()


def _random_input(model_path: Path, seed: int) -> bytes:
    model = read_model(model_path.read_bytes())
    size = sum(model.tensors[i].num_bytes for i in model.inputs)
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()
