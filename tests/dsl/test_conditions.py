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
    _ROOT = np.sqrt(x)


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
    ("if y > 0 or 1 != prod(10 for l in 3..1) then 3 else 2^(x^-1)", _INNER),
    ("if 1 != (if y > 0 then prod(10 for l in 3..1) else 3) then x else y", _where(y > 0, y, x)),
    ("if sum(1 for l in 3..1) < 0 then 7 else y", y),  # sympy's empty sum 3..1 is -1; ours 0
    ("if prod(2 for l in 1..0) == (if x > 0 then 1 else 2) then x else -x", _where(x > 0, x, -x)),
    ("if (if x > 0 then prod(2 for l in 1..3) else sum(1 for l in 2..1)) == 8 then y else -y",
     _where(x > 0, y, -y)),
    ("if (if x > 0 then sqrt(x)^2 else -1) <= 0.5 then 1 else 2",  # a NaN branch compared
     _where(_where(x > 0, x, -1) <= 0.5, 1, 2)),
    ("if (if x < 0 then 1 else 2) == 2 and x != (if y > 0 then 0.5 else 1) then 1 else 0",
     _where((_where(x < 0, 1, 2) == 2) & (x != _where(y > 0, 0.5, 1)), 1, 0)),
    ("if (if x > 0 then 1/sum(y for l in 1..0) else 2) < 1 then 1 else 0",  # 1/0 is inf
     _where(_where(x > 0, np.inf, 2) < 1, 1, 0)),
    ("if 30 == prod((if 1 < (if y > 0 then j else x) then 2 else q[j]) for j in 1..3) then x^2 "
     "else y^2 + x",
     np.where(np.prod([_where(1 < _where(y > 0, j, x), 2, j) for j in (1, 2, 3)], axis=0)
              == 30, x**2, y**2 + x)),
])
def test_an_if_in_a_condition_computes_what_numpy_computes(expression, expected):
    np.testing.assert_array_equal(_objective(expression), expected)


def test_an_if_inside_a_reduction_in_a_condition_keeps_its_derivatives():
    # sympy took the inner 'if' out of the prod, leaving its index j outside: the compile
    # ended in KeyError "no code for symbol 'j'" (and the derivatives in the same error)
    problem, _ = _compiled_within(
        f"{_DECLARED}minimize f: if 30 == prod((if 1 < (if y > 0 then j else x) then 2 else "
        "q[j]) for j in 1..3) then x^2 else y^2 + x\nminimize g: x\n")
    assert problem.derivatives.available
    jacobian = problem.jacobian(_X[:2])[0][:, 0, :]
    np.testing.assert_array_equal(jacobian, [[1.0, 2.0], [1.0, -2.0]])


@pytest.mark.parametrize(("expression", "expected"), [
    ("(prod(1 for j in 1..4))^(3)^3 + x", 1 + x),
    ("(sum(l for l in 2..3))^2 + x", 25 + x),
    ("x + log10((sum(2.5 for l in 2..0) + 1)^-1)", x),
    ("sum((sum(l for l in 2..0))^3 for j in 1..1) + y", y),
    ("x + (prod(y for l in 3..1) + sum(y^2 for l in 2..1))^2", x + 1),  # empty, of variables
    ("x + prod(y^2.5 for l in 3..1)", x + 1),  # its body is never computed: not NaN for y < 0
])
def test_a_power_of_a_constant_reduction_is_its_value_not_nan(expression, expected):
    # sympy cannot evaluate a power of an unevaluated reduction, and it was printed as NaN
    np.testing.assert_array_equal(_objective(expression), expected)


@pytest.mark.parametrize(("expression", "condition"), [
    ("if not (sqrt(x) < 1) then 1 else 2", np.logical_not(_ROOT < 1)),
    ("if not (sqrt(x) >= 0.25) then 1 else 2", np.logical_not(_ROOT >= 0.25)),
    ("if not (1 > sqrt(x)) and y < 1 then 1 else 2", np.logical_not(1 > _ROOT) & (y < 1)),
    ("if not (not (sqrt(x) < 1)) then 1 else 2", _ROOT < 1),
    ("if not (sqrt(x) == 0.5) then 1 else 2", np.logical_not(_ROOT == 0.5)),
    ("if not (sqrt(x) != 0.5) then 1 else 2", np.logical_not(_ROOT != 0.5)),
    ("if not (sqrt(x) <= (if y > 0 then 1 else 0.5)) then 1 else 2",
     np.logical_not(_ROOT <= _where(y > 0, 1, 0.5))),
])
def test_not_is_the_negation_of_the_comparison_where_a_side_is_undefined(expression, condition):
    # sympy wrote not (sqrt(x) < 1) as sqrt(x) >= 1, which is false where sqrt(x) is NaN
    # (x < 0): numpy's not (NaN < 1) is true, and so is the doc's ("a comparison with an
    # undefined value is false")
    assert np.isnan(_ROOT).any()
    np.testing.assert_array_equal(_objective(expression), _where(condition, 1, 2))


def test_not_in_a_when_condition_is_its_negation_where_a_side_is_undefined():
    problem, _ = _compiled_within(
        "var n int in [-2, 3]\nvar u[i in 1..2] in [0, 1] when not (sqrt(n) >= i)\n"
        "minimize f: sum(if not (sqrt(n) >= i) then u[i] else 5 for i in 1..2)\n"
        "minimize g: n\n")
    X = np.array([[-1.0, 0.5, 0.25], [1.0, 0.5, 0.25], [3.0, 0.5, 0.25]])
    with np.errstate(invalid="ignore"):
        exists = np.logical_not(np.sqrt(X[:, :1]) >= np.array([1, 2]))  # u[i] exists there
    np.testing.assert_array_equal(problem.active(X)[:, 1:], exists)
    values = np.where(exists, X[:, 1:], 5).sum(axis=1)
    np.testing.assert_array_equal(problem.evaluate(X).F[:, 0], values)


@pytest.mark.parametrize("op", [">", "<=", "=="])
def test_a_condition_holding_many_ifs_compiles_at_once_with_its_values_and_derivatives(op):
    # a sum of eight 'if's compared: sympy folded the 256 branches out to the top of the
    # condition, as it built the 'if' and again as the derivatives shared subexpressions
    # (seven took 20 s, eight 90 s, twelve did not end)
    n = 12
    terms = " + ".join(f"(if x > {i / 25} then {i} else {i + 1})" for i in range(n))
    problem, _ = _compiled_within(f"var x in [0, 1]\nvar y in [0, 1]\nminimize f: "
                                  f"if {terms} {op} 72 then y^2 else 2*y\nminimize g: 1 - y\n")
    xs = np.linspace(0, 1, 51)
    X = np.c_[xs, np.full(51, 0.5)]
    total = sum(np.where(xs > i / 25, i, i + 1) for i in range(n))
    holds = {">": total > 72, "<=": total <= 72, "==": total == 72}[op]
    assert holds.any() and not holds.all()
    assert np.array_equal(problem.evaluate(X).F[:, 0], np.where(holds, 0.25, 1.0))
    JF, _ = _compiled_within_derivatives(problem, X)
    assert np.array_equal(JF[:, 0, 1], np.where(holds, 1.0, 2.0))


def _compiled_within_derivatives(problem: mooc.Problem, X: np.ndarray,
                                 seconds: int = 20) -> tuple[np.ndarray, np.ndarray]:
    def stop(*_: object) -> None:
        raise TimeoutError(f"the derivatives took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return problem.jacobian(X)  # type: ignore[no-any-return]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
