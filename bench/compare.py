"""How far a device output is from a reference: LSB for integer tensors, ULP for float32."""
from __future__ import annotations

from dataclasses import dataclass, field

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
    # (signed difference device - reference, count) for the elements that differ, for the
    # reports' error histograms; binned when there are more distinct values than HISTOGRAM_BINS.
    histogram: tuple[tuple[int, int], ...] = field(default=())

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
        signed = _ordered_float_bits(device) - _ordered_float_bits(reference)
        unit = "ULP"
    else:
        signed = device.astype(np.int64) - reference.astype(np.int64)
        unit = "LSB"
    delta = np.abs(signed)
    return Difference(int(np.count_nonzero(delta)), int(delta.max(initial=0)), unit, _histogram(signed))


HISTOGRAM_BINS = 128


def _histogram(signed: np.ndarray) -> tuple[tuple[int, int], ...]:
    nonzero = signed[signed != 0].ravel()
    if nonzero.size == 0:
        return ()
    values, counts = np.unique(nonzero, return_counts=True)
    if values.size > HISTOGRAM_BINS:  # far-off float outputs: equal-width bins, keyed by bin centre
        counts, edges = np.histogram(nonzero, bins=HISTOGRAM_BINS)
        values = np.rint((edges[:-1] + edges[1:]) / 2).astype(np.int64)
        keep = counts > 0
        values, counts = values[keep], counts[keep]
    return tuple((int(v), int(c)) for v, c in zip(values, counts))
