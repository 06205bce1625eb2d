"""The Renode installer: pinned assets, SHA-256 checks, unreachable downloads, unpacking.

A small fake archive is served from a local http.server on 127.0.0.1; nothing leaves the machine.
"""
from __future__ import annotations

import functools
import hashlib
import http.server
import io
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tflm_bench.emulation.renode.errors import ChecksumMismatch, RenodeInstallError
from tflm_bench.emulation.renode.install import find_asset, host_arch, install
from tflm_bench.emulation.renode.uart import free_port

NAME = "renode-1.17.0.linux-portable.tar.gz"


def fake_release(folder: Path) -> str:
    """Write a portable-like archive (renode_1.17.0_portable/renode) into folder; return its SHA-256."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        script = b"#!/bin/sh\necho fake\n"
        info = tarfile.TarInfo("renode_1.17.0_portable/renode")
        info.size, info.mode = len(script), 0o755
        tar.addfile(info, io.BytesIO(script))
    (folder / NAME).write_bytes(buffer.getvalue())
    return hashlib.sha256(buffer.getvalue()).hexdigest()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(base URL, digest) of a fake release served on 127.0.0.1."""
    root = tmp_path / "served"
    root.mkdir()
    digest = fake_release(root)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", digest
    httpd.shutdown()
    httpd.server_close()


def test_pinned_assets_and_urls() -> None:
    asset = find_asset("1.17.0", "x86_64")
    assert asset.name == NAME and asset.size == 63_459_129
    assert asset.sha256 == "4ba7c68b59e2447f188ef4b4b112fcccd2802582c460beedceb63b84e5605a5f"
    assert asset.url() == f"https://github.com/renode/renode/releases/download/v1.17.0/{NAME}"
    assert find_asset("1.17.0", "aarch64").name == "renode-1.17.0.linux-arm64-portable.tar.gz"
    assert host_arch("x86_64") == "x86_64" and host_arch("arm64") == "aarch64" == host_arch("aarch64")
    with pytest.raises(RenodeInstallError, match="no pinned SHA-256 for Renode 9.9.9"):
        find_asset("9.9.9", "x86_64")


def test_matching_digest_installs_and_is_reused(server: tuple[str, str], tmp_path: Path) -> None:
    base_url, digest = server
    dest = tmp_path / "renode" / "1.17.0"
    result = install("1.17.0", dest, arch="x86_64", sha256=digest, base_url=base_url)
    assert result.binary == (dest / "renode_1.17.0_portable" / "renode").resolve()
    assert result.export_line == f"export RENODE={result.binary}"
    assert result.downloaded and not (dest / NAME).exists()
    again = install("1.17.0", dest, arch="x86_64", sha256=digest, base_url="http://127.0.0.1:9")
    assert again.binary == result.binary and not again.downloaded


def test_mismatching_digest_names_both_and_deletes_the_file(server: tuple[str, str], tmp_path: Path) -> None:
    base_url, digest = server
    dest = tmp_path / "dest"
    with pytest.raises(ChecksumMismatch) as mismatch:
        install("1.17.0", dest, arch="x86_64", sha256="0" * 64, base_url=base_url)
    assert digest in str(mismatch.value) and "0" * 64 in str(mismatch.value)
    assert not (dest / NAME).exists() and not list(dest.glob("*.part"))


def test_unreachable_download_says_how_to_install_by_hand(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RenodeInstallError) as failure:
        install("1.17.0", tmp_path / "dest", arch="x86_64", base_url=closed, timeout_s=5)
    text = str(failure.value)
    assert text.startswith(f"could not download {closed}/{NAME}")
    assert "Install Renode by hand" in text and "sha256sum" in text and "--archive" in text


def test_cli_checks_a_local_archive_against_the_pinned_digest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tflm_bench.cli import main

    digest = fake_release(tmp_path)
    status = main(["install-renode", "--dest", str(tmp_path / "dest"), "--archive", str(tmp_path / NAME)])
    error = capsys.readouterr().err
    assert status == 2 and digest in error and "does not match the pinned" in error


def test_cli_installs_a_local_archive_with_its_digest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tflm_bench.cli import main

    digest = fake_release(tmp_path)
    dest = tmp_path / "dest"
    args = ["install-renode", "--dest", str(dest), "--archive", str(tmp_path / NAME), "--sha256", digest]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"export RENODE={(dest / 'renode_1.17.0_portable' / 'renode').resolve()}" in printed
