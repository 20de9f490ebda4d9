"""Gradient steps are on by default where a model has derivatives, and switched off by the
solver block or an option; a run reports its gradient evaluations apart."""

from __future__ import annotations

import json

import numpy as np
import pytest

import mooc
from mooc.cli import main

QUICK = ["--population", "10", "--generations", "3", "--seed", "1", "--quiet"]
CIRCLE = """
var x in [-2, 2]
var y in [-2, 2]
minimize fx: x
minimize fy: y
constraint on_circle: x^2 + y^2 == 1
"""


@pytest.mark.parametrize("flags, gradients", [([], True), (["--polish", "off", "--project",
                                                              "OFF"], False)])
def test_the_options_switch_gradient_steps_and_the_record_counts_them(tmp_path, flags, gradients):
    model = tmp_path / "circle.moo"
    model.write_text(CIRCLE)
    out = tmp_path / "front.json"
    assert main(["solve", str(model), *QUICK, *flags, "--out", str(out)]) == 0
    metadata = json.loads(out.read_text())["metadata"]
    assert (metadata["gradient_evaluations"] > 0) == gradients
    assert metadata["evaluations"] + metadata["gradient_evaluations"] <= 10 * 4
    assert metadata["settings"].get("polish", True) == gradients


@pytest.mark.parametrize("flag", ["--polish", "--project"])
def test_a_switch_takes_on_or_off(capsys, flag):
    assert main(["solve", "zdt1", *QUICK, flag, "maybe"]) == 2
    assert f"{flag} takes on or off, but was given 'maybe'" in capsys.readouterr().err


def test_the_solver_block_switches_them_off_and_python_may_switch_them_on(tmp_path):
    problem = mooc.compile(CIRCLE + "solver nsga2 {\n  polish = false\n  project = off\n}\n")
    assert problem.settings == {"polish": False, "project": False}
    off = problem.solve(population=10, generations=3, seed=1)
    on = problem.solve(population=10, generations=3, seed=1, polish=True, project=True)
    assert off.n_gradient_evaluations == 0 < on.n_gradient_evaluations
    assert "gradient evaluations" in on.message and "gradient" not in off.message
    with pytest.raises(mooc.MooError, match="'polish' takes on or off, but was given 2"):
        problem.solve(polish=2)


def test_derivatives_are_generated_only_for_a_run_that_uses_them():
    problem = mooc.compile(CIRCLE, cache=False)
    assert problem._compiled.code.derivatives is None
    off = problem.solve(population=10, generations=3, seed=1, polish=False, project=False)
    assert off.n_gradient_evaluations == 0 and problem._compiled.code.derivatives is None
    on = problem.solve(population=10, generations=3, seed=1)
    assert on.n_gradient_evaluations > 0 and problem._compiled.code.derivatives.available


@pytest.mark.parametrize("how", ["solve", "optimizer"])
def test_nsga3_without_projection_generates_no_derivatives(how):
    """NSGA-III takes no gradient steps unless told, so with projection off nothing uses them."""
    problem = mooc.compile("var x[1..4] in [0, 1]\nminimize f1: x[1]\nminimize f2: x[2]\n"
                           "minimize f3: 3 - x[1] - x[2] + sum(x[i]^2 for i in 3..4)\n",
                           cache=False)
    if how == "solve":
        result = problem.solve(method="nsga3", population=12, generations=2, seed=1, project=False)
        assert result.n_gradient_evaluations == 0
    else:
        mooc.Optimizer(problem, method="nsga3", population=12, seed=1, project=False)
    assert problem._compiled.code.derivatives is None
    problem.solve(method="nsga3", population=12, generations=2, seed=1, polish=True)
    assert problem._compiled.code.derivatives.available


def test_an_equality_on_integer_variables_alone_is_left_to_the_search():
    """No continuous variable moves it: projecting it would spend gradient evaluations on
    steps of zero, so after the first look it is not projected."""
    problem = mooc.compile("var n int in [0, 10]\nvar x in [0, 1]\nminimize f: n + x\n"
                           "minimize g: -n + x^2\nconstraint c: n^2 == 9", cache=False)
    result = problem.solve(seed=1, max_evaluations=3000)
    assert result.n_gradient_evaluations < 200  # was about half the budget
    assert np.all(result.feasible) and np.all(result.X[:, 0] == 3)



@pytest.mark.parametrize("band, reach", [("x + y == 0.5 tol 0.3", 0.8),
                                         ("x^2 + y == 0.25 tol 0.2", 0.45 ** 0.5)])
def test_an_equality_with_a_tolerance_is_a_band_the_front_spans(band, reach):
    # the front is y = 0 with x as large as the band allows, not only as its middle does
    problem = mooc.compile(f"""
var x in [0, 1]
var y in [0, 1]
minimize f1: x^2 + y
minimize f2: (1 - x)^2 + 2 * y
constraint c: {band}
""")
    assert problem.as_solver_problem().tolerance.tolist() == [float(band.split()[-1])]
    result = problem.solve(population=30, generations=30, seed=1)
    assert result.feasible.all()
    assert result.X[:, 0].max() > reach - 1e-3


def test_the_note_claims_no_projection_where_no_variable_can_move():
    """Variables spanning nearly the whole float range take no gradient step (a step in units
    of their span means nothing): the method's note says so by naming none."""
    wide = CIRCLE.replace("[-2, 2]", "[-1e300, 1e300]")
    note = mooc.compile(wide, cache=False).solve(seed=1, generations=2).method_note
    assert "projection" not in note and "gradient steps" not in note
    note = mooc.compile(CIRCLE, cache=False).solve(seed=1, generations=2).method_note
    assert "equalities held by projection and gradient steps from the model's derivatives" in note
