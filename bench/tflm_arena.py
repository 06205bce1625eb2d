"""Finding the arena a TFLM model needs: the smallest that allocates, the kTensorArenaSize to use.

TFLM's `arena_used_bytes()` after AllocateTensors() is not that number: it leaves out the
temporary allocations of the Prepare phase, so an arena of exactly that size can fail
(the sine model: 932 B used in a large arena, yet 944 B does not allocate). The method:

1. build the firmware with a probe arena (most of RAM), boot it and read arena_used_bytes();
2. on the same device, set the interpreter up again over the first N bytes of its arena
   (the RUNTIME request with a size, docs/protocol.md) for N from arena_used_bytes() rounded
   up to 16, widening the step until one allocates, then bisecting: the result is the
   smallest multiple of 16 that allocates, with N - 16 failing;
3. rebuild with exactly that kTensorArenaSize and check the new firmware starts (if it does
   not, e.g. a different alignment, add 16 and rebuild; at most a few times).

At some sizes just below what a model needs, TFLM reports that AllocateTensors() succeeded and
then writes past its arena (a 16->10 FULLY_CONNECTED without bias: 704 B HardFaults in
GreedyMemoryPlanner or garbles the UART, 720 B is the smallest that works, with TFLM 90b983c2 and
its CMSIS-NN or reference kernels alike). TFLM does not check that case; the search does: a size at
which the firmware faults, or stops speaking the protocol, counts as too small, the firmware is
booted again, and the report lists those sizes.

The run then uses the rebuilt firmware, so flash, RAM and counts are those of the deployment.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tflm_bench.generator import round_arena

from .errors import DeviceFault, InputError, ProtocolError
from .protocol import RuntimeInfo

STEP = 16  # the arena's alignment: sizes are tried in multiples of it
MAX_REBUILDS = 4


class ArenaSearchError(InputError):
    """No arena up to the probe's allocates (the model needs more RAM, or TFLM lacks an operator), or a
    rebuilt firmware does not start: the user can fix it, so exit 2."""


@dataclass(frozen=True)
class ArenaReport:
    """The arena of a TFLM run: what was given, what TFLM used, and how it was chosen."""

    given_bytes: int  # the arena the firmware that ran was built with (kTensorArenaSize)
    used_bytes: int  # arena_used_bytes() in that firmware after AllocateTensors()
    method: str  # "given" (--arena-bytes) or "searched"
    probe_bytes: int | None = None  # the probe arena of step 1
    probe_used_bytes: int | None = None  # arena_used_bytes() in the probe arena
    smallest_bytes: int | None = None  # the smallest that allocates (searched only)
    tries: int = 0  # re-initialisations on the device during the search
    faulted: tuple[int, ...] = ()  # sizes TFLM accepted but then faulted or corrupted memory at

    def summary(self) -> str:
        text = f"TFLM arena_used_bytes {self.used_bytes:,} B of {self.given_bytes:,} B given"
        if self.method == "searched":
            text += (f"; smallest that allocates {self.smallest_bytes:,} B (kTensorArenaSize), found from "
                     f"arena_used_bytes {self.probe_used_bytes:,} B in a {self.probe_bytes:,} B probe, {self.tries} tries")
        if self.faulted:
            sizes = ", ".join(f"{n:,}" for n in self.faulted)
            text += (f"; at {sizes} B TFLM's AllocateTensors() succeeded but the firmware then faulted or corrupted "
                     "memory (TFLM writes past an arena that small without saying so): counted as too small")
        return text


def smallest_arena(probe: RuntimeInfo, allocates: Callable[[int], bool]) -> tuple[int, int]:
    """(smallest multiple of STEP that allocates, tries), given the probe's RUNTIME reply and a
    function that re-initialises the device with N bytes and says whether it allocated."""
    if not probe.started:
        raise ArenaSearchError(f"TFLM does not start even in the {probe.arena_bytes:,} B probe arena: {probe.problem()}")
    capacity = probe.arena_bytes // STEP * STEP
    tries = 0

    def tried(n: int) -> bool:
        nonlocal tries
        tries += 1
        return allocates(n)

    # low: the largest size known (or, until tried, assumed) not to allocate; high: allocates.
    low = max(round_arena(probe.arena_used_bytes) - STEP, 0)
    low_tried = False
    step = STEP
    high = min(low + step, capacity)
    while not tried(high):
        if high >= capacity:
            raise ArenaSearchError(f"no arena up to the probe's {capacity:,} B allocates after a re-initialisation")
        low, low_tried = high, True
        step *= 2
        high = min(low + step, capacity)
    while high - low > STEP:  # bisect down to one STEP apart
        middle = (low + high) // 2 // STEP * STEP
        if tried(middle):
            high = middle
        else:
            low, low_tried = middle, True
    while not low_tried and low > 0 and tried(low):  # the assumed bound was wrong: walk down
        high, low = low, low - STEP
    return high, tries


def search_arena(
    build: Callable[[int | None], object],
    boot_runtime: Callable[[object], tuple[RuntimeInfo, Callable[[int], RuntimeInfo]]],
) -> tuple[object, ArenaReport]:
    """Run the method above. `build(arena_bytes or None for the probe)` gives a FirmwareImage
    (FirmwarePipeline.with_arena: one build, relinked per arena); `boot_runtime(image)` boots it
    and returns its RUNTIME reply and a re-initialiser."""
    probe_image = build(None)
    probe, reinit = boot_runtime(probe_image)
    faulted: list[int] = []

    def allocates(n: int) -> bool:
        nonlocal reinit
        try:
            return reinit(n).started
        except (DeviceFault, ProtocolError):
            faulted.append(n)
            _, reinit = boot_runtime(probe_image)  # the device is gone: start from a fresh boot
            return False

    smallest, tries = smallest_arena(probe, allocates)
    size = smallest
    for _ in range(MAX_REBUILDS):
        image = build(size)
        try:
            final, _ = boot_runtime(image)
        except (DeviceFault, ProtocolError):
            faulted.append(size)
        else:
            if final.started:
                return image, ArenaReport(
                    given_bytes=final.arena_bytes, used_bytes=final.arena_used_bytes, method="searched",
                    probe_bytes=probe.arena_bytes, probe_used_bytes=probe.arena_used_bytes,
                    smallest_bytes=size, tries=tries, faulted=tuple(sorted(set(faulted))))
        size += STEP
    raise ArenaSearchError(f"firmware rebuilt with the {smallest:,} B arena found (and up to {size - STEP:,} B) "
                           "does not start; give --arena-bytes explicitly")
