"""What a run promises besides quality: domains, determinism, budgets, results."""

import time

import numpy as np
import pytest
from solver_testproblems import (
    MIXED_KINDS,
    MIXED_LOWER,
    MIXED_UPPER,
    in_mixed_domain,
    mixed,
    zdt1,
    zdt_problem,
)

from mooc.solver import FunctionProblem, GenerationStats, SolverResult, nsga2
from mooc.solver.nsga2 import STOPPED_BY


class Recorder:
    """Wraps an objective function and keeps every batch it is asked to evaluate."""

    def __init__(self, function):
        self.function = function
        self.batches = []

    def __call__(self, X):
        self.batches.append(X.copy())
        return self.function(X)

    @property
    def rows(self):
        return np.concatenate(self.batches)


def mixed_problem(recorder=None):
    return FunctionProblem(recorder or mixed, lower=MIXED_LOWER, upper=MIXED_UPPER, n_obj=2,
                           kinds=MIXED_KINDS)


def test_mixed_kinds_stay_in_domain_in_every_evaluated_batch():
    recorder = Recorder(mixed)
    result = nsga2(mixed_problem(recorder), population=30, generations=30, seed=4)
    assert all(in_mixed_domain(batch) for batch in recorder.batches)
    assert in_mixed_domain(result.population.X) and in_mixed_domain(result.X)
    assert len(np.unique(recorder.rows[:, 4])) == 5  # every choice label was tried


def test_integer_variable_reaches_both_bounds_without_piling_up():
    problem = FunctionProblem(lambda X: np.c_[X[:, 0], -X[:, 0]], lower=[0.0], upper=[3.0],
                              n_obj=2, kinds=("int",))
    recorder = Recorder(problem.function)
    problem.function = recorder
    nsga2(problem, population=4, generations=3, seed=0)
    assert sorted(np.unique(recorder.rows)) == [0.0, 1.0, 2.0, 3.0]


def test_log_variable_is_searched_on_the_log_scale():
    problem = FunctionProblem(lambda X: np.c_[X[:, 0], 1 / X[:, 0]], lower=[1e-4], upper=[1e4],
                              n_obj=2, kinds=("log",))
    recorder = Recorder(problem.function)
    problem.function = recorder
    nsga2(problem, population=200, generations=0, seed=1)
    first = recorder.batches[0][:, 0]
    assert first.min() >= 1e-4 and first.max() <= 1e4
    assert 0.3 < np.mean(first < 1.0) < 0.7  # uniform in x would put 99.99% above 1


def test_a_log_variable_beside_others_is_bred_and_converges():
    """A regression: with a log column the continuous columns were never varied, so the run
    ran out of new points after the first generation."""
    def function(X):
        scale = np.log10(X[:, 0])
        return np.c_[scale**2 + X[:, 1], (scale - 2) ** 2 + X[:, 1]]

    problem = FunctionProblem(function, lower=[1e-3, 0.0], upper=[1e3, 1.0], n_obj=2,
                              kinds=("log", "real"))
    result = nsga2(problem, population=40, generations=60, seed=5)
    assert result.stop_reason == "generations" and result.n_evaluations == 40 * 61
    assert result.X[:, 0].min() < 1.5 and result.X[:, 0].max() > 70  # log10 x spans [0, 2]
    assert result.X[:, 1].max() < 0.05


def test_same_seed_gives_identical_results():
    runs = [nsga2(mixed_problem(), population=20, generations=15, seed=11) for _ in range(2)]
    assert np.array_equal(runs[0].X, runs[1].X)
    assert np.array_equal(runs[0].F, runs[1].F)
    assert np.array_equal(runs[0].population.X, runs[1].population.X)
    different = nsga2(mixed_problem(), population=20, generations=15, seed=12)
    assert not np.array_equal(runs[0].population.X, different.population.X)


def test_generator_can_be_passed_instead_of_seed():
    by_seed = nsga2(zdt_problem("zdt1", 5), population=10, generations=5, seed=7)
    by_rng = nsga2(zdt_problem("zdt1", 5), population=10, generations=5,
                   rng=np.random.default_rng(7))
    assert np.array_equal(by_seed.F, by_rng.F)
    with pytest.raises(ValueError, match="'seed' or 'rng'"):
        nsga2(zdt_problem("zdt1", 5), seed=1, rng=np.random.default_rng(1))


def test_run_without_seed_reports_the_seed_that_repeats_it():
    first = nsga2(zdt_problem("zdt1", 5), population=10, generations=5)
    again = nsga2(zdt_problem("zdt1", 5), population=10, generations=5, seed=first.seed)
    assert isinstance(first.seed, int)
    assert np.array_equal(first.F, again.F)


