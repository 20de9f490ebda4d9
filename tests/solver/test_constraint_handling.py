"""Hard and soft constraints in every constraint-handling mode."""

import numpy as np
import pytest
from solver_testproblems import binh_korn_problem, binh_korn_violations, infeasible_problem

from mooc.solver import CONSTRAINT_MODES, FunctionProblem, nsga2
from mooc.solver.constraints import ConstraintHandling, default_epsilon, epsilon_level

STEERING_MODES = [mode for mode in CONSTRAINT_MODES if mode != "ignore"]


def half_line(X):
    """Front f2 = 1 - f1 on x0 in [0, 1]; the hard constraint x0 >= 0.5 cuts half of it away."""
    F = np.stack([X[:, 0], 1 - X[:, 0] + X[:, 1]], axis=1)
    return F, np.maximum(0.5 - X[:, 0], 0.0)[:, None]


def half_line_problem():
    return FunctionProblem(half_line, lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2, n_hard=1)


@pytest.mark.parametrize("mode", STEERING_MODES)
def test_binh_korn_front_satisfies_the_constraints(mode):
    result = nsga2(binh_korn_problem(), population=60, generations=60, constraints=mode, seed=0)
    assert result.feasible_found and result.feasible.all()
    assert (binh_korn_violations(result.X) == 0).all()
    assert (result.hard == 0).all()
    assert len(result.F) >= 60
    assert result.F[:, 0].max() > 100  # the front reaches across, not just one end


@pytest.mark.parametrize("mode", STEERING_MODES)
def test_front_leaves_out_the_infeasible_half(mode):
    result = nsga2(half_line_problem(), population=30, generations=30, constraints=mode, seed=1)
    # Below 0.5 a point pays 10 * (0.5 - x) in both objectives, so it is dominated by any point
    # found within 9 times that distance above 0.5: only points a hair under 0.5 can remain.
    assert (result.X[:, 0] >= 0.49).all()
    assert np.mean(result.X[:, 0] >= 0.5) > 0.9
    assert result.X[:, 0].min() < 0.51


def test_ignored_constraints_do_not_steer_but_are_reported():
    result = nsga2(half_line_problem(), population=30, generations=30, constraints="ignore",
                   seed=1)
    assert result.X[:, 0].min() < 0.1
    assert np.array_equal(result.feasible, result.X[:, 0] >= 0.5)
    assert np.allclose(result.hard[:, 0], np.maximum(0.5 - result.X[:, 0], 0))
    assert "constraints ignored" in result.message and "of them feasible" in result.message


@pytest.mark.parametrize("mode", STEERING_MODES)
def test_infeasible_problem_returns_least_violating_points(mode):
    result = nsga2(infeasible_problem(), population=30, generations=40, constraints=mode, seed=0)
    assert not result.feasible_found
    assert len(result.F) >= 1 and not result.feasible.any()
    assert "least-violating" in result.message
    population_violation = result.population.hard[:, 0]
    assert np.allclose(result.hard[:, 0], population_violation.min())
    assert result.hard[:, 0].max() < 1.05  # the least possible violation is 1, at (1, 1)


def test_no_feasible_point_is_reported_per_generation():
    result = nsga2(infeasible_problem(), population=10, generations=3, seed=0)
    assert all(stats.front_size == 0 and stats.hypervolume is None for stats in result.history)
    assert all(stats.min_violation >= 1 for stats in result.history)


def test_soft_constraints_never_make_points_infeasible_but_steer():
    def function(X):
        F = np.stack([X[:, 0], 1 - X[:, 0]], axis=1)
        soft = np.stack([np.maximum(0.5 - X[:, 0], 0), np.full(len(X), 0.25)], axis=1)
        return F, np.zeros((len(X), 0)), soft

    problem = FunctionProblem(function, lower=[0.0], upper=[1.0], n_obj=2, n_soft=2,
                              soft_weights=np.array([10.0, 1.0]))
    result = nsga2(problem, population=20, generations=20, seed=0)
    assert result.feasible_found and result.feasible.all()
    # Below 0.5 a point pays 10 * (0.5 - x) in both objectives, so it is dominated by any point
    # found within 9 times that distance above 0.5: only points a hair under 0.5 can remain.
    assert (result.X[:, 0] >= 0.49).all()
    assert np.mean(result.X[:, 0] >= 0.5) > 0.9
    assert np.allclose(result.soft[:, 1], 0.25)
    assert np.array_equal(result.F, np.stack([result.X[:, 0], 1 - result.X[:, 0]], axis=1))


