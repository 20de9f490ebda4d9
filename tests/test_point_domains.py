"""Points a user gives (evaluate, jacobian, active, initial points, tell) are refused in words
when a value is not in its variable's domain; a rounding error off a bound or a whole number
is moved in; what does not exist at a point ('when') may be blank, and is ignored there."""

from __future__ import annotations

import numpy as np
import pytest

import mooc
from mooc.cli import main

MIXED = """var n int in [0, 5]
var c choice {a, b}
var x in [0, 1]
var b bin
var r in [1e-3, 10] log
minimize f: n + x + b + r
minimize g: 5 - n + (if c == a then 1 else 0)
"""
GOOD = [2, 1, 0.5, 1, 1.0]


@pytest.mark.parametrize("column,value,message", [
    (0, 2.5, "'n' is an integer in [0, 5], but is 2.5"),
    (0, -1, "'n' is an integer in [0, 5], but is -1"),
    (1, 7, "'c' is a choice of a, b (a label, or its index 0 to 1), but is 7"),
    (1, 0.5, "'c' is a choice of a, b (a label, or its index 0 to 1), but is 0.5"),
    (2, 3.0, "'x' is a number in [0, 1], but is 3"),
    (2, 1 + 1e-9, "'x' is a number in [0, 1], but is 1.000000001"),
    (2, np.inf, "'x' is a number in [0, 1], but is inf"),
    (2, np.nan, "'x' is a number in [0, 1], but is blank (NaN or None)"),
    (3, 0.5, "'b' is binary (0 or 1), but is 0.5"),
    (3, 2, "'b' is binary (0 or 1), but is 2"),
    (4, 1e-4, "'r' is a number in [0.001, 10] (log scale), but is 0.0001"),
    (4, 20, "'r' is a number in [0.001, 10] (log scale), but is 20"),
])
def test_a_value_outside_its_domain_is_refused_naming_row_and_variable(column, value, message):
    problem = mooc.compile(MIXED)
    X = np.array([GOOD, GOOD], dtype=float)
    X[1, column] = value
    for method in (problem.evaluate, problem.jacobian, problem.active):
        with pytest.raises(mooc.errors.UsageError) as caught:
            method(X)
        assert str(caught.value) == f"error: 'X' row 1: {message}"


def test_the_example_of_the_report():
    problem = mooc.compile("var n int in [0, 5]\nvar c choice {a, b}\nvar x in [0, 1]\n"
                           "minimize f: n + x\nminimize g: 5 - n + (if c == a then 1 else 0)\n")
    with pytest.raises(mooc.errors.UsageError) as caught:
        problem.evaluate(np.array([[2.5, 7, 3.0]]))
    assert str(caught.value) == "error: 'X' row 0: 'n' is an integer in [0, 5], but is 2.5"


def test_a_rounding_error_off_a_bound_or_a_whole_number_is_moved_in():
    problem = mooc.compile(MIXED)
    exact = problem.evaluate([GOOD]).F
    off = [2 + 4e-16, 1 - 1e-16, 0.5, 1 + 2e-16, 1.0]
    np.testing.assert_array_equal(problem.evaluate([off]).F, exact)
    at_bounds = problem.evaluate([[5, 0, 1 + 1e-15, 0, 10 * (1 + 1e-14)]]).F
    np.testing.assert_array_equal(at_bounds, problem.evaluate([[5, 0, 1, 0, 10]]).F)
    assert problem.evaluate([[0, 0, -1e-17, 0, 1e-3 * (1 - 1e-13)]]).F.tolist() == [[1e-3, 6.0]]


def test_labels_and_indices_are_both_accepted():
    problem = mooc.compile(MIXED)
    by_label = problem.evaluate([[2, "b", 0.5, 1, 1.0]]).F
    np.testing.assert_array_equal(by_label, problem.evaluate([GOOD]).F)


LAYERS = """var layers int in [1, 3]
var units[i in 1..3] int in [4, 128] when layers >= i
minimize f: sum(if layers >= i then units[i] else 0 for i in 1..3)
minimize g: layers
"""


