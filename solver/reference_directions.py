"""Reference directions: points of the unit simplex (each row non-negative, summing to 1) that
spread a many-objective search evenly over the front.

:func:`das_dennis` is the structured lattice of Das and Dennis (1998): every point whose
coordinates are multiples of ``1 / H``, ``C(H + M - 1, M - 1)`` of them for ``M`` objectives.
Its counts jump (91 then 105 for three objectives; 70 then 126 for five) and, from about eight
objectives on, a lattice small enough for a population has no interior point at all. So
:func:`reference_directions` takes the lattice when one has exactly the count asked for, and
otherwise spreads exactly that many points by minimizing their Riesz s-energy (Blank, Deb,
Dhebar, Bandaru and Seada, 2021), starting from a max-min subset of a finer lattice that holds
the ``M`` corners; the corners stay fixed, so the extreme directions are always there. Beyond
:data:`SPREAD_MAX_POINTS` points the energy is too costly (quadratic in the count) and the
largest lattice that fits is taken instead. Everything here is deterministic: the same count
gives the same directions.

Examples
--------
>>> das_dennis(3, 2).tolist()
[[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]]
>>> reference_directions(3, 100).shape
(100, 3)
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

#: Up to this many directions are spread by their Riesz energy; beyond, a lattice that fits.
SPREAD_MAX_POINTS = 1000
#: The most directions asked for (the language's range limit, as for the population): the
#: lattice of ten million directions in seven objectives already takes about 2 GB to build.
MAX_DIRECTIONS = 10_000_000
#: The finer lattice holds at least this many times the points picked from it.
SUBSET_OVERSAMPLING = 4
#: Steps of the energy minimization, the first as long as this share of the spacing.
ENERGY_STEPS = 300
ENERGY_STEP = 0.1
#: The energy of a direction counts this many times M of its nearest neighbours.
ENERGY_NEIGHBOURS = 4
#: The nearest neighbours are found again every this many steps.
NEIGHBOURS_EVERY = 10


def das_dennis_count(n_obj: int, partitions: int, /) -> int:
    """How many points :func:`das_dennis` gives: ``C(partitions + n_obj - 1, n_obj - 1)``.

    Examples
    --------
    >>> das_dennis_count(3, 12), das_dennis_count(5, 6)
    (91, 210)
    """
    return math.comb(partitions + n_obj - 1, n_obj - 1)


def das_dennis(n_obj: int, partitions: int, /) -> np.ndarray:
    """All points of the unit simplex in ``n_obj`` dimensions whose coordinates are multiples
    of ``1 / partitions``, in reverse lexicographic order (one row per point)."""
    if n_obj < 1 or partitions < 0:
        raise ValueError(f"Das-Dennis directions need n_obj >= 1 and partitions >= 0, not "
                         f"{n_obj} and {partitions}")
    if n_obj == 1:
        return np.ones((1, 1))
    # stars and bars: n_obj - 1 bars among partitions + n_obj - 1 places
    slots = partitions + n_obj - 1
    bars = np.array(list(itertools.combinations(range(slots), n_obj - 1)), dtype=np.intp)
    bars = bars.reshape(-1, n_obj - 1)
    edges = np.concatenate([np.full((len(bars), 1), -1), bars, np.full((len(bars), 1), slots)],
                           axis=1)
    counts = np.diff(edges, axis=1) - 1
    return counts[::-1] / partitions if partitions else np.full((1, n_obj), 1.0 / n_obj)


def _partitions_for(n_obj: int, n_points: int) -> int:
    """The smallest number of partitions whose lattice holds at least ``n_points`` points
    (by doubling, then halving the interval: two objectives take as many partitions as
    points)."""
    low, high = 0, 1  # das_dennis_count(n_obj, 0) == 1 point
    while das_dennis_count(n_obj, high) < n_points:
        low, high = high, 2 * high
    while high - low > 1:
        middle = (low + high) // 2
        if das_dennis_count(n_obj, middle) < n_points:
            low = middle
        else:
            high = middle
    return high


def _max_min_subset(candidates: np.ndarray, n_points: int, first: np.ndarray) -> np.ndarray:
    """Indices of ``n_points`` rows of ``candidates``: the rows ``first``, then greedily the row
    farthest from those taken (ties: the earliest)."""
    chosen = np.empty(n_points, dtype=np.intp)
    chosen[: len(first)] = first
    nearest = np.full(len(candidates), np.inf)
    for row in first:
        np.minimum(nearest, ((candidates - candidates[row]) ** 2).sum(axis=1), out=nearest)
    for k in range(len(first), n_points):
        row = int(nearest.argmax())
        chosen[k] = row
        np.minimum(nearest, ((candidates - candidates[row]) ** 2).sum(axis=1), out=nearest)
    return chosen


def _simplex_projection(X: np.ndarray) -> np.ndarray:
    """The nearest point of the unit simplex to each row (Euclidean projection by sorting)."""
    ordered = -np.sort(-X, axis=1)
    cumulative = ordered.cumsum(axis=1) - 1.0
    steps = np.arange(1, X.shape[1] + 1)
    support = (ordered - cumulative / steps > 0).sum(axis=1)
    shift = cumulative[np.arange(len(X)), support - 1] / support
    return np.maximum(X - shift[:, None], 0.0)


def _energy_direction(X: np.ndarray, nearest: np.ndarray, power: float) -> np.ndarray:
    """The direction (not the size) of the gradient, at each row of ``X``, of the sum of
    ``distance ** -power`` to the rows ``nearest[i]`` (its nearest: the far ones add next to
    nothing for a large power). Distances are taken relative to each row's least, so that no
    power overflows."""
    difference = X[:, None, :] - X[nearest]
    distance = np.sqrt((difference**2).sum(axis=2))
    least = distance.min(axis=1, keepdims=True)
    relative = np.divide(distance, least, out=np.ones_like(distance), where=least > 0)
    weight = relative ** -(power + 2)  # at most 1
    return -(weight[:, :, None] * difference).sum(axis=1)


def _spread_by_energy(X: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Move the rows of ``X`` not in ``fixed`` (a mask) over the simplex to lower their Riesz
    s-energy (s = 2 M): each takes steps of shrinking length along its projected gradient."""
    from scipy.spatial import cKDTree

    n_obj = X.shape[1]
    neighbours = min(len(X) - 1, ENERGY_NEIGHBOURS * n_obj)
    power = 2.0 * n_obj
    spacing = float(np.median(cKDTree(X).query(X, k=2)[0][:, 1]))
    free = ~fixed
    for step in range(ENERGY_STEPS):
        if step % NEIGHBOURS_EVERY == 0:  # the points move little in between
            nearest = cKDTree(X).query(X, k=neighbours + 1)[1][:, 1:]
        gradient = _energy_direction(X, nearest, power)[free]
        gradient -= gradient.mean(axis=1, keepdims=True)  # stay on the plane sum = 1
        norm = np.sqrt((gradient**2).sum(axis=1, keepdims=True))
        direction = np.divide(gradient, norm, out=np.zeros_like(gradient), where=norm > 0)
        length = ENERGY_STEP * spacing * (1.0 - step / ENERGY_STEPS)
        X[free] = _simplex_projection(X[free] - length * direction)
    return X


