"""The kernel call of a fused CONV_2D + MAX_POOL_2D pair (generator/fusion.py). No HANDLERS here:
codegen calls these for the two operators of each fusion the plan holds."""
from __future__ import annotations

from ..fusion import FUSED_HEADER, FUSED_KERNEL, ConvPoolFusion
from . import conv_common, window
from .c_emit import CStruct, EmitContext, Layer, dims_fields


def _initializer(fields: tuple[tuple[str, str], ...]) -> str:
    return "{" + ", ".join(f".{name} = {value}" for name, value in fields) + "}"


def emit_conv(ctx: EmitContext, fusion: ConvPoolFusion) -> Layer:
    """The conv's layer: one banded kernel computing the conv and the pool."""
    conv = ctx.model.operators[fusion.conv_op]
    pool = ctx.model.operators[fusion.pool_op]
    t = conv_common.emit_tensors(ctx, conv)
    out_c, k_h, k_w, _ = t.filt.shape
    conv_geometry = window.model_window(ctx.model, conv, k_h, k_w)
    pool_h, pool_w = int(pool.options.get("filter_height", 0)), int(pool.options.get("filter_width", 0))
    pool_geometry = window.model_window(ctx.model, pool, pool_h, pool_w, dilated=False)
    pooled = ctx.output(pool)
    prefix = f"tb_l{conv.index}"
    arrays, bias_arg = conv_common.constant_arrays(ctx, conv, t, prefix)
    conv_fields = (*window.window_fields(conv_geometry),
                   conv_common.float_activation_fields(conv.options.get("fused_activation_function", "NONE")))
    pool_fields = (*window.window_fields(pool_geometry, dilated=False),
                   conv_common.float_activation_fields(pool.options.get("fused_activation_function", "NONE")))
    structs = [
        CStruct("tb_conv_maxpool_f32_params_t", f"{prefix}_params", (
            ("conv", _initializer(conv_fields)),
            ("pool", _initializer(pool_fields)),
            ("conv_output_dims", _initializer(dims_fields(*t.out.shape))),
            ("band_rows", str(fusion.band_rows)),
        )),
    ]
    for role, shape in (("input", t.inp.shape), ("filter", t.filt.shape), ("bias", (1, 1, 1, out_c)),
                        ("output", pooled.shape)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(*shape), True))
    args = (
        f"&{prefix}_params",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        f"&{prefix}_bias_dims", bias_arg,
        f"&{prefix}_output_dims", ctx.arena_pointer(pooled.index, const=False),
        f"(float *)&tb_arena[{ctx.plan.band_offsets[conv.index]}]",
    )
    return Layer(conv.index, conv.name, conv.index, FUSED_KERNEL, args, tuple(structs), tuple(arrays), FUSED_HEADER,
                 note=f"fused with layer {pool.index} MAX_POOL_2D, in bands of {fusion.band_rows} rows")


def emit_pool(ctx: EmitContext, fusion: ConvPoolFusion) -> Layer:
    """The pool's layer: nothing left to run, its output was written by the conv's layer."""
    return Layer(fusion.pool_op, "MAX_POOL_2D", fusion.pool_op, "", (), (),
                 note=f"computed by layer {fusion.conv_op} (fused)")
