"""Non-dominated sorting and crowding distance, vectorized over the population.

Ranks of two objectives come from :func:`moocore.pareto_rank` (O(N log N), Jensen's
algorithm). Ranks of three or more come from mooc's compiled kernel when it is built
(``solver/_sorting.c``: each row, in lexicographic order, finds its front by binary search over
a k-d tree of each front's rows), else from moocore's front-peeling loop (up to
:data:`MOOCORE_MAX_OBJECTIVES`; beyond, a numpy front-peeling loop over blocks of rows does the
same); both give the same ranks. Survival needs only the first fronts holding half the rows:
:func:`leading_ranks`.
Rows with a NaN or infinite objective are never better than a finite row: they share one rank
after all the others.
"""

from __future__ import annotations

import numpy as np

from mooc.solver import kernel
from mooc.solver.moocore_import import import_moocore
from mooc.solver.rowwise import finite_rows

moocore = import_moocore()

#: The most objectives moocore's dominance functions take.
MOOCORE_MAX_OBJECTIVES = 255
#: Booleans per block of the numpy dominance test (rows x rows x objectives).
_BLOCK = 1 << 24
#: The violation of an infeasible row ranked by Pareto fronts after the feasible rows and
#: before every other infeasible row (a point satisfying the hard constraints whose soft
#: penalty is undefined: see :mod:`~.constraints`); less than any other positive violation.
PARETO_TIER = float(np.finfo(float).tiny)


