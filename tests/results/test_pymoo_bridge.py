"""pymoo interop, checked against pymoo's own evaluations: a mooc model runs under pymoo's
NSGA2 (real and mixed variables), and a pymoo problem runs under mooc's solver."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pymoo")

from pymoo.algorithms.moo.nsga2 import NSGA2  # noqa: E402
from pymoo.core.mixed import (  # noqa: E402
    MixedVariableDuplicateElimination,
    MixedVariableMating,
    MixedVariableSampling,
)
from pymoo.core.problem import Problem  # noqa: E402
from pymoo.optimize import minimize  # noqa: E402
from pymoo.problems import get_problem  # noqa: E402

import mooc  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_to_pymoo_evaluates_as_the_model_and_as_pymoos_own_problem() -> None:
    model = mooc.load("binh_korn")
    ours = model.to_pymoo()
    X = np.random.default_rng(1).uniform(model.lower, model.upper, size=(50, 2))
    out = ours.evaluate(X, return_as_dictionary=True)
    np.testing.assert_allclose(out["F"], model.evaluate(X).F)
    np.testing.assert_allclose(out["G"], model.evaluate(X).violation)
    theirs = get_problem("bnh").evaluate(X, return_as_dictionary=True)
    np.testing.assert_allclose(out["F"], theirs["F"])
    # pymoo's G is <= 0 where feasible: the same points are feasible
    np.testing.assert_array_equal((out["G"] <= 0).all(axis=1), (theirs["G"] <= 0).all(axis=1))


def test_to_pymoo_runs_under_pymoos_nsga2_with_directions() -> None:
    model = mooc.load("zdt1", params={"n": 8})
    res = minimize(model.to_pymoo(), NSGA2(pop_size=40), ("n_gen", 40), seed=1)
    np.testing.assert_allclose(res.F, get_problem("zdt1", n_var=8).evaluate(res.X))
    assert res.F.shape[1] == 2 and len(res.F) >= 10
    flipped = mooc.compile("var x in [0, 2]\nminimize f: x^2\nmaximize g: x")
    res = minimize(flipped.to_pymoo(), NSGA2(pop_size=10), ("n_gen", 10), seed=1)
    np.testing.assert_allclose(-res.F[:, 1], res.X[:, 0])  # g maximized: pymoo sees -g


def test_to_pymoo_gives_a_point_without_finite_objectives_the_worst_values() -> None:
    # log(0) is -inf: pymoo minimizes, and took such a point for the best of every front;
    # mooc ranks it behind every point with finite objectives, as NaN
    model = mooc.compile("var x in [-1, 1]\nminimize f1: log(x + 1)\nminimize f2: -x\n"
                         "maximize f3: 1 / (x - 1)\nconstraint c: sqrt(x + 0.5) >= 0")
    out = model.to_pymoo().evaluate(np.array([[-1.0], [0.0], [1.0], [-0.75]]),
                                    return_as_dictionary=True)
    assert out["F"][1].tolist() == [0.0, 0.0, 1.0] and np.isfinite(out["F"][3]).all()
    assert np.isposinf(out["F"][[0, 2]]).all()  # f1 = -inf; f3 = inf, maximized (-inf)
    assert out["G"][:, 0].tolist() == [np.inf, 0.0, 0.0, np.inf]  # sqrt of a negative: NaN
    res = minimize(model.to_pymoo(), NSGA2(pop_size=10), ("n_gen", 5), seed=1)
    assert np.isfinite(res.F).all() and (res.X[:, 0] > -1).all()


def test_to_pymoo_adds_an_undefined_soft_violation_of_weight_zero_without_a_warning() -> None:
    # inf (undefined) times the weight 0 is NaN: numpy warned "invalid value in matmul" (an
    # error under pytest); the point is worst, as for any objective that is not a number
    model = mooc.compile("var x in [0, 3]\nminimize f: x\nminimize g: 3 - x\n"
                         "soft constraint s: sqrt(x - 2) <= 1 weight 0\n")
    out = model.to_pymoo().evaluate(np.array([[1.0], [2.5]]), return_as_dictionary=True)
    assert np.isposinf(out["F"][0]).all() and out["F"][1].tolist() == [2.5, 0.5]


def test_mixed_variables_run_under_pymoos_nsga2() -> None:
    model = mooc.load(EXAMPLES / "kit.moo")
    problem = model.to_pymoo()
    algorithm = NSGA2(pop_size=20, sampling=MixedVariableSampling(),
                      mating=MixedVariableMating(eliminate_duplicates=MixedVariableDuplicateElimination()),
                      eliminate_duplicates=MixedVariableDuplicateElimination())
    res = minimize(problem, algorithm, ("n_gen", 5), seed=1)
    X = np.array([[row[name] for name in model.variable_names] for row in res.X], dtype=object)
    assert set(X[:, model.variable_names.index("material")]) <= {"steel", "alu", "ti"}
    X = np.where(X == True, 1, np.where(X == False, 0, X))  # noqa: E712 - pymoo's Binary gives bools
    ev = model.evaluate(X)
    penalty = ev.soft_violation @ model.soft_weights
    np.testing.assert_allclose(res.F, ev.F * np.where(model.maximize, -1, 1) + penalty[:, None])


def test_from_pymoo_evaluates_as_pymoo_and_solves() -> None:
    pymoo_problem = get_problem("tnk")  # two inequality constraints
    wrapped = mooc.from_pymoo(pymoo_problem)
    X = np.random.default_rng(2).uniform(wrapped.lower, wrapped.upper, size=(40, 2))
    ours = wrapped.evaluate(X)
    theirs = pymoo_problem.evaluate(X, return_as_dictionary=True)
    np.testing.assert_allclose(ours.F, theirs["F"])
    np.testing.assert_allclose(ours.hard, np.maximum(theirs["G"], 0))
    result = wrapped.solve(population=40, generations=30, seed=1)
    assert result.feasible.all() and result.feasible_found
    check = pymoo_problem.evaluate(result.X, return_as_dictionary=True)
    np.testing.assert_allclose(result.F, check["F"])
    assert (check["G"] <= 0).all()


class _Unbounded(Problem):
    def __init__(self) -> None:
        super().__init__(n_var=2, n_obj=2)

    def _evaluate(self, X, out, *args, **kwargs) -> None:
        out["F"] = X


@pytest.mark.parametrize("given,message", [
    ("zdt1", "from_pymoo takes a pymoo Problem, but was given 'zdt1'"),
    (_Unbounded, "from_pymoo needs finite bounds for every variable, but the problem's xl is None"),
])
def test_from_pymoo_refuses_what_it_cannot_run_in_words(given, message) -> None:
    with pytest.raises(mooc.MooError) as caught:  # were AttributeError and OverflowError
        mooc.from_pymoo(given() if isinstance(given, type) else given).solve(
            population=10, generations=1, seed=1)
    assert str(caught.value) == f"error: {message}"
    scalar = get_problem("zdt1", n_var=3)
    scalar.xl, scalar.xu = 0.0, 1.0  # one bound for every variable, as pymoo allows
    assert mooc.from_pymoo(scalar).lower.tolist() == [0.0, 0.0, 0.0]
