"""Evaluator values against independent oracles: numpy formulas and pymoo's problems."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.errors import MooError

EXAMPLES = Path(__file__).parents[2] / "examples"


def _random_points(problem, n: int = 64, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    X = problem.lower + rng.random((n, problem.n_var)) * (problem.upper - problem.lower)
    discrete = np.array([k in ("int", "bin", "choice") for k in problem.kinds])
    X[:, discrete] = np.round(X[:, discrete])
    return X


def _evaluate(problem, X):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return problem.evaluate(X)


def _zdt1(X: np.ndarray) -> np.ndarray:
    n = X.shape[1]
    g = 1 + 9 / (n - 1) * X[:, 1:].sum(axis=1)
    return np.column_stack([X[:, 0], g * (1 - np.sqrt(X[:, 0] / g))])


@pytest.mark.parametrize("n", [2, 30, 1000])
@pytest.mark.parametrize("seed", [0, 1])
def test_zdt1_matches_numpy_and_pymoo(n, seed):
    from pymoo.problems import get_problem

    problem = mooc.load(EXAMPLES / "zdt1.moo", params={"n": n})
    assert problem.n_var == n and problem.n_obj == 2
    X = _random_points(problem, 50, seed)
    X[0] = 0.0  # the corner where sqrt(x1/g) is 0
    X[1] = 1.0
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F, _zdt1(X), rtol=1e-9, atol=1e-12)
    oracle = get_problem("zdt1", n_var=n).evaluate(X, return_values_of=["F"])
    np.testing.assert_allclose(F, oracle, rtol=1e-9, atol=1e-12)


def test_binh_korn_matches_its_formulas():
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    X = _random_points(problem, 200)
    x, y = X[:, 0], X[:, 1]
    ev = _evaluate(problem, X)
    np.testing.assert_allclose(ev.F[:, 0], 4 * x**2 + 4 * y**2, rtol=1e-12)
    np.testing.assert_allclose(ev.F[:, 1], (x - 5) ** 2 + (y - 5) ** 2, rtol=1e-12)
    c1 = (x - 5) ** 2 + y**2 - 25
    c2 = 7.7 - ((x - 8) ** 2 + (y + 3) ** 2)
    np.testing.assert_allclose(ev.violation, np.column_stack([np.maximum(c1, 0),
                                                              np.maximum(c2, 0)]), atol=1e-12)
    np.testing.assert_array_equal(ev.feasible, (c1 <= 0) & (c2 <= 0))
    assert problem.constraint_names == ("c1", "c2")


def test_himmelblau_matches_its_formula():
    problem = mooc.load(EXAMPLES / "himmelblau.moo")
    X = _random_points(problem, 100)
    x, y = X[:, 0], X[:, 1]
    ev = _evaluate(problem, X)
    np.testing.assert_allclose(ev.F[:, 0], (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
                               rtol=1e-12)
    np.testing.assert_allclose(ev.violation, np.column_stack([np.maximum(-x, 0),
                                                              np.maximum(-y, 0)]))


def _kit_oracle(X):
    w = np.array([12, 7, 11, 8, 9, 6.0])
    v = np.array([24, 13, 23, 15, 16, 11.0])
    vol = np.array([[3, 2, 4, 2, 3, 1], [1, 3, 1, 2, 2, 3.0]])
    density, price = np.array([7.8, 2.7, 4.5]), np.array([1.0, 1.6, 4.0])
    take, units, material, tol = X[:, :6], X[:, 6], X[:, 7].astype(int), X[:, 8]
    load = units * (take @ w)
    mass = load * density[material]
    F = np.column_stack([units * (take @ v), mass,
                         load * price[material] + np.where(tol < 1e-3, 50.0, 0.0)])
    hard = np.column_stack([np.maximum(load - 120, 0),
                            np.maximum(take @ vol.T - np.array([10, 9.0]), 0)])
    soft = np.column_stack([np.maximum(np.abs(take.sum(axis=1) - 3) - 0.5, 0),
                            np.maximum(mass - 400, 0)])
    return F, hard, soft


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kit_matches_hand_computed_numpy(seed):
    problem = mooc.load(EXAMPLES / "kit.moo")
    assert problem.senses == ("maximize", "minimize", "minimize")
    X = _random_points(problem, 300, seed)
    ev = _evaluate(problem, X)
    F, hard, soft = _kit_oracle(X)
    np.testing.assert_allclose(ev.F, F, rtol=1e-12)  # 'value' comes back positive
    np.testing.assert_allclose(ev.violation, hard, atol=1e-12)
    np.testing.assert_allclose(ev.soft_violation, soft, atol=1e-12)
    np.testing.assert_allclose(problem.soft_weights, [5, 0.1])
    assert (ev.F[:, 0] >= 0).all() and ev.F[:, 0].max() > 0


def test_kit_solver_view_minimizes_the_negated_value():
    problem = mooc.load(EXAMPLES / "kit.moo")
    X = _random_points(problem, 20)
    evaluation = problem.as_solver_problem().evaluate(X)
    np.testing.assert_allclose(evaluation.F[:, 0], -problem.evaluate(X).F[:, 0])


DOMAIN_FAULTS = [
    ("sqrt(x - 2)", lambda x: np.full_like(x, np.nan)),
    ("log(x)", lambda x: np.where(x == 0, -np.inf, np.log(np.where(x == 0, 1, x)))),
    ("1 / x", lambda x: np.where(x == 0, np.inf, 1 / np.where(x == 0, 1, x))),
    ("asin(x + 2)", lambda x: np.full_like(x, np.nan)),
    ("(x - 2)^0.5", lambda x: np.full_like(x, np.nan)),
    ("log(0)", None), ("1/0", None), ("sqrt(-1)", None), ("0^-1", None), ("x/0", None),
    ("x * log(-1)", None), ("max(1/0, x)", None), ("floor(sqrt(-2))", None),
]


@pytest.mark.parametrize("expression,oracle", DOMAIN_FAULTS)
def test_domain_faults_give_nan_or_inf_without_warnings(expression, oracle):
    problem = mooc.compile(f"var x in [0, 1]\nminimize f: {expression}\nminimize g: x\n")
    x = np.array([0.0, 0.25, 1.0])
    F = _evaluate(problem, x[:, None]).F
    assert F.shape == (3, 2) and F.dtype == float
    if oracle is None:
        assert not np.isfinite(F[:, 0]).any()
    else:
        np.testing.assert_array_equal(F[:, 0], oracle(x))


@pytest.mark.parametrize("constraint", ["1 / x >= 2", "log(x) <= -1", "-1 / x <= -2",
                                        "2 <= 1 / x", "1 / x >= 2 tol 0.5"])
@pytest.mark.parametrize("soft", ["", "soft "])
def test_a_constraint_with_an_infinite_side_is_violated(constraint, soft):
    # at x = 0 the side 1/x (or log x) is undefined: the constraint does not hold there, as a
    # condition on such a value is false, whichever way the infinity points. Its violation is
    # inf, broken without bound, as a run reports it (it was NaN here and inf in the run's
    # front, table and files for the same point)
    problem = mooc.compile(f"var x in [0, 1]\nminimize f: x\n{soft}constraint c: {constraint}\n")
    evaluation = _evaluate(problem, np.array([[0.0], [0.25], [1.0]]))
    violation = evaluation.soft_violation if soft else evaluation.violation
    assert np.isposinf(violation[0, 0])
    assert (violation[1:, 0] == 0).sum() >= 1  # elsewhere it is an ordinary constraint
    if not soft:
        assert not evaluation.feasible[0]


@pytest.mark.parametrize(("expression", "holds"), [
    ("sqrt(-1) > 0", False), ("0/0 == 0/0", False), ("sqrt(-1) != 1", True),
    ("log(0) < 1", True), ("1/0 == 1/0", True), ("-1/0 > 0", False),
])
def test_conditions_on_constants_compare_as_numpy_does(expression, holds):
    # a NaN constant compares false ('!=' true); an infinite one (1/0, log(0)) is the
    # infinity it is, as 'if log(x) < 1' is at x = 0 (these were NaN, and false, once)
    problem = mooc.compile(f"var x in [0, 1]\nminimize f: if {expression} then 1 else x\n")
    x = np.array([[0.0], [0.5]])
    expected = [1.0, 1.0] if holds else [0.0, 0.5]
    np.testing.assert_array_equal(_evaluate(problem, x).F[:, 0], expected)
    if "log(0)" in expression or "1/0" in expression:  # the same as with x, at x = 0
        variable = expression.replace("(0)", "(x)").replace("1/0", "1/x")
        with_x = mooc.compile(f"var x in [0, 1]\nminimize f: if {variable} then 1 else x\n")
        assert _evaluate(with_x, x[:1]).F[0, 0] == expected[0]


@pytest.mark.parametrize(("constant", "sign"), [("10^400", 1), ("-10^400", -1),
                                                ("10^400 / 3", 1), ("-(10^400 + 1) / 7", -1)])
def test_huge_exact_constant_is_inf(constant, sign):
    problem = mooc.compile(f"var x in [0, 1]\nminimize f: ({constant}) * (x + 1)\n")
    value = _evaluate(problem, [[0.5]]).F[0, 0]
    assert np.isinf(value) and np.sign(value) == sign


@pytest.mark.parametrize("n", [1, 5, 17])
@pytest.mark.parametrize("value", ["3", "pi", "2 * e - 1", "sum(i for i in 1..4)"])
def test_constant_objective_returns_one_value_per_point(n, value):
    problem = mooc.compile(f"var x in [0, 1]\nminimize c: {value}\nminimize g: x\n")
    F = _evaluate(problem, np.linspace(0, 1, n)[:, None]).F
    expected = {"3": 3.0, "pi": np.pi, "2 * e - 1": 2 * np.e - 1, "sum(i for i in 1..4)": 10.0}
    assert F.shape == (n, 2)
    np.testing.assert_allclose(F[:, 0], expected[value])
    np.testing.assert_allclose(F[:, 1], np.linspace(0, 1, n))


def _dtlz2(X, M):
    k = X.shape[1] - M + 1
    g = ((X[:, M - 1:] - 0.5) ** 2).sum(axis=1)
    assert X[:, M - 1:].shape[1] == k
    F = []
    for m in range(1, M + 1):
        f = (1 + g) * np.prod(np.cos(X[:, : M - m] * np.pi / 2), axis=1)
        if m > 1:
            f = f * np.sin(X[:, M - m] * np.pi / 2)
        F.append(f)
    return np.column_stack(F)


DTLZ2 = """
param M = 3
param n = 7
var x[1..n] in [0, 1]
let g = sum((x[i] - 0.5)^2 for i in M..n)
minimize f[m in 1..M]: ((1 + g) * prod(cos(x[i] * pi / 2) for i in 1..M-m)
                        * (if m > 1 then sin(x[M-m+1] * pi / 2) else 1))
