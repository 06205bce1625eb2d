"""Read a .tflite flatbuffer into the generator's model (generator.model).

Decoding uses the schema module that the tflite-micro package ships; this module
only checks what it reads and converts it to plain frozen data.
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from .errors import MalformedGraphError, MalformedModelError, MalformedTensorError, UnsupportedTensorError
from .flatbuffer_verify import verify_model
from .model import DTYPE_BYTES, Model, Operator, Quantization, Subgraph, Tensor

_IDENTIFIER = b"TFL3"
_CUSTOM_OPCODE = schema.BuiltinOperator.CUSTOM

# No tensor of a model for a 1 MiB-flash, 256 KiB-RAM board comes near 16 MiB: a shape that
# implies more is a corrupted file (or a model far too large), and refusing it here keeps later
# stages from allocating or looping over billions of elements.
MAX_TENSOR_BYTES = 16 * 1024 * 1024

# Zero points each quantized integer type can hold. Whether an operator takes a zero point other
# than 0 for int16 is that operator's rule (TFLM's SOFTMAX writes int8 -> int16 with -32768; its
# CONCATENATION wants 0), checked by the op modules as TFLM's Prepare checks it.
_ZERO_POINT_RANGES: dict[str, tuple[int, int]] = {
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int16": (-32768, 32767),
    "int4": (-8, 7),
}
_INT32_RANGE = (-(2**31), 2**31 - 1)  # everything else is stored as an int32 in TFLM

# numpy layout of a constant buffer, by tensor type name; packed or opaque types stay raw bytes.
_NUMPY_DTYPES: dict[str, str] = {
    "float32": "<f4",
    "float16": "<f2",
    "float64": "<f8",
    "int8": "i1",
    "uint8": "u1",
    "int16": "<i2",
    "uint16": "<u2",
    "int32": "<i4",
    "uint32": "<u4",
    "int64": "<i8",
    "uint64": "<u8",
    "bool": "?",
    "complex64": "<c8",
    "complex128": "<c16",
}

# Option fields whose integer value is an enum of the schema; shown by name.
_ENUM_OPTION_FIELDS: dict[str, type] = {
    "fusedActivationFunction": schema.ActivationFunctionType,
    "weightsFormat": schema.FullyConnectedOptionsWeightsFormat,
    "padding": schema.Padding,
    "quantizedBiasType": schema.TensorType,
    "outType": schema.TensorType,
}


def _enum_names(enum_class: type) -> dict[int, str]:
    return {
        value: name
        for name, value in vars(enum_class).items()
        if not name.startswith("_") and isinstance(value, int)
    }


def builtin_operator_names() -> dict[int, str]:
    """TFLite BuiltinOperator code -> name, from the schema."""
    return _enum_names(schema.BuiltinOperator)


def read_tflite(source: str | Path | bytes | bytearray | memoryview) -> Model:
    """Read a .tflite model from a path or from its bytes.

    Raises:
        MalformedModelError: the data is not a complete, consistent TFLite flatbuffer.
        UnsupportedTensorError: a tensor uses a storage form the generator cannot read
            (sparse or external buffers).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        data = Path(source).read_bytes()
    _check_header(data)
    verify_model(data)  # TFLite's structural rules, before anything follows an offset
    try:
        flat = schema.ModelT.InitFromPackedBuf(bytearray(data), 0)
    except MalformedModelError:
        raise
    except Exception as exc:  # verified, so unexpected: still the file's fault, never a crash
        raise MalformedModelError(
            f"the flatbuffer cannot be decoded ({type(exc).__name__}: {exc}); "
            "the file is probably truncated or corrupted"
        ) from exc
    return _convert(flat, data)


def _check_header(data: bytes) -> None:
    if len(data) < 8:
        raise MalformedModelError(f"the file is only {len(data)} bytes long")
    if data[4:8] != _IDENTIFIER:
        raise MalformedModelError(
            f"file identifier is {data[4:8]!r}, expected {_IDENTIFIER!r} "
            "(this is not a TFLite flatbuffer)"
        )
    root = int.from_bytes(data[0:4], "little")
    if root + 4 > len(data):
        raise MalformedModelError(
            f"root table offset {root} lies beyond the end of the {len(data)}-byte file"
        )


SCHEMA_VERSION = 3  # the only one TFLite and TFLM load


