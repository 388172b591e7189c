"""Clusters: records joined by a chain of pairs at or above the threshold are one person."""

import numpy as np


def connected_components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Returns a cluster label per record: the smallest record index in its component."""
    labels = np.arange(n, dtype=np.int64)
    if len(i) == 0:
        return labels
    i = i.astype(np.int64)
    j = j.astype(np.int64)
    while True:
        li, lj = labels[i], labels[j]
        if np.array_equal(li, lj):
            return labels
        low = np.minimum(li, lj)
        # Hook each root onto the smaller label its edges reach, then flatten by pointer jumping.
        np.minimum.at(labels, li, low)
        np.minimum.at(labels, lj, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
