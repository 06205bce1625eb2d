"""Helpers for the generator tests: model builders, the TFLM oracle, a host build of the C."""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

REPO = Path(__file__).resolve().parents[2]
KERNELS_DIR = REPO / "firmware" / "kernels"
RUNTIME_DIR = REPO / "firmware" / "runtime"

from support.tflite_builder import ModelSpec, OpSpec, TensorSpec, build_tflite  # noqa: E402,F401


def fc_model_spec(
    rng: np.random.Generator,
    *,
    batches: int,
    depth: int,
    units: int,
    in_scale: float,
    in_zp: int,
    filter_scales: Sequence[float],
    filter_zp: int,
    out_scale: float,
    out_zp: int,
    activation: str = "NONE",
    with_bias: bool = True,
) -> ModelSpec:
    """An int8 model with one FULLY_CONNECTED and the given quantization."""
    weights = rng.integers(-127, 128, size=(units, depth), dtype=np.int8)
    tensors = [
        TensorSpec("input", (batches, depth), "int8", [in_scale], [in_zp]),
        TensorSpec("weights", (units, depth), "int8", list(filter_scales),
                   [filter_zp] * len(filter_scales), weights),
        TensorSpec("output", (batches, units), "int8", [out_scale], [out_zp]),
    ]
    bias_index = -1
    if with_bias:
        bias_scales = [in_scale * s for s in filter_scales]
        bias = rng.integers(-3000, 3000, size=(units,), dtype=np.int32)
        tensors.append(
            TensorSpec("bias", (units,), "int32", bias_scales, [0] * len(bias_scales), bias))
        bias_index = 3
    op = OpSpec("FULLY_CONNECTED", [0, 1, bias_index], [2], activation)
    return ModelSpec(tensors, [op], [0], [2])


# --- the oracle ---------------------------------------------------------------------------


def tflm_outputs(model_bytes: bytes, inputs: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    """Run TFLM (the tflite-micro package) on each input array of a one-input model."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model_bytes)
    for array in inputs:
        interpreter.set_input(array, 0)
        interpreter.invoke()
        yield np.array(interpreter.get_output(0))


# --- a host build of the generated runtime ------------------------------------------------


class _TensorDesc(ctypes.Structure):
    _fields_ = [
        ("dtype", ctypes.c_int),
        ("rank", ctypes.c_uint8),
        ("dims", ctypes.c_int32 * 6),
        ("scale", ctypes.c_float),
        ("zero_point", ctypes.c_int32),
        ("bytes", ctypes.c_uint32),
        ("data", ctypes.c_void_p),
    ]


class _ModelInfo(ctypes.Structure):
    _fields_ = [
        ("build_id", ctypes.c_uint32),
        ("n_inputs", ctypes.c_uint8),
        ("n_outputs", ctypes.c_uint8),
        ("n_layers", ctypes.c_uint16),
        ("arena_bytes", ctypes.c_uint32),
        ("inputs", ctypes.POINTER(_TensorDesc)),
        ("outputs", ctypes.POINTER(_TensorDesc)),
        ("layer_opcodes", ctypes.POINTER(ctypes.c_uint8)),
    ]


def kernel_sources() -> list[Path]:
    return sorted(KERNELS_DIR.rglob("*.c"))


def compile_host_library(sources: Sequence[Path], include_dirs: Sequence[Path], out: Path) -> Path:
    command = ["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
               *(f"-I{d}" for d in include_dirs), *map(str, sources), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return out


@functools.cache
def host_kernel_archive() -> Path:
    """Every kernel compiled once per test process for the host, as a static archive that each
    HostRuntime links (compiling all kernels per model took most of the host tests' time)."""
    sources = kernel_sources()
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"tflm-bench-host-kernels-{digest}-{os.getpid()}"
    archive = folder / "libtbkernels.a"
    if not archive.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", f"-I{KERNELS_DIR}",
                        f"-I{RUNTIME_DIR}", "-c", *map(str, sources)], check=True, capture_output=True, text=True,
                       cwd=folder)
        subprocess.run(["ar", "rcs", str(archive), *sorted(map(str, folder.glob("*.o")))], check=True)
    return archive


class HostRuntime:
    """The generated tb_model.c + tb_model_data.c + kernels, built for the host."""

    def __init__(self, generated_dir: Path, build_dir: Path) -> None:
        sources = [*sorted(generated_dir.glob("*.c")), host_kernel_archive()]
        library = compile_host_library(
            sources, [KERNELS_DIR, RUNTIME_DIR, generated_dir], build_dir / "libtbmodel.so"
        )
        self._lib = ctypes.CDLL(os.fspath(library))
        self._lib.tb_runtime_info.restype = ctypes.POINTER(_ModelInfo)
        self._lib.tb_runtime_invoke.restype = ctypes.c_int32
        self._lib.tb_runtime_invoke.argtypes = [ctypes.c_void_p]
        self.info = self._lib.tb_runtime_info().contents

    def run(self, array: np.ndarray) -> np.ndarray:
        desc_in = self.info.inputs[0]
        data = np.ascontiguousarray(array).tobytes()
        assert len(data) == desc_in.bytes
        ctypes.memmove(desc_in.data, data, len(data))
        status = self._lib.tb_runtime_invoke(None)
        assert status == 0, f"tb_runtime_invoke returned {status}"
        desc_out = self.info.outputs[0]
        raw = ctypes.string_at(desc_out.data, desc_out.bytes)
        dtype = np.float32 if desc_out.dtype == 3 else np.int8
        shape = tuple(desc_out.dims[i] for i in range(desc_out.rank))
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


# --- converted Keras models ---------------------------------------------------------------


def convert_keras(model, sample_shape: tuple[int, ...], *, int8_io: bool,
                  per_channel: bool = True, seed: int = 0) -> bytes:
    """Full-integer int8 conversion with a seeded representative dataset."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(64):
            yield [rng.standard_normal(sample_shape).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    if not per_channel:
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    return converter.convert()
