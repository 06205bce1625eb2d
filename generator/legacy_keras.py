"""Quantization-aware training and QAT model files, through Keras 2 (tf-keras) in a subprocess.

tensorflow-model-optimization (tfmot) works with Keras 2 only (the `tf_keras` package), while the
rest of the project uses Keras 3. `tf.keras` picks one of the two when TensorFlow is first
imported, from TF_USE_LEGACY_KERAS, for the whole process; so every Keras 2 step runs in a child
process started with TF_USE_LEGACY_KERAS=1 (this module, run as `python -m`), and the parent,
which may already hold Keras 3 models, is never switched. Jobs and results are JSON files.

Jobs:
  qat      a Keras 3 model file -> rebuilt in tf-keras with its weights -> tfmot.quantize_model
           -> fine-tuned on the training split -> saved (.keras, loadable with the quantize scope)
           -> full-integer converted (representative dataset, TFLITE_BUILTINS_INT8)
  convert  a QAT model saved by tf-keras (.h5 / .keras holding QuantizeLayer / QuantizeWrapperV2)
           -> loaded inside tfmot's quantize_scope -> full-integer converted
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import GeneratorError

LEGACY_ENV = "TF_USE_LEGACY_KERAS"
# Class names tfmot writes into a saved QAT model's config.
QAT_CLASS_NAMES: tuple[str, ...] = ("QuantizeLayer", "QuantizeWrapperV2", "QuantizeWrapper", "QuantizeAnnotate")
INSTALL_HINT = (
    "install the pinned tf-keras and tensorflow-model-optimization without their dependencies "
    "(scripts/setup.sh does: pip install --no-deps -r requirements-nodeps.lock)"
)


class QatError(GeneratorError):
    """Quantization-aware training or loading a QAT model failed."""


# What QAT needs beyond the bench's own dependencies, pinned as in requirements-nodeps.lock (a
# test keeps the two equal). Installed with --no-deps: tf-keras declares `tensorflow`, which pip
# would install as a second TensorFlow beside the pinned tensorflow-cpu.
QAT_PACKAGES = ("tf_keras==2.21.0", "tensorflow-model-optimization==0.8.1")
QAT_MODULES = {"tf_keras": QAT_PACKAGES[0], "tensorflow_model_optimization": QAT_PACKAGES[1]}


def missing_qat_packages() -> list[str]:
    """The QAT packages that cannot be imported here (checked without importing them)."""
    import importlib.util

    return [package for module, package in QAT_MODULES.items() if importlib.util.find_spec(module) is None]


def qat_install_command(python: str) -> list[str]:
    """The pip command that installs QAT's packages into `python`'s environment."""
    return [python, "-m", "pip", "install", "--no-deps", *QAT_PACKAGES]


# -- parent side ---------------------------------------------------------------------------------

def saved_model_config(path: Path) -> str | None:
    """The model config JSON stored in a .keras (zip) or .h5 file, without loading TensorFlow."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return archive.read("config.json").decode()
        if path.suffix.lower() in (".h5", ".hdf5"):
            import h5py

            with h5py.File(path, "r") as h5:
                config = h5.attrs.get("model_config")
                return config.decode() if isinstance(config, bytes) else config
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    return None


def is_qat_model_file(path: Path) -> bool:
    """True if a saved Keras model holds tfmot's quantization layers (it needs quantize_scope)."""
    config = saved_model_config(path)
    return config is not None and any(f'"{name}"' in config for name in QAT_CLASS_NAMES)


def run_job(job: dict[str, Any], timeout_s: float = 1800.0) -> dict[str, Any]:
    """Run one job in a Keras 2 child process; its result dict, or QatError with its last words."""
    with tempfile.TemporaryDirectory(prefix="tflm-bench-qat-") as tmp:
        job_file, result_file = Path(tmp) / "job.json", Path(tmp) / "result.json"
        job_file.write_text(json.dumps({**job, "result": str(result_file)}))
        env = {**os.environ, LEGACY_ENV: "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
        try:
            done = subprocess.run([sys.executable, "-m", __name__, str(job_file)], env=env, capture_output=True,
                                  text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise QatError(f"the Keras 2 {job['action']} step took over {timeout_s:.0f} s and was stopped") from exc
        if result_file.exists():
            result = json.loads(result_file.read_text())
            if "error" in result:
                raise QatError(result["error"])
            return result
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-4:])
        raise QatError(f"the Keras 2 {job['action']} step ended with status {done.returncode} and no result: {tail}")


# -- child side (TF_USE_LEGACY_KERAS=1) ----------------------------------------------------------

