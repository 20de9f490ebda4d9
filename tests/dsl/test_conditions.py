"""Conditions that hold an ``if``, a constant reduction or ``not``: each compiles quickly and
computes what numpy computes for the expression as written (see mooc.dsl.conditions)."""

from __future__ import annotations

import signal
import time
import warnings

import numpy as np
import pytest

import mooc

_DECLARED = "var x in [-2, 2]\nvar y in [-2, 2]\nparam q[1..3] = [1, 2, 3]\n"
_X = np.array([[0.25, 1.0], [-1.0, -1.0], [1.0, -0.5], [-0.5, 0.5], [0.0, 0.0], [2.0, 2.0]])


def _compiled_within(text: str, seconds: int = 20) -> tuple[mooc.Problem, float]:
    """The model compiled, and how long that took; a hang fails the test after ``seconds``."""
    def stop(*_: object) -> None:
        raise TimeoutError(f"the compile took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    started = time.perf_counter()
    try:
        return mooc.compile(text, cache=False), time.perf_counter() - started
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _objective(expression: str) -> np.ndarray:
    problem, _ = _compiled_within(f"{_DECLARED}minimize f: {expression}\nminimize g: x\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may leak
        return problem.evaluate(_X).F[:, 0]


def _where(condition: np.ndarray, then: object, otherwise: object) -> np.ndarray:
    return np.where(condition, then, otherwise).astype(float)


x, y = _X[:, 0], _X[:, 1]
with np.errstate(all="ignore"):
    _INNER = _where(y > 0, 3.0, 2.0 ** (1 / x))  # if y > 0 or 1 != 1 then 3 else 2^(x^-1)


def test_a_comparison_of_two_constants_sympy_cannot_order_does_not_hang():
    # 1 != prod(10 for l in 3..1) inside an 'if' in a condition: sympy's canonical form of a
    # Piecewise divided it by a coefficient of 0, again and again (zoo*(zoo*(... - 1) - 1)),
    # and 'mooc check' never returned
    text = (f"{_DECLARED}minimize f: if prod(q[i] for i in 2..1) != (if y > 0 or 1 != "
            "prod(10 for l in 3..1) then 3 else 2^(x^-1)) then 1 else 2\nminimize g: x + y\n")
    problem, seconds = _compiled_within(text)
    assert seconds < 5
    with np.errstate(all="ignore"):
        expected = _where(1.0 != _INNER, 1.0, 2.0)  # the empty prod is 1
    np.testing.assert_array_equal(problem.evaluate(_X).F[:, 0], expected)


@pytest.mark.parametrize(("expression", "expected"), [
    ("(prod(1 for j in 1..4))^(3)^3 + x", 1 + x),
    ("(sum(l for l in 2..3))^2 + x", 25 + x),
    ("x + log10((sum(2.5 for l in 2..0) + 1)^-1)", x),
    ("sum((sum(l for l in 2..0))^3 for j in 1..1) + y", y),
])
def test_a_power_of_a_constant_reduction_is_its_value_not_nan(expression, expected):
    # sympy cannot evaluate a power of an unevaluated reduction, and it was printed as NaN
    np.testing.assert_array_equal(_objective(expression), expected)
