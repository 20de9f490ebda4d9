"""Conditional variables ('when'), stage by stage: what may be written, what the generated code
computes (which variables exist, NaN where not), what an extern is given, and how a result
shows a variable that does not exist."""

from __future__ import annotations

import json

import numpy as np
import pytest

import mooc
from mooc.errors import ModelCheckError

LAYERS = """var layers int in [1, 3]
var units[i in 1..3] int in [4, 128] when layers >= i
var act[i in 1..3] choice {relu, step} when layers >= i
var slope[i in 1..3] in [0, 1] when layers >= i and act[i] == relu
var lr in [1e-4, 1] log when layers == 1
"""


@pytest.mark.parametrize("objective", [
    "sum(if layers >= j then units[j] else 0 for j in 1..3)",
    "if 2 <= layers then units[2] else 0",  # the same condition, written the other way
    "if not layers >= 2 then 0 else units[2]",  # the else branch of the opposite
    "if layers >= 2 then (if layers >= 3 then units[3] else units[2]) else 0",
    "sum(if layers >= i and act[i] == relu then slope[i] else 0 for i in 1..3)",
    "if layers == 1 then lr else 0",
    "if layers >= 1 + 1 then units[2] else 0",  # constants fold
])
def test_uses_under_the_variables_condition_compile(objective):
    mooc.compile(LAYERS + f"minimize f: {objective}\nminimize g: layers\n")


@pytest.mark.parametrize("objective,use", [
    ("sum(units[i] for i in 1..3)", "units[i]"),
    ("units[1]", "units[1]"),  # no reasoning over bounds: layers >= 1 is not assumed
    ("if layers > 2 then units[2] else 0", "units[2]"),
    ("sum(if act[i] == relu then slope[i] else 0 for i in 1..3)", "act[i]"),
    ("sum(if layers >= i then slope[i] else 0 for i in 1..3)", "slope[i]"),
    ("lr", "lr"),
    ("if layers >= 2 or layers == 1 then units[2] else 0", "units[2]"),
])
def test_uses_elsewhere_are_errors_at_the_use(objective, use):
    with pytest.raises(ModelCheckError) as caught:
        mooc.compile(LAYERS + f"minimize f: {objective}\nminimize g: layers\n")
    message = str(caught.value)
    assert message.startswith("<string>:6:") and f"{use} is used where it may not exist" in message


def test_activity_and_evaluation_mask_what_does_not_exist():
    problem = mooc.compile(LAYERS + "minimize f: sum(if layers >= i then units[i] else 0 "
                                    "for i in 1..3)\nminimize g: if layers == 1 then lr else 1\n")
    assert problem.variable_names == ("layers", "units[1]", "units[2]", "units[3]", "act[1]",
                                      "act[2]", "act[3]", "slope[1]", "slope[2]", "slope[3]",
                                      "lr")
    X = np.array([[1, 10, 20, 30, 0, 0, 0, 0.5, 0.5, 0.5, 0.1],
                  [3, 10, 20, 30, 0, 1, 0, 0.5, 0.5, 0.5, 0.1]], dtype=float)
    active = problem.active(X)
    assert active.tolist() == [
        [True, True, False, False, True, False, False, True, False, False, True],
        [True, True, True, True, True, True, True, True, False, True, False]]
    assert problem.evaluate(X).F.tolist() == [[10.0, 0.1], [60.0, 1.0]]
    # what the inactive entries hold changes nothing
    Y = X.copy()
    Y[~active] = np.nan
    np.testing.assert_array_equal(problem.evaluate(Y).F, problem.evaluate(X).F)


def test_a_model_without_when_has_everything_active():
    problem = mooc.compile("var x[1..2] in [0, 1]\nminimize f: x[1] + x[2]\n")
    assert not problem.conditional and problem.active([[0.5, 0.5]]).all()
    assert not hasattr(problem.as_solver_problem(), "active")


