"""The solving chain from the outside: which method runs (file, --method, method=), what the
outputs say about it, and the linear examples solved exactly with no options."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.cli import main

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "tests" / "solver"))

from test_exact import _independent_epsilon_constraint  # noqa: E402

KNAPSACK = """problem tiny
param p1[1..4] = [5, 3, 8, 2]
param p2[1..4] = [1, 7, 2, 6]
param w[1..4] = [4, 3, 5, 2]
var x[1..4] bin
maximize a: sum(p1[i] * x[i] for i in 1..4)
maximize b: sum(p2[i] * x[i] for i in 1..4)
constraint cap: sum(w[i] * x[i] for i in 1..4) <= 8
"""


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["knapsack50", "production"])
def test_linear_examples_give_every_exact_point_with_no_options(capsys, tmp_path, name):
    path = tmp_path / "front.json"
    code, out, err = _run(capsys, "solve", EXAMPLES / f"{name}.moo", "--out", path)
    assert code == 0, err
    assert "the exact front, every non-dominated point" in err and "proven" in err
    document = json.loads(path.read_text())
    metadata = document["metadata"]
    assert metadata["method"] == "exact" and metadata["proven"] is True
    assert metadata["subproblems"] > 0 and "epsilon-constraint" in metadata["method_note"]
    assert all(document["feasible"])
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    from mooc.method_exact import linear_problem_of

    expected = _independent_epsilon_constraint(linear_problem_of(problem))
    signs = np.where(problem.maximize, -1.0, 1.0)
    found = np.array(document["F"]) * signs  # minimization form, as the oracle's
    assert found.shape == expected.shape
    np.testing.assert_allclose(found[np.lexsort(found.T[::-1])],
                               expected[np.lexsort(expected.T[::-1])])


def test_auto_picks_exact_for_a_linear_model_and_nsga2_for_others():
    exact = mooc.compile(KNAPSACK).solve()
    assert exact.method == "exact" and exact.proven and exact.seed is None
    assert sorted(exact.F.tolist()) == [[5.0, 13.0], [11.0, 9.0]]
    assert exact.method_note.startswith("linear, 4 binary")
    other = mooc.load("binh_korn").solve(population=12, generations=3, seed=1)
    assert other.method == "nsga2" and not other.proven
    assert other.method_note.startswith("not linear: ")
    assert other.settings["method"] == "nsga2"


def test_method_can_be_forced_from_the_file_the_command_line_and_python(capsys, tmp_path):
    forced = mooc.compile(KNAPSACK + "solver nsga2 {\n  generations = 3\n  seed = 2\n}\n")
    assert forced.method == "nsga2" and forced.solve().method == "nsga2"
    assert mooc.compile(KNAPSACK).solve(method="nsga2", generations=3, seed=1).method == "nsga2"
    model = tmp_path / "k.moo"
    model.write_text(KNAPSACK)
    code, _, err = _run(capsys, "solve", model, "--method", "nsga2", "--generations", "2",
                        "--seed", "1", "--quiet")
    assert code == 0, err
    code, out, err = _run(capsys, "solve", model, "--method", "exact", "--rows", "5")
    assert code == 0 and re.search(r"\(\d+\.\d\d s, exact, \d+ subproblems, proven\)", err)


def test_exact_on_a_model_that_is_not_linear_is_an_error_pointing_at_it(capsys, tmp_path):
    model = tmp_path / "q.moo"
    model.write_text("var x in [0, 1]\nminimize f: x\nminimize g: (1 - x)^2\nsolver exact {\n}\n")
    code, out, err = _run(capsys, "solve", model)
    assert code == 2 and out == ""
    assert err.splitlines()[0] == (f"{model}:3:1: error: the exact method needs a linear model, "
                                   "and this one is not linear: (1 - x)^2 is not linear (line 3)")
    assert "Traceback" not in err


def test_a_setting_of_another_method_is_refused(capsys, tmp_path):
    model = tmp_path / "s.moo"
    model.write_text(KNAPSACK + "solver exact {\n  population = 10\n}\n")
    code, _, err = _run(capsys, "check", model)
    assert code == 2
    assert "'population' is a setting of nsga2 and nsga3, not of exact (which takes timeout, " \
           "max_subproblems)" in err
    with pytest.raises(mooc.MooError, match="'generations' is not a setting of exact"):
        mooc.compile(KNAPSACK).solve(method="exact", generations=5)
    # under auto, a setting of the method that does not run is simply not used
    assert mooc.compile(KNAPSACK).solve(generations=5).method == "exact"


def test_show_states_the_class_and_the_method(capsys):
    code, out, _ = _run(capsys, "show", EXAMPLES / "knapsack50.moo")
    assert code == 0
    assert out.rstrip().endswith("linear, 50 binary, 0 integer and 0 continuous variables: "
                                 "exact front by the epsilon-constraint method")
    code, out, _ = _run(capsys, "show", EXAMPLES / "kit.moo")
    assert "not linear: " in out and "NSGA-II" in out


def test_csv_and_report_say_which_method_ran(tmp_path):
    result = mooc.compile(KNAPSACK).solve(max_subproblems=100)
    result.to_csv(tmp_path / "front.csv")
    metadata = json.loads((tmp_path / "front.run.json").read_text())["metadata"]
    assert metadata["method"] == "exact" and metadata["settings"]["max_subproblems"] == 100
    from mooc.report import write_report

    write_report(result, tmp_path / "r.html")
    assert f"exact, {result.subproblems} subproblems, proven" in (tmp_path / "r.html").read_text()


def test_an_infeasible_linear_model_is_reported_as_proven_infeasible(capsys, tmp_path):
    model = tmp_path / "inf.moo"
    model.write_text("var x[1..2] bin\nminimize f: x[1]\nminimize g: x[2]\n"
                     "constraint c: x[1] + x[2] >= 3\n")
    code, out, err = _run(capsys, "solve", model)
    assert code == 0
    assert "infeasible: no point satisfies every hard constraint (proven" in err


def test_rerun_repeats_the_exact_method(capsys, tmp_path):
    model = tmp_path / "k.moo"
    model.write_text(KNAPSACK)
    first = tmp_path / "first.json"
    assert _run(capsys, "solve", model, "--out", first, "--quiet")[0] == 0
    again = tmp_path / "again.json"
    code, _, err = _run(capsys, "solve", "--rerun", first, "--out", again, "--quiet")
    assert code == 0, err
    a, b = (json.loads(p.read_text()) for p in (first, again))
    assert a["F"] == b["F"] and b["metadata"]["method"] == "exact"


def test_an_exact_solve_writes_no_checkpoint_and_says_so(tmp_path):
    path = tmp_path / "run.ckpt"
    result = mooc.compile(KNAPSACK).solve(checkpoint=path)
    assert result.method == "exact" and not path.exists()
    assert result.message.endswith("; no checkpoint written (the exact method keeps none)")


def test_ctrl_c_during_an_exact_solve_keeps_the_points_found(monkeypatch):
    from mooc.solver import highs

    calls = {"n": 0}
    original = highs.HighsModel.minimize

    def interrupted_third(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(highs.HighsModel, "minimize", interrupted_third)
    result = mooc.compile(KNAPSACK).solve(method="exact")
    assert result.stop_reason == "interrupted" and not result.proven
    assert len(result) == 2  # both points were found before the third subproblem
    assert "cut short by Ctrl-C or SIGTERM (interrupted)" in result.message


@pytest.mark.parametrize("text", [
    "var x in [-1e308, 1e308]\nvar y in [0, 1]\nminimize f1: x\nminimize f2: -x + y\n",
    "var x int in [0, 10]\nminimize f1: 1e14 * x\nminimize f2: -x\n",
])
def test_auto_leaves_a_linear_model_with_huge_numbers_to_nsga2(text):
    """HiGHS takes 1e20 as infinite and its tolerances are absolute: such a model is not
    solved 'exactly' into an empty or wrong front."""
    result = mooc.compile(text).solve(population=20, generations=10, seed=1)
    assert result.method == "nsga2" and len(result) > 0
    assert "beyond 1e+12 in size" in result.method_note


def test_an_exact_solve_keeps_no_evaluations_and_does_not_claim_it_wrote_them(capsys, tmp_path):
    model, path = tmp_path / "k.moo", tmp_path / "evaluations.csv"
    model.write_text(KNAPSACK)
    code, _, err = _run(capsys, "solve", model, "--evaluations", path)
    assert code == 0 and not path.exists()
    assert "; no evaluations kept (the exact method solves subproblems, not points)" in err
    assert f"wrote {path}" not in err


def _without_durations(path):
    document = json.loads(path.read_text())
    del document["metadata"]["duration_seconds"]
    for stats in document["history"]:
        del stats["elapsed"]
    return document


def test_a_resumed_or_repeated_run_writes_the_outputs_of_the_run_itself(capsys, tmp_path):
    run = ["--population", "10", "--seed", "4", "--quiet"]
    whole, half, resumed, again = (tmp_path / f"{name}.json"
                                   for name in ("whole", "half", "resumed", "again"))
    checkpoint = tmp_path / "run.ckpt"
    assert _run(capsys, "solve", "zdt1", *run, "--generations", "4", "--out", whole)[0] == 0
    assert _run(capsys, "solve", "zdt1", *run, "--generations", "2", "--out", half,
                "--checkpoint", checkpoint)[0] == 0
    assert _run(capsys, "solve", "--resume", checkpoint, "--generations", "4", "--quiet",
                "--out", resumed)[0] == 0
    assert _run(capsys, "solve", "--rerun", whole, "--quiet", "--out", again)[0] == 0
    expected = _without_durations(whole)
    assert "as requested" not in expected["metadata"]["method_note"]
    assert _without_durations(resumed) == expected
    assert _without_durations(again) == expected


def test_a_condition_on_variables_is_named_as_the_model_writes_it():
    problem = mooc.compile("var k int in [1, 3]\nvar y in [0, 1]\n"
                           "minimize f: (if k >= 2 then y^2 else 0) + y\nminimize g: 1 - y\n",
                           cache=False)
    from mooc.chain import choose_method

    why = choose_method(problem).why
    assert "(if k >= 2 then y^2 else 0) depends on a condition of variables" in why, why
    assert "Piecewise" not in why


MIXED_CONTINUOUS = """
var open bin
var x in [0, 10]
minimize f1: x + 5 * open
minimize f2: 10 - x - 6 * open
"""


def test_auto_picks_exact_for_a_two_objective_linear_model_it_cannot_prove():
    # continuous flows in both objectives of a mixed-integer model: the front cannot be proven,
    # but each point the epsilon-constraint method finds is non-dominated, where NSGA-II's
    # front on such models is dominated nearly everywhere
    problem = mooc.compile(MIXED_CONTINUOUS)
    result = problem.solve()
    assert result.method == "exact" and not result.proven
    assert "not proven complete" in result.method_note
    assert result.feasible.all() and len(result.F) >= 10
    # the front: (x, 10 - x) without the site for x < 5, (x + 5, 4 - x) with it
    F = result.F
    on_front = np.where(F[:, 0] < 5, F[:, 1] - (10 - F[:, 0]), F[:, 1] - (9 - F[:, 0]))
    np.testing.assert_allclose(on_front, 0, atol=1e-9)
    assert F[:, 0].min() == 0 and F[:, 1].min() == -6
    import moocore
    assert moocore.is_nondominated(F).all()
    # from three objectives on, an unprovable linear model goes to NSGA-III
    three = mooc.compile(MIXED_CONTINUOUS + "minimize f3: x\n")
    assert mooc.chain.choose_method(three).method.name == "nsga3"


def test_a_model_on_which_highs_presolve_never_ends_stops_at_the_time_limit():
    """HiGHS 1.16's presolve looped for good in this model's fifth subproblem (a coefficient
    of 1e9), past the time limit and Ctrl-C; the search now runs in a process of its own."""
    import time

    text = ("var x0 int in [0, 1]\nvar x1 in [0, 3]\nvar x2 int in [0, 3]\nvar x3 int in [0, 3]\n"
            "minimize f0: (1/10) * x0 + -1000000000 * x2\n"
            "maximize f1: -2 * x0 + (1/10) * x1 + -2 * x2 + -1 * x3\n"
            "constraint c0: -2.0 * x0 + 2.0 * x1 + -1.0 * x2 + -1.0 * x3 <= 1.0\n"
            "constraint c1: 3.0 * x0 + -1.0 * x1 + 3.0 * x2 <= 3.0\n")
    started = time.perf_counter()
    result = mooc.compile(text).solve(method="exact", timeout=1)
    assert time.perf_counter() - started < 30
    assert len(result) >= 1 and result.feasible.all()
