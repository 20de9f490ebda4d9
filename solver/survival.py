"""Survival strategies: which points of parents and offspring make the next population.

:class:`RankAndCrowding` is NSGA-II's: whole fronts by constrained rank, the last front cut by
crowding distance. :class:`ReferenceDirections` is NSGA-III's: whole fronts the same way, the
last (feasible) front cut by niching on reference directions (:mod:`mooc.solver.niching`).
:class:`~mooc.solver.run.Run` asks its strategy to rank a population and to pick the best of
the ranking; the strategies keep no state between generations, so a checkpoint needs nothing
of theirs.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from mooc.solver.niching import associate, niche_selection, normalization_frame
from mooc.solver.rowwise import finite_rows
from mooc.solver.selection import Ranking
from mooc.solver.sorting import constrained_rank


class Survival(Protocol):
    """How a run ranks a population and picks the next one from it; ``name`` is the method's."""

    name: str

    def rank(self, objectives: np.ndarray, violation: np.ndarray, /, *,
             needed: int | None = None) -> Ranking:
        """The ranking of rows by ``objectives`` and ``violation`` (see :meth:`Ranking.of`);
        ``needed``: how many rows survival keeps (ranks beyond may be left coarse)."""
        ...

    def best(self, ranking: Ranking, size: int, /, *, rng: np.random.Generator) -> np.ndarray:
        """Indices of the ``size`` rows to keep."""
        ...


class RankAndCrowding:
    """NSGA-II's survival: constrained rank, then crowding distance (largest first)."""

    name = "nsga2"

    def rank(self, objectives: np.ndarray, violation: np.ndarray, /, *,
             needed: int | None = None) -> Ranking:
        return Ranking.of(objectives, violation, needed=needed)

    def best(self, ranking: Ranking, size: int, /, *, rng: np.random.Generator) -> np.ndarray:
        return ranking.best(size)


#: Objectives are scaled (by a power of two, exactly) to at most this size before NSGA-III's
#: normalization, whose differences and weights would overflow near the float range.
_SAFE_SIZE = 2.0**990


def within_range(objectives: np.ndarray, /) -> np.ndarray:
    """``objectives`` divided by a power of two (exactly) so that none exceeds ``2**990`` in
    size; as they are when none does. Normalization is scale-free, so no choice changes.

    Examples
    --------
    >>> within_range(np.array([[1.0, -2.0]])).tolist()
    [[1.0, -2.0]]
    >>> float(within_range(np.array([[1e308, 1.0]]))[0, 0]) <= 2.0**990
    True
    """
    finite = objectives[np.isfinite(objectives)]
    largest = float(np.max(np.abs(finite))) if finite.size else 0.0
    if largest <= _SAFE_SIZE:
        return objectives
    return np.ldexp(objectives, -int(np.ceil(np.log2(largest / _SAFE_SIZE))))


class ReferenceDirections:
    """NSGA-III's survival on the reference ``directions`` (rows on the unit simplex).

    The ranking has no crowding distance (all zeros): mating tournaments between feasible
    points are decided by dominance, else by a coin, as in NSGA-III.
    """

    name = "nsga3"

    def __init__(self, directions: np.ndarray, /):
        self.directions = directions

    def rank(self, objectives: np.ndarray, violation: np.ndarray, /, *,
             needed: int | None = None) -> Ranking:
        finite = finite_rows(objectives)
        feasible = finite & (violation == 0)
        rank = constrained_rank(objectives, violation, finite=finite, feasible=feasible,
                                needed=needed)
        return Ranking(objectives, rank, np.zeros(len(rank)), feasible, bool(feasible.all()))

    def best(self, ranking: Ranking, size: int, /, *, rng: np.random.Generator) -> np.ndarray:
        n = ranking.rank.shape[0]
        if size >= n:
            return np.arange(n)
        order = np.argsort(ranking.rank, kind="stable")
        cut = ranking.rank[order[size - 1]]  # the rank that does not fit whole
        whole = order[ranking.rank[order] < cut]
        last = (ranking.rank == cut).nonzero()[0]
        if len(whole) + len(last) == size or not ranking.feasible[last].all():
            return order[:size]  # the last rank fits whole, or is a level of violation
        feasible = ranking.feasible.nonzero()[0]  # the whole fronts and the last among them
        objectives = within_range(ranking.objectives)
        frame = normalization_frame(objectives[feasible], ranking.rank[feasible] == 0)
        rows = np.concatenate([whole, last])
        niche, distance = associate(frame.normalized(objectives[rows]), self.directions)
        counts = np.bincount(niche[: len(whole)], minlength=len(self.directions))
        picked = niche_selection(niche[len(whole):], distance[len(whole):], counts,
                                 size - len(whole), rng=rng)
        return np.concatenate([whole, last[picked]])