def test_extern_gets_a_shorter_list_and_none(tmp_path):
    (tmp_path / "record.py").write_text(
        "import json\n"
        "def call(layers, units, act, lr):\n"
        "    with open(__file__ + '.log', 'a') as f:\n"
        "        f.write(json.dumps([layers, units, act, lr]) + '\\n')\n"
        "    return sum(units)\n")
    (tmp_path / "m.moo").write_text(
        LAYERS + 'extern rec(layers, units, act, lr) = python "record:call" returns {total}\n'
                 "minimize f: rec.total\nminimize g: layers\n")
    problem = mooc.load(tmp_path / "m.moo", allow_extern=True)
    X = np.array([[1, 10, 20, 30, 0, 1, 0, 0.5, 0.5, 0.5, 0.1],
                  [2, 10, 20, 30, 0, 1, 0, 0.5, 0.5, 0.5, 0.1]], dtype=float)
    assert problem.evaluate(X).F[:, 0].tolist() == [10.0, 30.0]
    calls = [json.loads(line) for line in (tmp_path / "record.py.log").read_text().splitlines()]
    assert calls == [[1, [10], ["relu"], 0.1], [2, [10, 20], ["relu", "step"], None]]


def test_the_front_has_blank_cells_and_no_two_rows_alike():
    problem = mooc.compile(
        "var layers int in [1, 3]\nvar units[i in 1..3] int in [1, 8] when layers >= i\n"
        "let width[i in 1..3] = if layers >= i then units[i] else 0\n"
        "minimize size: sum(width[i] for i in 1..3)\n"
        "maximize depth: layers + sum(width[i] for i in 1..3) / 100\n")
    result = problem.solve(population=20, generations=15, seed=2)
    X = result.X
    assert np.isnan(X).any()
    assert np.array_equal(np.isnan(X), ~problem.active(np.nan_to_num(X, nan=1.0)))
    rows = {tuple(np.where(np.isnan(x), -1.0, x)) for x in X}
    assert len(rows) == len(X)
    header, first = result.to_csv().splitlines()[0:2]
    assert header.startswith("layers,units[1],units[2],units[3]")
    cells = dict(zip(header.split(","), first.split(","), strict=True))
    layers = int(cells["layers"])
    assert all((cells[f"units[{i}]"] == "") == (i > layers) for i in (1, 2, 3))
    document = json.loads(result.to_json())
    assert any(value is None for row in document["X"] for value in row)


NESTED = """param c[1..3] = [1, 0, 1]
var layers int in [0, 3]
var units[i in 1..3] in [0.5, 3] when layers >= i
var x[1..2] in [0, 1]
"""


def _nested_points() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.integers(0, 4, 40), rng.uniform(0.5, 3, (40, 3)),
                            rng.uniform(0, 1, (40, 2))])


@pytest.mark.parametrize("objective,expected", [
    ("sum(x[i] * min(if layers >= j then units[j] + i else 9 for j in 1..3) for i in 1..2)",
     lambda on, u, x: sum(x[:, i - 1] * np.where(on, u + i, 9).min(1) for i in (1, 2))),
    ("sum(x[i] * prod(if layers >= j then units[j] + i else 1 for j in 1..3) for i in 1..2)",
     lambda on, u, x: sum(x[:, i - 1] * np.where(on, u + i, 1).prod(1) for i in (1, 2))),
    ("sum(x[i] * sum(if layers >= j then units[j] * i else 0 for j in 1..3) for i in 1..2)",
     lambda on, u, x: sum(x[:, i - 1] * np.where(on, u * i, 0).sum(1) for i in (1, 2))),
    ("sum(x[i] * max(if c[j] > 0 and layers >= j then units[j] + i else 0 for j in 1..3) "
     "for i in 1..2)",
     lambda on, u, x: sum(x[:, i - 1] * np.where(on & [True, False, True], u + i, 0).max(1)
                          for i in (1, 2))),
])
def test_an_if_on_an_inner_index_stays_inside_its_reduction(objective, expected):
    """sympy folded such an 'if' out of the min/prod/sum over j, leaving j unbound: a
    KeyError from the code generator on a valid model."""
    problem = mooc.compile(NESTED + f"minimize f: {objective}\nminimize g: layers\n",
                           cache=False)
    X = _nested_points()
    on = X[:, :1] >= np.arange(1, 4)
    X[:, 1:4][~on] = np.nan  # what does not exist takes no part
    np.testing.assert_allclose(problem.evaluate(X).F[:, 0],
                               expected(on, np.nan_to_num(X[:, 1:4]), X[:, 4:6]), rtol=1e-12)


