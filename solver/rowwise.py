"""Row-wise tests of narrow arrays (a few objectives or constraints per row).

``mask.all(axis=1)`` on an (N, 2) array costs several times a column-by-column loop: numpy's
reduction machinery is built for long rows. The solver calls these every generation.
"""

from __future__ import annotations

import numpy as np


def all_in_row(mask: np.ndarray, /) -> np.ndarray:
    """``mask.all(axis=1)`` for a 2-d boolean array.

    Examples
    --------
    >>> all_in_row(np.array([[True, True], [True, False]])).tolist()
    [True, False]
    """
    if mask.shape[1] == 0:
        return np.ones(mask.shape[0], dtype=bool)
    if mask.shape[1] == 2:  # the usual case, in one operation
        return mask[:, 0] & mask[:, 1]
    result = mask[:, 0].copy()
    for j in range(1, mask.shape[1]):
        result &= mask[:, j]
    return result


def any_in_row(mask: np.ndarray, /) -> np.ndarray:
    """``mask.any(axis=1)`` for a 2-d boolean array.

    Examples
    --------
    >>> any_in_row(np.array([[False, True], [False, False]])).tolist()
    [True, False]
    """
    if mask.shape[1] == 0:
        return np.zeros(mask.shape[0], dtype=bool)
    if mask.shape[1] == 2:  # the usual case, in one operation
        return mask[:, 0] | mask[:, 1]
    result = mask[:, 0].copy()
    for j in range(1, mask.shape[1]):
        result |= mask[:, j]
    return result


def finite_rows(values: np.ndarray, /) -> np.ndarray:
    """Mask of the rows of a 2-d array whose every value is finite.

    Examples
    --------
    >>> finite_rows(np.array([[1.0, 2.0], [np.nan, 0.0], [np.inf, 1.0]])).tolist()
    [True, False, False]
    """
    return all_in_row(np.isfinite(values))


def row_min_max(values: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """``values.min(axis=1)`` and ``values.max(axis=1)`` of a 2-d array with at least one
    column (NaN in a row gives NaN).

    Examples
    --------
    >>> [part.tolist() for part in row_min_max(np.array([[1.0, -2.0, 0.5], [3.0, 3.0, 4.0]]))]
    [[-2.0, 3.0], [1.0, 4.0]]
    """
    if values.shape[1] == 2:  # the usual case, in one operation each
        return np.minimum(values[:, 0], values[:, 1]), np.maximum(values[:, 0], values[:, 1])
    least, most = values[:, 0].copy(), values[:, 0].copy()
    for j in range(1, values.shape[1]):
        np.minimum(least, values[:, j], out=least)
        np.maximum(most, values[:, j], out=most)
    return least, most
