"""Keywords that run inputs through the booted firmware and check the outputs and the counts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from robot.api import logger
from robot.api.deco import keyword

from ..assertions import assert_estimated_cycles_within, assert_layer_within
from ..datasets import io_specs, load_dataset, prepare_inputs
from ..profile import format_profile
from .state import LibraryState


class RunKeywords:
    def __init__(self, state: LibraryState) -> None:
        self.state = state

    @keyword
    def run_random_inputs(self, count: int = 10, seed: int = 0) -> int:
        """Runs `count` seeded random inputs through the device and the oracles; returns how many ran."""
        session = self.state.session()
        return self._run(session.random_samples(int(count), int(seed)))

    @keyword
    def run_inputs_from_file(self, path: str, limit: int | None = None, labels: str | None = None) -> int:
        """Runs real samples through the device and the oracles; returns how many ran.

        `path`: a ``.npy`` of samples ([N, *input shape], float data for a quantized input is
        quantized with the input's scale and zero point), an ``.npz`` with ``x`` (and ``y``, class
        labels, and ``class_names``), or an image folder with one subfolder per class (as Keras's
        image_dataset_from_directory; the folder names are the classes). ``limit``: the first N
        samples only. ``labels``: class names separated by ``,`` (else the data's own).

        Example:
        | ${ran}= | `Run Inputs From File` | ${CURDIR}/data/test.npz | limit=20 |
        | `Top Class Of Input Should Be` | 0 | paper |
        | `Device Accuracy On The Last Run Should Be At Least` | 0.9 |
        """
        session = self.state.session()
        self.state.targets = None
        names: tuple[str, ...] = ()
        if Path(path).suffix.lower() == ".npy":
            samples = session.load_samples(Path(path))
        else:
            model_inputs, _ = io_specs(session.model)
            data = load_dataset(Path(path), model_inputs[0].shape).head(int(limit) if limit else None)
            x = prepare_inputs(data.x, model_inputs[0], "auto", data.source)
            samples = [[sample] for sample in x]
            self.state.targets = data.y if data.has_labels else None
            names = data.class_names or ()
        samples = samples[:int(limit)] if limit else samples
        session.labels = tuple(n.strip() for n in labels.split(",")) if labels else names
        return self._run(samples)

    def _run(self, samples: list[list[np.ndarray]]) -> int:
        """Run `samples`; the last run's results replace the previous ones (and their checks)."""
        self.state.results = self.state.session().run_samples(samples)
        self.state.checks, self.state.notes = (), ()
        for result in self.state.results:
            logger.info(f"input {result.index}: {'bit-exact' if result.bit_exact else 'MISMATCH'}, "
                        f"{result.instructions} instructions, outputs {result.values}")
        return len(self.state.results)

    @keyword
    def top_class_of_input_should_be(self, index: int, expected: str) -> None:
        """Fails unless the device's top class for input `index` of the last run is `expected`:
        a class index, or a class name (from the data's class names or ``labels``)."""
        report = self.state.report()
        top = report.top_classes()[int(index)]
        if top is None:
            raise AssertionError("the model is no classifier (no SOFTMAX output and no class names given)")
        number, name = top
        if str(expected) not in (str(number), name):
            raise AssertionError(f"input {index}: the top class is {number}{f' ({name})' if name else ''}, not {expected}")

    @keyword
    def device_accuracy_on_the_last_run_should_be_at_least(self, minimum: float) -> float:
        """Fails unless the share of samples of the last `Run Inputs From File` whose device top
        class equals their label is at least `minimum` (0..1); returns that accuracy."""
        targets = self.state.targets
        if targets is None:
            raise AssertionError("the last run had no class labels: run an .npz with y, or an image folder")
        tops = self.state.report().top_classes()
        if any(top is None for top in tops):
            raise AssertionError("the model is no classifier (no SOFTMAX output and no class names given)")
        accuracy = float(np.mean([top[0] == int(label) for top, label in zip(tops, targets)]))  # type: ignore[index]
        logger.info(f"device accuracy {accuracy:.4f} over {len(tops)} samples")
        if accuracy < float(minimum):
            raise AssertionError(f"device accuracy {accuracy:.4f} is below {float(minimum):g}")
        return accuracy

    @keyword
    def outputs_should_be_bit_exact_with_tflm(self) -> None:
        """Fails unless every output of the last run matched TFLM bit for bit."""
        results = self.state.ran()
        bad = [r for r in results if not r.bit_exact]
        if bad:
            details = "; ".join(
                f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} values differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
                for r in bad for o in r.outputs if not o.vs_tflm.exact
            )
            raise AssertionError(f"{len(bad)} of {len(results)} inputs differ from TFLM: {details}")

    @keyword
    def instructions_per_inference_should_be_at_most(self, budget: int) -> None:
        """Fails if any inference of the last run executed more than `budget` instructions."""
        worst = max(self.state.ran(), key=lambda r: r.instructions)
        logger.info(f"most instructions per inference: {worst.instructions} (input {worst.index}), budget {budget}")
        if worst.instructions > int(budget):
            raise AssertionError(
                f"input {worst.index} took {worst.instructions} instructions, over the budget of {int(budget)}"
            )

    @keyword("Layer ${layer} Instructions Should Be At Most")
    def layer_instructions_should_be_at_most(self, layer: int, budget: int) -> None:
        """Fails if layer `layer` (0-based) executed more than `budget` instructions on any input."""
        assert_layer_within(self.state.ran(), int(layer), int(budget))

    @keyword("Layer ${layer} Estimated Cycles Should Be At Most")
    def layer_estimated_cycles_should_be_at_most(self, layer: int, budget: int) -> None:
        """Fails if layer `layer` took more than `budget` estimated Cortex-M4 cycles (a model)."""
        assert_layer_within(self.state.ran(), int(layer), int(budget), metric="estimated_cycles")

    @keyword
    def estimated_cycles_per_inference_should_be_at_most(self, budget: int) -> None:
        """Fails if any inference took more than `budget` estimated Cortex-M4 cycles.

        Estimated cycles come from the built-in engine's timing model (docs/cycle-model.md);
        they are not measured and real hardware may take more."""
        results = self.state.ran()
        logger.info("estimated cycles per inference: "
                    + ", ".join(str(r.estimated_cycles) for r in results) + f"; budget {budget}")
        assert_estimated_cycles_within(results, int(budget))

    @keyword
    def every_layer_should_match_tflm(self, count: int = 1, seed: int = 0) -> int:
        """Runs `count` seeded random inputs layer by layer and fails naming the first layer whose
        output differs from host TFLM's; returns the number of layers checked.

        Each layer's output tensor is read from the device right after that layer (the protocol's
        INVOKE_PARTIAL and GET_LAYER_OUTPUT) and compared with TFLM's preserved tensor, so a
        failure points at one kernel rather than at the whole model. A float32 CONV_2D fused into
        the MAX_POOL_2D after it has no output of its own on the device: it is logged as "fused
        into layer N, not materialised" and the pool's output is compared instead.

        Example:
        | Boot Firmware For Model | models/kws_dscnn_int8.tflite |
        | ${layers}= | Every Layer Should Match TFLM | count=2 | seed=1 |
        """
        from ..layer_diff import diff_model

        session = self.state.session()
        report = diff_model(session, session.random_samples(int(count), int(seed)))
        logger.info(report.format_text())
        for sample in report.samples:
            first = sample.first_diverging
            if first is not None:
                raise AssertionError(f"input {sample.sample}: first diverging layer {first.layer} {first.op_name} "
                                     f"({first.tensor}): {first.verdict()}")
        return len(report.samples[0].layers) if report.samples else 0

    @keyword
    def log_layer_profile(self) -> None:
        """Logs the per-layer table (instructions, estimated cycles, MACs) of the first input."""
        report = self.state.report()
        logger.info("\n".join(format_profile(report.profile(), report.layer_outputs)))

    @keyword
    def per_operator_counts_should_be_reported(self) -> None:
        """Fails unless the last run reported a non-zero instruction count for every operator.

        Example:
        | Run Random Inputs    count=2
        | Per Operator Counts Should Be Reported
        """
        for result in self.state.ran():
            zero = [i for i, count in enumerate(result.layer_instructions) if count == 0]
            if len(result.layer_instructions) != len(self.state.session().build().layers) or zero:
                raise AssertionError(f"input {result.index}: {len(result.layer_instructions)} layer counts, "
                                     f"layers without a count: {zero}")
