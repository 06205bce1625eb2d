"""Keywords that measure a model's accuracy on a data set, on the device, per model variant."""
from __future__ import annotations

from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword

from ..evaluate import EvaluateRequest, check_accuracy_drop, check_device_accuracy, evaluate
from .state import LibraryState


class EvaluationKeywords:
    def __init__(self, state: LibraryState) -> None:
        self.state = state

    @keyword
    def evaluate_model_on_dataset(self, model: str, data: str, variants: str = "float,int8",
                                  calibration: str | None = None, train: str | None = None, qat_epochs: int = 1,
                                  jobs: int = 1, limit: int | None = None, metric: str = "auto") -> dict[str, float | None]:
        """Runs every sample of `data` on the emulated device and returns the device accuracy per variant.

        `model` is a .tflite (one variant, named ``model``) or a Keras .keras/.h5 file, converted
        into each of `variants` (comma-separated: float, dynamic, int8, uint8-io, qat; the
        calibrated ones need `calibration`, qat needs `train`). `data` is an .npz with ``x`` and
        ``y`` or an image folder with one subfolder per class. `jobs` worker processes share
        the samples; `limit` evaluates the first N samples only. The table is logged; the
        accuracy checks below read this evaluation. A variant the device cannot run (e.g.
        dynamic-range) maps to ``None``.

        Example:
        | ${accuracy}=    Evaluate Model On Dataset    models/digits/digits_cnn.keras    models/digits/test.npz
        | ...    variants=float,int8,uint8-io    calibration=models/digits/calibration.npy    jobs=2
        | Should Be True    ${accuracy}[int8] > 0.9
        """
        from ..variants import parse_variants

        evaluation = evaluate(EvaluateRequest(
            Path(model), Path(data), options=self.state.options, variants=parse_variants(variants),
            calibration=Path(calibration) if calibration else None, train=Path(train) if train else None,
            qat_epochs=int(qat_epochs), jobs=int(jobs), limit=int(limit) if limit else None, metric=metric,
        ))
        self.state.evaluation = evaluation
        logger.info(evaluation.format_text())
        return {v.name: v.device.scores.accuracy if v.device else None for v in evaluation.variants}

    @keyword
    def device_accuracy_should_be_at_least(self, minimum: float, variant: str | None = None) -> None:
        """Fails if the device accuracy of `variant` (of every variant run on the device when not
        given) is below `minimum`, a fraction (0.95 = 95 %).

        Example:
        | Device Accuracy Should Be At Least    0.95
        | Device Accuracy Should Be At Least    0.9    variant=uint8-io
        """
        check_device_accuracy(self.state.evaluated(), float(minimum), variant or None)

    @keyword
    def accuracy_drop_from_float_should_be_at_most(self, maximum: float, variant: str = "int8") -> None:
        """Fails if the float model's accuracy minus `variant`'s device accuracy is more than
        `maximum`, a fraction (0.02 = two percentage points). The float model is the Keras model
        (evaluated on the host), so the evaluation must be of a Keras model.

        Example:
        | Accuracy Drop From Float Should Be At Most    0.02    variant=int8
        """
        drop = check_accuracy_drop(self.state.evaluated(), float(maximum), variant)
        logger.info(f"{variant}: {100 * drop:.2f} percentage points below the float model (at most {100 * float(maximum):.2f})")
