"""The build cache: keys from file digests, one lock per build folder, and the manifest of a finished build.

A build folder's name is a digest of everything that shapes its image, so a folder holding a
manifest whose ELF exists is that image, reused without regenerating or compiling anything.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .image import LayerInfo, MemoryUse

MANIFEST = "manifest.json"
GENERATOR = Path(__file__).resolve().parents[1]  # generator/: its sources and templates shape every image


def named(folder: Path, label: str, paths: list[Path]) -> list[tuple[str, Path]]:
    """Files keyed by a name independent of where the tree lies (checkout, wheel, a copy)."""
    return sorted({(f"{label}/{p.relative_to(folder)}", p) for p in paths})


def source_files(firmware: Path) -> list[tuple[str, Path]]:
    """Everything that shapes the image: firmware sources, the generator and its templates."""
    files: list[tuple[str, Path]] = []
    for folder, label, patterns in (
        (firmware, "firmware", ("*.c", "*.cc", "*.h", "*.ld", "*.txt", "*.cmake", "*.S")),
        (GENERATOR, "generator", ("*.py", "*.j2")),
    ):
        found = [p for pattern in patterns for p in folder.rglob(pattern) if "__pycache__" not in p.parts]
        files += named(folder, label, found)
    return sorted(set(files))


def digest_files(files: list[tuple[str, Path]], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for name, path in files:
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


@contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Serialize builds of one folder across processes (parallel test runs share a cache).

    The lock file is removed by its holder on release, so none is left behind, even by an
    interrupted run (the kernel drops a dead process's flock). A waiter that wakes on a file
    already unlinked tries again on the current one.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    path = directory.with_name(directory.name + ".lock")
    while True:
        handle = open(path, "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(handle.fileno()), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        handle.close()


@dataclass(frozen=True)
class Manifest:
    """What a cache hit needs to describe its image without redoing the build."""

    elf: Path
    model_sha256: str
    memory: MemoryUse
    layers: tuple[LayerInfo, ...]
    runtime: dict[str, object]  # the runtime part's own record (RuntimePart.record)


def read_manifest(folder: Path) -> Manifest | None:
    """The finished build in `folder`, or None (never built, interrupted, ELF deleted, older format)."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        manifest = Manifest(elf=Path(data["elf"]), model_sha256=data["model_sha256"],
                            memory=MemoryUse(**data["memory"]),
                            layers=tuple(LayerInfo(**layer) for layer in data["layers"]), runtime=data["runtime"])
    except (KeyError, TypeError, ValueError):
        return None
    return manifest if manifest.elf.exists() else None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Written last and atomically: a build interrupted before this is redone, not reused."""
    path = folder / MANIFEST
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({**asdict(manifest), "elf": str(manifest.elf)}, indent=2))
    os.replace(temporary, path)
