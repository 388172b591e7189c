"""Pairwise precision, recall and F1 against the generator's cluster ids."""

from collections import Counter

import numpy as np


def true_pair_count(clusters: list[str]) -> int:
    """Returns how many pairs of records belong to one person."""
    return sum(c * (c - 1) // 2 for c in Counter(clusters).values())


def pairwise_scores(clusters: list[str], i: np.ndarray, j: np.ndarray) -> dict:
    """Returns precision, recall and F1 of predicted pairs (record positions i, j)."""
    codes = {c: n for n, c in enumerate(dict.fromkeys(clusters))}
    truth = np.fromiter((codes[c] for c in clusters), np.int64, len(clusters))
    predicted = len(i)
    true_positive = int((truth[i] == truth[j]).sum()) if predicted else 0
    actual = true_pair_count(clusters)
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": predicted,
        "true_pairs": actual,
    }