def test_violations_are_normalized_per_constraint():
    handling = ConstraintHandling("feasibility", np.zeros(0))
    handling.observe(np.array([[1e6, 0.0], [0.0, 1e-3], [5e5, 5e-4]]))
    total = handling.total_violation(np.array([[1e6, 0.0], [0.0, 1e-3], [0.0, 0.0]]))
    assert total.tolist() == [1.0, 1.0, 0.0]
    handling.observe(np.array([[2e6, np.inf]]))  # the largest finite violation sets the scale
    assert handling.total_violation(np.array([[1e6, 1e-3]])).tolist() == [1.5]
    assert handling.total_violation(np.array([[0.0, np.inf]])).tolist() == [np.inf]


def test_penalty_mode_adds_the_normalized_violation_to_every_objective():
    handling = ConstraintHandling("penalty", np.zeros(0), penalty=100.0)
    hard = np.array([[2.0], [0.0], [4.0]])
    handling.observe(hard)
    objectives, violation = handling.search_terms(np.ones((3, 2)), hard, np.zeros((3, 0)),
                                                  used=0.0)
    assert objectives.tolist() == [[51.0, 51.0], [1.0, 1.0], [101.0, 101.0]]
    assert not violation.any()


def test_epsilon_mode_counts_small_violations_as_feasible_until_late():
    handling = ConstraintHandling("epsilon", np.zeros(0))
    hard = np.linspace(0, 1, 11)[:, None]
    handling.observe(hard)
    assert handling.epsilon == pytest.approx(0.2)
    _, early = handling.search_terms(np.zeros((11, 1)), hard, np.zeros((11, 0)), used=0.0)
    _, late = handling.search_terms(np.zeros((11, 1)), hard, np.zeros((11, 0)), used=0.8)
    assert (early[:3] == 0).all() and (early[3:] > 0).all()
    assert np.array_equal(late, hard[:, 0])


def test_epsilon_schedule_shrinks_to_zero_at_80_percent():
    levels = [epsilon_level(2.0, used) for used in np.linspace(0, 1, 11)]
    assert levels[0] == 2.0 and all(a > b for a, b in zip(levels[:8], levels[1:9], strict=True))
    assert levels[8:] == [0.0, 0.0, 0.0]
    assert default_epsilon(np.array([np.inf, 3.0, 1.0, 2.0, 0.0, 4.0])) == 1.0


def test_user_epsilon_is_kept():
    handling = ConstraintHandling("epsilon", np.zeros(0), epsilon=0.7)
    handling.observe(np.ones((5, 1)))
    assert handling.epsilon == 0.7


def test_nan_violation_is_worst():
    def function(X):
        hard = np.where(X[:, :1] > 0.5, np.nan, 0.0)
        return np.stack([X[:, 0], 1 - X[:, 0]], axis=1), hard

    problem = FunctionProblem(function, lower=[0.0], upper=[1.0], n_obj=2, n_hard=1)
    result = nsga2(problem, population=20, generations=10, seed=0)
    assert (result.X[:, 0] <= 0.5).all() and result.feasible.all()
    assert np.isinf(result.population.hard).sum() < 20


@pytest.mark.parametrize("mode", STEERING_MODES)
def test_minus_infinite_violation_is_worst_not_satisfied(mode):
    # a residual such as log(x) - 1 is -inf at x = 0, where it is undefined: never feasible
    def function(X):
        F, hard = half_line(X)
        return F, np.where(X[:, :1] > 0.7, -np.inf, hard)

    problem = FunctionProblem(function, lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2, n_hard=1)
    result = nsga2(problem, population=20, generations=10, seed=0, constraints=mode)
    assert result.feasible_found and result.feasible.all()
    assert ((result.X[:, 0] >= 0.5) & (result.X[:, 0] <= 0.7)).all()
    assert np.isinf(result.population.hard[result.population.X[:, 0] > 0.7]).all()


