"""Verify a .tflite flatbuffer's structure before anything decodes it.

The Python flatbuffer runtime trusts every offset it follows; TFLite's C++ interpreter runs the
flatbuffer Verifier first and refuses what it flags. This module checks the same structural
rules, so a file the generator accepts is one TFLite and TFLM can load:

- every table starts 4-aligned inside the file, its vtable is 2-aligned, even-sized and inside
  the file, and the table's inline size covers every field its vtable lists;
- every scalar field is inside the file and aligned to its size;
- every offset is 4-aligned, non-zero, and points inside the file;
- every vector's length fits the file (elements aligned to their size); every string ends with a
  NUL and is UTF-8;
- unions are followed by their type field; nesting is at most MAX_DEPTH deep.

Field layouts (slot, scalar size, vector element size) are read off the schema module that
tflite-micro ships, by calling each `<Table>Add<Field>` builder function on a recorder; only
which offsets lead to tables, and which type field selects a union, is written down here.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cache
from typing import Any

from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from .errors import MalformedModelError

MAX_DEPTH = 64  # the C++ Verifier's default
MAX_TABLES = 1_000_000  # the C++ Verifier's default

# Offset fields that lead to one table ("table") or a vector of tables ("tables").
TABLE_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("Model", "OperatorCodes"): ("tables", "OperatorCode"),
    ("Model", "Subgraphs"): ("tables", "SubGraph"),
    ("Model", "Buffers"): ("tables", "Buffer"),
    ("Model", "Metadata"): ("tables", "Metadata"),
    ("Model", "SignatureDefs"): ("tables", "SignatureDef"),
    ("Model", "ExternalBufferGroups"): ("tables", "ExternalBufferGroup"),
    ("Model", "ExternalBuffers"): ("tables", "ExternalBuffer"),
    ("SubGraph", "Tensors"): ("tables", "Tensor"),
    ("SubGraph", "Operators"): ("tables", "Operator"),
    ("Tensor", "Quantization"): ("table", "QuantizationParameters"),
    ("Tensor", "Sparsity"): ("table", "SparsityParameters"),
    ("Tensor", "VariantTensors"): ("tables", "VariantSubType"),
    ("SparsityParameters", "DimMetadata"): ("tables", "DimensionMetadata"),
    ("SignatureDef", "Inputs"): ("tables", "TensorMap"),
    ("SignatureDef", "Outputs"): ("tables", "TensorMap"),
}
# Union value fields: (table, field) -> (type field, union enum); members are tables named
# like the enum's members.
UNION_FIELDS: dict[tuple[str, str], tuple[str, type]] = {
    ("Operator", "BuiltinOptions"): ("BuiltinOptionsType", schema.BuiltinOptions),
    ("Operator", "BuiltinOptions2"): ("BuiltinOptions2Type", schema.BuiltinOptions2),
    ("QuantizationParameters", "Details"): ("DetailsType", schema.QuantizationDetails),
    ("DimensionMetadata", "ArraySegments"): ("ArraySegmentsType", schema.SparseIndexVector),
    ("DimensionMetadata", "ArrayIndices"): ("ArrayIndicesType", schema.SparseIndexVector),
}
_SCALAR_SIZES = {"Bool": 1, "Int8": 1, "Uint8": 1, "Int16": 2, "Uint16": 2, "Int32": 4, "Uint32": 4,
                 "Float32": 4, "Int64": 8, "Uint64": 8, "Float64": 8}


@dataclass(frozen=True)
class Field:
    """One field of a table: kind is scalar, string, vector (of scalars), table, tables or union."""

    slot: int
    name: str
    kind: str
    size: int = 0  # scalar size, or vector element size
    target: str = ""  # table name (table, tables)
    union: type | None = None
    type_slot: int = -1  # union: slot of its type field


class _Recorder:
    """Stands in for a flatbuffers.Builder and keeps the first call made on it."""

    def __init__(self) -> None:
        self.call: tuple[str, tuple[Any, ...]] | None = None

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any) -> None:
            if self.call is None:
                self.call = (name, args)
        return record


def _recorded(function: Any) -> tuple[str, tuple[Any, ...]]:
    recorder = _Recorder()
    function(recorder, 0)
    assert recorder.call is not None, function.__name__
    return recorder.call


@cache
def table_fields(table: str) -> tuple[Field, ...]:
    """The fields of schema table `table`, from its builder functions."""
    raw: dict[str, tuple[int, str, int]] = {}
    pattern = re.compile(re.escape(table) + r"Add(\w+)")
    for name in dir(schema):
        match = pattern.fullmatch(name)
        if match is None:
            continue
        method, args = _recorded(getattr(schema, name))
        kind = method.removeprefix("Prepend").removesuffix("Slot")
        starter = getattr(schema, f"{table}Start{match.group(1)}Vector", None)
        element = int(_recorded(starter)[1][0]) if starter is not None else 0
        raw[match.group(1)] = (int(args[0]), kind, element)
    fields = []
    for name, (slot, kind, element) in sorted(raw.items(), key=lambda item: item[1][0]):
        if kind != "UOffsetTRelative":
            fields.append(Field(slot, name, "scalar", _SCALAR_SIZES[kind]))
        elif (table, name) in UNION_FIELDS:
            type_name, union = UNION_FIELDS[(table, name)]
            fields.append(Field(slot, name, "union", union=union, type_slot=raw[type_name][0]))
        elif (table, name) in TABLE_FIELDS:
            kind_name, target = TABLE_FIELDS[(table, name)]
            fields.append(Field(slot, name, kind_name, 4, target))
        elif element:
            fields.append(Field(slot, name, "vector", element))
        else:
            fields.append(Field(slot, name, "string"))
    return tuple(fields)


def _snake(name: str) -> str:
    """OperatorCodes -> operator_codes, the schema's own spelling, for paths in messages."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _union_members(union: type) -> dict[int, str]:
    return {value: name for name, value in vars(union).items() if not name.startswith("_") and name != "NONE"}