@pytest.mark.parametrize("objective", [
    "prod(if layers >= i then units[i] else 1 for i in 1..3)",
    "prod(if c[i] > 0 and layers >= i then units[i] else 2 for i in 1..3)",
    "max(if layers >= i then units[i] else 2.5 for i in 1..3)",
    "min(if layers >= i then units[i] else 2 for i in 1..3)",
])
def test_derivatives_of_a_reduction_over_what_exists(objective):
    """The product and the arg-max of a range keep the body's branches: d/du1 of
    prod(if layers >= i then u[i] else 1) at layers = 1 is 1, not u2 * u3 (nor NaN)."""
    problem = mooc.compile(NESTED + f"minimize f: {objective}\nminimize g: layers\n",
                           cache=False)
    X = _nested_points()
    active = problem.active(X)
    X[~active] = np.nan
    JF = problem.jacobian(X)[0][:, 0, 1:4]
    h = 1e-6
    for column in (1, 2, 3):
        moved = X.copy()
        moved[:, column] += h
        numeric = (problem.evaluate(moved).F[:, 0] - problem.evaluate(X).F[:, 0]) / h
        exists = active[:, column]
        np.testing.assert_allclose(JF[exists, column - 1], numeric[exists], atol=1e-4)


def test_the_exact_front_leaves_what_does_not_exist_blank():
    """Conditions on params only keep a model linear; the exact method's points show a
    variable that does not exist as NaN (a blank), as NSGA-II's do, not as the MILP's 0."""
    problem = mooc.compile("set P = {a, b, c}\nparam c[P] = [1, 0, 2]\n"
                           "var u[p in P] int in [0, 3] when c[p] > 0\nvar z bin\n"
                           "maximize f: sum(if c[p] > 0 then c[p] * u[p] else 0 for p in P) + z\n"
                           "minimize g: sum(if c[p] > 0 then u[p] else 0 for p in P) - z\n",
                           cache=False)
    result = problem.solve()
    assert result.method == "exact" and result.proven
    assert np.isnan(result.X[:, 1]).all() and not np.isnan(result.X[:, [0, 2, 3]]).any()
    assert sorted(result.F[:, 0].tolist()) == [1.0, 3.0, 5.0, 7.0, 8.0, 9.0, 10.0]
    header, *rows = result.to_csv().splitlines()
    assert header.startswith("u[a],u[b],u[c],z") and all(row.split(",")[1] == "" for row in rows)


PARAM_CONDITION = """set S = {a, b}
param c[S] = [1, -1]
var u[p in S] in [0, 1] when c[p] > 0
var y in [0, 1]
"""


@pytest.mark.parametrize("objective, expected", [
    ("(if c[a] > 0 then u[a] else 0.5) + y", 0.75),  # the message's own advice was refused
    ("(if c[b] > 0 then u[b] else 0.5) + y", 1.0),  # never exists: the else branch
    ("u[a] - y", -0.25),  # its condition holds whatever the point: it always exists
    ("sum(if c[p] > 0 then u[p] else 0 for p in S)", 0.25),
])
def test_a_condition_on_a_param_is_its_value_at_a_label(objective, expected):
    """'when c[p] > 0' at the label a is 'c[a] > 0', which is 1 > 0: true (it was compared as
    the unfolded c[1] > 0, and every use at a label was refused)."""
    problem = mooc.compile(f"{PARAM_CONDITION}minimize f: {objective}\nminimize g: y\n",
                           cache=False)
    X = np.array([[0.25, np.nan, 0.5]])
    np.testing.assert_allclose(problem.evaluate(X).F[:, 0], [expected])
    np.testing.assert_array_equal(problem.active(X), [[True, False, True]])


def test_a_label_whose_param_condition_fails_is_never_usable_unguarded():
    with pytest.raises(ModelCheckError, match=r"u\[b\] is used where it may not exist"):
        mooc.compile(f"{PARAM_CONDITION}minimize f: u[b] + y\n", cache=False)
