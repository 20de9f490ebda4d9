"""An operation undefined somewhere stays undefined there when sympy simplifies it away:
sqrt(x)^2 is NaN for x < 0, not x (see mooc.dsl.domains)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import mooc


def _objective(expression: str, X: np.ndarray, declarations: str = "var x in [-2, 2]\n") -> np.ndarray:
    problem = mooc.compile(f"{declarations}minimize f: {expression}\n", cache=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may leak
        return problem.evaluate(X).F[:, 0]


X = np.array([[-1.5], [-0.5], [0.0], [0.25], [0.5], [1.5]])
x = X[:, 0]


@pytest.mark.parametrize("expression, defined, value", [
    ("sqrt(x)^2", x >= 0, x),
    ("(x^0.5)^2", x >= 0, x),
    ("exp(log(x))", x > 0, x),
    ("log(x) - log(x)", x > 0, 0 * x),
    ("sqrt(x) - sqrt(x)", x >= 0, 0 * x),
    ("0 * log(x)", x > 0, 0 * x),
    ("acos(x) - acos(x)", abs(x) <= 1, 0 * x),
    ("sqrt(x) / sqrt(x) + 1", x >= 0, 0 * x + 2),  # the division cancels as sympy has it
])
def test_an_operation_simplified_away_is_still_undefined_where_it_was(expression, defined,
                                                                      value):
    F = _objective(expression, X)
    assert np.all(np.isnan(F[~defined]))
    assert np.allclose(F[defined], value[defined])


@pytest.mark.parametrize(("expression", "inside"), [
    ("-(-(pi / x - y)^0.5)^2 + x", lambda x, y: np.pi / x - y),
    ("sqrt(1/x - y)^2", lambda x, y: 1 / x - y),
    ("log(exp(2/x - y)) + sqrt(2/x - y)^2", lambda x, y: 2 / x - y),
])
def test_an_operation_on_a_division_is_undefined_where_it_was_after_it_is_simplified(expression,
                                                                                    inside):
    # the root's record held the atoms of its argument too (1/x): the simplified expression
    # still divided by x, so the root was taken as kept, and no guard made it NaN (x = -1,
    # y = -2 gave -1.14, numpy NaN)
    XY = np.array([[1.0, 1.0], [-1.0, -2.0], [1.0, 2.5], [2.0, -1.0], [-2.0, 0.5]])
    F = _objective(expression, XY, "var x in [-2, 2]\nvar y in [-2, 3]\n")
    assert np.array_equal(np.isnan(F), inside(XY[:, 0], XY[:, 1]) < 0)


def test_in_a_reduction_each_element_keeps_its_domain():
    declarations = "var x[i in 1..3] in [-2, 2]\n"
    X3 = np.array([[0.5, 1.0, 2.0], [0.5, -1.0, 2.0]])
    F = _objective("sum(sqrt(x[i])^2 for i in 1..3)", X3, declarations)
    assert F[0] == pytest.approx(3.5) and np.isnan(F[1])


def test_in_a_branch_only_where_the_branch_is_taken():
    declarations = "var x in [-2, 2]\nvar y in [0, 1]\n"
    XY = np.array([[-1.0, 0.2], [-1.0, 0.8], [1.0, 0.8]])
    F = _objective("if y > 0.5 then sqrt(x)^2 else 7", XY, declarations)
    assert F[0] == 7 and np.isnan(F[1]) and F[2] == 1


def test_a_condition_on_an_undefined_value_is_false():
    F = _objective("if sqrt(x)^2 > 0.25 then 1 else 2", X)
    assert F.tolist() == [2, 2, 2, 2, 1, 1]


def test_a_constraint_there_is_violated_and_a_search_does_not_go_there():
    problem = mooc.compile("var x in [-1, 1]\nvar y in [0, 1]\nminimize f: sqrt(x)^2 + y\n"
                           "minimize g: 1 - y\nconstraint c: sqrt(x + 0.5)^2 <= 2\n", cache=False)
    # undefined there: broken without bound (inf, as the run reports it), not NaN
    assert np.isposinf(problem.evaluate(np.array([[-0.9, 0.5]])).violation[0, 0])
    result = problem.solve(generations=20, seed=1)
    assert np.all(result.X[:, 0] >= 0)


def test_its_derivative_is_undefined_there_too():
    problem = mooc.compile("var x in [-2, 2]\nminimize f: sqrt(x)^2\nminimize g: -x\n",
                           cache=False)
    jacobian = problem.jacobian(np.array([[-1.0], [1.0]]))[0]
    assert np.isnan(jacobian[0, 0]).all() and jacobian[1, 0].tolist() == [1.0]


def test_a_comparison_ends_an_undefined_value_as_numpy_does():
    # 'or' with a condition that holds decides alone, as numpy's 'NaN > 1 or True' does
    declarations = "var x in [-2, 2]\nparam q = 1.5\n"
    F = _objective("if not sqrt(x)^2 > 0.25 or q > 0 then 1 else 2", X, declarations)
    assert F.tolist() == [1] * len(X)
    F = _objective("if sqrt(x)^2 != 0.25 then 1 else 2", X)
    assert F.tolist() == [1, 1, 1, 2, 1, 1]  # undefined: '!=' holds, as NaN != 0.25 does


def test_an_if_whose_condition_holds_an_if_inside_a_reduction_gives_the_lets_values():
    # sympy took the inner 'if' out of the prod, as though the prod bound no index: this model
    # was refused ("beyond what the compiler can simplify: ... compute that value first, in a
    # 'let'"), and others like it ended in a KeyError traceback ("no code for symbol 'j'")
    problem = ("var x in [-3, 3]\nminimize f: if x >= min(prod((if 3 > l then x else 2) "
               "for l in 2..3), 1) then 1 else 2\nminimize g: x\n")
    fixed = problem.replace("minimize f: if x >= min(prod((if 3 > l then x else 2) for l in "
                            "2..3), 1)", "let inner = prod((if 3 > l then x else 2) for l in "
                            "2..3)\nminimize f: if x >= min(inner, 1)")
    X3 = np.array([[-1.0], [0.25], [3.0]])
    for text in (problem, fixed):  # inner = 2 x: -2, 0.5, 6; min(inner, 1): -2, 0.5, 1
        assert mooc.compile(text, cache=False).evaluate(X3).F[:, 0].tolist() == [1, 2, 1]


def test_an_if_sympy_cannot_build_is_a_located_error(monkeypatch):
    from mooc.dsl import lower_expressions

    def refuse(then, condition, otherwise):
        raise TypeError("as sympy may")

    monkeypatch.setattr(lower_expressions, "if_then_else", refuse)
    problem = "var x in [-3, 3]\nminimize f: if x >= 1 then 1 else 2\nminimize g: x\n"
    with pytest.raises(mooc.MooError, match="compute that value first, in a 'let'") as caught:
        mooc.compile(problem, cache=False)
    assert (caught.value.span.line, caught.value.span.column) == (2, 16)


def test_a_root_of_a_square_negated_is_0_where_the_square_is():
    # sympy writes sqrt(-k^2) as I*|k|, and I was printed as NaN: NaN at k = 0 too, where the
    # root is sqrt(0) = 0 (numpy: sqrt(-0.0) = -0.0)
    X = np.array([[-1.5, 0.0], [0.0, 0.0], [0.5, 2.0]])
    F = _objective("sqrt(-(k)^2) + sqrt(-x^2)", X, "var x in [-2, 2]\nvar k int in [-3, 3]\n")
    assert F[1] == 0.0 and np.isnan(F[0]) and np.isnan(F[2])


@pytest.mark.parametrize(("condition", "holds"), [
    ("sqrt(x) < 0.5 or sqrt(x) >= 0.5", x >= 0),
    ("sqrt(x)^2 < 0.5 or sqrt(x)^2 >= 0.5", x >= 0),
    ("log(x) < 0 or log(x) >= 0", x >= 0),  # log(0) is -inf, which compares
    ("asin(x) <= 0 or asin(x) > 0", abs(x) <= 1),
    ("x^0.5 <= 0.5 or 0.5 < x^0.5", x >= 0),
    ("r < 0.5 or r >= 0.5", x >= 0),  # through a let
    ("(sqrt(x) < 0.5 or sqrt(x) >= 0.5) and x < 1", (x >= 0) & (x < 1)),
    ("not (sqrt(x) < 0.5 or sqrt(x) >= 0.5)", x < 0),
    ("sqrt(x) != 1 or sqrt(x) == 1", x == x),  # != holds for NaN
])
def test_comparisons_that_together_always_hold_do_not_hold_where_their_value_is_undefined(
        condition, holds):
    # sympy folds 'a < b or a >= b' to true, numpy's comparisons with NaN are false: f was 1
    # at x < 0, where sqrt(x) is undefined, and a search was free to go there
    F = _objective(f"if {condition} then 1 else 2", X, "var x in [-2, 2]\nlet r = sqrt(x)\n")
    assert np.array_equal(F, np.where(holds, 1.0, 2.0))