def _dominated(F: np.ndarray, by: np.ndarray, /) -> np.ndarray:
    """Mask of the rows of ``F`` that some row of ``by`` dominates (in blocks of rows)."""
    out = np.zeros(F.shape[0], dtype=bool)
    step = max(1, _BLOCK // max(1, by.shape[0] * F.shape[1]))
    for start in range(0, F.shape[0], step):
        part = F[start:start + step, None, :]
        no_worse = np.all(by[None, :, :] <= part, axis=2)
        better = np.any(by[None, :, :] < part, axis=2)
        out[start:start + step] = np.any(no_worse & better, axis=1)
    return out


def nondominated(F: np.ndarray, /) -> np.ndarray:
    """Mask of the non-dominated rows of ``F`` (minimization; duplicates all kept), for any
    number of objectives.

    Examples
    --------
    >>> nondominated(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]])).tolist()
    [True, True, False, True]
    """
    if F.shape[1] >= 3 and F.shape[0] and kernel.compiled() is not None and \
            finite_rows(F).all():
        return kernel.sorted_ranks(F, 1) == 0  # one front kept: 2x to 8x moocore's time
    if F.shape[1] <= MOOCORE_MAX_OBJECTIVES:
        return moocore.is_nondominated(F, keep_weakly=True)
    return ~_dominated(F, F)


def _peeled_ranks(F: np.ndarray) -> np.ndarray:
    """Pareto ranks by peeling off one non-dominated front at a time."""
    rank = np.empty(F.shape[0], dtype=np.intp)
    left = np.arange(F.shape[0])
    level = 0
    while left.size:
        rest = F[left]
        front = ~_dominated(rest, rest)
        rank[left[front]] = level
        left = left[~front]
        level += 1
    return rank


def finite_pareto_rank(F: np.ndarray, /) -> np.ndarray:
    """Pareto rank of each row of ``F``, whose values are all finite (not checked)."""
    if F.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    if F.shape[1] == 1:
        return np.unique(F[:, 0], return_inverse=True)[1].astype(np.intp)
    if F.shape[1] >= 3 and kernel.compiled() is not None:
        return kernel.sorted_ranks(F, F.shape[0])
    if F.shape[1] > MOOCORE_MAX_OBJECTIVES:
        return _peeled_ranks(F)
    return moocore.pareto_rank(F).astype(np.intp)


#: From this many rows on, :func:`leading_ranks` first ranks a sample of them to guess how many
#: fronts it needs.
SAMPLED_FROM = 4096
#: The sample is one row in this many.
SAMPLE_STEP = 16
#: The factor by which guesses of how many fronts hold the rows survival needs err high: a
#: guess too low costs a second sort, one too high keeps fronts that are not needed.
MARGIN = 1.2


def _fronts_to_keep(F: np.ndarray, needed: int) -> list[int]:
    """Guesses, from a sample of the rows, of how many first fronts hold ``needed`` rows, the
    cheapest first. A sample of n / s rows has about s ** (1 / m) times fewer fronts than the
    whole (as random points in m dimensions do), and fatter ones; when the sample's first front
    holds enough, so may the whole's, and keeping one front alone is a non-dominated filter,
    which is cheap when that front is small and right when it is large."""
    n, m = F.shape
    if n < SAMPLED_FROM:
        return [n]
    sample = kernel.sorted_ranks(F[::SAMPLE_STEP], n)
    held = np.cumsum(np.bincount(sample))
    fronts = int(np.searchsorted(held, needed * len(sample) / n)) + 1
    guess = int(np.ceil(MARGIN * fronts * SAMPLE_STEP ** (1 / m)))
    return [1, guess] if fronts == 1 else [guess]


def _compiled_leading_ranks(F: np.ndarray, needed: int) -> np.ndarray:
    """:func:`leading_ranks` by the compiled kernel, which keeps only the fronts it is told to:
    the guesses of :func:`_fronts_to_keep`, then, while they hold too few rows, as many more
    fronts as the rows missing would fill if each held as many as the last one kept."""
    n = F.shape[0]
    guesses = iter(_fronts_to_keep(F, needed))
    cap = next(guesses)
    while True:
        rank = kernel.sorted_ranks(F, cap)
        held = np.cumsum(np.bincount(rank, minlength=cap + 1)[:cap])
        if held[-1] >= needed or cap >= n:
            return np.minimum(rank, int(np.searchsorted(held, needed)) + 1)
        last = max(1, int(held[-1] - (held[-2] if cap > 1 else 0)))
        more = cap + int(np.ceil(MARGIN * (needed - held[-1]) / last)) + 1
        cap = min(n, next(guesses, more))


#: Fronts peeled one by one before the rest is ranked at once (see :func:`leading_ranks`).
PEELED_FRONTS = 3
#: Fronts are peeled from this many objectives on (with fewer, moocore's ranking is faster).
PEELED_FROM = 4


def leading_ranks(F: np.ndarray, needed: int, /) -> np.ndarray:
    """Pareto ranks of the rows of the finite ``F`` in its first fronts, as many as hold at
    least ``needed`` rows; every other row gets the rank after them (as if one front).

    Survival keeps whole fronts in order and cuts the last by crowding, so it needs no more.
    With three or more objectives the compiled kernel keeps only the fronts a sample of the
    rows says are needed (:func:`_fronts_to_keep`), and sorts every row after them into one
    rank checked against the last front kept. Without the kernel, two and three objectives
    are ranked at once by moocore (in O(N log N) for two); with more, the first fronts are
    peeled off one by one (each a non-dominated filter), which is cheaper when they are large,
    as in a many-objective population, and after :data:`PEELED_FRONTS` of them the rest are
    ranked at once.

    Examples
    --------
    >>> F = np.array([[0.0, 0, 0, 0], [1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])
    >>> leading_ranks(F, 2).tolist(), leading_ranks(F, 4).tolist()
    ([0, 1, 2, 2], [0, 1, 2, 3])
    """
    n = F.shape[0]
    if needed >= n or needed < 1 or F.shape[1] < 3:
        return finite_pareto_rank(F)
    if kernel.compiled() is not None:
        return _compiled_leading_ranks(F, needed)
    if F.shape[1] < PEELED_FROM or F.shape[1] > MOOCORE_MAX_OBJECTIVES:
        return finite_pareto_rank(F)
    rank = np.empty(n, dtype=np.intp)
    left = np.arange(n)
    level = ranked = 0
    while ranked < needed:
        if level == PEELED_FRONTS:
            rank[left] = finite_pareto_rank(F[left]) + level
            return rank
        front = moocore.is_nondominated(F[left], keep_weakly=True)
        rank[left[front]] = level
        ranked += int(np.count_nonzero(front))
        left = left[~front]
        level += 1
    rank[left] = level
    return rank


def pareto_rank(F: np.ndarray, /) -> np.ndarray:
    """Pareto rank of each row of ``F`` (minimization), 0 for the non-dominated rows.

    Rows with any non-finite value get one rank after every finite row.

    Examples
    --------
    >>> pareto_rank(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0], [np.nan, 0.0]])).tolist()
    [0, 0, 1, 2]
    """
    finite = finite_rows(F)
    if finite.all():
        return finite_pareto_rank(F)
    rank = np.empty(F.shape[0], dtype=np.intp)
    rank[finite] = finite_pareto_rank(F[finite])
    rank[~finite] = rank[finite].max() + 1 if finite.any() else 0
    return rank


def constrained_rank(F: np.ndarray, violation: np.ndarray, /, *,
                     finite: np.ndarray | None = None,
                     feasible: np.ndarray | None = None, needed: int | None = None) -> np.ndarray:
    """Rank rows by Deb's constrained domination.

    Feasible rows (``violation == 0``) come first, ranked by Pareto rank, then the rows whose
    violation is :data:`PARETO_TIER`, ranked the same way; other infeasible rows follow, one
    rank per distinct violation, less violation first; rows with a non-finite objective or
    violation come last. Sorting by this rank and then by crowding distance is the crowded
    comparison of NSGA-II with constraints. ``finite``, the mask of rows of ``F`` without a
    NaN or infinity, and ``feasible``, that of the finite rows without violation, are computed
    when not given. With ``needed``, the feasible rows are ranked only in their first fronts
    holding that many rows (see :func:`leading_ranks`).

    Examples
    --------
    >>> F = np.array([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    >>> constrained_rank(F, np.array([0.0, 0.0, 0.5, 0.1])).tolist()
    [0, 0, 2, 1]
    """
    finite = finite_rows(F) if finite is None else finite
    if feasible is None:
        feasible = finite & (violation == 0)
    if feasible.all():
        return finite_pareto_rank(F) if needed is None else leading_ranks(F, needed)
    finite = finite & np.isfinite(violation)
    infeasible = finite & ~feasible
    rank = np.empty(F.shape[0], dtype=np.intp)
    rank[feasible] = finite_pareto_rank(F[feasible]) if needed is None else \
        leading_ranks(F[feasible], needed)
    n_fronts = rank[feasible].max() + 1 if feasible.any() else 0
    tier = infeasible & (violation == PARETO_TIER)
    if tier.any():
        rank[tier] = finite_pareto_rank(F[tier]) + n_fronts
        n_fronts = rank[tier].max() + 1
        infeasible &= ~tier
    levels = np.unique(violation[infeasible], return_inverse=True)[1]
    rank[infeasible] = n_fronts + levels
    rank[~finite] = n_fronts + (levels.max() + 1 if levels.size else 0)
    return rank


def _group_layout(sorted_groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last positions of each run of equal values, and each position's run."""
    n = sorted_groups.shape[0]
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(sorted_groups[1:], sorted_groups[:-1], out=starts[1:])
    run = np.cumsum(starts)
    run -= 1
    first = starts.nonzero()[0]
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1] = n - 1
    return first, last, run


#: Spreads below this count as this: a group without spread in an objective has no gaps in it
#: either, so its rows get 0 from that objective all the same.
_LEAST_SPREAD = 1e-300


def _inverse_spread(spread: np.ndarray) -> np.ndarray:
    """1 / spread (in place), for spreads >= 0."""
    return np.reciprocal(np.maximum(spread, _LEAST_SPREAD, out=spread), out=spread)


def _crowding_finite(F: np.ndarray, groups: np.ndarray) -> np.ndarray:
    n = F.shape[0]
    distance = np.zeros(n)
    if n == 0:
        return distance
    # Sorting by (group, objective) lays the groups out in the same places for every objective.
    first, last, run = _group_layout(np.sort(groups))
    edges = np.concatenate([first, last])
    inner = np.ones(n, dtype=bool)
    inner[edges] = False
    inner = inner[1:-1]  # the gaps between two rows of the same group
    share = np.empty(n)
    for column in F.T:
        order = np.lexsort((column, groups))
        values = column[order]
        values *= 0.5  # halved (exactly), no difference of two finite values overflows
        inverse = _inverse_spread(values[last] - values[first])
        np.subtract(values[2:], values[:-2], out=share[1:-1])
        # gaps reaching into the next group are not scaled (they could overflow): infinite
        np.multiply(share[1:-1], inverse[run[1:-1]], out=share[1:-1], where=inner)
        share[edges] = np.inf
        distance[order] += share
    return distance


def _crowding_two_fronts(F: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Crowding distance of two objectives when every group is mutually non-dominated: sorted
    by the first objective, each group is sorted by the second in reverse, so one sort does.
    ``groups`` are non-negative integers (some may be missing)."""
    n = F.shape[0]
    order = np.lexsort((F[:, 0], groups))
    run = groups.take(order)
    counts = np.bincount(run)  # a missing group's first is the next group's, and its last
    last = counts.cumsum()  # the previous group's: the right rows get infinity either way
    last -= 1
    first = last - counts
    first += 1
    values = F.take(order, axis=0)
    values *= 0.5  # halved (exactly), no difference of two finite values overflows
    # (groups, 2); rows of missing groups are unused. The second objective falls along each
    # group, so its spread and gaps are negative: their sizes are what counts.
    spread = np.abs(values.take(last, axis=0) - values.take(first, axis=0))
    gaps = np.abs(values[2:] - values[:-2])
    edges = np.zeros(n, dtype=bool)
    edges[first] = True
    edges[last] = True
    gaps[edges[1:-1]] = 0.0  # gaps reaching into the next group: not scaled, made infinite
    gaps *= _inverse_spread(spread).take(run[1:-1], axis=0)
    share = np.empty(n)
    np.add(gaps[:, 0], gaps[:, 1], out=share[1:-1])
    share[first] = np.inf
    share[last] = np.inf
    distance = np.empty(n)
    distance[order] = share
    return distance


def front_crowding(F: np.ndarray, /) -> np.ndarray:
    """Crowding distance of the rows of one front of two objectives (finite and mutually
    non-dominated): :func:`crowding_distance` of a single group, the same numbers in half
    the operations.

    Examples
    --------
    >>> F = np.array([[0.0, 3.0], [1.0, 2.0], [2.0, 0.0], [3.0, -1.0]])
    >>> front_crowding(F).round(3).tolist()
    [inf, 1.417, 1.417, inf]
    """
    order = F[:, 0].argsort(kind="stable")
    values = F.take(order, axis=0)
    values *= 0.5  # halved (exactly), no difference of two finite values overflows
    # the second objective falls along the front: the sizes of its spread and gaps count
    spread = np.abs(values[-1] - values[0])
    gaps = np.abs(values[2:] - values[:-2])
    gaps *= _inverse_spread(spread)
    share = np.empty(F.shape[0])
    np.add(gaps[:, 0], gaps[:, 1], out=share[1:-1])
    share[0] = share[-1] = np.inf
    distance = np.empty(F.shape[0])
    distance[order] = share
    return distance


def crowding_distance(F: np.ndarray, groups: np.ndarray, /, *,
                      finite: np.ndarray | None = None, fronts: bool = False) -> np.ndarray:
    """Crowding distance of each row of ``F`` within its group (usually its rank).

    Each objective adds the normalized gap between a row's two neighbours in its group; the
    extreme rows of a group get infinity. Rows with a non-finite objective get 0 (``finite``,
    the mask of the others, is computed when not given). ``fronts`` says that every row is
    finite and no row of a group dominates another (the groups are Pareto ranks), which makes
    two objectives cheaper.

    Examples
    --------
    >>> F = np.array([[0.0, 3.0], [1.0, 2.0], [2.0, 0.0], [3.0, -1.0]])
    >>> crowding_distance(F, np.zeros(4, dtype=int)).round(3).tolist()
    [inf, 1.417, 1.417, inf]
    """
    if fronts and F.shape[1] == 2 and F.shape[0]:
        return _crowding_two_fronts(F, groups)
    finite = finite_rows(F) if finite is None else finite
    if finite.all():
        return _crowding_finite(F, groups)
    distance = np.zeros(F.shape[0])
    distance[finite] = _crowding_finite(F[finite], groups[finite])
    return distance
