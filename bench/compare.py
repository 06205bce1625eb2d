"""How far a device output is from a reference: LSB for integer tensors, ULP for float32."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Difference:
    mismatches: int  # elements that differ at all
    max_diff: int  # largest difference, in LSB (integer tensors) or ULP (float32)
    unit: str

    @property
    def exact(self) -> bool:
        return self.mismatches == 0


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
