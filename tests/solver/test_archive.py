"""The front archive: a non-dominated filter of every offer, whose pending offers stay small
for problems with many variables."""

from __future__ import annotations

import numpy as np
import pytest
from solver_testproblems import dtlz2_many_problem

from mooc.solver import archive as archive_module
from mooc.solver import nsga2, nsga3
from mooc.solver.archive import FrontArchive
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.population import Population
from mooc.solver.sorting import nondominated


def _offers(rng, n_var, batches=12, size=40):
    for _ in range(batches):
        X = rng.random((size, n_var))
        F = np.c_[X[:, 0], 1 - np.sqrt(X[:, 0]) + rng.random(size)]
        yield Population(X, F, np.zeros((size, 0)), np.zeros((size, 0)))


@pytest.mark.parametrize("n_var", [3, 30_000])
def test_the_archive_is_the_non_dominated_set_of_all_offers(n_var):
    rng = np.random.default_rng(n_var)
    archive = FrontArchive(ConstraintHandling("feasibility", np.ones(0)), limit=10_000)
    largest_pending = 0
    offered = []
    for points in _offers(rng, n_var):
        archive.offer(points)
        offered.append(points)
        largest_pending = max(largest_pending, archive.pending_rows * n_var)
    members, objectives = archive.front()
    everything = offered[0].join_all(offered[1:])
    expected = nondominated(everything.F)
    np.testing.assert_array_equal(members.X, everything.X[expected])
    np.testing.assert_array_equal(objectives, everything.F[expected])
    # with many variables the offers are merged before their values pass the bound
    assert largest_pending <= archive_module.PENDING_VALUES
    if n_var > 1000:  # not all twelve batches waited for one merge
        assert largest_pending < 12 * 40 * n_var


def test_a_point_thinned_away_keeps_the_points_it_dominates_off_the_front():
    # room for three: (0.6, 0.1) is thinned away with the second batch; (0.7, 0.1), which it
    # dominates, must not take its place when (0, 0.2) makes room with the third
    archive = FrontArchive(ConstraintHandling("feasibility", np.ones(0)), limit=3)
    for F in ([[0.2, 0.3], [0.1, 0.4], [0.8, 0.0]], [[0.4, 0.9], [0.8, 0.9], [0.6, 0.1]],
              [[0.7, 0.1], [0.6, 0.8], [0.0, 0.2]]):
        F = np.array(F)
        archive.offer(Population(F.copy(), F, np.zeros((len(F), 0)), np.zeros((len(F), 0))))
        archive.front()  # merged now (and thinned)
    assert archive.front()[1].tolist() == [[0.8, 0.0], [0.0, 0.2]]


@pytest.mark.parametrize(("n_obj", "max_front"), [(2, 5), (4, 30), (4, 200)])
def test_no_point_of_a_thinned_front_is_dominated_by_a_point_evaluated(n_obj, max_front):
    seen = []
    method = nsga3 if n_obj > 2 else nsga2
    result = method(dtlz2_many_problem(n_obj), population=50, generations=60, seed=3,
                    max_front=max_front, on_evaluated=lambda points, _: seen.append(points.F))
    evaluated = np.concatenate(seen)
    assert len(result.F) == max_front
    for point in result.F:
        assert not np.any(np.all(evaluated <= point, axis=1) & np.any(evaluated < point, axis=1))


def test_points_a_rounding_apart_are_one_point_of_the_front():
    """Objectives that take five values (a step function of x0), plus 1e-13 of x1 (an
    equality's tolerance band, or a variable that barely matters): the front is those five
    trade-offs, not max_front copies of them a rounding apart."""
    from mooc.solver import FunctionProblem

    def steps(X):
        level = np.floor(4 * X[:, 0]) / 4
        return np.stack([level + 1e-13 * X[:, 1], 1 - level - 1e-13 * X[:, 1]], axis=1)

    problem = FunctionProblem(steps, lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2)
    result = nsga2(problem, population=40, generations=30, seed=3)
    assert 4 <= len(result.F) <= 10
    assert np.ptp(np.round(result.F[:, 0], 9)) > 0.7  # both ends are kept
    assert len(np.unique(np.round(result.F, 9), axis=0)) >= len(result.F) - 5


def test_distinct_rows_keeps_the_first_of_each_group_and_the_front_intact():
    F = np.array([[0.0, 1.0], [0.5, 0.5 + 1e-12], [1.0, 0.0], [0.5 + 1e-12, 0.5], [0.25, 0.75]])
    assert archive_module.distinct_rows(F).tolist() == [0, 1, 2, 4]
    spread = np.random.default_rng(0).random((500, 3))
    assert archive_module.distinct_rows(spread).tolist() == list(range(500))
