"""How far a device output is from a reference: LSB for integer tensors, ULP for float32."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# float32 outputs pass within this many ULP of TFLM (integer outputs must be bit-exact).
# Why not 0: float32 kernels (FULLY_CONNECTED, CONV_2D, ... in float, float SOFTMAX's expf) may
# sum in a different order or call a different libm than TFLM's host build, and x86 and the
# Cortex-M4F's single-precision FPU may contract multiply-adds differently; each such step can
# move a result by an ULP or so. Int8 graphs with float edges (QUANTIZE / DEQUANTIZE) are
# expected to be exact, and the report always shows the exact ULP distance.
FLOAT_TOLERANCE_ULP = 4


@dataclass(frozen=True)
class Difference:
    mismatches: int  # elements that differ at all
    max_diff: int  # largest difference, in LSB (integer tensors) or ULP (float32)
    unit: str

    @property
    def exact(self) -> bool:
        return self.mismatches == 0

    @property
    def tolerance(self) -> int:
        """Largest difference that still passes: FLOAT_TOLERANCE_ULP for float32, 0 for integers."""
        return FLOAT_TOLERANCE_ULP if self.unit == "ULP" else 0

    @property
    def within_tolerance(self) -> bool:
        return self.max_diff <= self.tolerance


def _ordered_float_bits(values: np.ndarray) -> np.ndarray:
    """float32 bit patterns mapped to integers that are adjacent for adjacent floats."""
    bits = values.astype(np.float32).view(np.uint32).astype(np.int64)
    return np.where(bits >= 0x80000000, 0x80000000 - bits, bits)


def difference(device: np.ndarray, reference: np.ndarray) -> Difference:
    if device.shape != reference.shape and device.size == reference.size:
        reference = reference.reshape(device.shape)
    if device.shape != reference.shape:
        raise ValueError(f"output shapes differ: device {device.shape}, reference {reference.shape}")
    if device.dtype.kind == "f":
        delta = np.abs(_ordered_float_bits(device) - _ordered_float_bits(reference))
        unit = "ULP"
    else:
        delta = np.abs(device.astype(np.int64) - reference.astype(np.int64))
        unit = "LSB"
    return Difference(int(np.count_nonzero(delta)), int(delta.max(initial=0)), unit)