"""


@pytest.mark.parametrize("M,n", [(2, 5), (3, 7), (5, 12)])
def test_indexed_objective_family_with_ragged_products(M, n):
    from pymoo.problems import get_problem

    problem = mooc.compile(DTLZ2, params={"M": M, "n": n})
    assert problem.objective_names == tuple(f"f[{m}]" for m in range(1, M + 1))
    X = _random_points(problem, 80)
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F, _dtlz2(X, M), rtol=1e-9, atol=1e-12)
    oracle = get_problem("dtlz2", n_var=n, n_obj=M).evaluate(X, return_values_of=["F"])
    np.testing.assert_allclose(F, oracle, rtol=1e-9, atol=1e-12)


def test_nested_sums_and_double_generators():
    problem = mooc.compile("""
param n = 4
param A[1..n, 1..n] = [[2, 1, 0, 0], [1, 3, 1, 0], [0, 1, 4, 1], [0, 0, 1, 5]]
var x[1..n] in [-1, 2]
minimize quad: sum(sum(A[i, j] * x[i] * x[j] for j in 1..n) for i in 1..n)
minimize lower: sum(x[i] * x[j] for i in 1..n for j in 1..i)
""")
    A = np.array([[2, 1, 0, 0], [1, 3, 1, 0], [0, 1, 4, 1], [0, 0, 1, 5.0]])
    X = _random_points(problem, 40)
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F[:, 0], np.einsum("ni,ij,nj->n", X, A, X), rtol=1e-12)
    lower_sum = sum(X[:, i] * X[:, j] for i in range(4) for j in range(i + 1))
    np.testing.assert_allclose(F[:, 1], lower_sum, rtol=1e-12)


def test_if_then_else_min_max_and_logic():
    problem = mooc.compile("""
