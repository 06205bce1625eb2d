"""Build settings of MLPerf Tiny mode (firmware/shell/mlperf_shell.c, Protocol.MLPERF).

The runner reads the model name from `profile` (`m-model-[...]`) to pick its test section.
Unless one is given, it is derived from the model's first input, the way the four MLPerf Tiny
v1 benchmarks shape theirs:

- a flat spectrogram of 49 frames (49x10 or 49x40 values, e.g. micro_speech's 1960): kws01
- any other 2-D or smaller input (a feature vector, e.g. AD's 640 values, or sine's one): ad01
- 96x96 or larger images: vww01 (VWW's 96x96x3 person detection)
- other images with 3 channels: ic01 (IC's 32x32x3 CIFAR-10)
- other inputs with 1 channel (spectrograms, sensor windows, e.g. KWS's 49x10x1): kws01
"""
from __future__ import annotations

import math
from .options import Choice

from .errors import GeneratorError
from .model import Model


class MlperfModel(Choice, noun="MLPerf Tiny model"):
    """The runner's names for the MLPerf Tiny benchmarks."""

    KWS01 = "kws01"  # keyword spotting, DS-CNN
    VWW01 = "vww01"  # visual wake words, MobileNet
    IC01 = "ic01"  # image classification, ResNet-8
    AD01 = "ad01"  # anomaly detection, autoencoder


_FLAT_SPECTROGRAMS = (49 * 10, 49 * 40)  # KWS's MFCC and micro_speech's filterbank, flattened


class MlperfInputError(GeneratorError):
    """The model's inputs cannot be loaded with the runner's `db` commands."""


def guess_model_name(model: Model) -> MlperfModel:
    """The runner's model name for `model`'s first input shape (see the module docstring)."""
    shape = [d for d in model.tensors[model.inputs[0]].shape]
    if shape and shape[0] == 1:
        shape = shape[1:]
    if len(shape) <= 2:
        return MlperfModel.KWS01 if math.prod(shape) in _FLAT_SPECTROGRAMS else MlperfModel.AD01
    height, width, channels = shape[-3], shape[-2], shape[-1]
    if height >= 96 and width >= 96:
        return MlperfModel.VWW01
    return MlperfModel.IC01 if channels == 3 else MlperfModel.KWS01


def input_bytes(model: Model) -> int:
    """Bytes `db load` takes: every input's raw tensor bytes, in input order."""
    try:
        return sum(model.tensors[i].num_bytes for i in model.inputs)
    except KeyError as error:
        raise MlperfInputError(f"MLPerf Tiny mode needs fixed-size inputs; input type {error} has none") from None


def cmake_definitions(model: Model, requested: MlperfModel | str | None) -> list[str]:
    """The CMake cache entries that select the MLPerf shell for `model`."""
    name = MlperfModel.parse(str(requested)) if requested else guess_model_name(model)
    size = input_bytes(model)
    if size <= 0:
        raise MlperfInputError("MLPerf Tiny mode needs a model with input bytes to load; this one has none")
    return ["-DTB_PROTOCOL=mlperf", f"-DTB_MLPERF_MODEL={name.value}", f"-DTB_MLPERF_BUFFER_BYTES={size}"]
