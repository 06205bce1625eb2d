"""TFLM's builtin operators and the tensor types its reference kernels accept, as data.

Facts read from tensorflow/tflite-micro at commit 90b983c2 (the version the oracle package
matches): the operators are those MicroMutableOpResolver has an Add... method for
(tensorflow/lite/micro/micro_mutable_op_resolver.h); the types are what each kernel's Prepare
and Eval accept (tensorflow/lite/micro/kernels/*.cc). `tflm-bench ops --missing` compares them
with what the op modules of this package declare (registry.supported_configs).

A type configuration is one of:
- a tensor type, the same for the activations in and out: "int8", "int16", "int32", "int64",
  "uint8", "float32", "bool";
- "16x8": int16 activations with int8 weights; "8x4": int8 activations with int4 (packed) weights;
- "A->B": input type A, output type B (conversions: QUANTIZE, DEQUANTIZE, CAST, SOFTMAX's int8->int16);
- other named variants, e.g. SVDF's "int8 (int16 weights_time)";
- "any": the kernel has no type switch (it moves bytes, or runs subgraphs).
"""
from __future__ import annotations

from itertools import product

F32, I8, I16, I32, I64, U8, BOOL = "float32", "int8", "int16", "int32", "int64", "uint8", "bool"
ANY = "any"

_CAST_IN = (I8, I16, I32, "uint32", F32, BOOL)
_CAST_OUT = (I8, I16, I32, "uint32", F32)

# BuiltinOperator name -> the type configurations TFLM's reference kernel runs.
TFLM_BUILTIN_OPS: dict[str, tuple[str, ...]] = {
    "ABS": (F32, I8, I16),
    "ADD": (F32, I8, I16, I32),
    "ADD_N": (F32, I8),
    "ARG_MAX": (F32, I8),  # int32 output
    "ARG_MIN": (F32, I8),
    "ASSIGN_VARIABLE": (ANY,),
    "AVERAGE_POOL_2D": (F32, I8, I16),
    "BATCH_MATMUL": (F32, I8, I16),
    "BATCH_TO_SPACE_ND": (F32, I8),
    "BROADCAST_ARGS": (I32, I64),
    "BROADCAST_TO": (ANY,),
    "CALL_ONCE": (ANY,),
    "CAST": tuple(f"{a}->{b}" for a, b in product(_CAST_IN, _CAST_OUT)),
    "CEIL": (F32,),
    "CONCATENATION": (F32, I8, I16, I32, I64, BOOL),
    "CONV_2D": (F32, I8, "8x4", "16x8"),
    "COS": (F32,),
    "CUMSUM": (F32, I8),
    "DEPTH_TO_SPACE": (F32, I8),
    "DEPTHWISE_CONV_2D": (F32, I8, "8x4", "16x8"),
    "DEQUANTIZE": ("int8->float32", "int16->float32", "uint8->float32"),
    "DIV": (F32, I8, I32),
    "DYNAMIC_UPDATE_SLICE": (F32, I8, I16, I32),
    "ELU": (F32, I8),
    "EMBEDDING_LOOKUP": (F32, I8, "int8->float32"),  # int32 ids; int8 values, int8 or float32 out
    "EQUAL": (BOOL, F32, I8, I32, I64),  # bool output
    "EXP": (F32,),
    "EXPAND_DIMS": (F32, I8, I16),
    "FILL": (F32, I8, I32),  # the value's type; dims int8..int64
    "FLOOR": (F32,),
    "FLOOR_DIV": (F32,),
    "FLOOR_MOD": (F32,),
    "FULLY_CONNECTED": (F32, I8, "8x4", "16x8"),
    "GATHER": (F32, I8),  # int32 indices
    "GATHER_ND": (F32, I8),  # int32 indices
    "GREATER": (F32, I8, I16, I32, I64),
    "GREATER_EQUAL": (F32, I8, I32, I64),
    "HARD_SWISH": (F32, I8),
    "IF": (ANY,),
    "L2_NORMALIZATION": (F32, I8),
    "L2_POOL_2D": (F32,),
    "LEAKY_RELU": (F32, I8, I16),
    "LESS": (F32, I8, I32, I64),
    "LESS_EQUAL": (F32, I8, I32, I64),
    "LOG": (F32,),
    "LOGICAL_AND": (BOOL,),
    "LOGICAL_NOT": (BOOL,),
    "LOGICAL_OR": (BOOL,),
    "LOGISTIC": (F32, I8, I16),
    "LOG_SOFTMAX": (F32, I8),
    "MAXIMUM": (F32, I8, I16, I32, I64),
    "MAX_POOL_2D": (F32, I8, I16),
    "MEAN": (F32, I8, I16),
    "MINIMUM": (F32, I8, I16, I32, I64),
    "MIRROR_PAD": (F32, I8),  # int32 or int64 paddings
    "MUL": (F32, I8, I16, I32),
    "NEG": (F32,),  # neg.cc: int8 is a TODO, its Eval refuses it
    "NOT_EQUAL": (BOOL, F32, I8, I32, I64),
    "PACK": (F32, I8, I16, I32, I64),
    "PAD": (F32, I8, I16, I32),
    "PADV2": (F32, I8, I16, I32),
    "PRELU": (F32, I8, I16),
    "QUANTIZE": ("float32->int8", "float32->int16", "int32->int8", "int32->int16", "int16->int8", "int16->int16",
                 "int16->int32", "int8->int8", "int8->uint8", "int8->int16", "int8->int32", "uint8->int8"),
    "READ_VARIABLE": (ANY,),
    "REDUCE_ALL": (BOOL,),
    "REDUCE_MAX": (F32, I8),
    "REDUCE_MIN": (F32, I8),
    "RELU": (F32, I8, I16),
    "RELU6": (F32, I8, I16),
    "RESHAPE": (ANY,),
    "RESIZE_BILINEAR": (F32, I8),
    "RESIZE_NEAREST_NEIGHBOR": (F32, I8, I16),
    "REVERSE_V2": (BOOL, F32, I8, I16, I32, I64, U8),
    "ROUND": (F32,),
    "RSQRT": (F32, I8),
    "SELECT_V2": (F32, I8, I16),  # bool condition
    "SHAPE": (ANY,),  # any input type, int32 output
    "SIN": (F32,),
    "SLICE": (BOOL, F32, I8, I16, I32),
    "SOFTMAX": (F32, I8, "int8->int16", I16),
    "SPACE_TO_BATCH_ND": (F32, I8),
    "SPACE_TO_DEPTH": (F32, I8),
    "SPLIT": (F32, I8, I16, I32),
    "SPLIT_V": (F32, I8, I16, I32),
    "SQRT": (F32,),
    "SQUARE": (F32,),
    "SQUARED_DIFFERENCE": (F32, I8, I16, I32),
    "SQUEEZE": (ANY,),
    "STRIDED_SLICE": (BOOL, F32, I8, I16, I32),
    "SUB": (F32, I8, I16, I32),
    "SUM": (F32, I8, I16),
    "SVDF": (F32, I8, "int8 (int16 weights_time)"),
    "TANH": (F32, I8, I16),
    "TRANSPOSE": (F32, I8, I16),
    "TRANSPOSE_CONV": (F32, I8, "16x8"),
    "UNIDIRECTIONAL_SEQUENCE_LSTM": (F32, I8, "16x8"),
    "UNPACK": (F32, I8, I16, I32),
    "VAR_HANDLE": (ANY,),
    "WHILE": (ANY,),
    "ZEROS_LIKE": (F32, I8, I32, I64),
}

