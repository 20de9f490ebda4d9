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
])
def test_min_and_max_of_a_constant_reduction(expression, expected):
    # sympy's Min and Max compare their arguments and cannot order an unevaluated Sum: the
    # compile ended in a ValueError traceback ("... is not comparable")
    xs = np.array([-2.0, 2.5, 7.0, 12.0])
    np.testing.assert_allclose(_values(expression, list(xs)), expected(xs), rtol=1e-15)
