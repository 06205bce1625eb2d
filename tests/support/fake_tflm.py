"""A TFLM library and resolver header as the checks describe them, with no TFLM behind them."""
from __future__ import annotations

from pathlib import Path

from tflm_bench.generator import TflmLibrary
from tflm_bench.generator.build.tflm_resolver import RESOLVER_HEADER

RESOLVER = """
  TfLiteStatus AddCustom(const char* name, const TFLMRegistration* registration) { return kTfLiteOk; }
  TfLiteStatus AddConv2D(
      const TFLMRegistration& registration = Register_CONV_2D()) {
    return AddBuiltin(BuiltinOperator_CONV_2D, registration, ParseConv2D);
  }
  TfLiteStatus AddSin() {
    return AddBuiltin(BuiltinOperator_SIN, Register_SIN(), ParseSin);
  }
  TfLiteStatus AddFullyConnected(
      const TFLMRegistration& registration = Register_FULLY_CONNECTED()) {
    return AddBuiltin(BuiltinOperator_FULLY_CONNECTED, registration, ParseFullyConnected);
  }
"""


def write_resolver(folder: Path) -> Path:
    """A resolver header: CONV_2D and FULLY_CONNECTED registering a named kernel, SIN none by name; AddCustom skipped."""
    header = folder / RESOLVER_HEADER
    header.parent.mkdir(parents=True, exist_ok=True)
    header.write_text(RESOLVER)
    return header


def fake_library(registrations: set[str]) -> TflmLibrary:
    """A checked library as the checks would describe it, without an archive behind it."""
    return TflmLibrary(Path("/nowhere/libtensorflow-microlite.a"), "0" * 64, 1, "Armv7E-M", "hard", False, (),
                       registrations=frozenset(registrations), defined=frozenset())
