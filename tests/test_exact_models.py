"""Whole models solved by the exact method against brute force over the model's own evaluation:
every integer point of the box evaluated by the generated code, the feasible ones kept, the
non-dominated set (objectives plus the weighted soft violations, as NSGA-II ranks them)."""

from __future__ import annotations

import itertools

import moocore
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mooc


def _brute_force(problem) -> np.ndarray:
    ranges = [range(int(lo), int(hi) + 1) for lo, hi in zip(problem.lower, problem.upper,
                                                             strict=True)]
    X = np.array(list(itertools.product(*ranges)), dtype=float)
    F, G, S = problem._compiled.evaluate(np.ascontiguousarray(X))
    penalized = F + (S @ problem.soft_weights)[:, None] if problem.n_soft else F
    ok = np.all(G == 0, axis=1)
    points = np.unique(penalized[ok], axis=0)
    return points[moocore.is_nondominated(points)] if len(points) else points


def _exact(problem) -> np.ndarray:
    result = problem.solve(method="exact")
    assert result.method == "exact" and result.proven
    signs = np.where(problem.maximize, -1.0, 1.0)
    penalized = result.F * signs
    if problem.n_soft:
        penalized = penalized + (result.soft_violation @ problem.soft_weights)[:, None]
    return np.unique(np.round(penalized, 9), axis=0)


@st.composite
def models(draw) -> str:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = int(rng.integers(2, 5))
    n_obj = int(rng.integers(2, 4))
    lines = [f"param n = {n}", f"var x[1..n] int in [0, {int(rng.integers(1, 3))}]",
             "var m choice {a, b, c}",
             "param cost[m] = {" + ", ".join(f"{k}: {int(v)}" for k, v in
                                             zip("abc", rng.integers(-3, 4, 3), strict=True)) + "}"]
    for k in range(n_obj):
        coefs = rng.integers(-5, 6, n)
        terms = " + ".join(f"({int(c)}) * x[{i + 1}]" for i, c in enumerate(coefs))
        extra = " + cost[m]" if k == 0 else (" + (if m == b then 2 else 0)" if k == 1 else "")
        sense = "minimize" if rng.random() < 0.5 else "maximize"
        lines.append(f"{sense} f{k}: {terms}{extra}")
    row = rng.integers(0, 4, n)
    lines.append("constraint cap: " + " + ".join(f"{int(c)} * x[{i + 1}]" for i, c in
                                                 enumerate(row)) + f" <= {int(row.sum())}")
    if rng.random() < 0.7:
        soft = rng.integers(1, 3, n)
        weight = int(rng.integers(1, 4))
        lines.append("soft constraint wish: " + " + ".join(
            f"{int(c)} * x[{i + 1}]" for i, c in enumerate(soft)) + f" >= {int(soft.sum())} "
            f"weight {weight}")
    return "\n".join(lines) + "\n"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_random_models_with_choices_and_soft_constraints_match_brute_force(text):
    problem = mooc.compile(text)
    assert problem.structure.describe().startswith("linear")
    expected = _brute_force(problem)
    found = _exact(problem)
    assert found.shape == expected.shape, (text, found, expected)
    np.testing.assert_allclose(found, np.unique(np.round(expected, 9), axis=0))


def test_a_linear_program_goes_to_dichotomy_and_reports_segments(tmp_path):
    problem = mooc.compile("var x in [0, 4]\nvar y in [0, 4]\nminimize f: x + 2 * y\n"
                           "minimize g: 3 * x + y\nconstraint c: x + y >= 2\n"
                           "constraint d: 2 * x + y >= 3\n")
    result = problem.solve()
    assert result.method == "exact" and result.proven and result.segments
    assert result.method_note.endswith("exact front (vertices and segments) by dichotomy")
    assert "vertices of the exact front, joined by segments" in result.message
    np.testing.assert_allclose(result.F, [[2.0, 6.0], [3.0, 4.0], [6.0, 3.0]], atol=1e-7)
    assert result.feasible.all()
    pytest.importorskip("matplotlib")
    result.plot(tmp_path / "lp.png")
    assert (tmp_path / "lp.png").stat().st_size > 0


def test_a_soft_equality_without_tol_and_large_sides_is_solved_not_an_internal_error():
    # the model forgives |x - 2e6| up to 1e-6 of the sides (2 here); its linear form penalizes
    # |x - 2e6| itself: the two differ, and the check of the front must allow that
    problem = mooc.compile("var x int in [0, 1999990]\nvar y bin\nminimize f: y\n"
                           "minimize g: 1 - y\nsoft constraint s: x == 2000000\n")
    result = problem.solve(method="exact")
    assert result.proven
    np.testing.assert_allclose(result.F, [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(result.soft_violation, [[8.0], [8.0]])
    np.testing.assert_allclose(result.X[:, 0], [1999990, 1999990])


@pytest.mark.parametrize("relation", [">=", "=="])
def test_a_soft_constraint_with_fractional_constant_and_tol_keeps_every_front_point(relation):
    # 3 - (k + j + 0.25) - 0.25 is a half-integer: a whole-number slack would charge 1 for a
    # violation of 0.5 and lose the points that pay it
    problem = mooc.compile("var k int in [0, 3]\nvar j int in [0, 3]\nminimize f: k\n"
                           f"minimize g: j\nsoft constraint s: k + j + 0.25 {relation} 3 tol 0.25\n")
    result = problem.solve(method="exact")
    penalized = result.F + result.soft_violation @ problem.soft_weights[:, None]
    np.testing.assert_allclose(np.unique(penalized, axis=0), _brute_force(problem))
    assert len(result.F) == 7


def test_an_exact_front_s_points_hold_their_constraints_when_evaluated_again():
    # HiGHS's vertex (4, 1.0000000000000009) broke x + y <= 5 by 8.9e-16: the front called it
    # feasible (rounding), problem.evaluate of the same point did not
    problem = mooc.compile("var x in [0, 4]\nvar y in [0, 3]\nvar z in [1e-2, 5] log\n"
                           "maximize f1: 3 * x + y - z\nminimize f2: x + 2 * y + z\n"
                           "constraint c1: x + y <= 5\nconstraint c2: x - y >= -1\n"
                           "soft constraint s1: z >= 1 weight 0.5")
    result = problem.solve(method="exact")
    assert result.proven and result.feasible.all()
    assert sorted(map(tuple, result.X.tolist())) == [(0.0, 0.0, 0.01), (4.0, 0.0, 0.01),
                                                     (4.0, 1.0, 0.01)]
    assert problem.evaluate(result.X).feasible.all()
