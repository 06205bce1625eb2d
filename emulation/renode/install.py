"""Install a pinned Renode portable release: download, check SHA-256, unpack, find the binary.

Releases are GitHub release assets of renode/renode. Only versions whose digests are pinned
here install without an explicit --sha256: the digest is what makes the download trustworthy.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shlex
import shutil
import tarfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import ChecksumMismatch, RenodeInstallError

DEFAULT_VERSION = "1.17.0"
RELEASE_URL = "https://github.com/renode/renode/releases/download/v{version}/{name}"
MARKER = ".tflm-bench-renode"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Asset:
    """One release archive and the digest it must have."""

    version: str
    arch: str
    name: str
    size: int
    sha256: str

    def url(self, base_url: str | None = None) -> str:
        if base_url:
            return f"{base_url.rstrip('/')}/{self.name}"
        return RELEASE_URL.format(version=self.version, name=self.name)


# Sizes and digests as GitHub publishes them for the v1.17.0 release (see docs/renode.md).
PINNED = (
    Asset("1.17.0", "x86_64", "renode-1.17.0.linux-portable.tar.gz", 63_459_129,
          "4ba7c68b59e2447f188ef4b4b112fcccd2802582c460beedceb63b84e5605a5f"),
    Asset("1.17.0", "aarch64", "renode-1.17.0.linux-arm64-portable.tar.gz", 61_595_258,
          "e9051578411441bfb47b77de0381cfba3badce03663367fab561472fd7807f1f"),
)

_ARCH_NAMES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


@dataclass(frozen=True)
class InstallResult:
    binary: Path
    asset: Asset
    downloaded: bool

    @property
    def export_line(self) -> str:
        return f"export RENODE={shlex.quote(str(self.binary))}"


def host_arch(machine: str | None = None) -> str:
    """Our name for `uname -m`: x86_64 or aarch64."""
    name = (machine or platform.machine()).lower()
    if name not in _ARCH_NAMES:
        raise RenodeInstallError(f"no Renode portable release for machine type {name!r}; use x86_64 or aarch64")
    return _ARCH_NAMES[name]


def find_asset(version: str, arch: str, sha256: str | None = None) -> Asset:
    """The pinned asset, or (with an explicit sha256) one named by the release's pattern."""
    for asset in PINNED:
        if asset.version == version and asset.arch == arch:
            return asset if sha256 is None else Asset(version, arch, asset.name, asset.size, sha256.lower())
    if sha256 is None:
        pinned = ", ".join(sorted({a.version for a in PINNED}))
        raise RenodeInstallError(
            f"no pinned SHA-256 for Renode {version} ({arch}); pinned: {pinned}. Pass --sha256 with the "
            f"digest from the release page to install another version"
        )
    suffix = "linux-portable" if arch == "x86_64" else "linux-arm64-portable"
    return Asset(version, arch, f"renode-{version}.{suffix}.tar.gz", 0, sha256.lower())


def manual_steps(asset: Asset, dest: Path, url: str) -> str:
    return (
        f"Install Renode by hand: on a machine with internet access download {url} "
        f"(SHA-256 {asset.sha256}), check it with `sha256sum {asset.name}`, copy it here and run "
        f"`tflm-bench install-renode --version {asset.version} --archive {asset.name}` (or unpack it "
        f"with `tar xzf {asset.name} -C {dest}` and export RENODE=<that folder>/<renode_...>/renode)"
    )


def download(url: str, target: Path, *, timeout_s: float = 30.0, deadline_s: float = 1800.0) -> None:
    """Fetch url into target; each socket operation may take timeout_s, the whole deadline_s."""
    part = target.with_name(target.name + ".part")
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response, part.open("wb") as sink:
            while chunk := response.read(CHUNK):
                sink.write(chunk)
                if time.monotonic() - start > deadline_s:
                    raise TimeoutError(f"the download took longer than {deadline_s:g} s")
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(archive: Path, asset: Asset) -> None:
    """Raise ChecksumMismatch (and delete the archive) unless its SHA-256 is the asset's."""
    actual = sha256_of(archive)
    if actual != asset.sha256:
        archive.unlink(missing_ok=True)
        raise ChecksumMismatch(archive.name, asset.sha256, actual)


def unpack(archive: Path, dest: Path) -> Path:
    """Extract into dest (no paths outside it, no device files) and return the `renode` launcher."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise RenodeInstallError(f"cannot unpack {archive}: {exc}") from exc
    return find_binary(dest)


def find_binary(root: Path) -> Path:
    """The `renode` launcher in an unpacked portable release (at most two folders down)."""
    for depth in ("renode", "*/renode", "*/*/renode"):
        for candidate in sorted(root.glob(depth)):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate.resolve()
    raise RenodeInstallError(f"no executable `renode` found under {root}: is this a Renode portable archive?")


def install(
    version: str = DEFAULT_VERSION,
    dest: Path | None = None,
    *,
    arch: str | None = None,
    sha256: str | None = None,
    archive: Path | None = None,
    base_url: str | None = None,
    timeout_s: float = 30.0,
) -> InstallResult:
    """Install Renode `version` into dest (reused when already there); see the module docstring."""
    asset = find_asset(version, arch or host_arch(), sha256)
    dest = (dest or Path("build") / "renode" / version).resolve()
    marker = dest / MARKER
    if marker.is_file() and marker.read_text().strip() == asset.sha256:
        return InstallResult(find_binary(dest), asset, downloaded=False)
    dest.mkdir(parents=True, exist_ok=True)
    url = asset.url(base_url)
    if archive is None:
        target = dest / asset.name
        try:
            download(url, target, timeout_s=timeout_s)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RenodeInstallError(
                f"could not download {url}: {reason} (no network, or the host is unreachable "
                f"from here). {manual_steps(asset, dest, url)}"
            ) from exc
        verify(target, asset)
        source = target
    else:
        source = Path(archive)
        if not source.is_file():
            raise RenodeInstallError(f"archive {source} does not exist")
        verify_copy = dest / asset.name
        if source.resolve() != verify_copy.resolve():
            shutil.copyfile(source, verify_copy)
        verify(verify_copy, asset)
        source = verify_copy
    binary = unpack(source, dest)
    source.unlink(missing_ok=True)
    marker.write_text(asset.sha256 + "\n")
    return InstallResult(binary, asset, downloaded=archive is None)
