"""Plain files out and back in: the CSV reads with defaults, the run record sits beside it,
read_result loads a Result again, and --rerun repeats the run from either file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas
import pytest

import mooc
from mooc.cli import main
from mooc.files import side_path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SMALL = ["--population", "24", "--generations", "6", "--seed", "4"]


def test_pandas_and_csv_read_the_front_with_default_arguments(tmp_path) -> None:
    out = tmp_path / "front.csv"
    assert main(["solve", str(EXAMPLES / "kit.moo"), *SMALL, "--quiet", "--out", str(out)]) == 0
    problem = mooc.load(EXAMPLES / "kit.moo")
    frame = pandas.read_csv(out)
    columns = [*problem.variable_names, *problem.objective_names, *problem.constraint_names,
               *problem.soft_constraint_names, "feasible"]
    assert list(frame.columns) == columns
    assert frame["feasible"].dtype == bool
    assert set(frame["material"]) <= {"steel", "alu", "ti"}
    # 'value' is maximized and keeps its sign: the model's own value at each point
    X = frame[list(problem.variable_names)].to_numpy(dtype=object)
    np.testing.assert_allclose(frame["value"], problem.evaluate(X).F[:, 0])
    assert (frame["value"] >= 0).all()
    with open(out, newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == columns and len(rows) == len(frame) + 1
    record = json.loads(side_path(out).read_text())
    assert side_path(out).name == "front.run.json"
    assert record["metadata"]["seed"] == 4 and record["columns"]["senses"][0] == "maximize"


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_read_result_loads_the_front_again(tmp_path, suffix) -> None:
    problem = mooc.load(EXAMPLES / "kit.moo")
    result = problem.solve(population=24, generations=6, seed=2)
    result.pick("knee")
    path = tmp_path / f"front{suffix}"
    (result.to_csv if suffix == ".csv" else result.to_json)(path)
    again = mooc.read_result(path)
    np.testing.assert_array_equal(again.X, result.X)
    np.testing.assert_array_equal(again.F, result.F)
    np.testing.assert_array_equal(again.violation, result.violation)
    np.testing.assert_array_equal(again.feasible, result.feasible)
    assert again.variable_values() == result.variable_values()
    assert again.picked.index == result.picked.index and again.picked.rule == "knee"
    assert again.hypervolume == result.hypervolume
    assert [s.hypervolume for s in again.history] == [s.hypervolume for s in result.history]
    assert again.n_evaluations == result.n_evaluations and again.seed == 2


def test_read_result_says_what_is_missing(tmp_path) -> None:
    lonely = tmp_path / "front.csv"
    lonely.write_text("x,f\n1,2\n")
    with pytest.raises(mooc.MooError, match="front.run.json"):
        mooc.read_result(lonely)
    with pytest.raises(mooc.MooError, match="cannot read a result"):
        mooc.read_result(tmp_path / "nothing.json")


def test_rerun_from_the_csv_finds_its_record_and_repeats_the_run(tmp_path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), *SMALL, "--quiet", "--out", str(first)]) == 0
    assert main(["solve", "--rerun", str(first), "--quiet", "--out", str(second)]) == 0
    assert first.read_text() == second.read_text()


def test_dir_shows_the_public_names() -> None:
    names = dir(mooc)
    for name in ("load", "compile", "resume", "read_result", "from_pymoo", "Optimizer",
                 "Problem", "Result", "MooError"):
        assert name in names
    assert "annotations" not in names and "TYPE_CHECKING" not in names and "Path" not in names


def test_initial_points_from_a_csv_with_labels(tmp_path, capsys) -> None:
    points = tmp_path / "points.csv"
    points.write_text("units,material,tol,take[1],take[2],take[3],take[4],take[5],take[6]\n"
                      "2,ti,0.01,1,0,1,0,1,0\n5,alu,0.05,0,1,0,1,0,1\n")
    evaluations = tmp_path / "evaluations.csv"
    assert main(["solve", str(EXAMPLES / "kit.moo"), *SMALL, "--quiet", "--initial", str(points),
                 "--evaluations", str(evaluations)]) == 0
    first = pandas.read_csv(evaluations).head(2)
    assert first["material"].tolist() == ["ti", "alu"]
    assert first["units"].tolist() == [2, 5] and first["take[3]"].tolist() == [1, 0]


def test_a_front_seeds_a_new_run(tmp_path) -> None:
    front, evaluations = tmp_path / "front.csv", tmp_path / "evaluations.csv"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), *SMALL, "--quiet", "--out", str(front)]) == 0
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--population", "24",
                 "--generations", "1", "--quiet", "--initial", str(front),
                 "--evaluations", str(evaluations)]) == 0
    seeded = pandas.read_csv(front)[["x", "y"]].to_numpy()[:24]
    np.testing.assert_array_equal(pandas.read_csv(evaluations)[["x", "y"]].to_numpy()[:24], seeded)


LAYERS = """
var layers int in [1, 3]
var w[i in 1..3] in [0, 1] when layers >= i
minimize size: layers + sum(if layers >= i then w[i]^2 else 0 for i in 1..3)
maximize fit: sum(if layers >= i then w[i] else 0 for i in 1..3)
"""


def test_a_front_with_variables_that_do_not_exist_is_read_again(tmp_path) -> None:
    model, front = tmp_path / "layers.moo", tmp_path / "front.csv"
    model.write_text(LAYERS)
    assert main(["solve", str(model), *SMALL, "--quiet", "--out", str(front)]) == 0
    assert ",," in front.read_text()  # blank cells: w[2] and w[3] where one layer
    again = mooc.read_result(front)
    saved = pandas.read_csv(front)
    np.testing.assert_array_equal(again.X, saved[["layers", "w[1]", "w[2]", "w[3]"]].to_numpy())
    assert main(["solve", str(model), "--population", "24", "--generations", "1", "--quiet",
                 "--initial", str(front)]) == 0


@pytest.mark.parametrize("text,message", [
    ("a,b\n1,2\n", "have no column x, y"),
    ("x,y\n1\n", ":2: the row has fewer cells than the header"),
    ("x,y\n1,oops\n", "'oops' is not a value of y"),
    pytest.param("x,y\n1," + "2" * 200_000 + "\n", "field larger than field limit",
                 id="a-huge-cell"),
])
def test_bad_initial_points_are_refused_in_words(tmp_path, capsys, text, message) -> None:
    points = tmp_path / "points.csv"
    points.write_text(text)
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), *SMALL, "--initial", str(points)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_rerun_of_a_seeded_run_repeats_it(tmp_path) -> None:
    points, first, second = tmp_path / "points.csv", tmp_path / "a.csv", tmp_path / "b.csv"
    points.write_text("x,y\n1,1\n2,0.5\n4.5,2.5\n")
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), *SMALL, "--quiet", "--initial",
                 str(points), "--out", str(first)]) == 0
    points.unlink()  # the record holds the points themselves
    assert main(["solve", "--rerun", str(first), "--quiet", "--out", str(second)]) == 0
    assert first.read_text() == second.read_text()
    assert mooc.read_result(first).settings.get("initial") is None  # not a setting
    assert json.loads((tmp_path / "a.run.json").read_text())["metadata"]["initial"][0] == [1.0, 1.0]


def test_rerun_from_a_csv_without_its_record_says_so(tmp_path, capsys) -> None:
    lonely = tmp_path / "front.csv"
    lonely.write_text("x,f\n1,2\n")
    assert main(["solve", "--rerun", str(lonely)]) == 2
    err = capsys.readouterr().err
    assert "its run record 'front.run.json' is not next to it" in err and "Traceback" not in err


EXACT = "var x int in [0, 5]\nvar y int in [0, 5]\nminimize f: x + 2*y\nmaximize g: 3*x + y\n"
NSGA2 = "var x in [0, 2]\nvar c choice {a, b}\nminimize f: x^2\nmaximize g: x + (if c == a then 1 else 0)\n"


@pytest.mark.parametrize("suffix", [".csv", ".json"])
@pytest.mark.parametrize("text,options", [
    (EXACT + "constraint c: x + y <= 7", {}),
    (EXACT + "constraint c: x + y >= 11", {}),  # infeasible: an empty front
    (NSGA2, {"population": 10, "generations": 3, "seed": 1, "initial": [[1, "b"]]}),
], ids=["exact", "empty", "nsga2"])
def test_a_result_read_back_is_the_run_and_writes_the_same_files_again(tmp_path, suffix,
                                                                       text, options) -> None:
    result = mooc.compile(text).solve(**options)
    path, again = tmp_path / f"front{suffix}", tmp_path / f"again{suffix}"
    (result.to_csv if suffix == ".csv" else result.to_json)(path)
    saved = mooc.read_result(path)
    assert saved.metadata() == result.metadata()  # the method, proven, initial, data ...
    assert repr(saved) == repr(result) and saved.how == result.how
    np.testing.assert_array_equal(saved.F, result.F)
    (saved.to_csv if suffix == ".csv" else saved.to_json)(again)  # was AttributeError: data
    assert again.read_text() == path.read_text()
    assert "<table>" in saved._repr_html_()  # how Jupyter shows it


def test_read_result_of_something_that_is_no_path_says_so() -> None:
    with pytest.raises(mooc.MooError) as caught:  # was TypeError
        mooc.read_result(3)
    assert str(caught.value) == "error: read_result takes a file's path, but was given 3"


UNDEFINED = """
var x in [-2, -1]
var c choice {p, q}
maximize f1: sqrt(x) + (if c == p then 1 else 0)
minimize f2: x
constraint defined: sqrt(x) >= 0
"""


def _standard_json(text: str) -> object:
    """``text`` read as standard JSON: NaN and Infinity, which JavaScript and jq refuse, are
    refused too."""
    def refuse(constant: str) -> None:
        raise ValueError(f"not standard JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_a_front_that_could_not_be_evaluated_is_standard_json_and_read_back_as_it_was(
        tmp_path, suffix) -> None:
    # every point is undefined: NaN objectives, infinite violations, and a history whose
    # least violation is infinite (written 'Infinity', which is no JSON; read back from the
    # JSON, the violations were NaN where the CSV and the run said inf)
    result = mooc.compile(UNDEFINED).solve(population=10, generations=2, seed=1)
    assert np.isposinf(result.violation).all() and np.isinf(result.history[-1].min_violation)
    path = tmp_path / f"front{suffix}"
    (result.to_csv if suffix == ".csv" else result.to_json)(path)
    _standard_json((side_path(path) if suffix == ".csv" else path).read_text())
    saved = mooc.read_result(path)
    np.testing.assert_array_equal(saved.violation, result.violation)
    np.testing.assert_array_equal(saved.F, result.F)
    assert saved.history == result.history
    assert saved.feasible.tolist() == result.feasible.tolist() == [False] * len(result)


def _csv_cells(value: object) -> str:
    """A JSON value as the CSV writes its cell."""
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def test_the_json_writes_variables_as_the_csv_does_and_reads_them_back(tmp_path, capsys) -> None:
    # a choice variable was written as its label's index and integers as 3.0, in the front
    # and in the points the run was seeded with; the CSV wrote 'ti' and 3
    points, csv_out, json_out, again = (tmp_path / name for name in
                                        ("points.csv", "front.csv", "front.json", "again.json"))
    points.write_text("units,material,tol,take[1],take[2],take[3],take[4],take[5],take[6]\n"
                      "2,ti,0.01,1,0,1,0,1,0\n")
    assert main(["solve", str(EXAMPLES / "kit.moo"), *SMALL, "--quiet", "--initial", str(points),
                 "--out", str(csv_out), "--out", str(json_out)]) == 0
    document = _standard_json(json_out.read_text())
    problem = mooc.load(EXAMPLES / "kit.moo")
    kinds = dict(zip(problem.variable_names, problem.kinds, strict=True))
    for rows in (document["X"], document["metadata"]["initial"]):
        for row in rows:
            for name, value in zip(problem.variable_names, row, strict=True):
                expected = {"choice": str, "int": int, "bin": int, "log": float}[kinds[name]]
                assert type(value) is expected, (name, value)
    assert document["metadata"]["initial"][0][6:8] == [2, "ti"]
    with open(csv_out, newline="") as stream:
        body = list(csv.reader(stream))[1:]
    assert [[_csv_cells(v) for v in row] for row in document["X"]] == \
        [row[:problem.n_var] for row in body]
    # read back, picked from and rerun as before
    saved = mooc.read_result(json_out)
    np.testing.assert_array_equal(saved.X, mooc.read_result(csv_out).X)
    np.testing.assert_array_equal(saved.initial, [[1, 0, 1, 0, 1, 0, 2, 2, 0.01]])
    assert main(["pick", str(json_out), "knee"]) == 0
    assert "picked by knee" in capsys.readouterr().out
    assert main(["solve", "--rerun", str(json_out), "--quiet", "--out", str(again)]) == 0
    assert _standard_json(again.read_text())["X"] == document["X"]


def test_a_json_front_written_with_choice_indices_and_float_integers_is_still_read(
        tmp_path) -> None:
    # as mooc wrote it before: a choice column holds numbers (indices), a label is a name
    problem = mooc.compile(LAYERS + "var c choice {p, q}\n")
    result = problem.solve(population=10, generations=2, seed=1, initial=[[1, 0.5, None, None, "q"]])
    path = tmp_path / "front.json"
    result.to_json(path)
    document = json.loads(path.read_text())
    document["X"] = [[None if v != v else v for v in row] for row in result.X.tolist()]
    document["metadata"]["initial"] = [[1.0, 0.5, None, None, 1.0]]
    path.write_text(json.dumps(document))
    saved = mooc.read_result(path)
    np.testing.assert_array_equal(saved.X, result.X)
    np.testing.assert_array_equal(saved.initial, result.initial)
    assert saved.variable_values() == result.variable_values()


def test_a_json_front_with_a_label_its_variable_has_not_says_so(tmp_path) -> None:
    result = mooc.compile(NSGA2).solve(population=10, generations=2, seed=1)
    path = tmp_path / "front.json"
    result.to_json(path)
    document = json.loads(path.read_text())
    document["X"][0][1] = "gold"
    path.write_text(json.dumps(document))
    with pytest.raises(mooc.MooError) as caught:
        mooc.read_result(path)
    assert str(caught.value) == (f"error: cannot read a result from '{path}': 'X' row 0: "
                                 "'gold' is not a label of c (a, b)")
