"""Print, per supported operator, the highest operator-code version the installed TFLite
interpreter's BUILTIN_REF resolver accepts (LiteRT's, the ai-edge-litert package: the bench's
second reference): the `max_version` each OpHandler declares.

TFLite resolves every operator code of a model when the interpreter is built, so appending an
unused operator code (op, version) to the sine model and building an interpreter tells whether
that version is known. Run after changing the pinned ai-edge-litert:

    .venv/bin/python scripts/probe_op_versions.py
"""
from __future__ import annotations

from pathlib import Path

import flatbuffers
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from tflm_bench.generator.ops.registry import handlers

SINE = Path(__file__).resolve().parents[1] / "models" / "sine_int8.tflite"
SEARCH_LIMIT = 64  # well above any TFLite op version so far


def with_opcode(base: bytes, op_name: str, version: int) -> bytes:
    """`base` with one more, unused, operator code (op_name, version)."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(base), 0)
    code = schema.OperatorCodeT()
    code.builtinCode = getattr(schema.BuiltinOperator, op_name)
    code.deprecatedBuiltinCode = min(code.builtinCode, 127)
    code.version = version
    model.operatorCodes.append(code)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def tflite_accepts(model_bytes: bytes) -> bool:
    from ai_edge_litert import interpreter as litert

    try:
        litert.Interpreter(model_content=model_bytes, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    except (RuntimeError, ValueError):
        return False
    return True


def highest_version(base: bytes, op_name: str) -> int:
    """Versions are registered as a contiguous range from 1; 0 means not even version 1."""
    version = 0
    while version < SEARCH_LIMIT and tflite_accepts(with_opcode(base, op_name, version + 1)):
        version += 1
    return version


def main() -> None:
    base = SINE.read_bytes()
    for name in sorted(handlers()):
        if name.startswith("CUSTOM:"):
            continue  # custom operators have no TFLite builtin version
        handler = handlers()[name]
        note = "" if handler.reference_knows else " (OpHandler.reference_knows False: compared with TFLM alone)"
        print(f"{name}: {highest_version(base, name)}{note}")


if __name__ == "__main__":
    main()
