"""Where each tensor lives in the arena: offset, size and the layers it is alive over.

The firmware's static arena is the plan `build_firmware` made and carries in its
FirmwareImage, so the map shows exactly what the firmware uses.
"""
from __future__ import annotations

from dataclasses import dataclass

from tflm_bench.generator import ArenaPlan, Model, align_up


@dataclass(frozen=True)
class TensorPlacement:
    """One buffer of the arena. `tensor` is -1 for an operator's scratch buffer."""

    tensor: int
    name: str
    offset: int
    size: int  # bytes reserved (aligned)
    first_layer: int
    last_layer: int
    kind: str = "tensor"  # "tensor" or "scratch"

    @property
    def end(self) -> int:
        return self.offset + self.size


def short_name(name: str) -> str:
    """The first of TFLite's ';'-joined fused names: enough to tell layers apart in a chart."""
    return name.split(";", 1)[0]


def arena_map(model: Model, plan: ArenaPlan | None) -> tuple[TensorPlacement, ...]:
    """Every planned buffer sorted by offset, then first layer; () without a plan (TFLM allocates)."""
    if plan is None:
        return ()
    placements = [
        TensorPlacement(index, model.tensors[index].name, offset, plan.sizes[index], *plan.lifetimes[index])
        for index, offset in plan.offsets.items()
    ]
    placements += [
        TensorPlacement(-1, f"scratch of layer {op} ({model.operator(op).name})", offset,
                        plan.scratch_sizes[op], op, op, "scratch")
        for op, offset in plan.scratch_offsets.items()
    ]
    placements += [
        TensorPlacement(-1, f"band of layer {f.conv_op} (CONV_2D fused with MAX_POOL_2D)", plan.band_offsets[f.conv_op],
                        align_up(f.band_bytes), f.conv_op, f.conv_op, "scratch")
        for f in plan.fusions
    ]
    last = max((p.last_layer for p in placements), default=0)
    placements += [  # resource variables (VAR_HANDLE ids): alive throughout, on top of the arena
        TensorPlacement(-1, f"resource variable {ident}", offset, plan.arena_bytes - offset if ident == max(
            plan.resource_offsets) else plan.resource_offsets[ident + 1] - offset, 0, last, "resource")
        for ident, offset in plan.resource_offsets.items()
    ]
    return tuple(sorted(placements, key=lambda p: (p.offset, p.first_layer, p.tensor)))


def layer_outputs(model: Model) -> tuple[str, ...]:
    """The name of each operator's first output tensor, in execution order."""
    return tuple(model.tensors[op.outputs[0]].name if op.outputs else "" for op in model.operators)
