"""Selection in NSGA-II: survival by constrained rank and crowding distance, mating by Deb's
crowded binary tournament."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.rowwise import any_in_row, finite_rows
from mooc.solver.sorting import (
    constrained_rank,
    crowding_distance,
    finite_pareto_rank,
    leading_ranks,
)


@dataclass  # not frozen, as Population
class Ranking:
    """What selection knows of each row: search objectives, constrained rank, crowding
    distance within the rank, and whether the row is feasible with finite objectives (and
    ``all_feasible`` if every row of the ranked population was)."""

    objectives: np.ndarray
    rank: np.ndarray
    crowding: np.ndarray
    feasible: np.ndarray
    all_feasible: bool

    @classmethod
    def of(cls, objectives: np.ndarray, violation: np.ndarray, /, *,
           needed: int | None = None) -> Ranking:
        """Rank rows by constrained domination and measure their crowding. With ``needed``,
        only as far as choosing the ``needed`` best rows asks (:meth:`best`): the feasible
        rows are ranked in their first fronts holding that many (the others share the rank
        after them; see :func:`~.sorting.leading_ranks`), whose crowding alone is measured
        when they are all there is to choose from."""
        finite = finite_rows(objectives)
        feasible = finite & (violation == 0)
        all_feasible = bool(feasible.all())
        if all_feasible:
            rank = finite_pareto_rank(objectives) if needed is None else \
                leading_ranks(objectives, needed)
        else:
            rank = constrained_rank(objectives, violation, finite=finite, feasible=feasible,
                                    needed=needed)
        # with every row feasible the ranks are Pareto fronts
        measured = None
        if all_feasible and needed is not None and objectives.shape[1] > 2:
            measured = rank < rank.max()  # the last rank holds the rows left unranked
            if np.count_nonzero(measured) < min(needed, rank.shape[0]):
                measured = None  # every front was ranked: all of them count
        if measured is None:
            crowding = crowding_distance(objectives, rank, finite=finite, fronts=all_feasible)
        else:
            crowding = np.zeros(rank.shape[0])
            crowding[measured] = crowding_distance(objectives[measured], rank[measured],
                                                   fronts=True)
        return cls(objectives, rank, crowding, feasible, all_feasible)

    def take(self, rows: np.ndarray, /) -> Ranking:
        return Ranking(self.objectives.take(rows, axis=0), self.rank.take(rows),
                       self.crowding.take(rows), self.feasible.take(rows), self.all_feasible)

    def best(self, size: int, /) -> np.ndarray:
        """Indices of the ``size`` best rows: whole fronts in order of rank, the last front cut
        by crowding distance (largest first).

        Examples
        --------
        >>> F = np.array([[1.0, 1.0], [0.0, 2.0], [2.0, 0.0], [1.5, 1.5]])
        >>> Ranking.of(F, np.zeros(4)).best(3).tolist()
        [1, 2, 0]
        """
        return np.lexsort((-self.crowding, self.rank))[:size]


def _decided(ranking: Ranking, pairs: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the pairs whose first, or second, member wins before crowding is looked at."""
    objectives = ranking.objectives
    first, second = objectives.take(pairs[:, 0], axis=0), objectives.take(pairs[:, 1], axis=0)
    # Compared, not subtracted: a difference of finite values may overflow, and rows with
    # NaN or infinity (decided by rank below) make NaN.
    better, worse = any_in_row(first < second), any_in_row(first > second)
    # the first dominates: no objective worse, one better
    first_better = better & ~worse
    second_better = worse & ~better
    if not ranking.all_feasible:
        feasible = ranking.feasible.take(pairs)
        by_rank = ~(feasible[:, 0] & feasible[:, 1])
        rank = ranking.rank[pairs[by_rank]]
        first_better[by_rank] = rank[:, 0] < rank[:, 1]
        second_better[by_rank] = rank[:, 1] < rank[:, 0]
    return first_better, second_better


def binary_tournament(ranking: Ranking, n_winners: int, /, *,
                      rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n_winners`` winners of Deb's crowded tournament.

    Contestants are paired off from consecutive random permutations, so each row competes
    about equally often. Between two feasible rows, one dominating the other wins, else the one
    with the larger crowding distance; otherwise the lower constrained rank wins (feasible over
    infeasible, less violation over more), then the larger crowding distance. Exact ties are
    decided by a coin. (Comparing feasible rows by dominance rather than by rank, as Deb's
    reference code does, keeps more diversity: fronts far apart still compete on crowding.)
    """
    n = ranking.rank.shape[0]
    n_permutations = -(-2 * n_winners // n)
    order = rng.random((n_permutations, n)).argsort(axis=1)
    pairs = order.reshape(-1)[: 2 * n_winners].reshape(n_winners, 2)
    first_better, second_better = _decided(ranking, pairs)
    undecided = ~(first_better | second_better)
    crowding = ranking.crowding.take(pairs)
    first_wins = first_better | (undecided & (crowding[:, 0] > crowding[:, 1]))
    first_wins |= undecided & (crowding[:, 0] == crowding[:, 1]) & (rng.random(n_winners) < 0.5)
    return np.where(first_wins, pairs[:, 0], pairs[:, 1])
