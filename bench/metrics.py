"""Scores for an evaluation: classification (top-1/top-k accuracy, confusion matrix, per-class
recall) and regression (RMSE, MAE, cosine similarity, max abs error), from real-valued outputs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassificationMetrics:
    count: int
    correct: int
    accuracy: float
    top_k: dict[int, float]  # k -> accuracy with the label among the k highest scores
    confusion: tuple[tuple[int, ...], ...]  # [true class][predicted class]
    recall: tuple[float | None, ...]  # per class; None for a class with no samples


@dataclass(frozen=True)
class RegressionMetrics:
    count: int
    rmse: float
    mae: float
    cosine: float  # mean over samples of the cosine similarity of the flattened outputs
    max_abs_error: float


def predictions(scores: np.ndarray) -> np.ndarray:
    """Top-1 class per sample (the first of equal maxima, as np.argmax)."""
    return np.argmax(scores.reshape(scores.shape[0], -1), axis=1)


def classification(scores: np.ndarray, labels: np.ndarray, classes: int | None = None,
                   top_k: int = 5) -> ClassificationMetrics:
    """scores [N, C] (any monotonic score: logits, probabilities, quantized values), labels [N]."""
    flat = scores.reshape(scores.shape[0], -1)
    n, width = flat.shape
    classes = max(classes or 0, width, int(labels.max()) + 1 if n else 0)
    predicted = predictions(flat)
    confusion = np.zeros((classes, classes), np.int64)
    np.add.at(confusion, (labels.astype(np.int64), predicted), 1)
    # Stable sort on the negated scores: ties keep the lower class first, as argmax does.
    ranked = np.argsort(-flat, axis=1, kind="stable")
    ks = sorted({k for k in (1, top_k) if 1 <= k <= width})
    top = {k: float(np.mean(np.any(ranked[:, :k] == labels[:, None], axis=1))) if n else 0.0 for k in ks}
    per_class = confusion.sum(axis=1)
    recall = tuple(float(confusion[c, c] / per_class[c]) if per_class[c] else None for c in range(classes))
    correct = int(np.sum(predicted == labels))
    return ClassificationMetrics(n, correct, correct / n if n else 0.0, top,
                                 tuple(tuple(int(v) for v in row) for row in confusion), recall)


def regression(outputs: np.ndarray, reference: np.ndarray) -> RegressionMetrics:
    """outputs and reference: [N, ...] real values of the same shape."""
    a = outputs.reshape(outputs.shape[0], -1).astype(np.float64)
    b = reference.reshape(reference.shape[0], -1).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"outputs {list(outputs.shape)} and reference {list(reference.shape)} differ in shape")
    error = a - b
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    both_zero = (np.linalg.norm(a, axis=1) == 0) & (np.linalg.norm(b, axis=1) == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(norms > 0, np.sum(a * b, axis=1) / norms, np.where(both_zero, 1.0, 0.0))
    return RegressionMetrics(
        count=int(a.shape[0]),
        rmse=float(np.sqrt(np.mean(error ** 2))) if error.size else 0.0,
        mae=float(np.mean(np.abs(error))) if error.size else 0.0,
        cosine=float(np.mean(cosine)) if cosine.size else 1.0,
        max_abs_error=float(np.max(np.abs(error))) if error.size else 0.0,
    )


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of samples whose top-1 classes agree."""
    return float(np.mean(a == b)) if len(a) else 0.0
