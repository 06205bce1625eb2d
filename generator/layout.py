"""Per-layer weight layouts under a flash budget: which layers keep their weights int8.

The optimized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels read weights expanded
to int16 (pairs for SMLAD), which can double a layer's constants. A layer kept in the int8
layout runs its reference kernel instead, bit-exact with the expanded one. The choice:

- speed: expand every layer; only when the image would not fit the board's flash, layers
  fall back, the least MACs per extra byte first, until it fits (the build pipeline retries, generator/build/pipeline.py).
- size: expand no layer, so flash is the model's weights plus the runtime code.
- balanced: expand layers in order of MACs per extra byte, best first, while the total
  extra stays within BALANCED_SHARE of the model's constant bytes.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import Model
from .options import KernelSet, Optimize
from .ops.registry import handlers, plan_layers
from .planner import ArenaPlan
from .subgraphs import executed_operators

BALANCED_SHARE = 0.25  # balanced: expanded weights may add at most this share of the weights


@dataclass(frozen=True)
class LayerFlash:
    """One layer's constant bytes in both layouts and the layout chosen."""

    operator_index: int
    op_name: str
    macs: int
    int8_bytes: int  # constants with the int8-layout (reference) kernel
    expanded_bytes: int  # constants with the optimized kernel's layout
    expanded: bool  # the layout chosen

    @property
    def extra_bytes(self) -> int:
        return self.expanded_bytes - self.int8_bytes

    @property
    def flash_bytes(self) -> int:
        return self.expanded_bytes if self.expanded else self.int8_bytes

    @property
    def gain_per_byte(self) -> float:
        return self.macs / self.extra_bytes if self.extra_bytes > 0 else float("inf")


def layer_flash(model: Model, plan: ArenaPlan, kernels: KernelSet) -> list[LayerFlash]:
    """Constant bytes of every layer with and without its optimized layout (all expanded), from
    the layers' plans: no C is formatted."""
    reference = plan_layers(model, plan, KernelSet.REFERENCE)
    optimized = plan_layers(model, plan, kernels)
    table = handlers()
    result = []
    for op, ref, opt in zip(executed_operators(model), reference, optimized):  # subgraph 0's first
        int8_bytes, expanded_bytes = ref.constant_bytes, opt.constant_bytes
        result.append(LayerFlash(op.index, op.name, table[op.key].macs(model, op), int8_bytes,
                                 expanded_bytes, expanded=expanded_bytes > int8_bytes))
    return result


def _by_gain(layers: list[LayerFlash]) -> list[LayerFlash]:
    """Expandable layers, the least MACs per extra byte first (ties: the later operator first)."""
    return sorted((l for l in layers if l.extra_bytes > 0), key=lambda l: (l.gain_per_byte, -l.operator_index))


def choose(layers: list[LayerFlash], optimize: Optimize, constant_bytes: int) -> frozenset[int]:
    """Operator indices to keep in the int8 layout for `optimize` (before any fit check)."""
    candidates = _by_gain(layers)
    if optimize is Optimize.SIZE:
        return frozenset(l.operator_index for l in candidates)
    if optimize is Optimize.BALANCED:
        allowance = int(constant_bytes * BALANCED_SHARE)
        kept: set[int] = set()
        for layer in reversed(candidates):  # the best gain per byte first
            if layer.extra_bytes <= allowance:
                allowance -= layer.extra_bytes
            else:
                kept.add(layer.operator_index)
        return frozenset(kept)
    return frozenset()


def shrink(layers: list[LayerFlash], int8_layout: frozenset[int], overflow: int) -> frozenset[int]:
    """Add layers to the int8 layout, least gain per byte first, until `overflow` bytes are saved.

    Returns the same set when no expanded layer is left to fall back.
    """
    chosen = set(int8_layout)
    saved = 0
    for layer in _by_gain(layers):
        if saved >= overflow:
            break
        if layer.operator_index not in chosen:
            chosen.add(layer.operator_index)
            saved += layer.extra_bytes
    return frozenset(chosen)


def with_choice(layers: list[LayerFlash], int8_layout: frozenset[int]) -> list[LayerFlash]:
    return [LayerFlash(l.operator_index, l.op_name, l.macs, l.int8_bytes, l.expanded_bytes,
                       expanded=l.extra_bytes > 0 and l.operator_index not in int8_layout) for l in layers]
