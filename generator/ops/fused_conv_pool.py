"""The kernel call of a fused CONV_2D + MAX_POOL_2D pair (generator/fusion.py). No HANDLERS here:
CONV_2D and MAX_POOL_2D list these variants, chosen for the operators the arena plan fused."""
from __future__ import annotations

from dataclasses import dataclass

from ..fusion import FUSED_HEADER, FUSED_KERNEL, ConvPoolFusion
from ..model import Operator
from ..options import KernelSet
from . import conv_common, slots, window
from .c_emit import CStruct, EmitContext, Layer, dims_fields, layer
from .conv_common import nested
from .layer_plan import LayerPlan, PlanContext, Planned, Variant


@dataclass(frozen=True)
class FusedConv:
    """The conv's layer: one banded kernel computing the conv and the pool."""

    fusion: ConvPoolFusion
    conv: conv_common.ConvLayer
    pool: Operator
    pool_geometry: window.Window
    pool_activation: str
    pooled_index: int  # the pool's output tensor
    pooled_shape: tuple[int, ...]
    band_offset: int


def _fusion(ctx: PlanContext, op: Operator) -> ConvPoolFusion:
    fusion = ctx.plan.fusion_of(op.index)
    assert fusion is not None, f"operator #{op.index} is not fused in this arena plan"
    return fusion


def plan_conv(ctx: PlanContext, op: Operator) -> Planned:
    fusion = _fusion(ctx, op)
    pool = ctx.model.operators[fusion.pool_op]
    conv = conv_common.plan_layer(ctx.model, op, ctx.input(op, slots.FILTER).shape[0])
    pool_h, pool_w = int(pool.options.get("filter_height", 0)), int(pool.options.get("filter_width", 0))
    pooled = ctx.output(pool)
    params = FusedConv(fusion, conv, pool, window.model_window(ctx.model, pool, pool_h, pool_w, dilated=False),
                       str(pool.options.get("fused_activation_function", "NONE")), pooled.index, pooled.shape,
                       ctx.plan.band_offsets[op.index])
    return Planned(params, conv_common.reference_constants(op, conv.t))


def emit_conv(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: FusedConv = plan.params
    t, prefix = p.conv.t, plan.prefix
    conv_fields = (*window.window_fields(p.conv.geometry), conv_common.float_activation_fields(p.conv.activation))
    pool_fields = (*window.window_fields(p.pool_geometry, dilated=False),
                   conv_common.float_activation_fields(p.pool_activation))
    structs = [
        CStruct("tb_conv_maxpool_f32_params_t", f"{prefix}_params", (
            ("conv", nested(conv_fields)),
            ("pool", nested(pool_fields)),
            ("conv_output_dims", nested(dims_fields(*t.out.shape))),
            ("band_rows", str(p.fusion.band_rows)),
        )),
        *conv_common.dims_structs(prefix, (("input", t.inp.shape), ("filter", t.filt.shape),
                                           ("bias", (1, 1, 1, p.conv.channels)), ("output", p.pooled_shape))),
    ]
    args = (
        f"&{prefix}_params",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        f"&{prefix}_bias_dims", conv_common.bias_arg(prefix, t.bias),
        f"&{prefix}_output_dims", ctx.arena_pointer(p.pooled_index, const=False),
        f"(float *)&tb_arena[{p.band_offset}]",
    )
    return layer(plan, FUSED_KERNEL, args, structs, FUSED_HEADER,
                 note=f"fused with layer {p.pool.index} MAX_POOL_2D, in bands of {p.fusion.band_rows} rows")


def plan_pool(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(_fusion(ctx, op))


def emit_pool(ctx: EmitContext, plan: LayerPlan) -> Layer:
    """The pool's layer: nothing left to run, its output was written by the conv's layer."""
    fusion: ConvPoolFusion = plan.params
    return layer(plan, "", (), (), "", note=f"computed by layer {fusion.conv_op} (fused)")


FUSED_CONV = Variant("fused conv + max pool", KernelSet.REFERENCE, plan_conv, emit_conv, fused=True)
FUSED_POOL = Variant("fused into the conv", KernelSet.REFERENCE, plan_pool, emit_pool, fused=True)
