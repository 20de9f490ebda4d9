"""The generated Jacobian: against central finite differences on every shipped model, kept
vectorized over index ranges, and honest about where it does not exist."""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
import pytest
from model_corpus import CORPUS, data_for, points_within_bounds

import mooc
from mooc.dsl.compiler import add_derivatives_to, compile_text


def _derivatives(compiled):
    return compiled.evaluate.__globals__["_make_derivatives"]()


def _moving_columns(compiled) -> list[int]:
    kinds = [b.kind for b in compiled.lowered.variables for _ in range(b.size)]
    return [k for k, kind in enumerate(kinds) if kind in ("real", "log")]


def _central_differences(derivatives, X: np.ndarray, column: int) -> np.ndarray:
    """(N, n_obj + n_hard) derivative by ``column`` of the objectives and residuals; the step
    shrinks near a bound so both points stay inside."""
    h = 1e-6 * np.maximum(1.0, np.abs(X[:, column]))
    plus, minus = X.copy(), X.copy()
    plus[:, column] += h
    minus[:, column] -= h
    Fp, Rp, _, _ = derivatives(plus)
    Fm, Rm, _, _ = derivatives(minus)
    return np.concatenate([Fp - Fm, Rp - Rm], axis=1) / (2 * h[:, None])


@pytest.mark.parametrize("ident, text, filename", CORPUS, ids=[c[0] for c in CORPUS])
def test_the_jacobian_matches_central_differences(ident, text, filename):
    compiled = compile_text(text, filename, data=data_for(filename) or None)
    assert compiled.code.derivatives is None  # not generated until wanted
    info = add_derivatives_to(compiled)
    assert info.available and compiled.code.derivatives is info, info.reason
    derivatives = _derivatives(compiled)
    X = points_within_bounds(compiled, n=5, seed=3)
    F, R, JF, JR = derivatives(X)
    evaluated = compiled.evaluate(X)
    # the same values as evaluate, up to the order of a sum's terms
    np.testing.assert_allclose(F, evaluated[0], rtol=1e-12, atol=1e-300)
    assert JF.shape == (5, compiled.code.n_obj, X.shape[1])
    assert JR.shape == (5, compiled.code.n_hard, X.shape[1])
    analytic = np.concatenate([JF, JR], axis=1)
    checked = 0
    for column in _moving_columns(compiled):
        numeric = _central_differences(derivatives, X, column)
        exact = analytic[:, :, column]
        both = np.isfinite(numeric) & np.isfinite(exact)
        # kinks (abs, min, max, if) are measure zero: a random point is almost never on one
        scale = 1.0 + np.abs(exact) + np.abs(numeric)
        assert np.all(np.abs(numeric - exact)[both] <= 2e-5 * scale[both]), (ident, column)
        checked += int(both.sum())
    assert checked or not _moving_columns(compiled) or compiled.lowered.externs


def test_a_sum_over_a_thousand_variables_differentiates_to_one_array_expression():
    problem = mooc.load("zdt1", params={"n": 1000})
    source = problem.python_source
    derivatives = source[source.index("def _make_derivatives"):]
    assert len(derivatives) < 6000  # no term per variable
    X = np.random.default_rng(1).random((3, 1000))
    JF, _ = problem.jacobian(X)
    g = 1 + 9 / 999 * X[:, 1:].sum(axis=1)
    df2_dg = 1 - 0.5 * np.sqrt(X[:, 0] / g)
    np.testing.assert_allclose(JF[:, 0], np.eye(1000)[[0, 0, 0]])
    np.testing.assert_allclose(JF[:, 1, 1:], np.repeat((df2_dg * 9 / 999)[:, None], 999, 1))
    np.testing.assert_allclose(JF[:, 1, 0], -0.5 * np.sqrt(g / X[:, 0]))


