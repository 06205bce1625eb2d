"""The fixes that refusals name: the tflm runtime where TFLM has the operator, what a custom
operator is and what to do instead. TFLM's operators come from ops/tflm_ops.py (its resolver's
Add... methods at the pinned commit); the tflm runtime (docs/tflm-runtime.md) checks the user's own
headers, so these only word messages.
"""
from __future__ import annotations

from dataclasses import dataclass

from .ops.tflm_ops import TFLM_BUILTIN_OPS, TFLM_CUSTOM_OPS

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
    if custom_code in TFLM_CUSTOM_OPS:
        return (
            f"operator #{op_index} is the custom operator '{custom_code}', which TFLM registers as a custom "
            "operator (e.g. its signal library for audio front ends) but the built-in runtime has no kernel for "
            "yet (of the signal library it runs the operators `tflm-bench ops` lists as CUSTOM:<code>) and the "
            "tflm runtime (builtin operators only) does not resolve; run the model's builtin part on the bench "
            "and its custom front end on the host"
        )
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
