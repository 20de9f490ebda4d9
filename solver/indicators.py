"""Quality indicators of a front (minimization form), thin wrappers over :mod:`moocore`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.moocore_import import import_moocore

moocore = import_moocore()


def _points(F: ArrayLike, name: str) -> np.ndarray:
    points = np.asarray(F, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"'{name}' must be a 2-d array (points by objectives), not {points.ndim}-d")
    return points


def hypervolume(F: ArrayLike, /, *, ref: ArrayLike) -> float:
    """Hypervolume dominated by the points ``F`` and bounded by the reference point ``ref``.

    Examples
    --------
    >>> hypervolume([[5, 5], [4, 6], [2, 7], [7, 4]], ref=[10, 10])
    38.0
    """
    points = _points(F, "F")
    reference = np.asarray(ref, dtype=float)
    if reference.shape != (points.shape[1],):
        reference = np.broadcast_to(reference, (points.shape[1],))
    return float(moocore.hypervolume(points, ref=reference))


def hypervolume_at(ref: ArrayLike, /) -> Callable[[np.ndarray], float]:
    """The hypervolume of a 2-d array of points against the fixed reference point ``ref``, as
    a function: cheaper per call than :func:`hypervolume` when the reference point stays.

    Examples
    --------
    >>> hypervolume_at([10.0, 10.0])(np.array([[5.0, 5.0], [4.0, 6.0], [2.0, 7.0], [7.0, 4.0]]))
    38.0
    """
    indicator = moocore.Hypervolume(ref=np.asarray(ref, dtype=float))
    return lambda points: float(indicator(points))


def igd(F: ArrayLike, /, *, reference_front: ArrayLike) -> float:
    """Inverted generational distance of ``F`` to ``reference_front``.

    Examples
    --------
    >>> ref = [[1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]]
    >>> round(igd([[3.5, 5.5], [3.6, 4.1], [4.1, 3.2], [5.5, 1.5]], reference_front=ref), 4)
    1.0628
    """
    return float(moocore.igd(_points(F, "F"), ref=_points(reference_front, "reference_front")))


def igd_plus(F: ArrayLike, /, *, reference_front: ArrayLike) -> float:
    """IGD+ (the Pareto-compliant IGD of Ishibuchi et al.) of ``F`` to ``reference_front``.

    Examples
    --------
    >>> ref = [[1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]]
    >>> round(igd_plus([[3.5, 5.5], [3.6, 4.1], [4.1, 3.2], [5.5, 1.5]], reference_front=ref), 4)
    0.9855
    """
    return float(moocore.igd_plus(_points(F, "F"), ref=_points(reference_front, "reference_front")))
