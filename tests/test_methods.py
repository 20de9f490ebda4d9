"""Choosing the solver method from Python: ``solve(method="nsga3")``, its settings, resume."""

from __future__ import annotations

import numpy as np
import pytest

import mooc


def test_nsga3_runs_from_a_model_and_is_recorded():
    problem = mooc.load("dtlz2", params={"M": 4})
    result = problem.solve(method="nsga3", directions=35, generations=5, seed=2)
    assert result.settings["method"] == "nsga3" and result.settings["directions"] == 35
    # population follows the directions; a Jacobian at a point counts as an evaluation
    assert result.n_evaluations + result.n_gradient_evaluations == 35 * 6
    again = problem.solve(method="nsga3", directions=35, generations=5, seed=2)
    np.testing.assert_array_equal(result.F, again.F)
    two = problem.solve(method="nsga2", generations=5, seed=2)
    assert two.settings["method"] == "nsga2" and not np.array_equal(two.F, result.F)


@pytest.mark.parametrize(("options", "message"), [
    ({"method": "nsga4"}, "unknown method 'nsga4'; did you mean 'nsga3'"),
    ({"method": "nsga2", "directions": 20}, "'directions' is not a setting of nsga2"),
    ({"method": "nsga3", "directions": 2}, "'directions' must be at least 3"),
])
def test_bad_method_settings_are_moo_errors(options, message):
    with pytest.raises(mooc.MooError, match=message):
        mooc.load("dtlz2").solve(generations=2, **options)


def test_an_nsga3_run_resumes_as_nsga3(tmp_path):
    problem = mooc.load("dtlz2")
    path = tmp_path / "run.ckpt"
    short = problem.solve(method="nsga3", population=20, generations=3, seed=4, checkpoint=path,
                          checkpoint_every=0)
    longer = mooc.resume(path, generations=6)
    whole = problem.solve(method="nsga3", population=20, generations=6, seed=4)
    assert short.n_generations == 3 and longer.settings["method"] == "nsga3"
    np.testing.assert_array_equal(longer.F, whole.F)
