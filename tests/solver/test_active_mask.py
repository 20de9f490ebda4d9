"""Conditional variables in the solver, on plain numpy problems: a problem's active(X) keeps the
variables that do not exist out of crossover, mutation and the duplicate check, and a problem
without active() is solved exactly as before."""

from __future__ import annotations

import numpy as np
import pytest

from mooc.solver import FunctionProblem, nsga2
from mooc.solver.conditional import settle
from mooc.solver.evaluated import row_hashes
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import VariationSettings, make_offspring

#: x0 = layers in 1..3; x1..x3 widths in 1..20, x4..x6 rates in [0, 1]: width i and rate i
#: exist when layers >= i.
LOWER = np.array([1, 1, 1, 1, 0, 0, 0], dtype=float)
UPPER = np.array([3, 20, 20, 20, 1, 1, 1], dtype=float)
KINDS = ("int", "int", "int", "int", "real", "real", "real")


def active(X: np.ndarray) -> np.ndarray:
    mask = np.ones(X.shape, dtype=bool)
    for i in (1, 2, 3):
        mask[:, i] = mask[:, i + 3] = X[:, 0] >= i
    return mask


def objectives(X: np.ndarray) -> np.ndarray:
    widths = np.nan_to_num(X[:, 1:4])
    rates = np.nan_to_num(X[:, 4:7])
    return np.c_[widths.sum(axis=1) + rates.sum(axis=1), -np.log1p(widths).sum(axis=1)]


def problem(**extra) -> FunctionProblem:
    return FunctionProblem(objectives, lower=LOWER, upper=UPPER, n_obj=2, kinds=KINDS, **extra)


def test_settle_blanks_what_does_not_exist_and_draws_what_newly_does():
    space = VariableSpace.of(LOWER, UPPER, KINDS)
    X = np.array([[1, 5, 6, 7, 0.1, 0.2, 0.3], [3, 5, np.nan, np.nan, 0.1, np.nan, np.nan]])
    settle(X, active, space, rng=np.random.default_rng(0))
    assert np.isnan(X[0, [2, 3, 5, 6]]).all() and X[0, 1] == 5
    assert np.isfinite(X[1]).all() and X[1, 1] == 5
    assert LOWER[2] <= X[1, 2] <= UPPER[2] and X[1, 2] == np.rint(X[1, 2])


def test_points_differing_only_where_nothing_exists_hash_alike():
    space = VariableSpace.of(LOWER, UPPER, KINDS)
    X = np.array([[1, 5, 6, 7, 0.1, 0.2, 0.3], [1, 5, 9, 2, 0.1, 0.9, 0.8]])
    settle(X, active, space, rng=np.random.default_rng(0))
    hashes = row_hashes(X)
    assert hashes[0] == hashes[1]


def test_crossover_and_mutation_leave_what_does_not_exist_alone():
    space = VariableSpace.of(LOWER, UPPER, KINDS)
    first = np.tile([1, 5, np.nan, np.nan, 0.5, np.nan, np.nan], (50, 1))
    second = np.tile([1, 9, np.nan, np.nan, 0.2, np.nan, np.nan], (50, 1))
    with np.errstate(all="raise"):
        children = make_offspring(first, second, space=space,
                                  settings=VariationSettings(mutation_prob=1.0),
                                  rng=np.random.default_rng(1))
    assert np.isnan(children[:, [2, 3, 5, 6]]).all()
    assert np.isfinite(children[:, [0, 1, 4]]).all()


def test_the_front_has_no_two_points_alike_in_what_exists():
    result = nsga2(problem(active=active), population=24, generations=30, seed=3)
    X = result.X
    assert np.array_equal(np.isnan(X), ~active(np.nan_to_num(X, nan=1.0)))
    assert len({tuple(np.where(np.isnan(x), -1.0, x)) for x in X}) == len(X)
    assert len({tuple(f) for f in result.F}) == len(X)  # here distinct points, distinct values


def test_initial_points_may_leave_blank_what_does_not_exist():
    initial = [[1, 3, np.nan, np.nan, 0.5, np.nan, np.nan], [2, 3, 4, 99, 0.5, 0.5, 0.5]]
    result = nsga2(problem(active=active), population=10, generations=1, seed=1, initial=initial)
    first = result.history[0]
    assert first.evaluations == 10


@pytest.mark.parametrize("seed", [1, 2])
def test_a_problem_whose_variables_always_exist_runs_as_without_active(seed):
    plain = nsga2(problem(), population=20, generations=15, seed=seed)
    everything = nsga2(problem(active=lambda X: np.ones(X.shape, dtype=bool)), population=20,
                       generations=15, seed=seed)
    np.testing.assert_array_equal(plain.X, everything.X)
    np.testing.assert_array_equal(plain.F, everything.F)


def test_active_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="'active' must return an array of shape"):
        nsga2(problem(active=lambda X: np.ones(3, dtype=bool)), population=4, generations=1,
              seed=1)
