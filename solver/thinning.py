"""Thinning a front: which ``limit`` of its points to keep so as to lose as little hypervolume
as possible.

The objectives are first mapped to [0, 1] by the front's own ideal and nadir points (a flat
objective by 1), and the hypervolume is taken to the reference point 1.1 in every objective.
The point least in each objective is always kept, as crowding distance keeps it: the front
keeps its extent, and the next thinning its frame.

Up to three objectives, and for small fronts up to :data:`EXACT_MAX_OBJECTIVES` objectives,
points are dropped in order of least exclusive hypervolume contribution (what the front loses
without them; :func:`moocore.hv_contributions`, O(n log n) in two and three objectives). Up to
:data:`ONE_AT_A_TIME` points, one point is dropped at a time and the contributions are computed
again: that is the greedy rule exactly. Beyond, each round takes the least contributing half
of the excess and drops those of them that are not next to one dropped before in the same
round (among its ``2 M`` nearest in the normalized space, found once): the contributions of
neighbours depend on each other, and two near-duplicates, each contributing next to nothing
while the other is there, must not go together. A round costs O(n log n); there are about
log2 of the excess rounds, and at most O(M log n), since a round drops at least one in
``2 M + 1`` of the points it looks at.

Beyond that, exact contributions cost too much (computing them takes a hypervolume per point,
exponential in the number of objectives), and the same rounds drop the most crowded points
instead: the least distance to the nearest other point, then to the second nearest (the
truncation of SPEA2), keeping the point that is least in each objective. On fronts of five
objectives this loses about 60% of the hypervolume crowding distance loses
(``benchmarks/front_thinning.py``).
"""

from __future__ import annotations

import math

import numpy as np

from mooc.solver.moocore_import import import_moocore

moocore = import_moocore()

#: The hypervolume reference point, in the front's normalized frame.
REFERENCE = 1.1
#: Up to this many points, points are dropped one at a time (the exact greedy rule).
ONE_AT_A_TIME = 100
#: Beyond three objectives, exact contributions are used up to this many objectives...
EXACT_MAX_OBJECTIVES = 5
#: ...and this many points (a hypervolume per point: about 2 ms at 24 points of 5 objectives).
EXACT_MAX_POINTS = 24
#: A round drops at most this share of the points still in excess.
ROUND_SHARE = 0.5


def normalized_front(objectives: np.ndarray, /) -> np.ndarray:
    """``objectives`` mapped to [0, 1] by their least and greatest value in each objective
    (worked out on halves, which no difference of finite values overflows)."""
    low, high = objectives.min(axis=0) * 0.5, objectives.max(axis=0) * 0.5
    half_span = high - low
    return (objectives * 0.5 - low) / np.where(half_span > 0, half_span, 1.0)


def uses_hypervolume(n_points: int, n_obj: int, /) -> bool:
    """Whether a front of this size is thinned by exact hypervolume contributions."""
    return n_obj <= 3 or (n_obj <= EXACT_MAX_OBJECTIVES and n_points <= EXACT_MAX_POINTS)


def thin_front(objectives: np.ndarray, limit: int, /) -> np.ndarray:
    """Sorted indices of the ``limit`` rows of ``objectives`` (finite and mutually
    non-dominated, minimization) to keep; see the module.

    Examples
    --------
    >>> F = np.array([[0.0, 1.0], [0.1, 0.8], [0.5, 0.5], [0.52, 0.48], [1.0, 0.0]])
    >>> thin_front(F, 4).tolist()  # without (0.5, 0.5) the front loses least
    [0, 1, 3, 4]
    """
    n, n_obj = objectives.shape
    if n <= limit:
        return np.arange(n)
    normalized = normalized_front(objectives)
    if uses_hypervolume(n, n_obj):
        alive = _drop_least_contributing(normalized, limit)
    else:
        alive = _drop_most_crowded(normalized, limit)
    return np.sort(alive)


def extremes(normalized: np.ndarray, /) -> np.ndarray:
    """Mask of the point least in each objective (of several, the least in the sum of the
    others), which thinning keeps.

    Examples
    --------
    >>> extremes(np.array([[0.0, 1.0], [0.0, 0.5], [1.0, 0.0], [0.5, 0.5]])).tolist()
    [False, True, True, False]
    """
    total = normalized.sum(axis=1)
    mask = np.zeros(normalized.shape[0], dtype=bool)
    for column in normalized.T:
        mask[np.lexsort((total - column, column))[0]] = True
    return mask


def _nearest(points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distances and indices of each row's ``k`` nearest rows, itself among them."""
    from scipy.spatial import cKDTree

    k = min(k, len(points))
    distance, index = cKDTree(points).query(points, k=k)
    return distance.reshape(len(points), k), index.reshape(len(points), k)


def _independent(order: list[int], neighbours: list[list[int]], count: int,
                 blocked: np.ndarray) -> list[int]:
    """Up to ``count`` of ``order`` (in turn) that are not ``blocked``, each blocking its
    ``neighbours``."""
    taken: list[int] = []
    is_blocked = blocked.tolist()
    for row in order:
        if is_blocked[row]:
            continue
        taken.append(row)
        if len(taken) == count:
            break
        for other in neighbours[row]:
            is_blocked[other] = True
    return taken


def _drop_least_contributing(normalized: np.ndarray, limit: int) -> np.ndarray:
    n, n_obj = normalized.shape
    reference = np.full(n_obj, REFERENCE)
    protected = extremes(normalized)
    alive = np.arange(n)
    neighbours: list[list[int]] | None = None
    while len(alive) > limit:
        contribution = moocore.hv_contributions(normalized[alive], ref=reference)
        if protected[alive].all():  # a limit below the number of objectives
            drop = [int(alive[contribution.argmin()])]
        elif len(alive) <= ONE_AT_A_TIME:
            contribution[protected[alive]] = np.inf
            drop = [int(alive[contribution.argmin()])]
        else:
            if neighbours is None:  # found once: points only go
                neighbours = _nearest(normalized, 2 * n_obj + 1)[1].tolist()
            contribution[protected[alive]] = np.inf
            count = _round_size(len(alive) - limit)
            # the least contributing, but no two neighbours in a round
            least = alive[np.argsort(contribution, kind="stable")[:count]]
            drop = _independent(least.tolist(), neighbours, count, protected)
        alive = np.setdiff1d(alive, drop, assume_unique=True)
    return alive


def _drop_most_crowded(normalized: np.ndarray, limit: int) -> np.ndarray:
    protected = extremes(normalized)
    alive = np.arange(normalized.shape[0])
    while len(alive) > limit:
        distance, nearest = _nearest(normalized[alive], 3)
        order = np.lexsort((distance[:, -1], distance[:, 1])).tolist()
        # the most crowded first, none of whose two nearest went in the same round
        drop = _independent(order, nearest.tolist(), _round_size(len(alive) - limit),
                            protected[alive])
        if not drop:  # only protected points are left (a limit below the number of objectives)
            drop = order[:1]
        alive = np.delete(alive, drop)
    return alive


def _round_size(excess: int) -> int:
    return max(1, math.ceil(excess * ROUND_SHARE))
