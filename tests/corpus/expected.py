"""The TFLM corpus models the bench refuses today, each with the refusal it must give: ONE table.

tests/corpus/test_corpus.py runs every model under ../shared/corpus/tflite-micro. A model listed
here must be refused with exactly this kind (the exception's class) and a message containing
`reason`; every other model must run bit-exact with host TFLM (float32 within the tolerance).
So when an operator lands, its models start running and the test fails until their entries go:
nothing passes silently.

KNOWN: refusals that stay (no CPU runs the model, or it cannot fit the board).
PENDING: operators, types or records the bench does not support yet; delete an entry when its model runs.
`tflm-bench corpus ../shared/corpus/tflite-micro` prints the current table by directory.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    kind: str  # the exception's class name, e.g. UnsupportedOpError
    reason: str  # a phrase its message contains
    pending: bool = False  # True: not supported yet (PENDING); False: refused for good (KNOWN)


def pending(kind: str, reason: str) -> Refusal:
    return Refusal(kind, reason, pending=True)


SEANET = "tensorflow/lite/micro/integration_tests/seanet/"

# Paths relative to the corpus root (../shared/corpus/tflite-micro).
EXPECTED_REFUSALS: dict[str, Refusal] = {
    # ---- KNOWN: refused for good ------------------------------------------------------------
    # An Ethos-U (Vela) command stream: only that NPU runs it (host TFLM refuses it too).
    "tensorflow/lite/micro/models/person_detect_vela.tflite":
        Refusal("CustomOpError", "'ethos-u' (an Arm Ethos-U NPU command stream compiled by Vela)"),
    # About 3.5 MB of constants: more than the nRF52840's 1 MiB of flash.
    "third_party/xtensa/examples/pytorch_to_tflite/mobilenet_v2_quantized_1x3x224x224.tflite":
        Refusal("ModelTooLargeError", "more than the 1048576 bytes of flash"),

    # ---- PENDING: not supported yet; delete the entry when the model runs -------------------
    # (none: every other model of the corpus runs)
}
