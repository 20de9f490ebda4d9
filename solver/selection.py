"""Selection in NSGA-II: survival by constrained rank and crowding distance, mating by Deb's
crowded binary tournament."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver import kernel
from mooc.solver.rowwise import any_in_row, finite_rows
from mooc.solver.sorting import (
    constrained_rank,
    crowding_distance,
    finite_pareto_rank,
    front_crowding,
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
        only as far as choosing the ``needed`` best rows (:meth:`best`) asks: the feasible
        rows are ranked in their first fronts holding that many (the others share the rank
        after them; see :func:`~.sorting.leading_ranks`) and, when every row is feasible,
        crowding is measured in those fronts only (0 elsewhere)."""
        finite = finite_rows(objectives)
        feasible = finite & (violation == 0)
        all_feasible = bool(feasible.all())
        if all_feasible and needed is not None and objectives.shape[1] == 2 \
                and kernel.compiled() is not None:
            rank, crowding = kernel.fronts(objectives, needed)
            return cls(objectives, rank, crowding, feasible, all_feasible)
        if all_feasible:
            rank = finite_pareto_rank(objectives) if needed is None else \
                leading_ranks(objectives, needed)
        else:
            rank = constrained_rank(objectives, violation, finite=finite, feasible=feasible,
                                    needed=needed)
        # with every row feasible the ranks are Pareto fronts
        if all_feasible and needed is not None and rank.shape[0]:
            crowding = _needed_crowding(objectives, rank, needed)
        else:
            crowding = crowding_distance(objectives, rank, finite=finite, fronts=all_feasible)
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


def _needed_crowding(objectives: np.ndarray, rank: np.ndarray, needed: int) -> np.ndarray:
    """Crowding distance of the rows in the first fronts that hold ``needed`` rows (all
    finite and feasible, ranked by Pareto fronts); 0 for the others, which survival never
    reaches."""
    counts = np.bincount(rank)
    cut = int(counts.cumsum().searchsorted(min(needed, rank.shape[0])))
    if cut == counts.shape[0] - 1:  # every front may count
        return crowding_distance(objectives, rank, fronts=True)
    crowding = np.zeros(rank.shape[0])
    if cut == 0 and objectives.shape[1] == 2:  # the usual case once the search has converged
        front = rank == 0
        crowding[front] = front_crowding(objectives.compress(front, axis=0))
        return crowding
    measured = rank <= cut
    crowding[measured] = crowding_distance(objectives.compress(measured, axis=0),
                                           rank.compress(measured), fronts=True)
    return crowding


def _decided(ranking: Ranking, pairs: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the pairs whose first member wins before crowding is looked at, and of the
    pairs that crowding decides."""
    objectives = ranking.objectives
    first, second = objectives.take(pairs[:, 0], axis=0), objectives.take(pairs[:, 1], axis=0)
    # Compared, not subtracted: a difference of finite values may overflow, and rows with
    # NaN or infinity (decided by rank below) make NaN.
    better, worse = any_in_row(first < second), any_in_row(first > second)
    # the first dominates (no objective worse, one better) or neither dominates
    first_better, undecided = better > worse, better == worse
    if not ranking.all_feasible:
        feasible = ranking.feasible.take(pairs)
        by_rank = ~(feasible[:, 0] & feasible[:, 1])
        rank = ranking.rank[pairs[by_rank]]
        first_better[by_rank] = rank[:, 0] < rank[:, 1]
        undecided[by_rank] = rank[:, 0] == rank[:, 1]
    return first_better, undecided


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
    if kernel.compiled() is not None:
        return kernel.tournament(pairs, ranking.objectives, ranking.crowding, ranking.rank,
                                 ranking.feasible, ranking.all_feasible, rng.random(n_winners))
    first_better, undecided = _decided(ranking, pairs)
    crowding = ranking.crowding.take(pairs)
    first_wins = first_better | (undecided & (crowding[:, 0] > crowding[:, 1]))
    first_wins |= undecided & (crowding[:, 0] == crowding[:, 1]) & (rng.random(n_winners) < 0.5)
    return np.where(first_wins, pairs[:, 0], pairs[:, 1])
