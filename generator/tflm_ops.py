"""What TFLM itself runs, for refusals that name the fix: which builtin operators its
MicroMutableOpResolver can add, and what the custom operators seen in TFLM's model zoo are.

TFLM_BUILTIN_OPS lists the BuiltinOperator names the resolver of the pinned tflite-micro
(commit 90b983c2, the version of the oracle package) adds with an Add... method. The tflm runtime
(docs/tflm-runtime.md) checks the user's own headers; this list only words messages.
"""
from __future__ import annotations

from dataclasses import dataclass

TFLM_BUILTIN_OPS: frozenset[str] = frozenset("""
ABS ADD ADD_N ARG_MAX ARG_MIN ASSIGN_VARIABLE AVERAGE_POOL_2D BATCH_MATMUL BATCH_TO_SPACE_ND
BROADCAST_ARGS BROADCAST_TO CALL_ONCE CAST CEIL CONCATENATION CONV_2D COS CUMSUM DEPTHWISE_CONV_2D
DEPTH_TO_SPACE DEQUANTIZE DIV DYNAMIC_UPDATE_SLICE ELU EMBEDDING_LOOKUP EQUAL EXP EXPAND_DIMS FILL
FLOOR FLOOR_DIV FLOOR_MOD FULLY_CONNECTED GATHER GATHER_ND GREATER GREATER_EQUAL HARD_SWISH IF
L2_NORMALIZATION L2_POOL_2D LEAKY_RELU LESS LESS_EQUAL LOG LOGICAL_AND LOGICAL_NOT LOGICAL_OR
LOGISTIC LOG_SOFTMAX MAXIMUM MAX_POOL_2D MEAN MINIMUM MIRROR_PAD MUL NEG NOT_EQUAL PACK PAD PADV2
PRELU QUANTIZE READ_VARIABLE REDUCE_ALL REDUCE_MAX REDUCE_MIN RELU RELU6 RESHAPE RESIZE_BILINEAR
RESIZE_NEAREST_NEIGHBOR REVERSE_V2 ROUND RSQRT SELECT_V2 SHAPE SIN SLICE SOFTMAX SPACE_TO_BATCH_ND
SPACE_TO_DEPTH SPLIT SPLIT_V SQRT SQUARE SQUARED_DIFFERENCE SQUEEZE STRIDED_SLICE SUB SUM SVDF TANH
TRANSPOSE TRANSPOSE_CONV UNIDIRECTIONAL_SEQUENCE_LSTM UNPACK VAR_HANDLE WHILE ZEROS_LIKE
""".split())

TFLM_RUNTIME_FIX = "run it with --runtime tflm and your TFLM library (docs/tflm-runtime.md)"


@dataclass(frozen=True)
class CustomOp:
    """A custom operator code and what it is, for the refusal's message."""

    what: str  # e.g. "an Arm Ethos-U NPU command stream compiled by Vela"
    fix: str


# Custom codes of operators no CPU kernel of either runtime runs.
KNOWN_CUSTOM_OPS: dict[str, CustomOp] = {
    "ethos-u": CustomOp(
        "an Arm Ethos-U NPU command stream compiled by Vela",
        "no CPU runs it (the nRF52840 has no Ethos-U NPU); run the model before Vela compilation",
    ),
}


def custom_op_problem(op_index: int, custom_code: str) -> str:
    """Why a CUSTOM operator cannot run here, and what to do instead."""
    known = KNOWN_CUSTOM_OPS.get(custom_code)
    if known is not None:
        return f"operator #{op_index} is the custom operator '{custom_code}' ({known.what}): {known.fix}"
    return (
        f"operator #{op_index} is the custom operator '{custom_code}', which neither the built-in runtime nor the "
        "tflm runtime (builtin operators only) has a kernel for; export the model with TFLite builtin operators "
        "only (no select or custom ops)"
    )


def runtime_fix(op_name: str, message: str) -> str | None:
    """The fix to add to a refusal of `op_name` by the built-in runtime: the tflm runtime when TFLM
    has the operator, unless the refusal already cites TFLM's own rule (then TFLM refuses too)."""
    if "TFLM" in message:
        return None
    if op_name in TFLM_BUILTIN_OPS:
        return TFLM_RUNTIME_FIX
    return "TFLM has no kernel for it either: replace the operator in the model"
