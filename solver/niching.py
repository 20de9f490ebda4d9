"""NSGA-III's niching (Deb and Jain, 2014): normalize the objectives by an ideal point and the
intercepts of the hyperplane through the extreme points, associate each point with the
reference direction nearest to it (by perpendicular distance), and fill the population niche
by niche, least crowded direction first.

Normalization (section IV-C of the paper; the fallbacks close to pymoo's implementation, but
without memory between generations): the ideal point ``z`` is the smallest value of each
objective. The extreme point of objective ``i`` is the point of the first front minimizing the
achievement function ``max_j (f_j - z_j) / w_j`` with ``w = e_i`` (``1e-6`` elsewhere). The
hyperplane through the ``M`` extreme points cuts axis ``i`` at ``z_i + a_i``; ``a_i`` is the
scale of objective ``i``. When the extreme points do not span a hyperplane, or an intercept is
not finite or is negligible, the scales are the first front's ranges (its worst point), and any
still negligible, the ranges of all the points normalized; an intercept beyond the worst value
of any point is cut back to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The achievement function's weight off the axis of an extreme point (Deb and Jain's 1e-6).
OFF_AXIS_WEIGHT = 1e-6
#: A scale smaller than this share of the points' range in that objective is degenerate.
NEGLIGIBLE = 1e-6


@dataclass(frozen=True)
class Frame:
    """Where the objectives are normalized from: ``(F - ideal) / scale``."""

    ideal: np.ndarray
    scale: np.ndarray

    def normalized(self, F: np.ndarray, /) -> np.ndarray:
        return (F - self.ideal) / self.scale


def extreme_points(translated: np.ndarray, /) -> np.ndarray:
    """Row of ``translated`` (objectives minus the ideal point) that is extreme for each
    objective: the minimizer of the achievement function along that axis (first one on ties).

    Examples
    --------
    >>> extreme_points(np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])).tolist()
    [2, 0]
    """
    n_obj = translated.shape[1]
    rows = np.empty(n_obj, dtype=np.intp)
    for i in range(n_obj):
        weights = np.full(n_obj, OFF_AXIS_WEIGHT)
        weights[i] = 1.0
        rows[i] = (translated / weights).max(axis=1).argmin()
    return rows


def intercepts(extremes: np.ndarray, /) -> np.ndarray | None:
    """Where the hyperplane through the rows of ``extremes`` (translated extreme points, one per
    objective) cuts each axis; None when they span no such plane or a cut is not positive.

    Examples
    --------
    >>> intercepts(np.array([[2.0, 0.0], [0.0, 4.0]])).tolist()
    [2.0, 4.0]
    >>> intercepts(np.array([[1.0, 1.0], [1.0, 1.0]])) is None
    True
    """
    ones = np.ones(extremes.shape[1])
    try:
        with np.errstate(all="ignore"):
            plane = np.linalg.solve(extremes, ones)
            cuts = 1.0 / plane
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(cuts)) or not np.all(cuts > 0):
        return None
    with np.errstate(all="ignore"):
        if not np.allclose(extremes @ plane, ones):
            return None
    return cuts


def normalization_frame(F: np.ndarray, first: np.ndarray, /) -> Frame:
    """The frame of NSGA-III's normalization (see the module) of the points ``F`` (finite),
    whose rows ``first`` (a mask or indices, not empty) are the first front."""
    ideal = F.min(axis=0)
    translated = F - ideal
    front = translated[first]
    worst = translated.max(axis=0)
    floor = NEGLIGIBLE * worst
    scale = intercepts(front[extreme_points(front)])
    if scale is None or np.any(scale <= floor):
        scale = front.max(axis=0)
    scale = np.minimum(scale, worst)
    scale = np.where(scale <= floor, worst, scale)
    scale = np.where(scale > 0, scale, 1.0)
    return Frame(ideal, scale)


def associate(normalized: np.ndarray, directions: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """The reference direction nearest to each normalized point (by the distance from the
    point to the line along the direction) and that distance.

    The nearest line is the one at the smallest angle, so the nearest unit direction to the
    point's unit vector (a k-d tree query); points at the origin belong to the first direction.

    Examples
    --------
    >>> niche, distance = associate(np.array([[1.0, 0.1], [0.5, 0.5]]), np.array([[1.0, 0.0], [0.5, 0.5]]))
    >>> niche.tolist(), distance.round(3).tolist()
    ([0, 1], [0.1, 0.0])
    """
    from scipy.spatial import cKDTree

    units = directions / np.sqrt((directions**2).sum(axis=1, keepdims=True))
    length = np.sqrt((normalized**2).sum(axis=1))
    at_origin = length == 0
    heading = normalized / np.where(at_origin, 1.0, length)[:, None]
    heading[at_origin] = units[0]
    niche = cKDTree(units).query(heading)[1].astype(np.intp)
    along = (normalized * units[niche]).sum(axis=1)
    distance = np.sqrt(((normalized - along[:, None] * units[niche]) ** 2).sum(axis=1))
    return niche, distance


def niche_selection(niche: np.ndarray, distance: np.ndarray, counts: np.ndarray, n_pick: int, /,
                    *, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n_pick`` of the candidates (the last front) chosen niche by niche.

    ``niche`` and ``distance`` are each candidate's direction and distance to it; ``counts``
    how many points already chosen belong to each direction. Repeatedly, a direction with the
    fewest points (ties at random) takes one more of its candidates: the nearest if it had
    none yet, else one at random. Done in one sort: a candidate's turn is its direction's count
    plus its place among that direction's candidates, and candidates of the same turn go in
    random order.
    """
    n = niche.shape[0]
    if n_pick >= n:
        return np.arange(n)
    draw = np.asarray(rng.random(n))
    nearest_of_empty = np.zeros(n, dtype=bool)
    by_distance = np.lexsort((draw, distance, niche))
    first = np.ones(n, dtype=bool)
    first[1:] = niche[by_distance[1:]] != niche[by_distance[:-1]]
    leaders = by_distance[first]
    nearest_of_empty[leaders[counts[niche[leaders]] == 0]] = True
    order = np.lexsort((draw, ~nearest_of_empty, niche))  # each direction's candidates in turn
    sorted_niche = niche[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_niche[1:] != sorted_niche[:-1]
    start_of = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    turn = np.empty(n, dtype=np.intp)
    turn[order] = counts[sorted_niche] + np.arange(n) - start_of
    tie = np.asarray(rng.random(n))
    return np.lexsort((tie, turn))[:n_pick]
