"""Outputs of runs at the edges: nothing feasible, objectives that are not numbers, one
objective, exact fronts; what the terminal, the plots and the report say about them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mooc.cli import main

NAN_OBJECTIVE = """problem allnan "Never a number"
var x in [0, 1]
var y in [0, 1]
minimize f1: x
minimize f2: sqrt(-1 - y)
"""

NEVER_FEASIBLE = """problem never "Never feasible"
var x in [0, 1]
var y in [0, 1]
maximize f1: x - 5
minimize f2: y - x
constraint c: x + y >= 3
"""

RUN = ["--population", "20", "--generations", "4", "--seed", "1"]


def _model(tmp_path: Path, text: str, name: str = "model.moo") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_pick_that_finds_no_point_loses_no_output(tmp_path, capsys) -> None:
    model = _model(tmp_path, NAN_OBJECTIVE)
    out, report = tmp_path / "front.csv", tmp_path / "run.html"
    code = main(["solve", str(model), *RUN, "--method", "nsga2", "--out", str(out),
                 "--report", str(report), "--pick", "knee"])
    printed = capsys.readouterr()
    assert code == 2
    assert out.is_file() and report.is_file()
    assert "f1" in printed.out.splitlines()[0]  # the front's table was printed
    assert "error: pick: no point of the front has finite objectives" in printed.err
    assert "Traceback" not in printed.err


def test_a_picked_infeasible_point_is_said_to_be_infeasible(tmp_path, capsys) -> None:
    model = _model(tmp_path, NEVER_FEASIBLE)
    assert main(["solve", str(model), *RUN, "--method", "nsga2", "--pick", "knee"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("picked by knee: point 1 of ") and "infeasible" in head


def test_progress_ends_on_no_front_when_nothing_is_feasible(tmp_path, capsys) -> None:
    model = _model(tmp_path, NAN_OBJECTIVE)
    assert main(["solve", str(model), *RUN, "--method", "nsga2", "--rows", "0"]) == 0
    progress = [line for line in capsys.readouterr().err.splitlines() if "gen " in line]
    assert progress[-1].split("front ")[1].split()[0] == "0"


def test_progress_of_an_exact_solve_ends_on_its_last_subproblem(tmp_path, capsys) -> None:
    model = _model(tmp_path, "var x[1..6] bin\nmaximize a: sum(i * x[i] for i in 1..6)\n"
                   "minimize b: sum((7 - i) * x[i] for i in 1..6) + x[1]\n")
    assert main(["solve", str(model), "--rows", "0"]) == 0
    err = capsys.readouterr().err
    last = [line for line in err.splitlines() if line.startswith("exact: subproblems")][-1]
    subproblems = int(re.search(r"\(\S+ s, exact, (\d+) subproblems", err).group(1))
    assert subproblems > 1 and last.split()[2] == str(subproblems)
