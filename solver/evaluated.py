"""Remembering which points were evaluated, so no point is evaluated twice.

Each row is reduced to a 64-bit hash of its exact float values (salted sums, vectorized over
the whole array); the store keeps them in sorted runs searched with ``np.searchsorted``. A
hash collision can only make a new point look evaluated (it is then dropped and another is
generated); an evaluated point is never taken for new.
"""

from __future__ import annotations

import functools

import numpy as np

from mooc.solver import kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_HALF = np.uint64(32)
#: Each sorted run of the store is at least this many times longer than the next one.
GROWTH = 8


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, in place on a uint64 array (wrapping multiplication)."""
    h ^= h >> _SHIFTS[0]
    h *= _MIX1
    h ^= h >> _SHIFTS[1]
    h *= _MIX2
    h ^= h >> _SHIFTS[2]
    return h


@functools.cache
def _column_salts(n_columns: int) -> np.ndarray:
    salts = _mix(np.arange(1, n_columns + 1, dtype=np.uint64) * _GOLDEN) | np.uint64(1)
    salts.flags.writeable = False
    return salts


def row_hashes(X: np.ndarray, /) -> np.ndarray:
    """A 64-bit hash of each row of ``X``; equal rows (``-0.0 == 0.0``) hash equal.

    Each value's bits, their high half folded into the low, are multiplied by an odd salt of
    their column and the products summed (wrapping): rows that differ in one value never
    collide, and a few whole-array operations do it whatever the number of columns. (The store
    only compares hashes, so the sum is not mixed further: a bijection would not change which
    rows collide.)

    Examples
    --------
    >>> h = row_hashes(np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0], [-0.0, 0.0]]))
    >>> bool(h[0] == h[1]), bool(h[0] == h[2]), bool(row_hashes(np.zeros((1, 2)))[0] == h[3])
    (True, False, True)
    """
    if kernel.compiled() is not None:
        return kernel.row_hashes(X, _column_salts(X.shape[1]))
    bits = (np.asarray(X, dtype=np.float64) + 0.0).view(np.uint64)  # a fresh contiguous copy
    bits ^= bits >> _HALF  # whole numbers differ only in their high bits: fold them down
    bits *= _column_salts(X.shape[1])
    return bits.sum(axis=1, dtype=np.uint64)


class EvaluatedRows:
    """The set of rows evaluated so far, as hashes in a few sorted runs.

    A new batch becomes a run of its own, and a run is merged into the one before while that
    one is less than :data:`GROWTH` times as long, so there are O(log n) runs and each hash is
    merged O(log n) times; lookups search every run.
    """

    def __init__(self) -> None:
        self.runs: list[np.ndarray] = []

    def __len__(self) -> int:
        return sum(run.shape[0] for run in self.runs)

    def contains(self, hashes: np.ndarray, /) -> np.ndarray:
        """Mask of the given hashes already in the store."""
        if kernel.compiled() is not None:
            return kernel.found_in(hashes, self.runs)
        found = np.zeros(hashes.shape[0], dtype=bool)
        for run in self.runs:
            found |= run.take(run.searchsorted(hashes), mode="clip") == hashes
        return found

    def add(self, hashes: np.ndarray, /) -> None:
        """Add hashes not in the store yet."""
        if not hashes.size:
            return
        self.runs.append(np.sort(hashes))
        while len(self.runs) > 1 and self.runs[-2].shape[0] < GROWTH * self.runs[-1].shape[0]:
            last = self.runs.pop()
            merged = np.concatenate([self.runs.pop(), last])
            merged.sort(kind="stable")  # two sorted runs: a linear merge
            self.runs.append(merged)

    def new_rows(self, X: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
        """Mask of the rows of ``X`` that are neither evaluated nor repeat an earlier row, and
        the hashes of those rows."""
        hashes = row_hashes(X)
        order = hashes.argsort(kind="stable")  # equal hashes stay in the order of their rows
        ordered = hashes.take(order)
        dropped = self.contains(ordered)  # sorted queries: each search starts where the last ended
        dropped[1:] |= ordered[1:] == ordered[:-1]  # repeats of an earlier row
        keep = np.empty(hashes.shape[0], dtype=bool)
        keep[order] = ~dropped
        return keep, hashes.compress(keep)
