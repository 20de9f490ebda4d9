"""Sums of products are contracted with numpy.einsum (mooc.dsl.runtime.contract): the same
values as forming every term and reducing (the code before), within rounding, with memory of
the order of points x variables rather than points x variables^2."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from model_corpus import CORPUS, data_for, points_within_bounds

import mooc
from mooc.dsl.codegen import generate
from mooc.dsl.compiler import compile_text
from mooc.dsl.generated import load_code
from mooc.errors import MooError

QUADRATIC = """
param n
param Q[1..n, 1..n]
var x[1..n] in [-1, 1]
minimize f: sum(sum(Q[i,j] * x[i] * x[j] for j in 1..n) for i in 1..n)
minimize g: sum(x[i] for i in 1..n)
"""

TRIANGULAR = """
param n
param Q[1..n, 1..n]
var x[1..n] in [-1, 1]
minimize f: sum(sum(Q[i,j] * x[i] * x[j] for j in i+1..n) for i in 1..n)
minimize g: sum(x[i] for i in 1..n)
"""

FAMILY = """
param m
param n
param A[1..m, 1..n]
param b[1..m]
param w[1..n]
var x[1..n] in [0, 1]
minimize cost: sum(w[i] * x[i] for i in 1..n)
minimize spread: sum(2 * w[i] * x[i] * x[i] / 3 for i in 1..n)
constraint cap[r in 1..m]: sum(A[r, i] * x[i] for i in 1..n) <= b[r]
"""


def _both(text: str, filename: str = "m.moo", data=None, params=None):
    """The evaluate functions of ``text`` with sums contracted and with them formed whole."""
    compiled = compile_text(text, filename, params, data)
    lowered = compiled.lowered
    old = generate(lowered, contract=False)
    return compiled, load_code(old, lowered.name, lowered.externs)


def _same_values(new: tuple, old: tuple) -> None:
    for a, b in zip(new, old, strict=True):
        assert a.shape == b.shape
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("text, diagonal, call", [(QUADRATIC, None, "_contract("),
                                                  (TRIANGULAR, 1, "_contract_ragged(")],
                         ids=["square", "triangular"])
def test_a_quadratic_form_is_contracted_with_the_old_values(text, diagonal, call):
    rng = np.random.default_rng(3)
    n = 12
    Q = rng.normal(size=(n, n))
    compiled, old = _both(text, data={"n": n, "Q": Q})
    assert call in compiled.code.source
    X = rng.uniform(-1, 1, (50, n))
    new_values = compiled.evaluate(X)
    _same_values(new_values, old(X))
    weights = Q if diagonal is None else np.triu(Q, diagonal)
    assert np.allclose(new_values[0][:, 0], np.einsum("ij,ki,kj->k", weights, X, X), rtol=1e-12)


def test_a_family_of_1000_constraints_over_20_variables():
    rng = np.random.default_rng(5)
    m, n = 1000, 20
    A, b, w = rng.normal(size=(m, n)), rng.normal(size=m), rng.random(n)
    compiled, old = _both(FAMILY, data={"m": m, "n": n, "A": A, "b": b, "w": w})
    evaluate_source = compiled.code.source.split("def _make_derivatives")[0]
    assert evaluate_source.count("_contract(") == 3
    X = rng.random((300, n))
    new_values = compiled.evaluate(X)
    _same_values(new_values, old(X))
    assert np.allclose(new_values[1], np.maximum(X @ A.T - b, 0), rtol=1e-12, atol=1e-12)


def test_nan_and_inf_reach_the_same_values():
    rng = np.random.default_rng(6)
    n = 6
    Q = rng.normal(size=(n, n))
    Q[2] = 0.0
    compiled, old = _both(QUADRATIC, data={"n": n, "Q": Q})
    X = rng.uniform(-1, 1, (8, n))
    X[1, 3] = np.nan
    X[2, 0] = np.inf
    X[3, 2] = np.inf  # its row of Q is zero: 0 * inf is NaN either way
    X[4, :] = 0.0
    X[4, 1] = -np.inf
    X[5, 2], X[5, 4] = 0.0, np.inf
    _same_values(compiled.evaluate(X), old(X))


def _with_peak(evaluate, X):
    """``evaluate(X)`` and the peak of memory it took (tracemalloc)."""
    tracemalloc.start()
    try:
        values = evaluate(X)
        return values, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("text, diagonal", [(QUADRATIC, None), (TRIANGULAR, 1)],
                         ids=["square", "triangular"])
def test_a_large_quadratic_form_takes_memory_of_points_times_variables(text, diagonal):
    """n = 200 at 3,000 points: forming every term took 1.9 GB (square) and about 1 GB
    (triangular: each reference to x also took its rows once per (i, j)); a contraction needs
    a few arrays of points x variables (4.8 MB each)."""
    rng = np.random.default_rng(4)
    n, points = 200, 3000
    Q = rng.normal(size=(n, n))
    problem = mooc.compile(text, data={"n": n, "Q": Q}, cache=False)
    X = rng.uniform(-1, 1, (points, n))
    evaluation, peak = _with_peak(problem.evaluate, X)
    assert peak < 6 * points * n * 8
    weights = Q if diagonal is None else np.triu(Q, diagonal)
    assert np.allclose(evaluation.F[:, 0], np.einsum("ij,ki,kj->k", weights, X, X), rtol=1e-9)


def test_a_cumulative_sum_in_a_family_of_constraints_is_contracted():
    """n = 300 at 1,000 points: the terms of every partial sum were formed (0.7 GB)."""
    n, points = 300, 1000
    text = ("param n\nparam b[1..n]\nvar x[1..n] in [0, 1]\nminimize f: sum(x[i] for i in 1..n)\n"
            "minimize g: -x[1]\nconstraint c[i in 1..n]: sum(x[j] for j in 1..i) <= b[i]\n")
    b = 0.5 * np.arange(1, n + 1)
    compiled, old = _both(text, data={"n": n, "b": b})
    assert "_contract_ragged(" in compiled.code.source
    X = np.random.default_rng(12).random((points, n))
    new_values, peak = _with_peak(compiled.evaluate, X)
    assert peak < 6 * points * n * 8
    assert np.allclose(new_values[1], np.maximum(np.cumsum(X, axis=1) - b, 0.0))
    small = X[:20]
    _same_values(compiled.evaluate(small), old(small))


def test_terms_outside_a_ragged_range_never_reach_its_sum():
    """The contraction multiplies the terms outside each range by 0: where one of them is
    infinite or NaN, or a product of them could overflow, the sum is formed as before."""
    rng = np.random.default_rng(10)
    n = 6
    Q = rng.normal(size=(n, n))
    spread = TRIANGULAR.replace("minimize f: sum(sum(Q[i,j]", "let w[i in 1..n, j in 1..n] = "
                                "x[i] / (j - i)\nminimize f: sum(sum(w[i,j]")  # inf at j = i
    compiled, old = _both(spread, data={"n": n, "Q": Q})
    X = rng.uniform(-1, 1, (8, n))
    values = compiled.evaluate(X)
    assert np.isfinite(values[0]).all()
    _same_values(values, old(X))
    expected = sum(X[:, i] / (j - i) * X[:, i] * X[:, j] for i in range(n) for j in range(i + 1, n))
    assert np.allclose(values[0][:, 0], expected)
    Q = rng.normal(size=(n, n))
    compiled, old = _both(TRIANGULAR.replace("[-1, 1]", "[-1e300, 1e300]"),
                          data={"n": n, "Q": Q})
    X = rng.uniform(-1, 1, (8, n))
    X[0, 0], X[1, -1] = 1e200, -1e200  # x[1] is never x[j], nor x[n] x[i]: 0 x 1e400 outside
    X[2, 3] = np.nan
    X[3, 1] = np.inf
    _same_values(compiled.evaluate(X), old(X))


def test_an_index_outside_its_array_only_outside_a_ragged_range_is_no_error():
    text = ("param n = 5\nvar x[1..n] in [-1, 1]\n"
            "minimize f: sum(sum(x[i] * x[j - i] for j in i+1..n) for i in 1..n)\n"
            "minimize g: x[1]\n")
    compiled, old = _both(text)
    X = np.random.default_rng(11).uniform(-1, 1, (5, 5))
    expected = sum(X[:, i - 1] * X[:, j - i - 1] for i in range(1, 6) for j in range(i + 1, 6))
    assert np.allclose(compiled.evaluate(X)[0][:, 0], expected)
    _same_values(compiled.evaluate(X), old(X))
    bad = text.replace("x[j - i] for j in i+1..n", "x[j + 1] for j in i+1..n")
    with pytest.raises(MooError, match="index 6 is outside the range 1..5 of 'x'"):
        mooc.compile(bad, cache=False).evaluate(X)


@pytest.mark.parametrize("body", [
    "c[i] * x[i] for i in 1..0",  # an empty range: 0, whatever the factors
    "c[i] * x[i] for i in 2..2",  # one term
    "c[1] * x[1] * y for i in 1..3",  # terms that do not depend on the index
    "c[i] * y for i in 1..3",
    "c[i] * x[i] * x[j] for i in 1..j",  # a range that depends on an outer index
    "x[i] * (x[j] - c[i]) for i in 1..3",
])
def test_corner_cases_of_contraction_keep_their_values(body):
    text = ("param c[1..3] = [1.5, -2, 0.25]\nvar x[1..3] in [-1, 1]\nvar y in [0, 2]\n"
            f"minimize f[j in 1..3]: sum({body})\nminimize g: y\n")
    compiled, old = _both(text)
    X = np.random.default_rng(7).uniform(-1, 1, (9, 4))
    X[0, 1] = np.nan
    _same_values(compiled.evaluate(X), old(X))


@pytest.mark.parametrize("name, text, filename", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_shipped_model_keeps_its_values(name, text, filename):
    try:
        compiled, old = _both(text, filename, data=data_for(filename))
    except MooError:
        return  # a doc block showing an error
    X = points_within_bounds(compiled, n=12)
    _same_values(compiled.evaluate(X), old(X))


GATED = """
param n
param Q[1..n, 1..n]
var x[1..n] in [-1, 1]
minimize f: sum(sum(if j > i then Q[i,j] * x[i] * x[j] else 0 for j in 1..n) for i in 1..n)
minimize g: sum(if i < n then x[i] * x[i + 1] else 0 for i in 1..n)
minimize h: sum(sum(if j != i then x[i] / (j - i) else 0 for j in 1..n) for i in 1..n)
"""


def test_a_term_gated_by_an_index_condition_is_contracted_over_its_mask():
    """``if j > i then TERM else 0`` is TERM summed where the condition holds: the condition
    masks the contraction as a ragged range's bounds do. ``x[i + 1]`` is outside x only where
    the condition fails (no error); ``x[i] / (j - i)`` is infinite there (formed as before)."""
    rng = np.random.default_rng(13)
    n = 7
    Q = rng.normal(size=(n, n))
    compiled, old = _both(GATED, data={"n": n, "Q": Q})
    assert compiled.code.source.count("_gate(") == 3
    X = rng.uniform(-1, 1, (20, n))
    X[0, 2], X[1, 6] = np.nan, np.inf
    values = compiled.evaluate(X)
    _same_values(values, old(X))
    finite = slice(2, None)
    assert np.allclose(values[0][finite, 0], np.einsum("ij,ki,kj->k", np.triu(Q, 1), X[finite],
                                                       X[finite]), rtol=1e-12)
    assert np.allclose(values[0][finite, 1], (X[finite, :-1] * X[finite, 1:]).sum(axis=1))
    expected = sum(X[finite, i] / (j - i) for i in range(n) for j in range(n) if i != j)
    assert np.allclose(values[0][finite, 2], expected)


def test_the_derivatives_of_a_triangular_form_are_contracted():
    """Their terms are ``if k >= i + 1 then Q[i, k] * x[i] else 0``: n = 200 at 1,000 points
    formed 200 x 200 values a point (320 MB an array) and took 50x an evaluation's time."""
    rng = np.random.default_rng(14)
    n, points = 200, 1000
    Q = rng.normal(size=(n, n))
    problem = mooc.compile(TRIANGULAR, data={"n": n, "Q": Q}, cache=False)
    X = rng.uniform(-1, 1, (points, n))
    (JF, _), peak = _with_peak(problem.jacobian, X)
    assert peak < 12 * points * n * 8
    upper = np.triu(Q, 1)
    assert np.allclose(JF[:, 0], X @ (upper + upper.T), rtol=1e-10, atol=1e-12)
    assert "_gate(" in problem.python_source.split("def _make_derivatives")[1]
