"""Each library problem's compiled evaluator against an independent implementation.

pymoo's problem where pymoo has it; otherwise the formula written again here in numpy. pymoo
reports constraints as G <= 0, often divided by a constant; mooc reports each hard constraint's
violation max(0, residual) in the model's own units, so G is scaled back before comparing.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymoo.problems import get_problem

import mooc

N_POINTS = 200
TOL = 1e-9

#: library name -> (pymoo name, pymoo keyword arguments, factor turning pymoo's G into mooc units)
PYMOO = {
    "zdt1": ("zdt1", {"n_var": 30}, None),
    "zdt2": ("zdt2", {"n_var": 30}, None),
    "zdt3": ("zdt3", {"n_var": 30}, None),
    "zdt4": ("zdt4", {"n_var": 10}, None),
    "zdt6": ("zdt6", {"n_var": 10}, None),
    "dtlz1": ("dtlz1", {"n_var": 7, "n_obj": 3}, None),
    "dtlz2": ("dtlz2", {"n_var": 12, "n_obj": 3}, None),
    "dtlz3": ("dtlz3", {"n_var": 12, "n_obj": 3}, None),
    "dtlz4": ("dtlz4", {"n_var": 12, "n_obj": 3}, None),
    "dtlz5": ("dtlz5", {"n_var": 12, "n_obj": 3}, None),
    "dtlz6": ("dtlz6", {"n_var": 12, "n_obj": 3}, None),
    "dtlz7": ("dtlz7", {"n_var": 22, "n_obj": 3}, None),
    "kursawe": ("kursawe", {}, None),
    "binh_korn": ("bnh", {}, [25, 7.7]),
    "chankong_haimes": ("srn", {}, [1, 1]),
    "tanaka": ("tnk", {}, [1, 0.5]),
    "osyczka_kramer": ("osy", {}, [2, 6, 2, 2, 4, 4]),
    "two_bar_truss": ("truss2d", {}, [1]),
    "welded_beam": ("welded_beam", {}, [13600, 30000, 5 - 0.125, 6000]),
    "ctp1": ("ctp1", {}, [1, 1]),
    "himmelblau": ("himmelblau", {}, None),
}


def schaffer_n1(X):
    x = X[:, 0]
    return np.column_stack([x**2, (x - 2) ** 2]), None


def schaffer_n2(X):
    x = X[:, 0]
    f1 = np.select([x <= 1, x <= 3, x <= 4], [-x, x - 2, 4 - x], x - 4)
    return np.column_stack([f1, (x - 5) ** 2]), None


def fonseca_fleming(X):
    shift = 1 / np.sqrt(X.shape[1])
    return np.column_stack([1 - np.exp(-np.sum((X - shift) ** 2, axis=1)),
                            1 - np.exp(-np.sum((X + shift) ** 2, axis=1))]), None


def poloni(X):
    x, y = X[:, 0], X[:, 1]
    a1 = 0.5 * np.sin(1) - 2 * np.cos(1) + np.sin(2) - 1.5 * np.cos(2)
    a2 = 1.5 * np.sin(1) - np.cos(1) + 2 * np.sin(2) - 0.5 * np.cos(2)
    b1 = 0.5 * np.sin(x) - 2 * np.cos(x) + np.sin(y) - 1.5 * np.cos(y)
    b2 = 1.5 * np.sin(x) - np.cos(x) + 2 * np.sin(y) - 0.5 * np.cos(y)
    return np.column_stack([1 + (a1 - b1) ** 2 + (a2 - b2) ** 2,
                            (x + 3) ** 2 + (y + 1) ** 2]), None


def viennet(X):
    x, y = X[:, 0], X[:, 1]
    r2 = x**2 + y**2
    return np.column_stack([0.5 * r2 + np.sin(r2),
                            (3 * x - 2 * y + 4) ** 2 / 8 + (x - y + 1) ** 2 / 27 + 15,
                            1 / (r2 + 1) - 1.1 * np.exp(-r2)]), None


def constr(X):
    x1, x2 = X[:, 0], X[:, 1]
    violation = np.column_stack([np.maximum(0, 6 - (x2 + 9 * x1)),
                                 np.maximum(0, 1 - (-x2 + 9 * x1))])
    return np.column_stack([x1, (1 + x2) / x1]), violation


NUMPY = {f.__name__: f for f in (schaffer_n1, schaffer_n2, fonseca_fleming, poloni, viennet,
                                 constr)}


def random_points(problem: mooc.Problem, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return problem.lower + rng.random((N_POINTS, problem.n_var)) * (problem.upper - problem.lower)


@pytest.mark.parametrize("name", sorted(PYMOO))
def test_agrees_with_pymoo(name):
    pymoo_name, kwargs, scale = PYMOO[name]
    problem, oracle = mooc.load(name), get_problem(pymoo_name, **kwargs)
    assert problem.n_var == oracle.n_var
    np.testing.assert_allclose(problem.lower, oracle.xl, rtol=0, atol=1e-12)
    np.testing.assert_allclose(problem.upper, oracle.xu, rtol=0, atol=1e-12)
    X = random_points(problem)
    ev = problem.evaluate(X)
    F, G = oracle.evaluate(X, return_values_of=["F", "G"])
    np.testing.assert_allclose(ev.F, np.reshape(F, ev.F.shape), rtol=TOL, atol=TOL)
    if scale is None:
        assert ev.violation.shape == (N_POINTS, 0)
    else:
        expected = np.maximum(0, np.reshape(G, ev.violation.shape) * np.asarray(scale))
        np.testing.assert_allclose(ev.violation, expected, rtol=TOL, atol=TOL)
        assert np.all(ev.violation >= 0)


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_agrees_with_numpy_formula(name):
    problem = mooc.load(name)
    X = random_points(problem)
    ev = problem.evaluate(X)
    F, violation = NUMPY[name](X)
    np.testing.assert_allclose(ev.F, F, rtol=TOL, atol=TOL)
    if violation is None:
        assert ev.violation.shape == (N_POINTS, 0)
    else:
        np.testing.assert_allclose(ev.violation, violation, rtol=TOL, atol=TOL)


@pytest.mark.parametrize("name", ["dtlz1", "dtlz2", "dtlz5", "dtlz7"])
@pytest.mark.parametrize("n_obj", [2, 5])
def test_dtlz_scales_with_the_number_of_objectives(name, n_obj):
    problem = mooc.load(name, params={"M": n_obj})
    k = {"dtlz1": 5, "dtlz7": 20}.get(name, 10)
    oracle = get_problem(name, n_var=n_obj + k - 1, n_obj=n_obj)
    X = random_points(problem, seed=n_obj)
    np.testing.assert_allclose(problem.evaluate(X).F, oracle.evaluate(X), rtol=TOL, atol=TOL)


@pytest.mark.parametrize("name, n", [("zdt1", 5), ("zdt4", 4), ("fonseca_fleming", 6)])
def test_size_param_sets_the_number_of_variables(name, n):
    assert mooc.load(name, params={"n": n}).n_var == n
