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

# The PENDING reasons, one per missing operator or type.
LSTM = pending("UnsupportedOpError", "UNIDIRECTIONAL_SEQUENCE_LSTM is not supported")
ADD_INT16_OUTPUT = pending("UnsupportedTensorError", "(int16): ADD (operator #0) needs its output")
CONV_2D_INT16_INPUT = pending("UnsupportedTensorError", "(int16): CONV_2D (operator #0) needs its input")
LEAKY_RELU_INT16_INPUT = pending("UnsupportedTensorError", "(int16): LEAKY_RELU (operator #0) needs its input")
QUANTIZE_INT32_INPUT = pending("UnsupportedTensorError", "(int32): QUANTIZE (operator #0) needs its input")
QUANTIZE_INT16_INPUT = pending("UnsupportedTensorError", "(int16): QUANTIZE (operator #0) needs its input")
SUB_INT16_OUTPUT = pending("UnsupportedTensorError", "(int16): SUB (operator #0) needs its output")
TRANSPOSE_CONV = pending("UnsupportedOpError", "TRANSPOSE_CONV is not supported")
INT16_ZERO_POINT = pending("MalformedTensorError", "(int16) has zero point -32768")
BIAS_QUANTIZED_DIMENSION = pending("MalformedTensorError",
                                   "per-channel scales along dimension 3 outside its 1-D shape")

# Paths relative to the corpus root (../shared/corpus/tflite-micro).
EXPECTED_REFUSALS: dict[str, Refusal] = {
    # ---- KNOWN: refused for good ------------------------------------------------------------
    # An Ethos-U (Vela) command stream: only that NPU runs it (host TFLM refuses it too).
    "tensorflow/lite/micro/models/person_detect_vela.tflite":
        Refusal("UnsupportedOpError", "CUSTOM (ethos-u): the NPU custom operator"),
    # About 3.5 MB of constants: more than the nRF52840's 1 MiB of flash.
    "third_party/xtensa/examples/pytorch_to_tflite/mobilenet_v2_quantized_1x3x224x224.tflite":
        Refusal("ModelTooLargeError", "more than the 1048576 bytes of flash"),

    # ---- PENDING: not supported yet; delete the entry when the model runs -------------------
    "tensorflow/lite/micro/examples/dtln/dtln_noise_suppression.tflite": LSTM,
    "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm.tflite": LSTM,
    "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm_int8.tflite": LSTM,
    SEANET + "add/add0.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add1.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add10.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add11.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add12.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add13.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add14.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add15.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add16.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add2.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add3.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add4.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add5.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add6.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add7.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add8.tflite": ADD_INT16_OUTPUT,
    SEANET + "add/add9.tflite": ADD_INT16_OUTPUT,
    SEANET + "conv/conv0.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv1.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv10.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv11.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv12.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv13.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv14.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv15.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv16.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv17.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv18.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv19.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv2.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv20.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv21.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv3.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv4.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv5.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv6.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv7.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv8.tflite": CONV_2D_INT16_INPUT,
    SEANET + "conv/conv9.tflite": CONV_2D_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu0.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu1.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu10.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu11.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu12.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu13.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu14.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu15.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu16.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu17.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu18.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu19.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu2.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu20.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu21.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu22.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu3.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu4.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu5.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu6.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu7.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu8.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "leaky_relu/leaky_relu9.tflite": LEAKY_RELU_INT16_INPUT,
    SEANET + "quantize/quantize0.tflite": QUANTIZE_INT32_INPUT,
    SEANET + "quantize/quantize1.tflite": QUANTIZE_INT16_INPUT,
    SEANET + "sub/sub0.tflite": SUB_INT16_OUTPUT,
    SEANET + "sub/sub1.tflite": SUB_INT16_OUTPUT,
    SEANET + "sub/sub2.tflite": SUB_INT16_OUTPUT,
    SEANET + "sub/sub3.tflite": SUB_INT16_OUTPUT,
    SEANET + "sub/sub4.tflite": SUB_INT16_OUTPUT,
    SEANET + "transpose_conv/transpose_conv0.tflite": TRANSPOSE_CONV,
    SEANET + "transpose_conv/transpose_conv1.tflite": TRANSPOSE_CONV,
    SEANET + "transpose_conv/transpose_conv2.tflite": TRANSPOSE_CONV,
    SEANET + "transpose_conv/transpose_conv3.tflite": TRANSPOSE_CONV,
    SEANET + "transpose_conv/transpose_conv4.tflite": TRANSPOSE_CONV,
    # SOFTMAX int16 output, zero point -32768 (TFLM's requirement): the reader allows int16 zero point 0 only
    "tensorflow/lite/micro/models/keyword_scrambled.tflite": INT16_ZERO_POINT,
    "tensorflow/lite/micro/models/keyword_scrambled_8bit.tflite": INT16_ZERO_POINT,
    # quantized_dimension 3 on 1-D bias tensors: TFLM ignores the field there, the reader refuses it
    "tensorflow/lite/micro/models/person_detect.tflite": BIAS_QUANTIZED_DIMENSION,
    "third_party/xtensa/examples/micro_speech_lstm/micro_speech_lstm.tflite": LSTM,
}