def _keras3_to_keras2_config(config: Any) -> Any:
    """A Keras 3 model config rewritten in Keras 2's dialect, for the layers tfmot supports.

    The weights are copied afterwards, so initializers only need to be constructible: they are
    reduced to their class names (Keras 3 adds arguments Keras 2 refuses).
    """
    if isinstance(config, list):
        return [_keras3_to_keras2_config(item) for item in config]
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "DTypePolicy":
        return config.get("config", {}).get("name", "float32")
    if str(config.get("module", "")).startswith("keras.initializers"):
        return {"class_name": config["class_name"], "config": {}}
    out = {key: _keras3_to_keras2_config(value) for key, value in config.items()
           if key not in ("module", "registered_name", "build_config", "compile_config")}
    if out.get("class_name") == "InputLayer":
        layer = out["config"]
        layer["batch_input_shape"] = layer.pop("batch_shape", layer.get("batch_input_shape"))
        layer.pop("optional", None)
    if "inbound_nodes" in out and isinstance(config.get("inbound_nodes"), list):
        out["inbound_nodes"] = [_keras2_node(node) for node in config["inbound_nodes"]]
    return out


def _keras_tensors(value: Any) -> Iterator[list[Any]]:
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        yield value["config"]["keras_history"]
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _keras_tensors(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _keras_tensors(item)


def _keras2_node(node: Any) -> Any:
    """Keras 3 {"args": [tensor...], "kwargs": {}} -> Keras 2 [[layer, node, tensor, {}], ...]."""
    if not isinstance(node, dict):
        return node
    return [[history[0], history[1], history[2], {}] for history in _keras_tensors(node.get("args", []))]


# Keyword arguments every Keras 2 layer takes through **kwargs (keras.layers.Layer.__init__).
_BASE_LAYER_ARGS = frozenset({"name", "trainable", "dtype", "dynamic", "input_dim", "input_shape",
                              "batch_input_shape", "batch_size", "weights", "activity_regularizer", "autocast"})


def _drop_unknown_arguments(layer: dict[str, Any]) -> None:
    """Remove the arguments Keras 3 added that the Keras 2 layer does not take (e.g. Dense's
    lora_rank, quantization_config): they carry no inference semantics for the layers QAT supports."""
    import inspect

    import tf_keras

    cls = getattr(tf_keras.layers, str(layer.get("class_name")), None)
    config = layer.get("config")
    if cls is None or not isinstance(config, dict):
        return
    accepted = set(inspect.signature(cls.__init__).parameters) | _BASE_LAYER_ARGS
    for key in [k for k in config if k not in accepted]:
        del config[key]


def _load_as_keras2(path: Path) -> Any:
    """A float model file as a tf-keras model: directly if tf-keras wrote it, else rebuilt from
    the Keras 3 file's config with its weights copied layer by layer."""
    import tf_keras

    try:
        return tf_keras.models.load_model(str(path), compile=False)
    except Exception:  # noqa: BLE001 - a Keras 3 file: rebuild below
        pass
    import keras  # Keras 3: importable beside tf-keras, TF_USE_LEGACY_KERAS only changes tf.keras

    source = keras.saving.load_model(str(path), compile=False)
    config = _keras3_to_keras2_config({"class_name": type(source).__name__, "config": source.get_config()})
    kind = {"Sequential": tf_keras.Sequential, "Functional": tf_keras.Model, "Model": tf_keras.Model}.get(config["class_name"])
    if kind is None:
        raise QatError(f"{path}: a subclassed Keras model ({config['class_name']}) cannot be rebuilt in tf-keras for "
                       "QAT; build it with the Sequential or functional API")
    for layer in config["config"]["layers"]:
        _drop_unknown_arguments(layer)
    try:
        rebuilt = kind.from_config(config["config"])
    except Exception as exc:  # noqa: BLE001
        raise QatError(f"{path}: its Keras 3 layers could not be rebuilt in tf-keras for QAT: {type(exc).__name__}: "
                       f"{str(exc).splitlines()[0][:300]}") from exc
    targets = {layer.name: layer for layer in rebuilt.layers}
    for layer in source.layers:
        if layer.weights:
            targets[layer.name].set_weights([w.numpy() for w in layer.weights])
    return rebuilt


def _representative(calibration: Any) -> Any:
    def dataset() -> Iterator[list[Any]]:
        for sample in calibration[:500]:
            yield [sample[None, ...].astype("float32")]

    return dataset


def _convert_int8(model: Any, calibration: Any, io: str) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(calibration)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if io != "float":
        converter.inference_input_type = {"int8": tf.int8, "uint8": tf.uint8}[io]
        converter.inference_output_type = converter.inference_input_type
    return bytes(converter.convert())


def _qat(job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import tensorflow_model_optimization as tfmot
    import tf_keras

    tf_keras.utils.set_random_seed(int(job.get("seed", 0)))
    model = _load_as_keras2(Path(job["model"]))
    try:
        qat = tfmot.quantization.keras.quantize_model(model)
    except Exception as exc:  # noqa: BLE001 - tfmot raises ValueError/RuntimeError for unsupported layers
        raise QatError(f"tfmot.quantize_model refused the model: {str(exc).splitlines()[0][:300]}") from exc
    train = np.load(job["train"], allow_pickle=False)
    x, y = train["x"].astype("float32"), train["y"]
    if y.ndim == 1 and y.dtype.kind in "iu":
        # Integer labels: a classifier. Its last layer says whether it outputs probabilities or logits.
        last = model.layers[-1]
        probabilities = type(last).__name__ == "Softmax" or getattr(getattr(last, "activation", None), "__name__", "") == "softmax"
        loss: Any = tf_keras.losses.SparseCategoricalCrossentropy(from_logits=not probabilities)
        metrics = ["accuracy"]
    else:
        loss, metrics = "mse", []  # reference outputs: fine-tune towards them
    qat.compile(optimizer=tf_keras.optimizers.Adam(float(job.get("learning_rate", 1e-4))), loss=loss, metrics=metrics)
    history = qat.fit(x, y, epochs=int(job["epochs"]), batch_size=32, verbose=0, shuffle=True)
    qat.save(job["saved"])
    data = _convert_int8(qat, np.load(job["calibration"], allow_pickle=False).astype("float32"), job.get("io", "int8"))
    Path(job["out"]).write_bytes(data)
    return {"out": job["out"], "saved": job["saved"], "final_loss": float(history.history["loss"][-1])}


def _tolerate_rebuilt_quantize_layers() -> None:
    """Let tf-keras load a QAT model from the .keras format.

    With tfmot 0.8.1 and tf-keras 2.21 a QAT layer's variable list differs between saving and
    rebuilding from a .keras config: rebuilding a QuantizeLayer builds its quantizer twice (two
    orphaned min/max variables first), and a saved QuantizeWrapperV2 lists its inner layer's
    kernel and bias ahead of its own variables. Either way the variables the layer computes with
    are the last ones, in the same order, so the stock loader's count check ("expected 5
    variables, but received 3") is replaced by aligning the two lists at their ends, shape by shape.
    """
    from tensorflow_model_optimization.python.core.quantization.keras.quantize_layer import QuantizeLayer
    from tensorflow_model_optimization.python.core.quantization.keras.quantize_wrapper import QuantizeWrapperV2

    def load_own_variables(self: Any, store: Any) -> None:
        self._update_trackables()
        variables = self._trainable_weights + self._non_trainable_weights
        saved = [store[f"{i}"] for i in range(len(store.keys()))]
        n = min(len(variables), len(saved))
        pairs = list(zip(variables[len(variables) - n:], saved[len(saved) - n:]))
        if any(tuple(v.shape) != tuple(a.shape) for v, a in pairs):
            raise QatError(f"QAT layer '{self.name}': the saved variables do not match the rebuilt layer's shapes")
        for variable, value in pairs:
            variable.assign(value)

    QuantizeLayer.load_own_variables = load_own_variables
    QuantizeWrapperV2.load_own_variables = load_own_variables


def _convert_qat_file(job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np
    import tensorflow_model_optimization as tfmot
    import tf_keras

    if zipfile.is_zipfile(job["model"]):
        _tolerate_rebuilt_quantize_layers()
    with tfmot.quantization.keras.quantize_scope():
        model = tf_keras.models.load_model(job["model"], compile=False)
    data = _convert_int8(model, np.load(job["calibration"], allow_pickle=False).astype("float32"), job.get("io", "int8"))
    Path(job["out"]).write_bytes(data)
    return {"out": job["out"]}


def _child(job_file: Path) -> int:
    job = json.loads(job_file.read_text())
    result_file = Path(job["result"])
    jobs = {"qat": _qat, "convert": _convert_qat_file}
    if job.get("action") not in jobs:
        result_file.write_text(json.dumps({"error": f"internal: unknown Keras 2 job {job.get('action')!r}"}))
        return 1
    if os.environ.get(LEGACY_ENV) != "1":
        result_file.write_text(json.dumps({"error": f"internal: the Keras 2 step must run with {LEGACY_ENV}=1"}))
        return 1
    try:
        import tensorflow_model_optimization  # noqa: F401
        import tf_keras  # noqa: F401
    except ImportError as exc:
        result_file.write_text(json.dumps({"error": f"QAT needs tf-keras and tensorflow-model-optimization ({exc}); "
                                           + INSTALL_HINT}))
        return 1
    try:
        result = jobs[job["action"]](job)
    except QatError as exc:
        result = {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - reported to the parent in one line
        result = {"error": f"{job['action']} failed: {type(exc).__name__}: {str(exc).strip().splitlines()[0][:400]}"}
    result_file.write_text(json.dumps(result))
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(_child(Path(sys.argv[1])))
