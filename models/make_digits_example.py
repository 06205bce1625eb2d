"""A worked example of `tflm-bench evaluate`: a small CNN trained on scikit-learn's digits.

scikit-learn ships the data set (1,797 8x8 grey images of handwritten digits, values 0..16), so
nothing is downloaded. The script trains, seeded, a two-convolution CNN on a fixed split, writes
the float model and the splits beside itself, then runs the evaluation of every variant (float,
dynamic-range, int8, int8 with uint8 I/O and quantization-aware training) on the emulated board
and prints the table:

    .venv/bin/python models/make_digits_example.py            # train, write, evaluate (--jobs 2)
    .venv/bin/python models/make_digits_example.py --no-eval  # train and write only

It writes models/digits/:
    digits_cnn.keras         the float Keras model (Keras 3); inputs are pixels / 16 in [0, 1]
    train.npz                x [1197, 8, 8, 1] float32, y [1197] int64: training split
    calibration.npy          the first 200 training samples: the representative dataset
    test.npz                 x [600, 8, 8, 1] float32, y [600] int64: held-out split

and the same evaluation from the command line is

    .venv/bin/tflm-bench evaluate models/digits/digits_cnn.keras --data models/digits/test.npz \\
        --calibration models/digits/calibration.npy --variants float,dynamic,int8,uint8-io,qat \\
        --train models/digits/train.npz --qat-epochs 2 --jobs 2
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent / "digits"
SEED = 20261202
TEST_SAMPLES = 600
CALIBRATION_SAMPLES = 200
EPOCHS = 30
QAT_EPOCHS = 2


def splits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits as [N, 8, 8, 1] float32 in [0, 1], split with a seeded permutation."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(SEED).permutation(len(y))
    test, train = order[:TEST_SAMPLES], order[TEST_SAMPLES:]
    return x[train], y[train], x[test], y[test]


def train_model(x: np.ndarray, y: np.ndarray):  # type: ignore[no-untyped-def]
    import tensorflow as tf

    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    layers = tf.keras.layers
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ], name="digits_cnn")
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=EPOCHS, batch_size=32, verbose=0, shuffle=True)
    print(f"trained {EPOCHS} epochs: train accuracy {history.history['accuracy'][-1]:.4f}", file=sys.stderr)
    return model


def write_example(folder: Path = HERE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    x_train, y_train, x_test, y_test = splits()
    np.savez_compressed(folder / "train.npz", x=x_train, y=y_train)
    np.savez_compressed(folder / "test.npz", x=x_test, y=y_test)
    np.save(folder / "calibration.npy", x_train[:CALIBRATION_SAMPLES])
    model = train_model(x_train, y_train)
    model.save(folder / "digits_cnn.keras")
    return folder / "digits_cnn.keras"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-eval", action="store_true", help="train and write the files only")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the device runs (default: 2)")
    args = parser.parse_args()
    model = write_example()
    print(f"wrote {model} and the splits in {model.parent}", file=sys.stderr)
    if args.no_eval:
        return 0
    from tflm_bench.cli import main as cli

    return cli(["evaluate", str(model), "--data", str(HERE / "test.npz"), "--calibration", str(HERE / "calibration.npy"),
                "--variants", "float,dynamic,int8,uint8-io,qat", "--train", str(HERE / "train.npz"),
                "--qat-epochs", str(QAT_EPOCHS), "--jobs", str(args.jobs)])


if __name__ == "__main__":
    sys.exit(main())
