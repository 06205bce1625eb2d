"""Make a project folder for the examples: a model, real samples and a labelled test set."""
import shutil
import sys
from pathlib import Path

import numpy as np

bench, project = Path(sys.argv[1]), Path(sys.argv[2])  # the tflm-bench checkout, your folder
project.mkdir(parents=True, exist_ok=True)
shutil.copy(bench / "models/digits/digits_cnn_int8.tflite", project / "my_model.tflite")
digits = np.load(bench / "models/digits/test.npz")  # x [600, 8, 8, 1] float32, y [600] labels
names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
np.savez(project / "test.npz", x=digits["x"][:100], y=digits["y"][:100], class_names=names)
np.save(project / "samples.npy", digits["x"][:5])  # samples only: [N, *input shape]