def _convert(flat: Any, data: bytes) -> Model:
    if flat.version != SCHEMA_VERSION:
        raise MalformedModelError(
            f"the model says schema version {flat.version}; TFLite and TFLM read version {SCHEMA_VERSION} only"
        )
    subgraphs = flat.subgraphs or []
    if not subgraphs:
        raise MalformedModelError("the model has no subgraphs; TFLite and TFLM run subgraph 0")
    buffers = flat.buffers or []
    opcodes = [_opcode_of(i, code) for i, code in enumerate(flat.operatorCodes or [])]
    names = builtin_operator_names()
    tensors: list[Tensor] = []
    parts: list[Subgraph] = []
    first_op = 0
    for number, subgraph in enumerate(subgraphs):
        base = len(tensors)
        count = len(subgraph.tensors or [])
        tensors.extend(_convert_tensor(base + i, t, buffers, data) for i, t in enumerate(subgraph.tensors or []))
        where = f"subgraph {number} " if number else ""
        operators = tuple(
            _convert_operator(first_op + i, op, opcodes, names, count, base, number)
            for i, op in enumerate(subgraph.operators or [])
        )
        first_op += len(operators)
        inputs = _tensor_indices(subgraph.inputs, count, f"{where}subgraph inputs", base)
        outputs = _tensor_indices(subgraph.outputs, count, f"{where}subgraph outputs", base)
        if -1 in inputs or -1 in outputs:
            raise MalformedModelError(f"a {where}subgraph input or output names no tensor (-1)")
        name = (subgraph.name or b"").decode("utf-8", errors="replace")
        parts.append(Subgraph(number, name, operators, inputs, outputs, base, count))
    description = (flat.description or b"").decode("utf-8", errors="replace")
    main = parts[0]
    return Model(
        tensors=tuple(tensors),
        operators=main.operators,
        inputs=main.inputs,
        outputs=main.outputs,
        description=description,
        sha256=hashlib.sha256(data).hexdigest(),
        subgraphs=tuple(parts[1:]),
    )


def _opcode_of(index: int, code: Any) -> tuple[int, str, int]:
    """(builtin code, custom code, version) of one operator code."""
    # Old files only fill the int8 deprecated field; new ones fill both.
    builtin = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
    custom = (code.customCode or b"").decode("utf-8", errors="replace")
    version = int(code.version)
    if version < 1:
        name = builtin_operator_names().get(builtin, f"BUILTIN_{builtin}")
        raise MalformedGraphError(
            None, None, f"operator code #{index} ({name}) has version {version}; versions start at 1"
        )
    return builtin, custom, version


def _tensor_indices(values: Any, n_tensors: int, what: str, base: int = 0) -> tuple[int, ...]:
    """The indices, checked against the subgraph's `n_tensors`, made global (`base` added; -1 stays)."""
    indices = tuple(int(v) for v in (values if values is not None else ()))
    for index in indices:
        if index < -1 or index >= n_tensors:
            raise MalformedModelError(
                f"{what} refer to tensor {index}, but the subgraph has {n_tensors} tensors"
            )
    return tuple(index if index == -1 else index + base for index in indices)


def _convert_tensor(index: int, flat: Any, buffers: list[Any], data: bytes) -> Tensor:
    names = _enum_names(schema.TensorType)
    name = (flat.name or b"").decode("utf-8", errors="replace") or f"tensor_{index}"
    if flat.type not in names:
        raise MalformedModelError(f"tensor '{name}' has unknown type code {flat.type}")
    dtype = names[flat.type].lower()
    shape = tuple(int(d) for d in (flat.shape if flat.shape is not None else ()))
    _check_shape(name, dtype, shape)
    if flat.sparsity is not None:
        raise UnsupportedTensorError(name, dtype, "sparse tensors are not supported")
    if flat.buffer < 0 or flat.buffer >= max(len(buffers), 1):
        raise MalformedModelError(
            f"tensor '{name}' uses buffer #{flat.buffer}, but the model has "
            f"{len(buffers)} buffers"
        )
    raw = _buffer_bytes(buffers[flat.buffer], flat.buffer, data) if buffers else b""
    if dtype == "int4" and raw:
        return Tensor(index=index, name=name, shape=shape, dtype="int8",
                      quantization=_convert_quantization(flat.quantization, name, dtype, shape),
                      data=unpack_int4(raw, name, shape, flat.buffer), is_variable=bool(flat.isVariable),
                      packed_int4=True)
    return Tensor(
        index=index,
        name=name,
        shape=shape,
        dtype=dtype,
        quantization=_convert_quantization(flat.quantization, name, dtype, shape),
        data=_constant_array(raw, name, dtype, shape, flat.buffer) if raw else None,
        is_variable=bool(flat.isVariable),
    )