def test_blank_is_allowed_exactly_where_a_variable_does_not_exist():
    problem = mooc.compile(LAYERS)
    assert problem.evaluate([[1, 10, None, np.nan]]).F.tolist() == [[10.0, 1.0]]
    with pytest.raises(mooc.errors.UsageError) as caught:
        problem.evaluate([[1, 10, None, None], [2, 10, None, None]])
    assert str(caught.value) == (
        "error: 'X' row 1: 'units[2]' is an integer in [4, 128], but is blank (NaN or None: "
        "only a variable that does not exist at the point may be blank)")
    with pytest.raises(mooc.errors.UsageError, match="'X' row 0: 'layers' is an integer"):
        problem.evaluate([[np.nan, 10, None, None]])


def test_a_value_where_a_variable_does_not_exist_is_ignored_whatever_it_is():
    """evaluate never reads it; so problem.active can be asked which entries to blank."""
    problem = mooc.compile(LAYERS)
    garbage = [[1, 10, 0, 1e9], [2, 10, 20, -3.5]]
    assert problem.active(garbage).tolist() == [[True, True, False, False],
                                                [True, True, True, False]]
    np.testing.assert_array_equal(problem.evaluate(garbage).F,
                                  problem.evaluate([[1, 10, None, None], [2, 10, 20, None]]).F)
    with pytest.raises(mooc.errors.UsageError, match="'X' row 1: 'units\\[2\\]' is an integer "
                                                     "in \\[4, 128\\], but is 2.5"):
        problem.evaluate([[1, 10, 0, 0], [2, 10, 2.5, 0]])


def test_initial_points_outside_the_domain_are_refused():
    problem = mooc.compile(MIXED)
    for run in (problem.solve, problem.optimizer):
        with pytest.raises(mooc.errors.UsageError) as caught:
            run(population=8, generations=1, seed=1, initial=[GOOD, [2, 1, 0.5, 1, 50]])
        assert str(caught.value) == ("error: 'initial' row 1: 'r' is a number in [0.001, 10] "
                                     "(log scale), but is 50")


def test_initial_points_from_a_file_are_refused_at_their_line(tmp_path, capsys):
    model, points = tmp_path / "m.moo", tmp_path / "points.csv"
    model.write_text(MIXED)
    points.write_text("n,c,x,b,r\n2,a,0.5,1,1\n\n3,b,0.5,1,1\n3,b,0.5,1,1e-4\n")
    assert main(["solve", str(model), "--population", "8", "--generations", "1",
                 "--initial", str(points)]) == 2
    err = capsys.readouterr().err
    assert f"error: {points}:5: 'r' is a number in [0.001, 10] (log scale), but is 0.0001" in err
    assert "Traceback" not in err


def test_tell_names_the_value_outside_the_domain():
    problem = mooc.compile(MIXED)
    opt = problem.optimizer(population=8, generations=2, seed=1)
    X = opt.ask()
    wrong = X.copy()
    wrong[3, 0] = 2.5
    with pytest.raises(mooc.errors.UsageError) as caught:
        opt.tell(wrong, np.zeros((len(X), 2)))
    assert str(caught.value) == "error: 'X' row 3: 'n' is an integer in [0, 5], but is 2.5"
    moved = X.copy()
    moved[3, 2] = 1 - moved[3, 2]  # in the domain, but not a point ask() gave
    with pytest.raises(mooc.errors.UsageError, match="was not given by ask"):
        opt.tell(moved, np.zeros((len(X), 2)))


def test_the_solvers_own_points_are_told_and_evaluated_without_refusal():
    """Log variables at their bounds come back from exp(log(bound)) a rounding off it."""
    problem = mooc.compile("var r[1..3] in [0.3, 7.1] log\nvar n int in [-3, 3]\n"
                           "minimize f: sum(r[i] for i in 1..3) + n\n"
                           "maximize g: sum(r[i]^2 for i in 1..3) - n^2\n")
    opt = problem.optimizer(population=16, generations=15, seed=4, mutation_prob=1.0)
    while not opt.stopped:
        X = opt.ask()
        opt.tell(X, problem.evaluate(X).F)
    result = opt.result()
    np.testing.assert_allclose(problem.evaluate(result.X).F, result.F, rtol=1e-12)