@pytest.mark.parametrize("problem_factory", [mixed_problem, lambda: zdt_problem("zdt1", 4)])
def test_no_point_is_evaluated_twice(problem_factory):
    problem = problem_factory()
    recorder = Recorder(problem.function)
    problem.function = recorder
    result = nsga2(problem, population=24, generations=40, seed=2)
    rows = recorder.rows
    assert len(np.unique(rows, axis=0)) == len(rows) == result.n_evaluations


def test_tiny_discrete_space_is_exhausted_without_repeats():
    problem = FunctionProblem(lambda X: np.c_[X.sum(axis=1), -X.sum(axis=1)], lower=[0, 0, 0],
                              upper=[1, 1, 2], n_obj=2, kinds=("bin", "bin", "choice"))
    recorder = Recorder(problem.function)
    problem.function = recorder
    result = nsga2(problem, population=8, max_evaluations=100, seed=0)
    assert len(np.unique(recorder.rows, axis=0)) == len(recorder.rows) == 12
    assert result.stop_reason == "exhausted"


@pytest.mark.parametrize(("limits", "reason"), [
    ({"generations": 7}, "generations"),
    ({"max_evaluations": 250}, "max_evaluations"),
    ({"generations": 1000, "timeout": 0.2}, "timeout"),
    ({"generations": 1000, "stall_generations": 3}, "stall"),
])
def test_termination_reasons(limits, reason):
    problem = FunctionProblem(lambda X: np.c_[X[:, 0], 1 - X[:, 0]], lower=[0.0, 0.0],
                              upper=[1.0, 1.0], n_obj=2) if reason == "stall" else zdt_problem("zdt1", 6)
    started = time.perf_counter()
    result = nsga2(problem, population=30, seed=0, **limits)
    assert result.stop_reason == reason
    assert STOPPED_BY[reason] in result.message
    if reason == "generations":
        assert result.n_generations == 7 and result.n_evaluations == 30 * 8
    if reason == "max_evaluations":
        assert result.n_evaluations == 250
    if reason == "timeout":
        assert 0.2 <= time.perf_counter() - started < 2.0
    if reason == "stall":
        assert result.n_generations < 1000


def test_default_budget_is_100_generations():
    result = nsga2(zdt_problem("zdt1", 3), population=8, seed=0)
    assert result.n_generations == 100 and result.stop_reason == "generations"


def test_callback_sees_every_generation_and_can_stop_the_run():
    seen = []

    def callback(stats):
        seen.append(stats)
        return stats.generation < 4

    result = nsga2(zdt_problem("zdt1", 5), population=10, generations=50, callback=callback, seed=0)
    assert result.stop_reason == "callback"
    assert [stats.generation for stats in seen] == [0, 1, 2, 3, 4]
    assert all(isinstance(stats, GenerationStats) for stats in seen)
    assert result.history == seen
    assert [stats.evaluations for stats in seen] == [10, 20, 30, 40, 50]


def test_initial_points_enter_the_first_population():
    recorder = Recorder(zdt1)
    problem = FunctionProblem(recorder, lower=np.zeros(5), upper=np.ones(5), n_obj=2)
    initial = np.array([[0.0, 0, 0, 0, 0], [1.0, 0, 0, 0, 0], [0.5, 0, 0, 0, 0], [2.0, -1, 0, 0, 0]])
    result = nsga2(problem, population=10, generations=3, initial=initial, seed=0)
    first = recorder.batches[0]
    assert len(first) == 10
    assert np.array_equal(first[:3], initial[:3])
    assert len(np.unique(first, axis=0)) == 10  # the last one, repaired, repeats the second
    for point in initial[:3]:  # optimal points are never lost
        assert (result.X == point).all(axis=1).any()


def test_nan_objectives_never_reach_the_front_when_finite_points_exist():
    def half_broken(X):
        F = zdt1(X)
        F[X[:, 0] < 0.5] = np.nan  # the better half of the front cannot be evaluated
        F[X[:, 1] > 0.9, 1] = -np.inf
        return F

    problem = FunctionProblem(half_broken, lower=np.zeros(4), upper=np.ones(4), n_obj=2)
    result = nsga2(problem, population=30, generations=20, seed=0)
    assert len(result.F) and np.isfinite(result.F).all()
    assert (result.X[:, 0] >= 0.5).all()


