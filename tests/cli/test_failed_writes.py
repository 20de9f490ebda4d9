"""A write that fails never loses the front: paths that cannot be written are refused before
the run; one that fails at the end is named, the others are written and the front printed."""

from __future__ import annotations

import json
import os
import shutil
import stat
import time

import numpy as np
import pytest

import mooc
import mooc.solve
from mooc.cli import main
from mooc.errors import MooWarning

QUICK = ["--population", "10", "--generations", "3", "--seed", "1"]


def _solve(capsys, *argv):
    code = main(["solve", "zdt1", *QUICK, *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("flag,name", [("--out", "front.csv"), ("--plot", "front.png"),
                                       ("--report", "run.html"), ("--checkpoint", "run.ckpt")])
@pytest.mark.parametrize("place", ["proc", "folder", "missing", "too long"])
def test_an_output_that_cannot_be_written_is_refused_before_the_run(capsys, tmp_path, flag,
                                                                    name, place):
    path = {"proc": f"/proc/{name}", "folder": tmp_path / name,
            "missing": tmp_path / "missing" / name,
            "too long": tmp_path / ("x" * 300 + name)}[place]  # its check raised OSError
    if place == "folder":
        path.mkdir()
    started = time.perf_counter()
    code, out, err = _solve(capsys, flag, path, "--generations", "100000")
    assert code == 2 and out == ""
    reason = {"proc": "No such file or directory", "folder": "it is a folder",
              "missing": "does not exist", "too long": "File name too long"}[place]
    assert err.startswith(f"error: cannot write {flag} '{path}': ") and reason in err, err
    assert "Traceback" not in err
    assert time.perf_counter() - started < 10  # refused, not run for 100000 generations


def _remove_after_solving(monkeypatch, folder):
    """The folder disappears while the run goes on (as one made read-only would fail)."""
    solve_problem = mooc.solve.solve_problem

    def solve_then_remove(*args, **kwargs):
        result = solve_problem(*args, **kwargs)
        shutil.rmtree(folder)
        return result

    monkeypatch.setattr(mooc.solve, "solve_problem", solve_then_remove)


def test_outputs_failing_at_the_end_are_named_and_the_rest_written(capsys, tmp_path, monkeypatch):
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    gone.mkdir()
    kept.mkdir()
    _remove_after_solving(monkeypatch, gone)
    code, out, err = _solve(capsys, "--out", gone / "front.csv", "--out", kept / "front.json",
                            "--report", gone / "run.html", "--out", kept / "front.csv",
                            "--plot", gone / "front.png", "--plot", kept / "front.svg",
                            "--rows", "3")
    assert code == 2
    assert out.splitlines()[0].split()[:2] == ["f1", "f2"]  # the front is printed
    assert "more rows" in out
    document = json.loads((kept / "front.json").read_text())  # the others are written
    assert len(document["F"]) > 0 and (kept / "front.csv").read_text().count("\n") > 2
    assert f"wrote {kept / 'front.json'}" in err and f"wrote {kept / 'front.csv'}" in err
    assert f"error: cannot write --out '{gone / 'front.csv'}': No such file or directory" in err
    assert f"error: cannot write --report '{gone / 'run.html'}': No such file or directory" in err
    assert f"error: cannot write --plot '{gone / 'front.png'}': No such file or directory" in err
    assert (kept / "front.svg").read_text().lstrip().startswith("<?xml")
    assert "Traceback" not in err and f"wrote {gone}" not in err


def _remove_at_generation(folder, generation):
    def callback(stats):
        if stats.generation == generation:
            shutil.rmtree(folder)

    return callback


def test_a_checkpoint_that_cannot_be_saved_warns_once_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "saves"
    folder.mkdir()
    problem = mooc.load("zdt1")
    with pytest.warns(MooWarning) as caught:
        result = problem.solve(population=10, generations=6, seed=1,
                               checkpoint=folder / "run.ckpt", checkpoint_every=0,
                               callback=_remove_at_generation(folder, 2))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2, messages  # once when saving first fails, once at the end
    assert messages[0].startswith(f"cannot save the checkpoint '{folder / 'run.ckpt'}': No such "
                                  "file or directory; the run goes on")
    assert "at the end of the run" in messages[1] and caught[1].message.final
    assert result.n_generations == 6
    whole = problem.solve(population=10, generations=6, seed=1)
    np.testing.assert_array_equal(result.F, whole.F)


def test_the_command_warns_about_a_lost_checkpoint_prints_the_front_and_exits_2(
        capsys, tmp_path, monkeypatch):
    folder = tmp_path / "saves"
    folder.mkdir()
    solve_problem = mooc.solve.solve_problem

    def with_removal(*args, **kwargs):
        kwargs["callback"] = _remove_at_generation(folder, 1)
        return solve_problem(*args, **kwargs)

    monkeypatch.setattr(mooc.solve, "solve_problem", with_removal)
    code, out, err = _solve(capsys, "--checkpoint", folder / "run.ckpt", "--checkpoint-every",
                            "0", "--out", tmp_path / "front.csv", "--rows", "2")
    assert code == 2
    assert out.splitlines()[0].split()[:2] == ["f1", "f2"]
    assert (tmp_path / "front.csv").is_file()
    assert err.count("warning: cannot save the checkpoint") == 2, err
    assert "the run goes on" in err
    assert "error: cannot save the checkpoint" in err
    assert "Traceback" not in err


def test_an_evaluations_file_that_cannot_be_written_is_refused_before_the_run(capsys, tmp_path):
    path = tmp_path / "missing" / "evaluations.csv"
    code, out, err = _solve(capsys, "--evaluations", path, "--generations", "100000")
    assert code == 2 and out == ""
    assert err.startswith(f"error: cannot write --evaluations '{path}': the folder "), err
    assert "does not exist" in err and "Traceback" not in err
    with pytest.raises(mooc.MooError, match="cannot write 'evaluations'"):
        mooc.load("zdt1").solve(population=10, generations=2, evaluations=path)


@pytest.mark.parametrize("first,second,shown", [
    (("--report", "a.html"), ("--checkpoint", "a.html"),
     "--report 'a.html' and --checkpoint 'a.html'"),
    (("--out", "a.csv"), ("--evaluations", "a.csv"), "--out 'a.csv' and --evaluations 'a.csv'"),
    (("--out", "a.csv"), ("--checkpoint", "./a.csv"), "--out 'a.csv' and --checkpoint './a.csv'"),
    (("--out", "a.csv"), ("--out", "a.run.json"),
     "the run record of --out 'a.csv' ('a.run.json') and --out 'a.run.json'"),
])
def test_two_outputs_to_one_file_are_refused_before_the_run(capsys, tmp_path, monkeypatch,
                                                             first, second, shown):
    monkeypatch.chdir(tmp_path)
    code, out, err = _solve(capsys, *first, *second)
    assert code == 2 and out == ""
    assert err == f"error: {shown} are the same file; give each output a file of its own\n"
    assert list(tmp_path.iterdir()) == []


def test_one_output_given_twice_is_written_once_over(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = _solve(capsys, "--out", "a.csv", "--out", "./a.csv", "--quiet")
    assert code == 0 and err == ""
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv", "a.run.json"]


@pytest.mark.parametrize("flag,name", [("--out", "front.csv"), ("--report", "run.html"),
                                       ("--checkpoint", "run.ckpt"),
                                       ("--evaluations", "evaluations.csv")])
def test_an_output_named_like_a_special_file_is_refused_and_the_file_kept(capsys, tmp_path,
                                                                          flag, name):
    # outputs are written by renaming a temporary file over the name: a FIFO (or, run as
    # root, /dev/null itself) was replaced by a regular file
    special = tmp_path / name
    os.mkfifo(special)
    code, out, err = _solve(capsys, flag, special)
    assert code == 2 and out == ""
    assert err.startswith(f"error: cannot write {flag} '{special}': it is not a regular file"), err
    assert stat.S_ISFIFO(os.lstat(special).st_mode)


def test_a_result_written_from_python_over_a_special_file_is_refused(tmp_path):
    special = tmp_path / "front.csv"
    os.mkfifo(special)
    result = mooc.load("zdt1").solve(population=10, generations=2)
    with pytest.raises(mooc.MooError, match="it is not a regular file"):
        result.to_csv(special)
    assert stat.S_ISFIFO(os.lstat(special).st_mode)


@pytest.mark.parametrize("flag,input_name", [("--checkpoint", "model.moo"),
                                             ("--report", "model.html"),
                                             ("--out", "data.json")])
def test_an_output_over_an_input_of_the_run_is_refused_and_the_input_kept(capsys, tmp_path,
                                                                          flag, input_name):
    # the model file was replaced by the checkpoint (or the report), the data by the front
    model = tmp_path / (input_name if input_name.startswith("model.") else "model.moo")
    data = tmp_path / "data.json"
    model.write_text("param n\nvar x in [0, n]\nminimize f: x\nmaximize g: x^2\n")
    data.write_text('{"n": 2}')
    before = {path: path.read_bytes() for path in (model, data)}
    code = main(["solve", str(model), "--data", str(data), *QUICK, flag,
                 str(tmp_path / input_name)])
    err = capsys.readouterr().err
    assert code == 2 and "the run would write over its own input" in err, err
    assert {path: path.read_bytes() for path in (model, data)} == before