class _Verifier:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.tables = 0

    def fail(self, path: str, problem: str) -> MalformedModelError:
        return MalformedModelError(
            f"the flatbuffer is corrupted at {path}: {problem}; the file is truncated or damaged"
        )

    def need(self, position: int, size: int, align: int, path: str, what: str) -> None:
        if position < 0 or position + size > len(self.data):
            raise self.fail(path, f"{what} at byte {position} is outside the {len(self.data)}-byte file")
        if align > 1 and position % align:
            raise self.fail(path, f"{what} at byte {position} is not {align}-byte aligned")

    def u32(self, position: int) -> int:
        return int(struct.unpack_from("<I", self.data, position)[0])

    def follow(self, position: int, path: str) -> int:
        """The target of the offset stored at `position`."""
        self.need(position, 4, 4, path, "an offset")
        offset = self.u32(position)
        if offset == 0 or offset >= 2**31:
            raise self.fail(path, f"offset {offset} at byte {position} points nowhere")
        target = position + offset
        self.need(target, 1, 1, path, "the offset's target")
        return target

    def vector(self, start: int, element: int, path: str) -> int:
        """Check a vector's length and extent; return its element count."""
        self.need(start, 4, 4, path, "a vector length")
        count = self.u32(start)
        if count * element > len(self.data):
            raise self.fail(path, f"a vector of {count} elements cannot fit the {len(self.data)}-byte file")
        self.need(start + 4, count * element, max(1, min(element, 8)) if count else 1, path, "the vector's elements")
        return count

    def string(self, start: int, path: str) -> None:
        length = self.vector(start, 1, path)
        end = start + 4 + length
        self.need(end, 1, 1, path, "the string's terminator")
        if self.data[end] != 0:
            raise self.fail(path, f"the string at byte {start} is not NUL-terminated")
        try:
            self.data[start + 4:end].decode("utf-8")
        except UnicodeDecodeError:
            raise self.fail(path, f"the string at byte {start} is not UTF-8") from None

    def table(self, position: int, table: str, path: str, depth: int) -> None:
        self.tables += 1
        if depth > MAX_DEPTH or self.tables > MAX_TABLES:
            raise self.fail(path, "the tables nest too deep or are too many")
        self.need(position, 4, 4, path, f"the {table} table")
        vtable = position - int(struct.unpack_from("<i", self.data, position)[0])
        self.need(vtable, 4, 2, path, f"the vtable of the {table} table")
        vtable_size, inline_size = struct.unpack_from("<HH", self.data, vtable)
        if vtable_size < 4 or vtable_size % 2:
            raise self.fail(path, f"the vtable of the {table} table has size {vtable_size}")
        self.need(vtable, vtable_size, 2, path, f"the vtable of the {table} table")
        self.need(position, inline_size, 1, path, f"the {table} table of {inline_size} bytes")
        for field in table_fields(table):
            self.field(position, vtable, vtable_size, inline_size, table, field, f"{path}.{_snake(field.name)}", depth)

    def field_position(self, position: int, vtable: int, vtable_size: int, inline_size: int, slot: int,
                       size: int, path: str) -> int | None:
        entry = 4 + 2 * slot
        if entry + 2 > vtable_size:
            return None
        offset = int(struct.unpack_from("<H", self.data, vtable + entry)[0])
        if offset == 0:
            return None
        if offset + size > inline_size:
            raise self.fail(path, f"field offset {offset} overruns its table's {inline_size} bytes")
        return position + offset

    def field(self, position: int, vtable: int, vtable_size: int, inline_size: int, table: str, field: Field,
              path: str, depth: int) -> None:
        size = field.size if field.kind == "scalar" else 4
        at = self.field_position(position, vtable, vtable_size, inline_size, field.slot, size, path)
        if at is None:
            return
        if field.kind == "scalar":
            self.need(at, size, size, path, "a scalar field")
            return
        target = self.follow(at, path)
        if field.kind == "string":
            self.string(target, path)
        elif field.kind == "vector":
            self.vector(target, field.size, path)
        elif field.kind == "table":
            self.table(target, field.target, path, depth + 1)
        elif field.kind == "tables":
            for index in range(self.vector(target, 4, path)):
                self.table(self.follow(target + 4 + 4 * index, path), field.target, f"{path}[{index}]", depth + 1)
        else:
            self.union(position, vtable, vtable_size, inline_size, field, target, path, depth)

    def union(self, position: int, vtable: int, vtable_size: int, inline_size: int, field: Field, target: int,
              path: str, depth: int) -> None:
        at = self.field_position(position, vtable, vtable_size, inline_size, field.type_slot, 1, path)
        kind = self.data[at] if at is not None else 0
        assert field.union is not None
        member = _union_members(field.union).get(kind)
        if member is not None:  # NONE or a type newer than the schema: nothing to verify, as in C++
            self.table(target, member, f"{path}<{member}>", depth + 1)


def verify_model(data: bytes) -> None:
    """Raise MalformedModelError (naming the field) on the first structural flaw of the model."""
    verifier = _Verifier(data)
    verifier.table(verifier.follow(0, "the root offset"), "Model", "model", 0)
