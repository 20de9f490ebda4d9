"""What a compiled expression computes, against the meaning docs/language.md gives it,
computed independently in numpy: the cases an audit of the language found wrong."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import mooc


def _values(expression: str, xs: list[float]) -> np.ndarray:
    """The objective ``expression`` of one real variable ``x`` in [-1000, 1000] at ``xs``."""
    problem = mooc.compile(f"var x in [-1000, 1000]\nminimize f: {expression}\n", cache=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return problem.evaluate(np.array(xs, dtype=float)[:, None]).F[:, 0]


@pytest.mark.parametrize(("expression", "expected"), [
    ("pi^1000 + x", lambda x: np.full_like(x, np.inf)),
    ("x - log(10)^1000", lambda x: np.full_like(x, -np.inf)),
    ("x - pi^600 * pi^600", lambda x: np.full_like(x, -np.inf)),
    ("x + pi^-1000", lambda x: x),
])
def test_a_constant_power_beyond_float_range_is_infinite_not_a_crash(expression, expected):
    # pi^1000 stays symbolic in sympy and was printed as Python's float power, which raises
    # OverflowError: the model failed to compile ("the generated code failed on a test point")
    xs = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(_values(expression, list(xs)), expected(xs))


@pytest.mark.parametrize(("expression", "expected"), [
    ("min(x, sum(i for i in 1..2))", lambda x: np.minimum(x, 3.0)),
    ("x + max(1, prod(i for i in 1..3))", lambda x: x + 6.0),
    ("x + min(pi, sum(i for i in 1..2), sum(i for i in 1..3))", lambda x: x + 3.0),
    ("max(x, 1, 2, 3, 4, 5, 6, 7, sum(i for i in 1..4))", lambda x: np.maximum(x, 10.0)),
    ("min(x, sum(i for i in 1..200000) / 1e10)", lambda x: np.minimum(x, 2.00001)),
])
def test_min_and_max_of_a_constant_reduction(expression, expected):
    # sympy's Min and Max compare their arguments and cannot order an unevaluated Sum: the
    # compile ended in a ValueError traceback ("... is not comparable")
    xs = np.array([-2.0, 2.5, 7.0, 12.0])
    np.testing.assert_allclose(_values(expression, list(xs)), expected(xs), rtol=1e-15)


_TABLES = "param w[1..3] = [1, 2, 3]\nparam A[1..2, 1..3] = [[1, 2, 3], [4, 5, 6]]\n"


@pytest.mark.parametrize(("value", "expected"), [
    ("sum(w[i] for i in 1..3)", 6.0),
    ("prod(w[i] for i in 1..3) + sum(i for i in 1..4)", 16.0),
    ("max(w[i]^2 for i in 1..3) - min(A[2, j] for j in 1..3)", 5.0),
    ("sqrt(sum(w[i] * w[j] for i in 1..3 for j in i+1..3))", np.sqrt(11.0)),
    ("sum(prod(A[i, j] for j in 1..i+1) for i in 1..2)", 2.0 + 4 * 5 * 6),
    ("sum(if i > 1 then w[i] else 100 for i in 1..3)", 105.0),
    ("min(5, sum(i for i in 1..2))", 3.0),
])
def test_a_param_may_be_a_reduction_over_params(value, expected):
    # a param's value is "any expression of numbers, earlier params, constants and functions";
    # a reduction was refused with "the param's value is not a finite number"
    problem = mooc.compile(f"{_TABLES}param s = {value}\nvar x in [-2, 2]\nminimize f: s * x\n",
                           cache=False)
    np.testing.assert_allclose(problem.evaluate([[1.0], [-0.5]]).F[:, 0],
                               [expected, -0.5 * expected], rtol=1e-15)


def test_bounds_and_ranges_may_be_reductions_over_params():
    problem = mooc.compile(
        f"{_TABLES}var y[i in 1..3] in [-sum(w[j] for j in 1..i), 1]\n"
        "minimize f: sum(y[i] for i in 1..sum(w[j] for j in 1..2))\n", cache=False)
    np.testing.assert_array_equal(problem.lower, [-1, -3, -6])
    np.testing.assert_array_equal(problem.evaluate([[1, -3, 0.5]]).F, [[-1.5]])  # in bounds


@pytest.mark.parametrize(("value", "message"), [
    ("sum(w[i] for i in 2..4)", "3:15: error: index 4 is outside the range 1..3 of 'w'"),
    ("sum(min(w[j] for j in i..2) for i in 1..3)",
     "3:24: error: min() over the empty range 3..2"),
    ("sum(i for i in 1..200000)", "3:17: error: the reductions in this value run over more "
     "than 100,000 elements, the most a value known when compiling may have"),
])
def test_a_param_reduction_that_cannot_be_folded_says_why(value, message):
    with pytest.raises(mooc.MooError) as raised:
        mooc.compile(f"{_TABLES}param s = {value}\nvar x in [-2, 2]\nminimize f: s * x\n",
                     cache=False)
    assert message in str(raised.value)


def test_a_reduction_over_max_of_an_element_and_a_constant_reduction():
    # the unevaluated max(z[i] - x, prod(...)) was rebuilt by sympy inside the outer prod,
    # which raised "Product(j, (j, 2, 3)) is not comparable": a traceback
    problem = mooc.compile("var x in [-9, 9]\nvar z[1..2] in [-9, 9]\n"
                           "minimize f: prod(max(z[i] - x, prod(j for j in 2..3)) for i in 1..2)\n",
                           cache=False)
    X = np.array([[1.0, 9.0, 2.0], [-3.0, 5.0, 1.0]])
    expected = np.maximum(X[:, 1] - X[:, 0], 6) * np.maximum(X[:, 2] - X[:, 0], 6)
    np.testing.assert_array_equal(problem.evaluate(X).F[:, 0], expected)


@pytest.mark.parametrize("expression", [
    "sqrt(-x^2 - 1)", "sqrt(a * (x^2 + 1)) + x", "(-exp(x))^0.5", "(-x^2 - 1)^(1/3)",
    "x * sqrt(-exp(x))",
])
def test_a_root_sympy_finds_negative_is_nan_not_complex(expression):
    # sympy writes sqrt(-x^2 - 1) as I*sqrt(x^2 + 1); printed as 1j*..., numpy computed
    # complex numbers and the compile failed ("ComplexWarning ... on a test point")
    problem = mooc.compile(f"param a = -2\nvar x in [-3, 3]\nminimize f: {expression}\n"
                           f"constraint c: {expression} <= 1\n", cache=False)
    X = np.array([[-1.5], [0.0], [2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = problem.evaluate(X)
        jacobian_f, jacobian_c = problem.jacobian(X)
    # the objective is NaN; the constraint on it is undefined, so broken without bound: inf
    assert np.isnan(ev.F).all() and np.isposinf(ev.violation).all() and not ev.feasible.any()
    assert np.isnan(jacobian_f).all() and np.isnan(jacobian_c).all()


@pytest.mark.parametrize(("declaration", "message"), [
    ("param p = 1/0", "2:13: error: division by zero\n    param p = 1/0\n                ^"),
    ("param p = 1/(2 - 2)", "2:14: error: division by zero\n    param p = 1/(2 - 2)\n"
     "                 ^^^^^"),
    ("param p = 0^-1", "2:11: error: division by zero"),
    ("param p[1..2] = [1, 0/0]", "2:23: error: division by zero"),
    ("param p = sum(1/(i - 2) for i in 1..3)", "2:11: error: division by zero"),
    ("var v in [0, 1/(x0 - 1)]", "2:17: error: division by zero"),
])
def test_a_value_known_when_compiling_that_divides_by_zero_is_a_located_error(declaration,
                                                                             message):
    # was "the param's value is not a finite number", at the whole value
    with pytest.raises(mooc.MooError) as raised:
        mooc.compile(f"param x0 = 1\n{declaration}\nvar x in [0, 1]\nminimize f: x\n",
                     filename="m.moo", cache=False)
    assert f"m.moo:{message}" in str(raised.value)


@pytest.mark.parametrize(("expression", "expected"), [
    ("x + 1/(2 - 2)", lambda x: x + np.inf),
    ("x * (1/0)", lambda x: x * np.inf),
    ("x / z", lambda x: x / 0.0),
    ("-x / 0", lambda x: -x / 0.0),
    ("(x - 0.5) / (2 - 2)", lambda x: (x - 0.5) / 0.0),
    ("x + 0^-1", lambda x: x + np.power(0.0, -1.0)),
    ("0/0 + x", lambda x: np.float64(0) / 0.0 + x),
    ("x + log(0) + log10(0)", lambda x: x + np.log(0.0) + np.log10(0.0)),
    ("if 1/0 > 5 then x else 2", lambda x: np.where(1 / np.float64(0) > 5, x, 2.0)),
    ("sin(1/0) + atan(1/0) + x", lambda x: np.sin(np.inf) + np.arctan(np.inf) + x),
    ("x + sum(1/(l - 2) for l in 1..3)", lambda x: x + (-1.0 + np.inf + 1.0)),
    # sympy divides into an 'if' (1/0 there was zoo, which made the whole expression NaN)
    ("1/(if x > 0 then 0 else 2)", lambda x: np.where(x > 0, np.inf, 0.5)),
    ("-(if x > 0 then 0 else 2)^-1", lambda x: np.where(x > 0, -np.inf, -0.5)),
    ("x + (if x > 0 then log(0) else 2)", lambda x: x + np.where(x > 0, -np.inf, 2.0)),
    ("2 + 1/(0^(-x))", lambda x: 2 + 1 / np.power(0.0, -x)),  # sympy's 0^(-x) is zoo^x
])
def test_a_constant_division_by_zero_in_an_expression_is_what_floating_point_gives(expression,
                                                                                   expected):
    # sympy's 1/0 is an infinity without a sign, which became NaN: 'x + 1/(2-2)' was NaN
    # everywhere (numpy: inf), 'if 1/0 > 5' took the else branch, 'log(0)' was NaN
    problem = mooc.compile(f"param z = 0\nvar x in [-1, 2]\nminimize f: {expression}\n",
                           cache=False)
    xs = np.array([-1.0, 0.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = problem.evaluate(xs[:, None]).F[:, 0]
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(values, np.broadcast_to(expected(xs), xs.shape))


@pytest.mark.parametrize(("expression", "expected"), [
    # at k = 0 the range of j is empty, and with it the range j..0 of the min: never used
    ("x + sum(min(x for i in j..0) for k in 0..0 for j in 0..k - 1)", lambda x: x),
    ("x + sum(max(x * i for i in j..0) for k in 0..0 for j in 0..k - 1)", lambda x: x),
    ("x + sum(min(x for i in j..0) for k in 0..1 for j in 0..k - 1)", lambda x: 2 * x),
    ("x + sum(max(x * i for i in j..0) for k in 0..1 for j in 0..k - 1)", lambda x: x),
    ("x - sum(max(i * x for i in 1..j) for k in 1..3 for j in 1..k - 1)",
     lambda x: x - 2 * x - np.maximum(x, 2 * x)),
    # a body of whole numbers (numpy.where of two integers) reduces as it did
    ("x + min(if x < i + 0.5 then -1 else 2 for i in 1..3)", lambda x: x + np.where(x < 3.5, -1, 2)),
    ("x + max(if x < i + 0.5 then -1 else 2 for i in 1..3)", lambda x: x + np.where(x < 1.5, -1, 2)),
])
def test_min_and_max_inside_an_empty_range_are_never_computed(expression, expected):
    # numpy refused to reduce the empty axis: the model failed to compile ("the generated code
    # failed on a test point: ValueError('zero-size array to reduction operation minimum ...')")
    xs = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(_values(expression, list(xs)), expected(xs))
    problem = mooc.compile(f"var x in [-1000, 1000]\nminimize f: {expression}\n", cache=False)
    step = 1e-6
    slope = (expected(xs + step) - expected(xs - step)) / (2 * step)
    np.testing.assert_allclose(problem.jacobian(xs[:, None])[0][:, 0, 0], slope, rtol=1e-6)