def _check_shape(name: str, dtype: str, shape: tuple[int, ...]) -> None:
    """Dimensions are >= 0 (0: an empty tensor, e.g. RESHAPE's shape operand for a scalar) and
    the tensor stays under MAX_TENSOR_BYTES."""
    for dim in shape:
        if dim < 0:
            raise MalformedTensorError(
                name,
                f"corrupted shape: dimension {dim} of tensor '{name}' (shape {list(shape)}) is negative; "
                "a .tflite stores static shapes (dynamic sizes live in shape_signature), so export with "
                "fixed input shapes",
            )
    size = math.prod(shape) * DTYPE_BYTES.get(dtype, 1)
    if size > MAX_TENSOR_BYTES:
        raise MalformedTensorError(
            name,
            f"corrupted shape: dimension {max(shape)} of tensor '{name}' (shape {list(shape)}, {dtype}) "
            f"makes it {size} bytes, more than the {MAX_TENSOR_BYTES}-byte ceiling for a model that must "
            "fit 1 MiB of flash and 256 KiB of RAM; the file is corrupted or the model is far too large",
        )


def _buffer_bytes(buffer: Any, buffer_index: int, data: bytes) -> bytes:
    if buffer is None:
        return b""
    # Models over 2 GiB keep the data after the flatbuffer; offset 1 marks "none".
    if buffer.offset > 1:
        end = buffer.offset + buffer.size
        if end > len(data):
            raise MalformedModelError(
                f"buffer #{buffer_index} ends at byte {end}, beyond the "
                f"{len(data)}-byte file"
            )
        return data[buffer.offset : end]
    if buffer.data is None:
        return b""
    return np.asarray(buffer.data, dtype=np.uint8).tobytes()


def unpack_int4(raw: bytes, name: str, shape: tuple[int, ...], buffer_index: int) -> np.ndarray:
    """An int4 constant as int8 values, unpacked as TFLM's UnpackDenseInt4IntoInt8: element 2i is
    byte i's low nibble, element 2i + 1 its high nibble, each sign-extended; an odd count leaves
    the last byte's high nibble unused. The buffer must hold ceil(count / 2) bytes."""
    count = int(np.prod(shape, dtype=np.int64))
    expected = (count + 1) // 2
    if len(raw) != expected:
        raise MalformedModelError(
            f"tensor '{name}' of shape {list(shape)} (int4, two values a byte) needs {expected} bytes, "
            f"but buffer #{buffer_index} holds {len(raw)}"
        )
    packed = np.frombuffer(raw, dtype=np.int8)
    low = (packed << 4).astype(np.int8) >> 4  # int8 shifts: the sign extends
    high = packed >> 4
    values = np.empty(2 * len(packed), dtype=np.int8)
    values[0::2], values[1::2] = low, high
    array = values[:count].reshape(shape).copy()
    array.setflags(write=False)
    return array


def _constant_array(
    raw: bytes, name: str, dtype: str, shape: tuple[int, ...], buffer_index: int
) -> np.ndarray:
    numpy_dtype = _NUMPY_DTYPES.get(dtype)
    if numpy_dtype is None:
        array = np.frombuffer(raw, dtype=np.uint8).copy()
    else:
        count = int(np.prod(shape, dtype=np.int64))
        expected = count * np.dtype(numpy_dtype).itemsize
        if len(raw) != expected:
            raise MalformedModelError(
                f"tensor '{name}' of shape {list(shape)} ({dtype}) needs {expected} bytes, "
                f"but buffer #{buffer_index} holds {len(raw)}"
            )
        array = np.frombuffer(raw, dtype=numpy_dtype).reshape(shape).copy()
    array.setflags(write=False)
    return array


def _convert_quantization(flat: Any, name: str, dtype: str, shape: tuple[int, ...]) -> Quantization | None:
    if flat is None or flat.scale is None or len(flat.scale) == 0:
        return None
    scales = tuple(float(s) for s in np.asarray(flat.scale, dtype=np.float32))
    # TFLite refuses a missing zero point too, so no default of 0 here.
    zero_points = tuple(int(z) for z in (flat.zeroPoint if flat.zeroPoint is not None else ()))
    if len(zero_points) != len(scales):
        raise MalformedTensorError(
            name, f"tensor '{name}' has {len(scales)} quantization scales but {len(zero_points)} zero points; "
            "each scale needs its zero point",
        )
    quantization = Quantization(
        scales=scales,
        zero_points=zero_points,
        quantized_dimension=int(flat.quantizedDimension),
    )
    _check_quantization(name, dtype, shape, quantization)
    return quantization


