"""A seeded mutation test of the intake: damaged models are refused by name, or run everywhere.

From two small models (the sine model and a tiny CONV_2D -> DEPTHWISE_CONV_2D -> pools model)
come a few hundred mutants: raw damage (bit flips, byte and word overwrites, truncations) and
targeted corruption of the flatbuffer's fields (tensor indices of operators, buffer indices,
shapes, quantization, opcode indices, codes and versions, options, graph inputs/outputs).
Each mutant must be either

- refused by read_tflite + validate with a GeneratorError subclass (never another exception), or
- accepted, and then emitted for both kernel sets and run by host TFLM without any error, and
  by TFLite's reference interpreter unless that refuses it by TFLite's own stricter rules (the
  intake follows TFLM's: e.g. TFLite checks the quantized dimension of a per-tensor
  quantization, which TFLM ignores; the bench then compares with TFLM only and says why); the
  oracles run in a child process, so a segfault of the pinned tflite-micro on an accepted mutant
  fails the test with the mutant's name instead of killing pytest.

A sample of the accepted mutants is also built into firmware and run twice on the emulated
device: the same outputs and instruction counts both times, bit-exact with TFLM.
"""
from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from gen_helpers import REPO, ModelSpec, OpSpec, TensorSpec, build_tflite
from support.oracle_worker import OK, TFLITE_REFUSED, OracleWorker
from tflm_bench.generator.codegen import emit_layers
from tflm_bench.generator.errors import GeneratorError
from tflm_bench.generator.model import Model
from tflm_bench.generator import KernelSet
from tflm_bench.generator.ops.registry import scratch_requests
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate
from tflm_bench.session import BenchOptions, BenchSession

SEED = 20261125
MUTANTS_PER_MODEL = 160
DEVICE_SAMPLE = 10  # accepted mutants built into firmware and run on the device
CAMPAIGN_BUDGET_S = 90.0  # the campaign takes ~30 s on one free core; a loose bound against regressions

# Values that break integer fields in interesting ways: absent, negative, one past, huge.
WORDS = (0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x80000000, 0x01000000, 0x00010000, 0x000000FF)


# ---- the base models -------------------------------------------------------------------------


def conv_dw_pool_model() -> bytes:
    """x [1, 8, 8, 2] -> CONV_2D 3x3 (3 filters, per channel, RELU) -> DEPTHWISE_CONV_2D 3x3 stride 2
    -> AVERAGE_POOL_2D 2x2 -> MAX_POOL_2D 2x2 -> y [1, 1, 1, 3], all int8."""
    rng = np.random.default_rng(SEED)
    conv_scales, dw_scales = [0.02, 0.03, 0.025], [0.04, 0.05, 0.03]
    conv_opts = {"padding": "SAME", "strideW": 1, "strideH": 1, "fusedActivationFunction": "RELU"}
    dw_opts = {"padding": "SAME", "strideW": 2, "strideH": 2, "depthMultiplier": 1}
    pool = {"padding": "VALID", "strideW": 2, "strideH": 2, "filterWidth": 2, "filterHeight": 2}
    tensors = [
        TensorSpec("x", (1, 8, 8, 2), "int8", [0.05], [-3]),
        TensorSpec("conv_w", (3, 3, 3, 2), "int8", conv_scales, [0] * 3,
                   rng.integers(-127, 128, (3, 3, 3, 2)).astype(np.int8)),
        TensorSpec("conv_b", (3,), "int32", [0.05 * s for s in conv_scales], [0] * 3,
                   rng.integers(-500, 500, 3).astype(np.int32)),
        TensorSpec("h1", (1, 8, 8, 3), "int8", [0.1], [-128]),
        TensorSpec("dw_w", (1, 3, 3, 3), "int8", dw_scales, [0] * 3,
                   rng.integers(-127, 128, (1, 3, 3, 3)).astype(np.int8), quantized_dimension=3),
        TensorSpec("dw_b", (3,), "int32", [0.1 * s for s in dw_scales], [0] * 3,
                   rng.integers(-500, 500, 3).astype(np.int32)),
        TensorSpec("h2", (1, 4, 4, 3), "int8", [0.2], [5]),
        TensorSpec("h3", (1, 2, 2, 3), "int8", [0.2], [5]),
        TensorSpec("y", (1, 1, 1, 3), "int8", [0.2], [5]),
    ]
    ops = [
        OpSpec("CONV_2D", [0, 1, 2], [3], options=("Conv2DOptions", conv_opts)),
        OpSpec("DEPTHWISE_CONV_2D", [3, 4, 5], [6], options=("DepthwiseConv2DOptions", dw_opts)),
        OpSpec("AVERAGE_POOL_2D", [6], [7], options=("Pool2DOptions", pool)),
        OpSpec("MAX_POOL_2D", [7], [8], options=("Pool2DOptions", pool)),
    ]
    return build_tflite(ModelSpec(tensors, ops, [0], [8]))