# (operator, type configuration) TFLM registers whose result its own source leaves undefined: the
# built-in runtime refuses them naming why (div_mod.py, compare.py), and `ops --missing` says so.
TFLM_UNDEFINED: dict[tuple[str, str], str] = {
    ("DIV", "int8"): "reference DivElementwise shifts an int32 right by 32 or more for a dividend at or one "
                     "step below its zero point (CountLeadingSignBits is 31 there), and GetReciprocal shifts a "
                     "uint32 by 32 for a divisor at its zero point: host TFLM answers 0 / 100 with one output "
                     "step and -1 / 100 with -128",
    ("GREATER", "int16"): "ComparisonsPrepare derives the rescaling parameters for int8 only, so the int16 "
                          "GreaterWithScaling reads ComparisonParams never written (uninitialised arena memory)",
}



def undefined_in_tflm(op_name: str, dtype: str) -> str | None:
    """The refusal detail for a type TFLM registers but leaves undefined (TFLM_UNDEFINED), or None."""
    reason = TFLM_UNDEFINED.get((op_name, dtype))
    if reason is None:
        return None
    return (f"is {dtype}, and TFLM's {dtype} {op_name} is undefined behaviour ({reason}), so there is no "
            f"defined result to match; compute it in float32 (DEQUANTIZE, {op_name} float32, QUANTIZE)")


# The custom operators MicroMutableOpResolver can register (by custom_code); listed, not typed.
TFLM_CUSTOM_OPS: tuple[str, ...] = (
    "CIRCULAR_BUFFER", "TFLM_DECODE", "TFLite_Detection_PostProcess", "ethos-u",
    "SignalDelay", "SignalEnergy", "SignalFftAutoScale", "SignalFilterBank", "SignalFilterBankLog",
    "SignalFilterBankSpectralSubtraction", "SignalFilterBankSquareRoot", "SignalFramer", "SignalIrfft",
    "SignalOverlapAdd", "SignalPCAN", "SignalRfft", "SignalStacker", "SignalWindow",
)
