"""Reading the user's MicroMutableOpResolver header: which method adds which operator, and the checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from support.fake_tflm import fake_library, write_resolver
from support.model_files import MODELS_DIR
from tflm_bench.generator import LibraryProblem, TflmLibraryError, TflmSetup, read_model
from tflm_bench.generator.build.tflm_resolver import header_digest, resolver_methods, resolver_ops

def test_resolver_methods_are_read_from_the_users_header(tmp_path: Path) -> None:
    write_resolver(tmp_path)
    methods = resolver_methods((tmp_path,))
    assert set(methods) == {"CONV_2D", "SIN", "FULLY_CONNECTED"}
    assert methods["CONV_2D"].method == "AddConv2D" and methods["CONV_2D"].registration == "CONV_2D"
    assert methods["SIN"].registration is None  # named after the AddBuiltin call: not checked


def test_the_models_operators_resolve_once_each_in_first_use_order(tmp_path: Path) -> None:
    write_resolver(tmp_path)
    sine = read_model((MODELS_DIR / "sine_int8.tflite").read_bytes())
    ops = resolver_ops(sine, TflmSetup(fake_library({"FULLY_CONNECTED"}), (tmp_path,)))
    assert [op.method for op in ops] == ["AddFullyConnected"]


def test_an_operator_the_library_lacks_is_refused_naming_it(tmp_path: Path) -> None:
    write_resolver(tmp_path)
    sine = read_model((MODELS_DIR / "sine_int8.tflite").read_bytes())
    with pytest.raises(TflmLibraryError, match="Register_FULLY_CONNECTED") as caught:
        resolver_ops(sine, TflmSetup(fake_library(set()), (tmp_path,)))
    assert caught.value.problem is LibraryProblem.MISSING_KERNEL


def test_no_resolver_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TflmLibraryError, match="--tflm-include") as caught:
        resolver_methods((tmp_path,))
    assert caught.value.problem is LibraryProblem.MISSING_HEADERS


def test_the_header_digest_follows_the_headers_contents(tmp_path: Path) -> None:
    header = write_resolver(tmp_path)
    before = header_digest((tmp_path,))
    header.write_text(header.read_text() + "// another version\n")
    assert header_digest((tmp_path,)) != before
