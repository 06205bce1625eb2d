"""Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) resolved as TFLM resolves them.

TFLM (micro_resource_variable.cc, var_handle.cc, assign_variable.cc) does it all in Prepare, which
runs every subgraph's operators in order, subgraph 0 first:
- VAR_HANDLE gives (container, shared_name) an id: the existing one whose shared_name is equal
  and whose container is equal (or the VAR_HANDLE names none), else the next free id;
- ASSIGN_VARIABLE allocates the variable's buffer the first time its id is assigned: as many
  bytes as the assigned tensor has, filled with that tensor's zero point (the low byte of its
  first one; 0 without quantization); later assignments copy that many bytes;
- READ_VARIABLE copies the buffer out; nothing changes it between inferences, and
  MicroInterpreter::Reset fills it with that value again.
The generator knows all of this before the firmware runs: the ids are constants, the buffers sit
at the top of the arena (alive throughout) and the firmware fills them before the first inference.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Model, Operator


@dataclass(frozen=True)
class ResourceVariable:
    id: int
    container: str
    shared_name: str
    bytes: int  # 0: never assigned (reading it is refused)
    fill: int  # the byte the buffer starts as
    dtype: str
    shape: tuple[int, ...]
    allocated_by: int  # the ASSIGN_VARIABLE operator whose Prepare allocates it (-1: none)


@dataclass(frozen=True)
class Resources:
    variables: tuple[ResourceVariable, ...]
    handle_ids: dict[int, int]  # VAR_HANDLE operator index -> id

    @property
    def total_bytes(self) -> int:
        return sum(v.bytes for v in self.variables)


def _text(value: object) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return "" if value is None else str(value)


def _static_id(model: Model, op: Operator, handle_ids: dict[int, int]) -> int | None:
    """The id a READ/ASSIGN_VARIABLE's resource operand holds when a VAR_HANDLE of its own
    subgraph writes it (None otherwise: it arrives through a subgraph input)."""
    source = op.inputs[0]
    writer = next((w for w in model.all_operators if source in w.outputs), None)
    if writer is None or writer.name != "VAR_HANDLE":
        return None
    return handle_ids[writer.index]


def resolve(model: Model) -> Resources:
    """The resource variables of `model`, in TFLM's id order.

    An ASSIGN_VARIABLE whose handle comes through a subgraph input allocates nothing here: TFLM's
    Prepare reads that id from arena bytes nothing has written yet. Reading a variable that no
    VAR_HANDLE-fed ASSIGN_VARIABLE allocates is refused by READ_VARIABLE's check.
    """
    keys: list[tuple[str, str]] = []
    handle_ids: dict[int, int] = {}
    sizes: dict[int, tuple[int, int, str, tuple[int, ...], int]] = {}
    for op in model.all_operators:  # Prepare order: subgraph 0, 1, ...; operators in order
        if op.name == "VAR_HANDLE":
            container, name = _text(op.options.get("container")), _text(op.options.get("shared_name"))
            found = next((i for i, (c, n) in enumerate(keys) if n == name and (not container or c == container)), None)
            if found is None:
                keys.append((container, name))
                found = len(keys) - 1
            handle_ids[op.index] = found
        elif op.name == "ASSIGN_VARIABLE":
            ident = _static_id(model, op, handle_ids)
            if ident is None:
                # The handle arrives through a subgraph input (the converter passes it into a WHILE
                # body): TFLM's Prepare reads that id from the arena before anything wrote it, so
                # this assignment allocates nothing defined; a VAR_HANDLE-fed one must.
                continue
            if ident not in sizes:
                value = model.tensors[op.inputs[1]]
                q = value.quantization
                fill = (q.zero_points[0] & 0xFF) if q is not None else 0
                sizes[ident] = (value.num_bytes, fill, value.dtype, value.shape, op.index)
    variables = []
    for ident, (container, name) in enumerate(keys):
        size, fill, dtype, shape, by = sizes.get(ident, (0, 0, "", (), -1))
        variables.append(ResourceVariable(ident, container, name, size, fill, dtype, shape, by))
    return Resources(tuple(variables), handle_ids)


def uses_resources(model: Model) -> bool:
    return any(op.name == "VAR_HANDLE" for op in model.all_operators)