def _check_quantization(name: str, dtype: str, shape: tuple[int, ...], q: Quantization) -> None:
    """Scales finite and positive, zero points the type can hold, one scale per channel.

    TFLM's allocator copies the quantized dimension without checking it; only the kernels that
    read per-channel scales (the convolution and fully-connected filters, all of rank >= 2) look
    at it. So a per-tensor quantization (one scale) may name any dimension, and a 1-D tensor (a
    bias: TFLM recomputes its scales from the input's and the filter's, reading its first scale at
    most) is not checked along it; a tensor of rank >= 2 with several scales needs one per channel of that dimension.
    """
    fix = "quantization parameters no converter writes; the file is corrupted"
    for scale in q.scales:
        if not (math.isfinite(scale) and scale > 0.0):
            raise MalformedTensorError(
                name, f"tensor '{name}' has quantization scale {scale}; scales must be finite and positive ({fix})"
            )
    low, high = _ZERO_POINT_RANGES.get(dtype, _INT32_RANGE)
    for zero_point in q.zero_points:
        if not low <= zero_point <= high:
            allowed = f"{low}..{high}" if low != high else f"{low}"
            raise MalformedTensorError(
                name,
                f"tensor '{name}' ({dtype}) has zero point {zero_point}, outside {allowed} ({fix})",
            )
    axis = q.quantized_dimension
    if q.per_channel and len(shape) != 1 and (not 0 <= axis < len(shape) or shape[axis] != len(q.scales)):
        extent = f"of size {shape[axis]}" if 0 <= axis < len(shape) else f"outside its {len(shape)}-D shape"
        raise MalformedTensorError(
            name,
            f"tensor '{name}' (shape {list(shape)}) has {len(q.scales)} per-channel scales along "
            f"dimension {axis} {extent}; there must be one scale per channel ({fix})",
        )


def _convert_operator(
    index: int,
    flat: Any,
    opcodes: list[tuple[int, str, int]],
    names: dict[int, str],
    n_tensors: int,
    base: int = 0,
    subgraph: int = 0,
) -> Operator:
    if flat.opcodeIndex < 0 or flat.opcodeIndex >= len(opcodes):
        raise MalformedModelError(
            f"operator #{index} uses opcode #{flat.opcodeIndex}, but the model has "
            f"{len(opcodes)} operator codes"
        )
    builtin, custom, version = opcodes[flat.opcodeIndex]
    name = names.get(builtin, f"BUILTIN_{builtin}")
    options = _options_dict(flat.builtinOptions, index, name)
    options.update(_options_dict(flat.builtinOptions2, index, name))
    if builtin == _CUSTOM_OPCODE:
        options["custom_code"] = custom
        # The operator's own options (a flexbuffer for TFLM's signal library), as raw bytes.
        options["custom_options"] = _custom_options(flat.customOptions)
    return Operator(
        index=index,
        opcode=builtin,
        name=name,
        inputs=_tensor_indices(flat.inputs, n_tensors, f"operator #{index} inputs", base),
        outputs=_tensor_indices(flat.outputs, n_tensors, f"operator #{index} outputs", base),
        options=options,
        version=version,
        subgraph=subgraph,
    )


def _custom_options(values: Any) -> bytes:
    if values is None:
        return b""
    if isinstance(values, np.ndarray):
        return values.astype(np.uint8).tobytes()
    return bytes(values)


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _options_dict(options: Any, op_index: int, op_name: str) -> dict[str, Any]:
    """Builtin options object -> {snake_case_field: value}, enums by name."""
    if options is None:
        return {}
    result: dict[str, Any] = {}
    for field_name, value in sorted(vars(options).items()):
        if field_name in _ENUM_OPTION_FIELDS and isinstance(value, int):
            enum = _ENUM_OPTION_FIELDS[field_name]
            if value not in _enum_names(enum):
                # TFLM and TFLite fail to parse the operator on a value outside the enum.
                raise MalformedGraphError(
                    op_index, op_name,
                    f"option {_snake_case(field_name)} is {value}, which is no {enum.__name__} value",
                )
            value = _enum_names(enum)[value]
        elif isinstance(value, np.ndarray):
            value = tuple(value.tolist())
        elif isinstance(value, list):
            value = tuple(value)
        result[_snake_case(field_name)] = value
    return result
