"""Build counter.c with the host C compiler and load it with ctypes.

The shared library is cached under ``<the bench's cache>/host/`` (or a directory given by
the caller or by ``TFLM_BENCH_HOST_CACHE``), named by the SHA-256 of the source, the compiler
flags and the unicorn version, so an edit or a unicorn upgrade rebuilds it.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import unicorn
from unicorn import arm_const

from tflm_bench.cache import cache_root

from ..errors import EmulationError

SOURCE = Path(__file__).with_name("counter.c")
CFLAGS = ("-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared")
CACHE_ENV = "TFLM_BENCH_HOST_CACHE"

# Loaded libraries, per process: a ctypes library cannot be unloaded safely anyway.
_loaded: dict[Path, ctypes.CDLL] = {}


class HostBuildError(EmulationError):
    """The host C compiler could not build the counting hook."""


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return cache_root() / "host"


def unicorn_include_dir() -> Path:
    include = Path(unicorn.__file__).parent / "include"
    if not (include / "unicorn" / "unicorn.h").is_file():
        raise HostBuildError(
            f"the unicorn package has no C headers at {include}; reinstall the unicorn wheel "
            f"pinned in requirements.lock (it ships unicorn/include)"
        )
    return include


def library_key() -> str:
    digest = hashlib.sha256()
    digest.update(SOURCE.read_bytes())
    digest.update(" ".join(CFLAGS).encode())
    digest.update(unicorn.__version__.encode())
    return digest.hexdigest()[:24]


def _compiler() -> str:
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name):
            return name
    raise HostBuildError(
        "no host C compiler found (tried $CC, cc, gcc, clang); install one, "
        "e.g. `apt-get install gcc`, to build the built-in engine's counting hook"
    )


def build_library(cache_dir: Path | None = None) -> Path:
    """Compile counter.c unless a library for this source and unicorn exists; return its path."""
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / f"tbcounter-{library_key()}.so"
    if target.is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tbcounter-", suffix=".so", dir=cache)
    os.close(fd)
    command = [_compiler(), *CFLAGS, f"-I{unicorn_include_dir()}", str(SOURCE), "-o", tmp_name]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        os.unlink(tmp_name)
        raise HostBuildError(
            f"building {SOURCE.name} failed ({' '.join(command)}):\n{result.stderr.strip()}"
        )
    os.replace(tmp_name, target)
    return target


def load_library(cache_dir: Path | None = None) -> ctypes.CDLL:
    """Build (if needed) and load the counting library, with its prototypes set."""
    path = build_library(cache_dir)
    lib = _loaded.get(path)
    if lib is None:
        lib = ctypes.CDLL(str(path))
        _set_prototypes(lib)
        _loaded[path] = lib
    return lib


def _set_prototypes(lib: ctypes.CDLL) -> None:
    vp, u64, u32, i64, cint = (
        ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_int64, ctypes.c_int,
    )
    table: dict[str, tuple[object, list[object]]] = {
        "tbc_create": (vp, [vp, vp, vp, vp, vp, vp, cint]),
        "tbc_install": (cint, [vp]),
        "tbc_uninstall": (cint, [vp]),
        "tbc_destroy": (None, [vp]),
        "tbc_reset": (None, [vp, u64]),
        "tbc_total": (u64, [vp]),
        "tbc_set_total": (None, [vp, u64]),
        "tbc_set_limit": (None, [vp, u64]),
        "tbc_limit_hit": (cint, [vp]),
        "tbc_request_stop": (None, [vp]),
        "tbc_take_stopped": (cint, [vp]),
        "tbc_set_timeout": (None, [vp, u64]),
        "tbc_deadline_hit": (cint, [vp]),
        "tbc_decode_error": (cint, [vp]),
        "tbc_blocks_entered": (u64, [vp]),
        "tbc_block_addr": (u64, [vp]),
        "tbc_block_size": (u32, [vp]),
        "tbc_count_at": (u64, [vp, u64]),
        "tbc_count_range": (i64, [vp, u64, u64]),
        "tbc_cycles_range": (i64, [vp, u64, u64]),
        "tbc_cycles_at": (u64, [vp, u64]),
        "tbc_rewind": (None, [vp, u64]),
        "tbc_exception_entry": (None, [vp, u64]),
        "tbc_cycles": (u64, [vp]),
        "tbc_set_fpu_enabled": (None, [vp, cint]),
        "tbc_take_nocp": (cint, [vp, ctypes.POINTER(u64)]),
        "tbc_take_div0": (cint, [vp, ctypes.POINTER(u64)]),
        "tbc_set_div_trap": (cint, [vp, cint]),
    }
    for name, (restype, argtypes) in table.items():
        func = getattr(lib, name)
        func.restype = restype
        func.argtypes = argtypes


def _unicorn_function(name: str) -> int:
    """Address of a libunicorn function, from the library the unicorn package loaded."""
    from unicorn.unicorn_py3.unicorn import uclib  # the package's own ctypes handle

    address = ctypes.cast(getattr(uclib, name), ctypes.c_void_p).value
    if not address:
        raise HostBuildError(f"libunicorn has no function {name}; unicorn {unicorn.__version__}")
    return address


def engine_handle(uc: unicorn.Uc) -> int:
    """The uc_engine pointer behind a Python Uc object."""
    handle = getattr(uc, "_uch", None)
    value = getattr(handle, "value", None)
    if not value:
        raise HostBuildError(
            f"cannot find the uc_engine handle of this Uc object (unicorn {unicorn.__version__}); "
            f"the built-in engine expects the unicorn version pinned in requirements.lock"
        )
    return int(value)


class InstructionCounter:
    """The C block hook on one Uc engine: exact instruction count, budget, cycle estimate."""

    def __init__(self, uc: unicorn.Uc, cache_dir: Path | None = None) -> None:
        self._lib = load_library(cache_dir)
        self._uc = uc  # keeps the engine alive as long as the hook
        handle = self._lib.tbc_create(
            engine_handle(uc),
            _unicorn_function("uc_hook_add"),
            _unicorn_function("uc_hook_del"),
            _unicorn_function("uc_mem_read"),
            _unicorn_function("uc_emu_stop"),
            _unicorn_function("uc_reg_read"),
            arm_const.UC_ARM_REG_R0,
        )
        if not handle:
            raise HostBuildError("out of memory creating the instruction counter")
        self._c: int | None = handle

    def _handle(self) -> int:
        if self._c is None:
            raise EmulationError("the instruction counter was closed")
        return self._c

    def install(self) -> None:
        err = self._lib.tbc_install(self._handle())
        if err != 0:
            raise EmulationError(f"uc_hook_add for the block hook failed (uc_err {err})")

    def close(self) -> None:
        if self._c is not None:
            self._lib.tbc_uninstall(self._c)
            self._lib.tbc_destroy(self._c)
            self._c = None

    def reset(self, total: int = 0) -> None:
        self._lib.tbc_reset(self._handle(), total)

    @property
    def total(self) -> int:
        return int(self._lib.tbc_total(self._handle()))

    @total.setter
    def total(self, value: int) -> None:
        self._lib.tbc_set_total(self._handle(), value)

    def set_limit(self, limit: int) -> None:
        """Never run a block that would take the total past limit (0: no limit)."""
        self._lib.tbc_set_limit(self._handle(), limit)

    @property
    def limit_hit(self) -> bool:
        return bool(self._lib.tbc_limit_hit(self._handle()))

    def request_stop(self) -> None:
        """Stop at the next block boundary (the current block finishes)."""
        self._lib.tbc_request_stop(self._handle())

    def take_stopped(self) -> bool:
        """Whether a requested stop happened; clears the request."""
        return bool(self._lib.tbc_take_stopped(self._handle()))

    def set_timeout(self, seconds: float | None) -> None:
        """Stop at a block boundary once this much wall-clock time has passed (None: never)."""
        self._lib.tbc_set_timeout(self._handle(), int(seconds * 1e9) if seconds else 0)

    @property
    def deadline_hit(self) -> bool:
        return bool(self._lib.tbc_deadline_hit(self._handle()))

    @property
    def decode_error(self) -> bool:
        return bool(self._lib.tbc_decode_error(self._handle()))

    @property
    def blocks_entered(self) -> int:
        return int(self._lib.tbc_blocks_entered(self._handle()))

    @property
    def current_block(self) -> tuple[int, int]:
        """(address, size) of the block entered last."""
        c = self._handle()
        return int(self._lib.tbc_block_addr(c)), int(self._lib.tbc_block_size(c))

    def count_at(self, pc: int) -> int:
        """Instructions retired before the one at pc, if pc is inside the current block."""
        return int(self._lib.tbc_count_at(self._handle(), pc))

    def count_range(self, address: int, size: int) -> int:
        n = int(self._lib.tbc_count_range(self._handle(), address, size))
        if n < 0:
            raise EmulationError(f"cannot read code at 0x{address:08x}+{size}")
        return n

    # --- cycle estimate (docs/cycle-model.md) ---------------------------------------------

    @property
    def estimated_cycles(self) -> int:
        """Estimated Cortex-M4 cycles of every block entered (a model, not a measurement)."""
        return int(self._lib.tbc_cycles(self._handle()))

    def cycles_at(self, pc: int) -> int:
        """Estimated cycles before the instruction at pc, like count_at."""
        return int(self._lib.tbc_cycles_at(self._handle(), pc))

    def cycles_range(self, address: int, size: int) -> int:
        n = int(self._lib.tbc_cycles_range(self._handle(), address, size))
        if n < 0:
            raise EmulationError(f"cannot read code at 0x{address:08x}+{size}")
        return n

    def rewind(self, pc: int) -> None:
        """Execution stopped before pc: counts become those before it; pc is a fall-through."""
        self._lib.tbc_rewind(self._handle(), pc)

    def exception_entry(self, handler: int) -> None:
        """Account an exception entry that continues at handler."""
        self._lib.tbc_exception_entry(self._handle(), handler)

    # --- architectural checks -------------------------------------------------------------

    def set_fpu_enabled(self, enabled: bool) -> None:
        """Whether CPACR grants CP10/CP11; when not, a block with an FP instruction stops."""
        self._lib.tbc_set_fpu_enabled(self._handle(), int(enabled))

    def take_nocp(self) -> int | None:
        """Address of the FP instruction that met a disabled FPU, once; else None."""
        address = ctypes.c_uint64()
        hit = self._lib.tbc_take_nocp(self._handle(), ctypes.byref(address))
        return int(address.value) if hit else None

    def set_div_trap(self, enabled: bool) -> None:
        """CCR.DIV_0_TRP: trap SDIV/UDIV by zero (a code hook; flush translations after)."""
        err = self._lib.tbc_set_div_trap(self._handle(), int(enabled))
        if err != 0:
            raise EmulationError(f"uc_hook_add for the divide-by-zero trap failed (uc_err {err})")

    def take_div0(self) -> int | None:
        """Address of the divide by zero that was trapped, once; else None."""
        address = ctypes.c_uint64()
        hit = self._lib.tbc_take_div0(self._handle(), ctypes.byref(address))
        return int(address.value) if hit else None
