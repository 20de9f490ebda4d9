"""The least a numpy NSGA-II generation can do: a floor for mooc's time at small populations.

One generation here is a binary tournament on (rank, crowding), mooc's own vectorized SBX and
polynomial mutation, the numpy objective function, moocore's ranking of parents and children,
crowding distance and a lexsort survival, and nothing else: no archive of every non-dominated
point found, no check for points evaluated before, no per-generation hypervolume or stall rule,
no constraints, no checkpoints, no progress. ``benchmarks/solver_vs_peers.py`` times it next to
mooc and pygmo, so the share of mooc's time its bookkeeping takes, and the gap that is left to
pygmo's compiled loop in pure numpy, are measured rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable

import moocore
import numpy as np

from mooc.solver.sorting import crowding_distance
from mooc.solver.variation import polynomial_mutation, simulated_binary_crossover


def bare_nsga2(objectives: Callable[[np.ndarray], np.ndarray], n_var: int, *, population: int,
               generations: int, seed: int) -> np.ndarray:
    """The final population's objectives after ``generations`` generations on the unit box."""
    rng = np.random.default_rng(seed)
    lower, upper = np.zeros(n_var), np.ones(n_var)
    X = rng.random((population, n_var))
    F = objectives(X)
    rank = moocore.pareto_rank(F)
    crowding = crowding_distance(F, rank, fronts=True)
    half = population // 2
    for _ in range(generations):
        a, b = rng.integers(0, population, (2, population))
        wins = (rank[a] < rank[b]) | ((rank[a] == rank[b]) & (crowding[a] > crowding[b]))
        parents = np.where(wins, a, b)
        crosses = rng.random(half) < 0.9
        children = simulated_binary_crossover(X[parents[:half]], X[parents[half:]], lower, upper,
                                              crosses, eta=15.0, rng=rng)
        polynomial_mutation(children, lower, upper, eta=20.0, prob=1.0 / n_var, rng=rng)
        both_X = np.concatenate([X, children])
        both_F = np.concatenate([F, objectives(children)])
        both_rank = moocore.pareto_rank(both_F)
        both_crowding = crowding_distance(both_F, both_rank, fronts=True)
        kept = np.lexsort((-both_crowding, both_rank))[:population]
        X, F, rank = both_X[kept], both_F[kept], both_rank[kept]
        crowding = crowding_distance(F, rank, fronts=True)
    return F