param n = 5
var x[1..n] in [-2, 2]
var y in [0, 1]
minimize a: if x[1] < 0 and not (y > 0.5) then x[2]^2 else -x[3]
minimize b: min(x[i] for i in 1..n) + max(x[i] * y for i in 2..n-1)
minimize c: max(x[1], y, 0.3) - min(x[2], -y)
minimize d: if x[1] >= 1 or x[2] == x[2] then 1 else 2
""")
    X = _random_points(problem, 100)
    x, y = X[:, :5], X[:, 5]
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F[:, 0], np.where((x[:, 0] < 0) & ~(y > 0.5), x[:, 1] ** 2,
                                                 -x[:, 2]))
    np.testing.assert_allclose(F[:, 1], x.min(axis=1) + (x[:, 1:4] * y[:, None]).max(axis=1))
    np.testing.assert_allclose(F[:, 2], np.maximum(np.maximum(x[:, 0], y), 0.3)
                               - np.minimum(x[:, 1], -y))
    np.testing.assert_allclose(F[:, 3], 1.0)


def test_per_index_bounds_and_indexed_lets():
    problem = mooc.compile("""
param n = 4
param lo[1..n] = [-1, 0, 2, -5]
param hi[1..n] = [1, 3, 2.5, 5]
var x[i in 1..n] in [lo[i], hi[i] * 2]
let s[i in 1..n] = x[i]^2 + i
let t[i in 2..n] = s[i] - s[i-1]
minimize f: sum(s[i] for i in 1..n)
minimize g: sum(t[i] * i for i in 2..n)
""")
    np.testing.assert_array_equal(problem.lower, [-1, 0, 2, -5])
    np.testing.assert_array_equal(problem.upper, [2, 6, 5, 10])
    X = _random_points(problem, 60)
    assert ((X >= problem.lower) & (X <= problem.upper)).all()
    F = _evaluate(problem, X).F
    s = X**2 + np.arange(1, 5)
    t = s[:, 1:] - s[:, :-1]
    np.testing.assert_allclose(F[:, 0], s.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(F[:, 1], t @ np.arange(2, 5), rtol=1e-12)


def test_objectives_referenced_by_name_in_constraints_and_objectives():
    problem = mooc.compile("""