def base_models() -> dict[str, bytes]:
    return {"sine": (REPO / "models" / "sine_int8.tflite").read_bytes(), "conv_dw_pool": conv_dw_pool_model()}


# ---- mutations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    name: str  # base#number:what changed
    data: bytes


RawMutation = Callable[[np.random.Generator, bytes], tuple[bytes, str]]
FieldMutation = Callable[[np.random.Generator, Any], str]  # changes a schema ModelT in place


def flip_bits(rng: np.random.Generator, data: bytes) -> tuple[bytes, str]:
    damaged = bytearray(data)
    positions = sorted(int(p) for p in rng.integers(0, len(data), size=int(rng.integers(1, 4))))
    for position in positions:
        damaged[position] ^= 1 << int(rng.integers(0, 8))
    return bytes(damaged), f"bit flips at {positions}"


def overwrite_bytes(rng: np.random.Generator, data: bytes) -> tuple[bytes, str]:
    damaged = bytearray(data)
    start = int(rng.integers(0, len(data)))
    length = min(int(rng.integers(1, 9)), len(data) - start)
    damaged[start:start + length] = rng.integers(0, 256, size=length, dtype=np.uint8).tobytes()
    return bytes(damaged), f"{length} random bytes at {start}"


def overwrite_word(rng: np.random.Generator, data: bytes) -> tuple[bytes, str]:
    # Flatbuffer offsets, lengths and indices are aligned 32-bit words.
    damaged = bytearray(data)
    position = 4 * int(rng.integers(0, len(data) // 4))
    word = int(rng.choice(WORDS + (len(data), int(rng.integers(0, 2**32)))))
    damaged[position:position + 4] = word.to_bytes(4, "little")
    return bytes(damaged), f"word 0x{word:08x} at {position}"


def truncate(rng: np.random.Generator, data: bytes) -> tuple[bytes, str]:
    keep = int(rng.integers(0, len(data)))
    return data[:keep], f"truncated to {keep} bytes"


RAW_MUTATIONS: tuple[RawMutation, ...] = (flip_bits, overwrite_bytes, overwrite_word, truncate)


def _pick(rng: np.random.Generator, items: list[Any]) -> tuple[int, Any]:
    index = int(rng.integers(0, len(items)))
    return index, items[index]


def _index_value(rng: np.random.Generator, count: int, unsigned: bool = False) -> int:
    """A tensor / buffer / opcode index: valid, absent, negative or out of range; a uint32 field
    (buffer, opcode index) stores the negatives as their two's complement."""
    value = int(rng.choice([-1, -2, count, count + 7, 2**31 - 1, int(rng.integers(0, count))]))
    return value & 0xFFFFFFFF if unsigned else value


def _set_element(values: Any, rng: np.random.Generator, choices: list[Any], dtype: Any) -> tuple[int, Any]:
    array = np.array(values, dtype=dtype)
    slot = int(rng.integers(0, array.size))
    value = choices[int(rng.integers(0, len(choices)))]
    array.flat[slot] = value
    return slot, array


def operator_tensor(rng: np.random.Generator, model: Any) -> str:
    sg = model.subgraphs[0]
    op_index, op = _pick(rng, sg.operators)
    which = "inputs" if rng.random() < 0.7 else "outputs"
    values = np.array(getattr(op, which), dtype=np.int32)
    slot = int(rng.integers(0, values.size))
    values[slot] = _index_value(rng, len(sg.tensors))
    setattr(op, which, values)
    return f"operator {op_index} {which}[{slot}] = {values[slot]}"


def operator_arity(rng: np.random.Generator, model: Any) -> str:
    sg = model.subgraphs[0]
    op_index, op = _pick(rng, sg.operators)
    which = "inputs" if rng.random() < 0.7 else "outputs"
    values = list(np.array(getattr(op, which), dtype=np.int32))
    if values and rng.random() < 0.5:
        values.pop(int(rng.integers(0, len(values))))
        change = "one dropped"
    else:
        values.append(int(rng.choice([-1, int(rng.integers(0, len(sg.tensors)))])))
        change = f"{values[-1]} appended"
    setattr(op, which, np.array(values, dtype=np.int32))
    return f"operator {op_index} {which}: {change}"


def tensor_buffer(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _pick(rng, model.subgraphs[0].tensors)
    tensor.buffer = _index_value(rng, len(model.buffers), unsigned=True)
    return f"tensor {index} buffer = {tensor.buffer}"


def tensor_shape(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _pick(rng, model.subgraphs[0].tensors)
    if tensor.shape is None or len(tensor.shape) == 0 or rng.random() < 0.15:
        tensor.shape = np.array([*(tensor.shape if tensor.shape is not None else []), 1], dtype=np.int32)
        return f"tensor {index} shape gains a dimension"
    slot, tensor.shape = _set_element(tensor.shape, rng, [0, -1, -7, 1, 2, 3, 16, 4096, 16777216, 2**31 - 1], np.int32)
    return f"tensor {index} shape[{slot}] = {tensor.shape[slot]}"


def _quantized_tensor(rng: np.random.Generator, model: Any) -> tuple[int, Any]:
    tensors = [(i, t) for i, t in enumerate(model.subgraphs[0].tensors)
               if t.quantization is not None and t.quantization.scale is not None and len(t.quantization.scale)]
    return tensors[int(rng.integers(0, len(tensors)))]


def tensor_scale(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _quantized_tensor(rng, model)
    q = tensor.quantization
    choices = [0.0, -1.0, math.nan, math.inf, 1e-30, 1e30, 1e-3, 2.0 * float(q.scale[0])]
    slot, q.scale = _set_element(q.scale, rng, choices, np.float32)
    return f"tensor {index} scale[{slot}] = {q.scale[slot]}"


def tensor_zero_point(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _quantized_tensor(rng, model)
    q = tensor.quantization
    if q.zeroPoint is None or len(q.zeroPoint) == 0:
        q.zeroPoint = np.zeros(len(q.scale), dtype=np.int64)
    slot, q.zeroPoint = _set_element(q.zeroPoint, rng, [-129, 128, 255, 256, -1, 1, 127, -128, 2**40], np.int64)
    return f"tensor {index} zero_point[{slot}] = {q.zeroPoint[slot]}"


def tensor_quantized_dimension(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _quantized_tensor(rng, model)
    tensor.quantization.quantizedDimension = int(rng.choice([-1, 0, 1, 2, 3, 7]))
    return f"tensor {index} quantized_dimension = {tensor.quantization.quantizedDimension}"


def tensor_type(rng: np.random.Generator, model: Any) -> str:
    index, tensor = _pick(rng, model.subgraphs[0].tensors)
    tensor.type = int(rng.integers(0, 20))
    return f"tensor {index} type = {tensor.type}"


def opcode_index(rng: np.random.Generator, model: Any) -> str:
    op_index, op = _pick(rng, model.subgraphs[0].operators)
    op.opcodeIndex = _index_value(rng, len(model.operatorCodes), unsigned=True)
    return f"operator {op_index} opcode index = {op.opcodeIndex}"


def opcode_code(rng: np.random.Generator, model: Any) -> str:
    index, code = _pick(rng, model.operatorCodes)
    code.builtinCode = int(rng.integers(0, 210))
    code.deprecatedBuiltinCode = min(code.builtinCode, 127)
    return f"operator code {index} builtin = {code.builtinCode}"


def opcode_version(rng: np.random.Generator, model: Any) -> str:
    index, code = _pick(rng, model.operatorCodes)
    code.version = int(rng.choice([0, -1, 2, 3, 9, 15, 1000]))
    return f"operator code {index} version = {code.version}"


def options_field(rng: np.random.Generator, model: Any) -> str:
    def scalars(op: Any) -> list[str]:
        fields = vars(op.builtinOptions) if op.builtinOptions is not None else {}
        return sorted(k for k, v in fields.items() if isinstance(v, (int, bool)))

    ops = [(i, op) for i, op in enumerate(model.subgraphs[0].operators) if scalars(op)]
    if not ops:
        return options_type(rng, model)
    op_index, op = ops[int(rng.integers(0, len(ops)))]
    fields = scalars(op)
    name = fields[int(rng.integers(0, len(fields)))]
    current = getattr(op.builtinOptions, name)
    value: int | bool = (not current) if isinstance(current, bool) else int(rng.choice([-1, 0, 1, 2, 3, 4, 5, 100]))
    setattr(op.builtinOptions, name, value)
    return f"operator {op_index} option {name} = {value}"


def options_type(rng: np.random.Generator, model: Any) -> str:
    op_index, op = _pick(rng, model.subgraphs[0].operators)
    op.builtinOptionsType = 0
    op.builtinOptions = None
    return f"operator {op_index} options dropped"


def graph_io(rng: np.random.Generator, model: Any) -> str:
    sg = model.subgraphs[0]
    which = "inputs" if rng.random() < 0.5 else "outputs"
    value = _index_value(rng, len(sg.tensors))
    setattr(sg, which, np.array([value], dtype=np.int32))
    return f"subgraph {which} = [{value}]"


def buffer_data(rng: np.random.Generator, model: Any) -> str:
    filled = [(i, b) for i, b in enumerate(model.buffers) if b.data is not None and len(b.data)]
    index, buffer = filled[int(rng.integers(0, len(filled)))]
    data = np.array(buffer.data, dtype=np.uint8)
    if rng.random() < 0.3:
        buffer.data = data[: int(rng.integers(0, data.size))]
        return f"buffer {index} cut to {buffer.data.size} bytes"
    count = max(1, data.size // 8)
    data[rng.integers(0, data.size, size=count)] = rng.integers(0, 256, size=count, dtype=np.uint8)
    buffer.data = data
    return f"buffer {index}: {count} random bytes"


FIELD_MUTATIONS: tuple[FieldMutation, ...] = (
    operator_tensor, operator_tensor, operator_arity, tensor_buffer, tensor_shape, tensor_shape, tensor_scale,
    tensor_zero_point, tensor_quantized_dimension, tensor_type, opcode_index, opcode_code, opcode_version,
    options_field, options_field, options_type, graph_io, buffer_data, buffer_data,
)


def mutate_fields(rng: np.random.Generator, data: bytes, mutation: FieldMutation) -> tuple[bytes, str]:
    model = schema.ModelT.InitFromPackedBuf(bytearray(data), 0)
    what = mutation(rng, model)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), what


def make_mutants(base: str, data: bytes, rng: np.random.Generator, count: int) -> list[Mutant]:
    """Half raw damage, half targeted field corruption; byte-identical repeats are dropped."""
    mutants, seen = [], {hashlib.sha256(data).digest()}
    for number in range(count):
        if number % 2 == 0:
            raw = RAW_MUTATIONS[int(rng.integers(0, len(RAW_MUTATIONS)))]
            damaged, what = raw(rng, data)
        else:
            damaged, what = mutate_fields(rng, data, FIELD_MUTATIONS[int(rng.integers(0, len(FIELD_MUTATIONS)))])
        digest = hashlib.sha256(damaged).digest()
        if digest not in seen:
            seen.add(digest)
            mutants.append(Mutant(f"{base}#{number}:{what}", damaged))
    return mutants


# ---- the campaign ------------------------------------------------------------------------------


@dataclass
class Campaign:
    mutants: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # error type -> count
    accepted: list[Mutant] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # mutant name: what went wrong
    tflite_refused: int = 0  # accepted mutants TFLM runs and TFLite's interpreter refuses
    seconds: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{name} {n}" for name, n in sorted(self.refused.items()))
        return (f"intake mutations: {self.mutants} mutants, {sum(self.refused.values())} refused ({kinds}), "
                f"{len(self.accepted)} accepted ({self.tflite_refused} refused by TFLite only), "
                f"{len(self.failures)} failures, {self.seconds:.1f} s")


def sample_inputs(model: Model, rng: np.random.Generator) -> list[np.ndarray]:
    """One input set over each type's full range (floats in [-1, 1])."""
    arrays = []
    for index in model.inputs:
        tensor = model.tensors[index]
        dtype = np.dtype({"float32": "<f4"}.get(tensor.dtype, tensor.dtype))
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            arrays.append(rng.integers(info.min, info.max, size=tensor.shape, endpoint=True).astype(dtype))
        else:
            arrays.append(rng.uniform(-1.0, 1.0, size=tensor.shape).astype(dtype))
    return arrays


def _accepted_problem(model: Model) -> str | None:
    """Why a model validate() accepted still fails to become C, if it does."""
    for kernels in KernelSet:
        try:
            emit_layers(model, plan_arena(model, scratch=scratch_requests(model, kernels)), kernels)
        except Exception as exc:  # noqa: BLE001 - any failure after acceptance is a validation gap
            return f"accepted, but emitting {kernels} C raised {type(exc).__name__}: {exc}"
    return None


def check_mutant(mutant: Mutant, worker: OracleWorker, rng: np.random.Generator, campaign: Campaign) -> None:
    try:
        model = read_tflite(mutant.data)
        validate(model)
    except GeneratorError as exc:
        campaign.refused[type(exc).__name__] += 1
        return
    except Exception as exc:  # noqa: BLE001 - the point of the test
        campaign.failures.append(f"{mutant.name}: {type(exc).__name__} escaped the intake: {exc}")
        return
    problem = _accepted_problem(model)
    if problem is None:
        verdict = worker.run(mutant.data, sample_inputs(model, rng), len(model.outputs))
        if verdict.outcome == TFLITE_REFUSED:
            campaign.tflite_refused += 1  # TFLM runs it: the bench compares with TFLM only, and says so
        elif verdict.outcome != OK:
            problem = f"accepted, but the oracles {verdict.outcome}: {verdict.detail}"
    if problem is not None:
        campaign.failures.append(f"{mutant.name}: {problem}")
    else:
        campaign.accepted.append(mutant)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    rng = np.random.default_rng(SEED)
    result = Campaign()
    start = time.monotonic()
    with OracleWorker() as worker:
        for base, data in base_models().items():
            for mutant in make_mutants(base, data, rng, MUTANTS_PER_MODEL):
                result.mutants += 1
                check_mutant(mutant, worker, rng, result)
    result.seconds = time.monotonic() - start
    return result


def test_every_mutant_is_refused_by_name_or_runs_in_both_oracles(
    campaign: Campaign, record_property: Callable[[str, object], None], capsys: pytest.CaptureFixture[str]
) -> None:
    record_property("mutation_summary", campaign.summary())
    with capsys.disabled():  # the one-line summary shows with or without -s
        print(f"\n{campaign.summary()}")
    assert not campaign.failures, f"{len(campaign.failures)} validation gaps:\n" + "\n".join(campaign.failures[:20])
    # Sanity of the campaign itself: most damage is refused, some survives (e.g. changed weights).
    assert campaign.mutants >= 250
    assert sum(campaign.refused.values()) > campaign.mutants // 3
    assert len(campaign.accepted) >= DEVICE_SAMPLE
    assert campaign.seconds < CAMPAIGN_BUDGET_S


def _device_sample(accepted: list[Mutant]) -> list[Mutant]:
    """A seeded pick, one mutant per distinct generated model where possible."""
    rng = np.random.default_rng(SEED + 1)
    order = [accepted[int(i)] for i in rng.permutation(len(accepted))]
    return order[:DEVICE_SAMPLE * 2]  # spares for mutants refused at build time (too large)


def _invoke(session: BenchSession, sample: list[np.ndarray]) -> tuple[int, int, tuple[int, ...], tuple[bytes, ...]]:
    device = session.start()
    for index, value in enumerate(sample):
        device.set_input(index, value)
    invoke = device.invoke()
    outputs = tuple(device.get_output(i).tobytes() for i in range(len(device.info().outputs)))
    return invoke.status, invoke.total_cycles, tuple(invoke.layer_cycles), outputs


def test_accepted_mutants_run_twice_identically_on_the_device(
    campaign: Campaign, bench_options: BenchOptions, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
) -> None:
    ran: list[str] = []
    start = time.monotonic()
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels=bench_options.kernels)
    for number, mutant in enumerate(_device_sample(campaign.accepted)):
        if len(ran) == DEVICE_SAMPLE:
            break
        path = tmp_path / f"mutant-{number}.tflite"
        path.write_bytes(mutant.data)
        session = BenchSession(path, options)
        try:
            try:
                session.start()
            except GeneratorError as exc:  # e.g. a grown tensor no longer fits the RAM: refused by name
                assert "fit" in str(exc) or "bytes" in str(exc), f"{mutant.name}: {exc}"
                continue
            sample = session.random_samples(1, seed=number)[0]
            first, second = _invoke(session, sample), _invoke(session, sample)
            assert first[0] == 0, f"{mutant.name}: the kernels returned status {first[0]}"
            assert first == second, f"{mutant.name}: two invokes of the same input differ"
            result = session.run_sample(0, sample)
            assert result.bit_exact, f"{mutant.name}: differs from TFLM: {[o.vs_tflm for o in result.outputs]}"
            ran.append(mutant.name)
        finally:
            session.stop()
    summary = f"intake mutations on the device: {len(ran)} accepted mutants, {time.monotonic() - start:.1f} s"
    record_property("device_summary", summary)
    with capsys.disabled():
        print(f"\n{summary}")
    assert len(ran) == DEVICE_SAMPLE, f"only {len(ran)} accepted mutants could be built: {ran}"