def test_all_nan_objectives_still_return_a_front():
    problem = FunctionProblem(lambda X: np.full((len(X), 2), np.nan), lower=[0.0], upper=[1.0],
                              n_obj=2)
    result = nsga2(problem, population=6, generations=2, seed=0)
    assert len(result.F) > 0


def test_result_holds_front_population_and_history():
    result = nsga2(zdt_problem("zdt1", 5), population=20, generations=10, seed=5)
    assert isinstance(result, SolverResult)
    n = len(result.X)
    assert result.F.shape == (n, 2) and result.hard.shape == (n, 0) and result.soft.shape == (n, 0)
    assert result.feasible.all() and result.feasible_found
    assert np.array_equal(result.F, zdt1(result.X))
    assert (np.diff(result.F[:, 0]) >= 0).all()  # sorted by the first objective
    assert result.population.X.shape == (20, 5)
    assert len(result.history) == 11 and result.n_generations == 10
    assert 0 < result.history[-1].front_size <= 20  # the population's front
    assert result.elapsed >= result.history[-1].elapsed > 0
    assert result.seed == 5


def test_flip_objectives_negates_the_chosen_columns():
    result = nsga2(zdt_problem("zdt1", 3), population=10, generations=3, seed=0)
    flipped = result.flip_objectives([True, False])
    assert np.array_equal(flipped.F[:, 0], -result.F[:, 0])
    assert np.array_equal(flipped.F[:, 1], result.F[:, 1])
    assert np.array_equal(flipped.population.F[:, 0], -result.population.F[:, 0])
    with pytest.raises(ValueError, match="'maximise' must have length 2"):
        result.flip_objectives([True])


def test_max_front_limits_the_front():
    result = nsga2(zdt_problem("zdt1", 5), population=20, generations=40, seed=0, max_front=15)
    assert len(result.F) == 15


@pytest.mark.parametrize(("options", "message"), [
    ({"constraints": "strict"}, "'constraints' must be one of"),
    ({"population": 1}, "'population' must be in"),
    ({"generations": -1}, "'generations' must be at least 0"),
    ({"max_evaluations": 0}, "'max_evaluations' must be positive"),
    ({"timeout": 0}, "'timeout' must be positive"),
    ({"crossover_prob": 1.5}, "'crossover_prob' must be in"),
    ({"mutation_prob": -0.1}, "'mutation_prob' must be in"),
    ({"stall_generations": 0}, "'stall_generations' must be in"),
    ({"initial": np.zeros((2, 3))}, "'initial' must have 5 columns"),
    # a NaN or infinite limit is never reached: the run went on for ever
    ({"generations": float("nan")}, "'generations' must be a whole number, at least 0, but is nan"),
    ({"generations": None, "max_evaluations": float("nan")}, "'max_evaluations' must be a whole"),
    ({"generations": None, "timeout": float("nan")}, "'timeout' must be a finite number"),
    ({"generations": None, "timeout": float("inf")}, "'timeout' must be a finite number"),
    # were taken as 4 and 2, or a TypeError from inside
    ({"population": 4.5}, r"'population' must be a whole number in \[2, inf\], but is 4.5"),
    ({"generations": 2.5}, "'generations' must be a whole number"),
    ({"population": "4"}, "'population' must be a whole number"),
    ({"seed": 1.5}, "'seed' must be a whole number"),
    ({"seed": -1}, r"'seed' must be in \[0, inf\], but is -1"),
])
def test_bad_options_are_named(options, message):
    with pytest.raises(ValueError, match=message):
        nsga2(zdt_problem("zdt1", 5), **options)


def test_evaluate_returning_the_wrong_shape_is_reported():
    problem = FunctionProblem(lambda X: X[:, :1], lower=[0.0, 0.0], upper=[1.0, 1.0], n_obj=2)
    with pytest.raises(ValueError, match=r"'F' of shape \(100, 1\); expected \(100, 2\)"):
        nsga2(problem, generations=1, seed=0)


@pytest.mark.parametrize("bound", [float("nan"), float("inf")])
def test_bounds_must_be_finite(bound):
    problem = FunctionProblem(lambda X: X, lower=[bound, 0.0], upper=[1.0, 1.0], n_obj=2)
    with pytest.raises(ValueError, match="'lower' and 'upper' must be finite numbers"):
        nsga2(problem, population=4, generations=1, seed=0)  # was OverflowError from numpy


def test_log_variable_needs_positive_bounds():
    problem = FunctionProblem(lambda X: np.c_[X, X], lower=[0.0], upper=[1.0], n_obj=2,
                              kinds=("log",))
    with pytest.raises(ValueError, match="'lower' must be positive for every 'log' variable"):
        nsga2(problem, generations=1)
