"""An extern that gives NaN, +inf or -inf fails its point, as one that raises does: worst,
never in the front, counted and reported among the run's failures (-inf, the best of numbers
for a minimized objective, above all)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import mooc
from mooc.solver import FunctionProblem, nsga2

MODULE = '''
import math
import numpy as np

def point(x):
    """-inf where x > 0.8 (would beat every finite value of 'a'), +inf and NaN below."""
    if x > 0.8:
        return [-math.inf, 1 - x]
    if x < 0.1:
        return [math.inf, 1 - x]
    if x < 0.2:
        return [float("nan"), 1 - x]
    return [x, 1 - x]

def batch(x):
    a = np.where(x > 0.8, -np.inf, np.where(x < 0.1, np.inf, np.where(x < 0.2, np.nan, x)))
    return [a, 1 - x]
'''

MODEL = ('var x in [0, 1]\nextern s(x) = python "sim:{function}" returns {{a, b}} {options}\n'
         "minimize a: s.a\nminimize b: s.b\n")
CASES = [("point", ""), ("point", "timeout 5"), ("batch", "vectorized")]


def _problem(tmp_path, function, options):
    (tmp_path / "sim.py").write_text(textwrap.dedent(MODULE))
    (tmp_path / "m.moo").write_text(MODEL.format(function=function, options=options))
    return mooc.load(tmp_path / "m.moo", allow_extern=True)


@pytest.mark.parametrize("function,options", CASES)
def test_nan_and_infinite_values_fail_their_points(tmp_path, function, options):
    problem = _problem(tmp_path, function, options)
    F = problem.evaluate([[0.05], [0.15], [0.5], [0.9]]).F
    assert np.isnan(F[[0, 1, 3]]).all() and F[2].tolist() == [0.5, 0.5]
    reasons = {f.row: f.reason for f in problem.extern_runner.failures}
    assert reasons == {0: "ValueError: expected finite numbers, got inf for 'a'",
                       1: "ValueError: expected finite numbers, got nan for 'a'",
                       3: "ValueError: expected finite numbers, got -inf for 'a'"}


@pytest.mark.parametrize("function,options", CASES)
def test_a_run_counts_them_and_never_reports_them_as_best(tmp_path, function, options):
    problem = _problem(tmp_path, function, options)
    result = problem.solve(population=12, generations=4, seed=1)
    assert np.isfinite(result.F).all() and ((result.X >= 0.2) & (result.X <= 0.8)).all()
    failed = [f.reason for f in result.failures]
    assert any("got -inf" in reason for reason in failed)
    assert any("got inf" in reason for reason in failed)
    assert f"; {len(failed)} evaluations failed (" in result.message
    assert result.metadata()["failed_evaluations"] == len(failed)
    best = result.pick("lexicographic=a")
    assert 0.2 <= best.f[0] <= 0.8


def test_the_solver_ranks_minus_infinity_worst():
    """Without an extern's check: the solver's own rule, which the check agrees with."""
    problem = FunctionProblem(
        lambda X: np.c_[np.where(X[:, 0] > 0.8, -np.inf, X[:, 0]), 1 - X[:, 0]],
        lower=[0.0], upper=[1.0], n_obj=2)
    result = nsga2(problem, population=12, generations=5, seed=1)
    assert np.isfinite(result.F).all() and (result.X <= 0.8).all()