def test_shifted_indices_nested_sums_and_products_with_zeros():
    problem = mooc.compile("""
param n = 4
var x[1..n] in [-1, 1]
minimize pairs: sum(x[i] * x[i + 1] for i in 1..n-1)
minimize triangle: sum(x[i] * x[j] for i in 1..n for j in i..n)
maximize product: prod(x[i] for i in 1..n)
""")
    X = np.array([[0.5, 0.0, -0.3, 0.7], [0.2, -0.4, 0.9, 0.0]])
    JF, _ = problem.jacobian(X)
    x = X
    pairs = np.zeros_like(x)
    pairs[:, :-1] += x[:, 1:]
    pairs[:, 1:] += x[:, :-1]
    np.testing.assert_allclose(JF[:, 0], pairs)
    np.testing.assert_allclose(JF[:, 1], x + x.sum(axis=1, keepdims=True))
    others = np.array([[np.prod(np.delete(row, k)) for k in range(4)] for row in x])
    np.testing.assert_allclose(JF[:, 2], others)  # exact where an element is 0, no 0/0


def test_min_and_max_take_the_derivative_of_the_argument_that_attains_them():
    problem = mooc.compile("""
var x in [0, 2]
var y in [0, 2]
var z[1..3] in [0, 2]
minimize least: min(x, y^2)
minimize greatest: max(z[i]^2 for i in 1..3)
""")
    X = np.array([[0.5, 1.0, 0.1, 1.5, 0.2], [1.5, 1.0, 0.3, 0.2, 0.1]])
    JF, _ = problem.jacobian(X)
    np.testing.assert_allclose(JF[:, 0, :2], [[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(JF[:, 1, 2:], [[0.0, 3.0, 0.0], [0.6, 0.0, 0.0]])


def test_residuals_are_signed_so_that_a_constraint_holds_at_or_below_zero():
    problem = mooc.compile("""
var x in [0, 3]
var y in [0, 3]
minimize f: x + y
constraint upper: x + 2 * y <= 4
constraint lower: x * y >= 1
constraint circle: x^2 + y^2 == 4
""")
    derivatives = problem.derivatives_function()
    X = np.array([[1.0, 2.0]])
    _, R, _, JR = derivatives(X)
    np.testing.assert_allclose(R, [[1.0, -1.0, 1.0]])
    np.testing.assert_allclose(JR[0], [[1.0, 2.0], [-2.0, -1.0], [2.0, 4.0]])
    info = problem.derivatives
    assert info.relations == ["<=", ">=", "=="] and info.linear == [True, False, False]


def test_lets_chain_into_what_uses_them_and_maximized_objectives_flip_once():
    problem = mooc.compile("""
var x in [1, 2]
var y[1..2] in [1, 2]
let r = sqrt(x^2 + y[1]^2)
let s[i in 1..2] = y[i] * r
maximize total: s[1] + s[2]
""")
    X = np.array([[1.5, 1.2, 1.7]])
    JF, _ = problem.jacobian(X)  # in the user's direction: d(total)
    x, y1, y2 = X[0]
    r = np.hypot(x, y1)
    expected = [(y1 + y2) * x / r, r + (y1 + y2) * y1 / r, r]
    np.testing.assert_allclose(JF[0, 0], expected)
    _, _, JF_min, _ = problem.derivatives_function()(X)
    np.testing.assert_allclose(JF_min[0, 0], -np.array(expected))  # the solver's form


def test_where_derivatives_do_not_exist_is_said_per_statement():
    problem = mooc.compile("""
var x in [-1, 1]
var n int in [1, 5]
var c choice {a, b}
param weight[c] = {a: 1, b: 2}
let bent = abs(x) + max(x, 0.5)
minimize f: bent + floor(x) * weight[c]
minimize g: if x > 0 then x else n * x
minimize smooth: x^2
""")
    notes = problem.derivatives.notes
    assert notes["smooth"] == []
    text = " | ".join(notes["f"])
    for part in ("abs(x) where its argument is 0", "where the least or greatest changes",
                 "floor(x) jumps", "choice variable 'c'"):
        assert part in text
    assert "'if x > 0' where it switches" in " | ".join(notes["g"])
    assert "integer variable 'n': varied by the search, not by gradients" in notes["g"]


def test_show_python_prints_the_derivatives_next_to_evaluate(capsys):
    from mooc.cli import main

    assert main(["show", "zdt1", "--python"]) == 0
    out = capsys.readouterr().out
    assert "def evaluate(X):" in out and "def derivatives(X):" in out
    assert "_jacobian_put(JF, 1, 1, 0, 30" in out


def test_a_model_calling_an_extern_offers_no_jacobian(tmp_path):
    (tmp_path / "box.py").write_text("def f(x):\n    return {'y': x}\n")
    model = tmp_path / "m.moo"
    model.write_text('var x in [0, 1]\nextern box(x) = python "box:f" returns {y}\n'
                     "minimize a: box.y\nminimize b: x\n")
    problem = mooc.load(str(model), allow_extern=True)
    assert problem.derivatives_function() is None
    assert not hasattr(problem.as_solver_problem(), "jacobian")
    with pytest.raises(mooc.MooError, match="has no derivatives"):
        problem.jacobian([[0.5]])
    assert "extern 'box': no derivatives" in problem.derivatives.notes["a"][0]


def test_an_equality_without_tol_holds_within_a_relative_tolerance():
    problem = mooc.compile("""
var x in [0, 2]
var y in [0, 2000]
minimize f: x + y
constraint one: x == 1
constraint big: y == 1000
""")
    ev = problem.evaluate([[1 + 5e-7, 1000 * (1 + 5e-7)], [1 + 2e-6, 1000 * (1 + 2e-6)]])
    assert (ev.violation[0] == 0).all()
    np.testing.assert_allclose(ev.violation[1], [1e-6, 1e-3], rtol=1e-3)


@pytest.mark.parametrize("M", [3, 5])
def test_a_product_inside_a_sum_of_squares_keeps_its_reduction_axis(M):
    """C2-DTLZ2 sums squares of DTLZ2's products: the product's per-element rule must stay on
    the axis of the sum that encloses it when that sum's index is renamed."""
    model = Path(__file__).parents[2] / "benchmarks" / "c2_dtlz2.moo"
    compiled = mooc.load(model, params={"M": M}, cache=False)._compiled
    assert add_derivatives_to(compiled, guard=False).available
    derivatives = _derivatives(compiled)
    X = np.random.default_rng(2).uniform(0.05, 0.95, (4, mooc.load(model, params={"M": M}).n_var))
    _, _, JF, JR = derivatives(X)
    analytic = np.concatenate([JF, JR], axis=1)
    for column in range(X.shape[1]):
        numeric = _central_differences(derivatives, X, column)
        exact = analytic[:, :, column]
        assert np.all(np.abs(numeric - exact) <= 2e-5 * (1 + np.abs(exact) + np.abs(numeric)))


def test_a_kronecker_delta_too_large_is_refused_not_allocated(monkeypatch):
    """A family of M objectives over M variables (x[M-m+1]) has a derivative delta of M x M:
    at M = 10^7 it asked numpy for 91 TiB (MemoryError, found by the fuzzer). It is refused
    like a range beyond MAX_ELEMENTS; the model then solves without derivatives."""
    from mooc.dsl import runtime_derivatives

    monkeypatch.setattr(runtime_derivatives, "MAX_ELEMENTS", 100)
    text = ("param M = 20\nvar x[1..M] in [0, 1]\nminimize f[m in 1..M]: x[M-m+1]^2\n"
            "maximize total: sum(f[m] for m in 1..M)\n")
    problem = mooc.compile(text, cache=False)
    assert problem.derivatives_function() is None
    assert "a derivative would span 20 x 20 elements" in problem.derivatives.reason


def test_a_kink_that_compares_a_reduction_differentiates_in_seconds():
    """min(3, prod(...)) kinks where 3 <= prod(...): sharing the derivative's subexpressions
    built that comparison again, and sympy, trying to order the product of two ifs, ran for
    minutes (found by the data audit's fuzzer: 'mooc solve' hung before its first
    generation)."""
    def stop(*_: object) -> None:
        raise TimeoutError("the derivatives took over 20 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        problem = mooc.compile("""
set S = {a, b}
var x[S] in [-10, 10]
minimize f: x[a]
constraint c: x[a] >= min(3, prod((if x[p] <= 3 then 3 else x[p]) for p in S))
minimize g: min(9, prod(if x[p] <= 1 then 1 else x[p] for p in S))
""", cache=False)
        JF, JR = problem.jacobian(np.array([[2.0, 2.5], [1.5, 0.5], [-4.0, 9.5]]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    np.testing.assert_allclose(JR[:, 0], [[-1.0, 0.0]] * 3)  # the product is 9 or more: min is 3
    np.testing.assert_allclose(JF[:, 1], [[2.5, 2.0], [1.0, 0.0], [0.0, 0.0]])


def _matches_central_differences(problem, X: np.ndarray) -> None:
    """The problem's Jacobian (derivatives generated, their failures not hidden) against
    central differences of the derivative function's own values."""
    assert add_derivatives_to(problem._compiled, guard=False).available
    derivatives = _derivatives(problem._compiled)
    _, _, JF, JR = derivatives(X)
    analytic = np.concatenate([JF, JR], axis=1)
    for column in _moving_columns(problem._compiled):
        numeric = _central_differences(derivatives, X, column)
        exact = analytic[:, :, column]
        assert np.all(np.abs(numeric - exact) <= 2e-5 * (1 + np.abs(exact) + np.abs(numeric))), \
            (column, exact, numeric)


def test_an_inner_range_that_starts_at_an_outer_index_keeps_its_bound():
    """Renaming the indices of ``sum(... for j in i..4 for k in j..4)`` in an indexed let
    left the inner range's bound on the old ``j``: used inside another sum over ``j`` it took
    that sum's index (a Jacobian of 28 for a value whose slope is 12), elsewhere the
    derivatives failed ("no code for symbol 'j'")."""
    problem = mooc.compile("""
var x in [0.5, 2]
let F[i in 1..4] = sum(x^2 for j in i..4 for k in j..4)
minimize f: sum(F[3] for j in 1..2)
minimize g: F[2]
""", cache=False)
    JF, _ = problem.jacobian([[1.0]])
    np.testing.assert_allclose(JF[0, :, 0], [2 * 3 * 2, 6 * 2])


@pytest.mark.parametrize("use", ["F[2]", "max(F[2] * x for k in 1..2)"])
def test_an_if_in_a_sum_inside_a_condition_stays_in_that_sum(use):
    """The derivative of max(t, sum(if ...)) has the sum in a condition; sympy, building that
    condition again (sharing subexpressions, putting back a reduction's body), folded the inner
    ``if`` out of the sum, with its index unbound: the model had no derivatives."""
    problem = mooc.compile(f"""
param a[1..2] = [0.5, 2]
var x in [0.5, 2]
var t in [0.1, 10]
let F[i in 1..2] = max(t, sum((if a[j] < 1 then x else 0) for j in 1..2))
minimize f: {use}
""", cache=False)
    _matches_central_differences(problem, np.array([[1.0, 0.5], [1.0, 2.0], [1.3, 0.7]]))


def test_an_abs_that_sympy_writes_with_re_is_differentiated():
    """sympy cannot tell an indexed variable is real, so abs(exp(v[1])) became exp(re(v[1])),
    whose derivative it left as an unprintable Derivative: the model had no derivatives."""
    problem = mooc.compile("""
var x in [0.5, 2]
var v[1..2] in [0.5, 1.5]
minimize f: abs(x / exp(tanh(v[1])))
minimize g: abs(exp(v[1]) * v[2])
""", cache=False)
    _matches_central_differences(problem, np.array([[1.0, 0.7, 1.2], [1.5, 1.1, 0.6]]))


def test_domain_guards_and_params_are_not_called_kinks():
    """A guard of a simplified-away root or power ('sqrt(x + 0.5)^2', a variable exponent of
    a base that could be negative) and a floor of a param were reported as an 'if' that
    switches and a floor that jumps, in models with neither."""
    problem = mooc.compile("""
param a[1..2] = [1.5, 2.5]
var x in [0.5, 2]
minimize f: sqrt(x + 0.5)^2
minimize g: ((2 + sin(x))^(log(x)))^3 + sum(floor(a[i]) * x for i in 1..2)
minimize h: if floor(x) > 1 then abs(x - 1) else x
""", cache=False)
    notes = problem.derivatives.notes
    assert notes["f"] == [] and notes["g"] == []
    assert notes["h"] == ["'if floor(x) > 1' where it switches", "abs(x - 1) where its argument is 0"]