var x in [0, 4]
var y in [0, 4]
minimize f1: x^2 + y
maximize f2: x - y^2
minimize f3: f1 + 2 * f2
constraint budget: f1 + f2 <= 5
constraint bottom: f2 >= -1 tol 0.25
soft constraint near: f1 == 3 weight 2
""")
    X = _random_points(problem, 200)
    x, y = X[:, 0], X[:, 1]
    f1, f2 = x**2 + y, x - y**2
    ev = _evaluate(problem, X)
    np.testing.assert_allclose(ev.F, np.column_stack([f1, f2, f1 + 2 * f2]), rtol=1e-12)
    np.testing.assert_allclose(ev.violation, np.column_stack(
        [np.maximum(f1 + f2 - 5, 0), np.maximum(-1 - f2 - 0.25, 0)]), atol=1e-12)
    # an equality without tol holds within 1e-6 relative to its sides (and 1e-6 below 1)
    allowed = 1e-6 * np.maximum(1.0, np.maximum(np.abs(f1), 3.0))
    np.testing.assert_allclose(ev.soft_violation[:, 0], np.maximum(np.abs(f1 - 3) - allowed, 0),
                               atol=1e-12)


def test_label_indexed_tables_and_label_comparisons():
    problem = mooc.compile("""
var shape choice {round, square, hex}
var r in [1, 2]
param area_factor[shape] = {round: 3.14159, square: 4, hex: 2.598}
param cost[shape] = {hex: 7, round: 5, square: 1}
minimize area: area_factor[shape] * r^2 + area_factor[square]
minimize price: cost[shape] + (if shape == hex then 10 else 0) + (if shape != round then 1 else 0)
""")
    assert problem.labels == {"shape": ("round", "square", "hex")}
    X = _random_points(problem, 90)
    assert set(X[:, 0]) == {0.0, 1.0, 2.0}
    code, r = X[:, 0].astype(int), X[:, 1]
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F[:, 0], np.array([3.14159, 4, 2.598])[code] * r**2 + 4)
    np.testing.assert_allclose(F[:, 1], np.array([5, 1, 7.0])[code] + 10 * (code == 2)
                               + 1 * (code != 0))


def test_two_dimensional_params_and_variables():
    problem = mooc.compile("""
param rows = 2
param cols = 3
param C[1..rows, 1..cols] = [[1, 2, 3], [4, 5, 6]]
var x[1..rows, 1..cols] in [0, 1]
minimize f: sum(C[i, j] * x[i, j] for i in 1..rows for j in 1..cols)
minimize g: sum(x[i, j] * x[i, j] for i in 1..rows for j in 2..cols) + C[2, 3]
constraint row[i in 1..rows]: sum(x[i, j] for j in 1..cols) <= 1.5
""")
    assert problem.variable_names == tuple(f"x[{i}, {j}]" for i in (1, 2) for j in (1, 2, 3))
    assert problem.constraint_names == ("row[1]", "row[2]")
    X = _random_points(problem, 50)
    x = X.reshape(-1, 2, 3)
    C = np.array([[1, 2, 3], [4, 5, 6.0]])
    ev = _evaluate(problem, X)
    np.testing.assert_allclose(ev.F[:, 0], (x * C).sum(axis=(1, 2)), rtol=1e-12)
    np.testing.assert_allclose(ev.F[:, 1], (x[:, :, 1:] ** 2).sum(axis=(1, 2)) + 6, rtol=1e-12)
    np.testing.assert_allclose(ev.violation, np.maximum(x.sum(axis=2) - 1.5, 0), atol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 50])
def test_ragged_triangular_sum_matches_numpy(n):
    problem = mooc.compile(f"""
