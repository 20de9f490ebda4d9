"""NSGA-III: directions and population, survival, the options it shares with NSGA-II, and
quality at five objectives."""

import moocore
import numpy as np
import pytest
from solver_testproblems import (
    MIXED_KINDS,
    MIXED_LOWER,
    MIXED_UPPER,
    c2_dtlz2_problem,
    dtlz2_exact_hypervolume,
    dtlz2_many_problem,
    in_mixed_domain,
    mixed,
)

from mooc.solver import FunctionProblem, nsga2, nsga3
from mooc.solver.reference_directions import reference_directions
from mooc.solver.selection import Ranking
from mooc.solver.survival import ReferenceDirections


def _settings_of(**options):
    states = []
    result = nsga3(dtlz2_many_problem(3), generations=1, seed=0,
                   checkpoint=lambda state, final: states.append(state), **options)
    return len(result.population), states[-1].settings["directions"].split()[0]


def test_directions_follow_the_population_and_the_population_follows_directions():
    assert _settings_of() == (100, "100")
    assert _settings_of(population=60) == (60, "60")
    assert _settings_of(directions=91) == (91, "91")
    assert _settings_of(directions=91, population=120) == (120, "91")
    assert _settings_of(directions=np.eye(3)) == (3, "3")
    assert _settings_of(directions=np.eye(3), population=12) == (12, "3")


@pytest.mark.parametrize(("directions", "message"), [
    (np.ones((4, 2)), "rows of 3 numbers"),
    (-np.eye(3), "non-negative"),
    (np.zeros((2, 3)), "positive entry"),
    (2, "at least 3 for 3 objectives"),
    (True, "a whole number or an array"),
    (2.5, "a whole number or an array"),
    (10**9, "at most 10,000,000"),  # refused before a lattice of a billion rows is built
])
def test_bad_directions_are_refused(directions, message):
    with pytest.raises(ValueError, match=message):
        nsga3(dtlz2_many_problem(3), directions=directions, generations=1)


def _ranked(F):
    return ReferenceDirections(reference_directions(F.shape[1], 10)).rank(F, np.zeros(len(F)))


def test_survival_keeps_the_extreme_points():
    rng = np.random.default_rng(1)
    inside = rng.dirichlet(np.ones(3), 47)  # on the plane x + y + z = 1
    F = np.concatenate([np.eye(3), inside, inside + 0.3])  # and 47 dominated points
    survival = ReferenceDirections(reference_directions(3, 10))
    for seed in range(10):
        kept = survival.best(_ranked(F), 10, rng=np.random.default_rng(seed))
        assert len(set(kept.tolist())) == 10 and {0, 1, 2} <= set(kept.tolist())
        assert (kept < 50).all()  # the whole first front is offered before any dominated point


def test_survival_does_not_depend_on_the_scale_of_the_objectives():
    """With the extreme points on the axes (the achievement function picks them whatever the
    scale), the normalized objectives, so the survivors, are the same."""
    rng = np.random.default_rng(2)
    front = np.concatenate([np.eye(3), rng.dirichlet(np.ones(3), 60) ** 0.7])
    F = np.concatenate([front, rng.random((40, 3)) + 1.0])
    scaled = F * np.array([1.0, 8.0, 0.25])  # powers of two: exact
    survival = ReferenceDirections(reference_directions(3, 15))
    for seed in range(5):
        a = survival.best(_ranked(F), 15, rng=np.random.default_rng(seed))
        b = survival.best(_ranked(scaled), 15, rng=np.random.default_rng(seed))
        np.testing.assert_array_equal(a, b)


def test_infeasible_points_survive_by_violation_after_the_feasible_ones():
    F = np.random.default_rng(3).random((12, 3))
    violation = np.r_[np.zeros(4), np.arange(1.0, 9.0)]
    survival = ReferenceDirections(reference_directions(3, 6))
    ranking = survival.rank(F, violation)
    kept = survival.best(ranking, 7, rng=np.random.default_rng(0))
    assert sorted(kept.tolist()) == [0, 1, 2, 3, 4, 5, 6]
    assert isinstance(ranking, Ranking) and (ranking.crowding == 0).all()


def _share(F, n_obj):
    F = F[(F < 1.1).all(axis=1)]
    return moocore.hypervolume(F, ref=np.full(n_obj, 1.1)) / dtlz2_exact_hypervolume(n_obj)


def test_five_objectives_population_covers_the_front_where_nsga2_does_not():
    problem = dtlz2_many_problem(5)
    three = nsga3(problem, population=100, generations=100, seed=1)
    two = nsga2(problem, population=100, generations=100, seed=1)
    assert three.method == "nsga3" and two.method == "nsga2"
    ours = _share(moocore.filter_dominated(three.population.F), 5)
    theirs = _share(moocore.filter_dominated(two.population.F), 5)
    assert ours > 0.8 and ours > theirs + 0.2  # measured 0.86 and 0.46


@pytest.mark.parametrize(("n_obj", "evaluations", "share"), [(3, 25_000, 0.98), (5, 30_000, 0.93)])
def test_reported_front_reaches_the_share_of_the_exact_hypervolume(n_obj, evaluations, share):
    """DTLZ2 with the default settings: measured 0.982 (3 objectives) and 0.954 (5)."""
    result = nsga3(dtlz2_many_problem(n_obj), max_evaluations=evaluations, seed=1)
    assert _share(result.F, n_obj) >= share


@pytest.mark.parametrize("constraints", ["feasibility", "penalty", "epsilon", "ignore"])
def test_every_constraint_mode_finds_feasible_points_on_c2_dtlz2(constraints):
    result = nsga3(c2_dtlz2_problem(3), population=60, generations=60, seed=2,
                   constraints=constraints)
    assert result.feasible_found and len(result.F) > 10
    if constraints != "ignore":
        assert result.feasible.all()
        assert moocore.is_nondominated(result.F).all()


def test_soft_constraints_and_mixed_variables():
    def function(X):
        F = mixed(X)
        F3 = (X[:, 0] + 1) ** 2 + X[:, 5]
        soft = np.maximum(X[:, 0], 0.0)[:, None]  # prefer x <= 0
        return np.c_[F, F3], np.zeros((len(X), 0)), soft

    problem = FunctionProblem(function, lower=MIXED_LOWER, upper=MIXED_UPPER, n_obj=3, n_soft=1,
                              soft_weights=np.array([100.0]), kinds=MIXED_KINDS)
    result = nsga3(problem, population=40, generations=40, seed=3)
    assert in_mixed_domain(result.X) and in_mixed_domain(result.population.X)
    assert (result.X[:, 0] <= 0.05).mean() > 0.9  # the soft penalty steers


def test_a_callback_stops_the_run():
    seen = []
    result = nsga3(dtlz2_many_problem(4), generations=50, seed=0,
                   callback=lambda stats: seen.append(stats.generation) or len(seen) < 3)
    assert result.stop_reason == "callback" and seen == [0, 1, 2]


def test_a_single_objective_runs_too():
    problem = FunctionProblem(lambda X: (X[:, :1] - 0.3) ** 2, lower=[0.0], upper=[1.0], n_obj=1)
    result = nsga3(problem, population=10, generations=30, seed=0)
    assert abs(result.X[0, 0] - 0.3) < 1e-3
