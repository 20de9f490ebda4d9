"""Two hard constraints that pin an expression (A <= B and A >= B) are the equality A == B,
with its tolerance, for feasibility and for the search (see mooc.dsl.pinned)."""

from __future__ import annotations

import numpy as np
import pytest

import mooc
from mooc.cli import main

_TWO = "var x in [0, 2]\nvar y in [0, 2]\nminimize f: x^2 + y\nminimize g: (x - 2)^2 + y^2\n"


def _problem(constraints: str, declarations: str = _TWO) -> mooc.Problem:
    return mooc.compile(declarations + constraints, cache=False)


@pytest.mark.parametrize("pair", [
    "constraint a: x + y <= 1\nconstraint b: x + y >= 1\n",
    "constraint a: x + y <= 1\nconstraint b: 1 <= x + y\n",
    "constraint a: 1 >= x + y\nconstraint b: x + y >= 1 tol 0\n",
])
def test_a_pinning_pair_gives_feasible_points_on_the_equality(pair):
    # with tolerance 0 the search lands a rounding error off x + y = 1: "no feasible point"
    problem = _problem(pair)
    assert problem.notes == ("constraints a and b pin x + y to 1: treated as the equality "
                             "x + y == 1, within 1e-6 × max(1, |x + y|, |1|) (exact equality "
                             "is rarely representable in floating point)",)
    result = problem.solve(generations=50, seed=1)
    assert result.feasible_found and result.feasible.all()
    total = result.X.sum(axis=1)
    assert np.all(np.abs(total - 1) <= 1e-6 * np.maximum(1, np.abs(total)))
    assert problem.derivatives.relations[0] == "=="  # the search holds it as an equality


def test_each_keeps_its_name_direction_and_violation_with_the_equalitys_tolerance():
    problem = _problem("constraint a: x + y <= 1\nconstraint b: x + y >= 1\n")
    assert problem.constraint_names == ("a", "b")
    X = np.array([[0.5, 0.5], [0.5, 0.5 + 9e-7], [0.5, 0.5 - 9e-7], [0.5, 0.6], [0.5, 0.4]])
    violation = problem.evaluate(X).violation
    np.testing.assert_allclose(violation, [[0, 0], [0, 0], [0, 0], [0.1 - 1.1e-6, 0],
                                           [0, 0.1 - 1e-6]], atol=1e-12)


def test_a_single_feasible_value_is_met():
    problem = _problem("constraint low: x <= 1\nconstraint high: x >= 1\n")
    feasible = problem.evaluate(np.array([[1.0, 0.0], [1 + 5e-7, 0.0], [1.01, 0.0]])).feasible
    assert feasible.tolist() == [True, True, False]
    result = problem.solve(generations=30, seed=2)
    assert result.feasible_found and np.allclose(result.X[:, 0], 1.0, atol=1e-6)


def test_families_pair_element_by_element_whatever_their_index_names():
    problem = _problem("param w[1..3] = [1, 2, 3]\nvar z[1..3] in [0, 2]\n"
                       "minimize f: sum(w[i] * z[i] for i in 1..3)\n"
                       "minimize g: sum((z[i] - 2)^2 for i in 1..3)\n"
                       "constraint lo[i in 1..3]: z[i] * w[i] <= w[i]\n"
                       "constraint hi[j in 1..3]: z[j] * w[j] >= w[j]\n", declarations="")
    assert problem.notes[0].startswith("constraints lo and hi pin z[i] * w[i] to w[i] for "
                                       "each i in 1..3: ")
    assert problem.derivatives.relations == ["=="] * 3 + [">="] * 3
    X = np.array([[1.0, 1 + 4e-7, 1 - 4e-7], [1.0, 1.0, 1.01]])
    assert problem.evaluate(X).feasible.tolist() == [True, False]


@pytest.mark.parametrize("constraints", [
    "constraint a: x + y <= 1 tol 0.1\nconstraint b: x + y >= 1 tol 0.1\n",  # a band: its own
    "constraint a: x + y <= 1\nsoft constraint b: x + y >= 1\n",  # soft ones never pair
    "constraint a: x + y <= 1\nconstraint b: 2*x + 2*y >= 2\n",  # not the same expression
    "constraint a: x + y <= 1\nconstraint b: x + y <= 1\n",  # the same direction twice
    "constraint a: x + y <= 1\nconstraint b: x - y >= 0\n",  # unrelated
])
def test_other_constraints_keep_their_own_meaning(constraints):
    problem = _problem(constraints)
    assert problem.notes == ()
    assert "None)" not in problem.python_source  # no relative tolerance: as written
    assert "==" not in problem.derivatives.relations


def test_a_linear_model_has_one_equality_row_and_the_front_of_the_equality():
    body = ("var a int in [0, 5]\nvar b int in [0, 5]\nvar c int in [0, 5]\nvar s in [0, 3]\n"
            "minimize cost: 3*a + 2*b + 4*c\nmaximize value: 5*a + 2*b + 6*c\n"
            "constraint cap: a - c <= 2\n")
    paired = mooc.compile(body + "constraint lo: a + b + c + s <= 6.5\n"
                          "constraint hi: 6.5 <= a + b + c + s\n", cache=False)
    equality = mooc.compile(body + "constraint total: a + b + c + s == 6.5\n", cache=False)
    assert paired.structure.A_eq.shape == equality.structure.A_eq.shape == (1, 4)
    assert paired.structure.A_ub.shape == equality.structure.A_ub.shape
    fronts = [p.solve(method="exact") for p in (paired, equality)]
    assert all(r.method == "exact" and r.feasible.all() for r in fronts)
    np.testing.assert_array_equal(*(r.F[np.lexsort(r.F.T)] for r in fronts))


def test_check_and_show_say_so(tmp_path, capsys):
    path = tmp_path / "pinned.moo"
    path.write_text(_TWO + "constraint a: x + y <= 1\nconstraint b: x + y >= 1\n")
    for command in ("check", "show"):
        assert main([command, str(path), "--no-cache"]) == 0
        out = capsys.readouterr().out
        assert "note: constraints a and b pin x + y to 1: treated as the equality x + y == 1" \
            in out