@functools.lru_cache(maxsize=32)
def _cached_directions(n_obj: int, n_points: int) -> np.ndarray:
    partitions = _partitions_for(n_obj, n_points)
    if das_dennis_count(n_obj, partitions) == n_points:
        directions = das_dennis(n_obj, partitions)
    elif n_points > SPREAD_MAX_POINTS:
        directions = das_dennis(n_obj, partitions - 1)
    else:
        finer = _partitions_for(n_obj, SUBSET_OVERSAMPLING * n_points)
        candidates = das_dennis(n_obj, finer)
        corners = (candidates == 1.0).any(axis=1).nonzero()[0]
        directions = candidates[_max_min_subset(candidates, n_points, corners)]
        directions = _spread_by_energy(directions, (directions == 1.0).any(axis=1))
    directions.flags.writeable = False
    return directions


def reference_directions(n_obj: int, n_points: int, /) -> np.ndarray:
    """``n_points`` directions spread evenly over the unit simplex in ``n_obj`` dimensions,
    the corners among them (see the module); fewer only beyond :data:`SPREAD_MAX_POINTS` when
    no lattice has exactly ``n_points``. The array is read-only (it is cached).

    Examples
    --------
    >>> D = reference_directions(5, 100)
    >>> D.shape, bool(np.allclose(D.sum(axis=1), 1.0)), int((D == 1.0).sum())
    ((100, 5), True, 5)
    """
    if n_obj < 1 or n_points < 1:
        raise ValueError(f"reference directions need n_obj >= 1 and n_points >= 1, not "
                         f"{n_obj} and {n_points}")
    if n_obj == 1:  # one objective has one direction
        return das_dennis(1, 1)
    if n_points > MAX_DIRECTIONS:
        raise ValueError(f"{n_points:,} reference directions are too many; at most "
                         f"{MAX_DIRECTIONS:,} are allowed")
    if n_points < n_obj and n_obj > 1:
        raise ValueError(f"{n_points} reference direction{'' if n_points == 1 else 's'} cannot "
                         f"hold the {n_obj} corners of {n_obj} objectives; use at least {n_obj}")
    return _cached_directions(int(n_obj), int(n_points))