param n = {n}
var x[1..n] in [-1, 1]
minimize f[m in 1..n]: sum(x[i] for i in 1..n-m+1) + m
minimize g: prod(1 + x[i] for i in 1..0)
""")
    X = _random_points(problem, 30)
    F = _evaluate(problem, X).F
    expected = np.column_stack([X[:, : n - m + 1].sum(axis=1) + m for m in range(1, n + 1)])
    np.testing.assert_allclose(F[:, :n], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(F[:, n], 1.0)  # the empty product


@pytest.mark.parametrize("count", [40, 3000])
def test_long_flat_expressions_over_many_scalars_compile_and_match_numpy(count):
    names = [f"v{k}" for k in range(count)]
    text = "".join(f"var {name} in [0, 2]\n" for name in names)
    text += f"minimize total: {' + '.join(names)} - {names[0]}\n"
    text += f"minimize product: {' * '.join(f'(1 + {n} / {count})' for n in names)}\n"
    text += f"minimize largest: max({', '.join(names)})\n"
    problem = mooc.compile(text)
    X = _random_points(problem, 5)
    F = _evaluate(problem, X).F
    np.testing.assert_allclose(F[:, 0], X[:, 1:].sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(F[:, 1], np.prod(1 + X / count, axis=1), rtol=1e-10)
    np.testing.assert_allclose(F[:, 2], X.max(axis=1))


def test_long_chain_of_divisions_keeps_left_to_right_order():
    problem = mooc.compile("var x in [1, 2]\nminimize f: 64 / x / 2 / 4 * x - 3 - x + 1\n")
    x = np.array([[1.0], [1.5], [2.0]])
    np.testing.assert_allclose(_evaluate(problem, x).F[:, 0], 64 / x[:, 0] / 2 / 4 * x[:, 0]
                               - 3 - x[:, 0] + 1)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_lines_may_end_in_lf_cr_lf_or_cr_alone(end):
    lines = ["param a = 2  # a comment", "var x in [0, 1]", "minimize f: a * x + \\", "  1",
             "minimize g: 1 - x", ""]
    problem = mooc.compile(end.join(lines), cache=False)
    np.testing.assert_array_equal(problem.evaluate([[0.5]]).F, [[2.0, 0.5]])
    with pytest.raises(MooError) as caught:
        mooc.compile(end.join([*lines[:-1], "minimize h: y", ""]), cache=False)
    assert str(caught.value).splitlines() == ["<string>:6:13: error: unknown name 'y'",
                                              "    minimize h: y", "                ^"]


def test_an_if_in_a_sum_inside_the_condition_of_an_if_in_a_sum_compiles():
    """Putting back the ``if`` hidden from sympy in the outer sum's body built the outer ``if``
    again, which folded the inner one out of its sum: compiling raised KeyError ('no code for
    symbol j')."""
    problem = mooc.compile("""
param a[1..2] = [0.5, 2]
var x in [0.5, 2]
var t in [0.1, 10]
minimize f: sum((if t >= sum((if a[j] < 1 then x else 0) for j in 1..2) then k else 0) for k in 1..2)
""", cache=False)
    np.testing.assert_allclose(problem.evaluate([[1.0, 0.5], [1.0, 2.0]]).F, [[0.0], [3.0]])


@pytest.mark.parametrize("constraint", ["sqrt(x - 2) <= 1", "log(x - 1) >= 0",
                                        "asin(x + 2) <= 1", "log(x - 1) <= -1"])
@pytest.mark.parametrize("soft", ["", "soft "])
def test_evaluate_gives_the_violation_a_run_reports(constraint, soft):
    # the same points evaluated by evaluate() and by a run (its front, or least-violating
    # points: the constraint is undefined at x = 0 and x = 1): one value where a constraint
    # is undefined, inf
    text = (f"var x int in [0, 1]\nminimize f: x\nminimize g: 1 - x\n"
            f"{soft}constraint c: {constraint}\n")
    problem = mooc.compile(text, cache=False)
    result = problem.solve(population=4, generations=2, seed=1, initial=[[0], [1]])
    evaluation = _evaluate(problem, result.X)
    found = result.soft_violation if soft else result.violation
    given = evaluation.soft_violation if soft else evaluation.violation
    assert np.isinf(found).any() and not np.isnan(found).any()
    np.testing.assert_array_equal(given, found)
    assert evaluation.feasible.tolist() == result.feasible.tolist()
