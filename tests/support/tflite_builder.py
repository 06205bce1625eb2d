"""Build small .tflite flatbuffers directly with the schema's object API.

Kernel tests need many models with exact shapes and quantization parameters; converting
Keras models for each would be slow and would not reach edge cases (zero points at -128 or
127, extreme scales). Options are given by the schema's own names, e.g.

    OpSpec("CONV_2D", [0, 1, 2], [3], options=("Conv2DOptions",
           {"padding": "SAME", "strideW": 2, "strideH": 2, "fusedActivationFunction": "RELU"}))

String values are looked up in the schema's enums (Padding, ActivationFunctionType, ...).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

TENSOR_TYPES = {
    "float32": schema.TensorType.FLOAT32,
    "int8": schema.TensorType.INT8,
    "int4": schema.TensorType.INT4,  # data: int8 values in -8..7, packed two a byte (pack_int4)
    "uint8": schema.TensorType.UINT8,
    "int16": schema.TensorType.INT16,
    "int32": schema.TensorType.INT32,
    "int64": schema.TensorType.INT64,
    "uint16": schema.TensorType.UINT16,
    "uint32": schema.TensorType.UINT32,
    "uint64": schema.TensorType.UINT64,
    "bool": schema.TensorType.BOOL,
    "uint32": schema.TensorType.UINT32,
}
def pack_int4(values: np.ndarray) -> bytes:
    """int4 values (-8..7) two a byte as TFLite packs them: element 2i in byte i's low nibble,
    2i + 1 in its high nibble; an odd count leaves the last high nibble 0."""
    flat = np.asarray(values, dtype=np.int64).reshape(-1)
    assert flat.size == 0 or (flat.min() >= -8 and flat.max() <= 7), "int4 values must lie in -8..7"
    nibbles = (flat & 0xF).astype(np.uint8)
    if nibbles.size % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    return (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).tobytes()


_ENUMS = (schema.Padding, schema.ActivationFunctionType, schema.TensorType)


@dataclass
class TensorSpec:
    name: str
    shape: tuple[int, ...]
    dtype: str
    scales: Sequence[float] | None = None
    zero_points: Sequence[int] | None = None
    data: np.ndarray | None = None
    quantized_dimension: int = 0
    is_variable: bool = False  # a variable tensor: state kept across invocations (SVDF, LSTM)


@dataclass
class OpSpec:
    name: str  # BuiltinOperator name
    inputs: Sequence[int]
    outputs: Sequence[int]
    activation: str | None = None  # shorthand for FULLY_CONNECTED's fused activation
    options: tuple[str, dict[str, Any]] | None = None  # (options table name, fields)
    # name "CUSTOM": the custom code (e.g. "SignalWindow") and its options, a flexbuffer map
    # (flatbuffers.flexbuffers.Dumps of a dict), as TFLM's signal library reads them
    custom_code: str | None = None
    custom_options: bytes | None = None


@dataclass
class ModelSpec:
    tensors: list[TensorSpec]
    ops: list[OpSpec]
    inputs: Sequence[int]
    outputs: Sequence[int]
    extra_subgraphs: int = field(default=0)


def _enum_value(value: Any) -> Any:
    if isinstance(value, str):
        for enum in _ENUMS:
            if hasattr(enum, value):
                return getattr(enum, value)
        raise ValueError(f"{value!r} is not a value of Padding, ActivationFunctionType or TensorType")
    if isinstance(value, (list, tuple)):
        return np.array(value, dtype=np.int32)
    return value


def _options(op: OpSpec) -> tuple[int, Any] | None:
    if op.options is None and op.name == "FULLY_CONNECTED":
        return _options(OpSpec(op.name, op.inputs, op.outputs, options=(
            "FullyConnectedOptions", {"fusedActivationFunction": op.activation or "NONE"})))
    if op.options is None:
        return None
    table, fields = op.options
    options = getattr(schema, f"{table}T")()
    for key, value in fields.items():
        if not hasattr(options, key):
            raise ValueError(f"{table} has no field {key!r}")
        setattr(options, key, _enum_value(value))
    return getattr(schema.BuiltinOptions, table), options


def build_tflite(spec: ModelSpec) -> bytes:
    """Pack a single-subgraph model with the schema's object API."""
    model = schema.ModelT()
    model.version = 3
    model.description = b"tflm-bench test model"
    model.buffers = [schema.BufferT()]
    tensors = []
    for t in spec.tensors:
        tensor = schema.TensorT()
        tensor.name = t.name.encode()
        tensor.shape = np.array(t.shape, dtype=np.int32)
        tensor.type = TENSOR_TYPES[t.dtype]
        tensor.buffer = 0
        tensor.isVariable = t.is_variable
        if t.data is not None:
            buffer = schema.BufferT()
            raw = pack_int4(t.data) if t.dtype == "int4" else np.ascontiguousarray(t.data).tobytes()
            buffer.data = np.frombuffer(raw, dtype=np.uint8)
            model.buffers.append(buffer)
            tensor.buffer = len(model.buffers) - 1
        if t.scales is not None:
            q = schema.QuantizationParametersT()
            q.scale = np.array(t.scales, dtype=np.float32)
            zps = t.zero_points if t.zero_points is not None else [0] * len(t.scales)
            q.zeroPoint = np.array(zps, dtype=np.int64)
            q.quantizedDimension = t.quantized_dimension
            tensor.quantization = q
        tensors.append(tensor)
    codes: list[tuple[int, str | None]] = []
    operators = []
    for op in spec.ops:
        code = (getattr(schema.BuiltinOperator, op.name), op.custom_code)
        if code not in codes:
            codes.append(code)
        operator = schema.OperatorT()
        operator.opcodeIndex = codes.index(code)
        operator.inputs = np.array(op.inputs, dtype=np.int32)
        operator.outputs = np.array(op.outputs, dtype=np.int32)
        options = _options(op)
        if options is not None:
            operator.builtinOptionsType, operator.builtinOptions = options
        if op.custom_options is not None:
            operator.customOptions = np.frombuffer(op.custom_options, dtype=np.uint8)
            operator.customOptionsFormat = schema.CustomOptionsFormat.FLEXBUFFERS
        operators.append(operator)
    model.operatorCodes = []
    for code, custom_code in codes:
        opcode = schema.OperatorCodeT()
        opcode.builtinCode = code
        opcode.deprecatedBuiltinCode = min(code, 127)
        if custom_code is not None:
            opcode.customCode = custom_code.encode()
        opcode.version = 1
        model.operatorCodes.append(opcode)
    subgraph = schema.SubGraphT()
    subgraph.tensors = tensors
    subgraph.operators = operators
    subgraph.inputs = np.array(spec.inputs, dtype=np.int32)
    subgraph.outputs = np.array(spec.outputs, dtype=np.int32)
    subgraph.name = b"main"
    model.subgraphs = [subgraph] + [schema.SubGraphT() for _ in range(spec.extra_subgraphs)]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