@pytest.mark.parametrize(("setting", "value"), [("penalty", np.inf), ("penalty", -1.0),
                                                ("epsilon", -1.0), ("epsilon", np.nan)])
def test_penalty_and_epsilon_out_of_range_are_refused(setting, value):
    # an infinite penalty made every feasible point's objectives 0 * inf = NaN: none reported
    with pytest.raises(ValueError, match=f"'{setting}' must be in"):
        nsga2(half_line_problem(), population=10, generations=2, seed=0,
              constraints="penalty" if setting == "penalty" else "epsilon", **{setting: value})


def test_soft_constraint_undefined_everywhere_is_said_and_front_is_non_dominated():
    # every point satisfies the (absent) hard constraints but its soft violation is NaN: the
    # front must not claim no feasible point was found, nor hold dominated points
    import moocore

    def function(X):
        return np.stack([X[:, 0], 1 - X[:, 0] + X[:, 1]], axis=1), np.zeros((len(X), 0)), \
            np.full((len(X), 1), np.nan)

    problem = FunctionProblem(function, lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2, n_soft=1)
    result = nsga2(problem, population=20, generations=5, seed=0)
    assert result.feasible_found and result.feasible.all()
    assert "no feasible point" not in result.message
    assert "undefined (NaN or infinite) soft constraint" in result.message
    assert moocore.is_nondominated(result.F).all()


def soft_undefined_where_feasible(X):
    """Feasible for x0 >= 0.75 + x1 / 4, where the soft constraint's sqrt(0.6 - x0) is
    undefined; defined (and broken by little) only where the hard constraint is broken."""
    F = np.stack([X[:, 0], 1 - X[:, 0] + X[:, 1]], axis=1)
    hard = np.maximum(0.75 + X[:, 1] / 4 - X[:, 0], 0.0)[:, None]
    with np.errstate(invalid="ignore"):
        soft = np.maximum(0.5 - np.sqrt(0.6 - X[:, 0]), 0.0)[:, None]
    return F, hard, soft


@pytest.mark.parametrize("mode", ["feasibility", "epsilon"])
def test_feasible_points_with_an_undefined_soft_constraint_beat_infeasible_ones(mode):
    # a soft constraint never makes a point infeasible: where every feasible point's soft
    # violation is undefined, the search ranked them below every infeasible point and the front
    # held infeasible points only
    problem = FunctionProblem(soft_undefined_where_feasible, lower=[0.0, 0.0],
                              upper=[1.0, 1.0], n_obj=2, n_hard=1, n_soft=1)
    result = nsga2(problem, population=30, generations=30, seed=2, constraints=mode)
    assert result.feasible_found
    assert result.feasible.all() and (result.hard == 0).all()
    assert np.isinf(result.soft).all()
    assert "judged by their objectives alone" in result.message
    import moocore
    assert moocore.is_nondominated(result.F).all()
    # ranked by Pareto fronts among themselves: they converge onto x1 = 0
    assert np.median(result.X[:, 1]) < 0.05


def test_undefined_soft_penalty_ranks_after_the_feasible_and_before_the_infeasible():
    handling = ConstraintHandling("feasibility", np.ones(1))
    F = np.array([[1.0, 1.0], [0.0, 3.0], [0.5, 0.5], [2.0, 2.0], [0.0, 0.0]])
    hard = np.array([[0.0], [0.0], [0.0], [0.0], [0.1]])
    soft = np.array([[0.0], [np.inf], [np.nan], [np.inf], [0.0]])
    handling.observe(hard)
    objectives, violation = handling.search_terms(F, hard, soft, used=0.0)
    assert np.array_equal(objectives[1:4], F[1:4])  # their objectives without the penalty
    from mooc.solver.selection import Ranking
    rank = Ranking.of(objectives, violation).rank
    # the feasible point first; the undefined ones by Pareto fronts (the third dominates the
    # fourth); the infeasible point last
    assert rank.tolist() == [0, 1, 1, 2, 3]
