"""The mooc command: every subcommand, output files, exit codes, and no tracebacks."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

import mooc
from mooc.cli import main

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
NAMES = ["zdt1", "binh_korn", "himmelblau", "kit"]
SMALL = ["--population", "24", "--generations", "5", "--seed", "1"]


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", NAMES)
def test_solve_every_example(capsys, name):
    code, out, err = _run(capsys, "solve", EXAMPLES / f"{name}.moo", *SMALL, "--rows", "3")
    assert code == 0, err
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    header = out.splitlines()[0].split()
    for column in problem.objective_names:
        assert column in header
    assert "feasible" in header
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", NAMES)
def test_check_every_example(capsys, name):
    code, out, err = _run(capsys, "check", EXAMPLES / f"{name}.moo")
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    assert code == 0, err
    assert "ok" in out
    objectives = f"{problem.n_obj} objective{'' if problem.n_obj == 1 else 's'}"
    assert f"{problem.n_var} variables, {objectives}," in out


@pytest.mark.parametrize("name", NAMES)
def test_show_prints_the_mathematics(capsys, name):
    code, out, err = _run(capsys, "show", EXAMPLES / f"{name}.moo")
    assert code == 0, err
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    for objective in problem.objective_names:
        assert objective.split("[")[0] in out
    if problem.n_hard:
        assert "≤" in out or "≥" in out


def test_show_binh_korn_has_less_or_equal(capsys):
    code, out, _ = _run(capsys, "show", EXAMPLES / "binh_korn.moo")
    assert code == 0 and "≤" in out and "f1" in out and "f2" in out


@pytest.mark.parametrize("name", NAMES)
def test_show_python_prints_the_generated_code(capsys, name):
    code, out, err = _run(capsys, "show", EXAMPLES / f"{name}.moo", "--python")
    assert code == 0, err
    assert "def evaluate" in out
    compile(out, "<generated>", "exec")  # valid Python


@pytest.mark.parametrize("name", ["binh_korn", "kit", "zdt1"])
def test_out_csv_has_one_column_per_element(capsys, tmp_path, name):
    target = tmp_path / "front.csv"
    code, _, err = _run(capsys, "solve", EXAMPLES / f"{name}.moo", *SMALL, "--out", target,
                        "--quiet")
    assert code == 0, err
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    lines = target.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))  # plain CSV: the header row first
    header = rows[0]
    assert header == [*problem.variable_names, *problem.objective_names,
                      *problem.constraint_names, *problem.soft_constraint_names, "feasible"]
    assert len(rows) > 1 and all(len(row) == len(header) for row in rows[1:])


def test_out_csv_with_set_override(capsys, tmp_path):
    target = tmp_path / "front.csv"
    code, _, err = _run(capsys, "solve", EXAMPLES / "zdt1.moo", "--set", "n=4", *SMALL,
                        "--out", target, "--quiet")
    assert code == 0, err
    header = target.read_text().splitlines()[0].split(",")
    assert header == ["x[1]", "x[2]", "x[3]", "x[4]", "f1", "f2", "feasible"]


def test_out_json(capsys, tmp_path):
    target = tmp_path / "front.json"
    code, _, err = _run(capsys, "solve", EXAMPLES / "binh_korn.moo", *SMALL, "--out", target)
    assert code == 0, err
    document = json.loads(target.read_text())
    assert document["columns"]["variables"] == ["x", "y"]
    assert document["columns"]["objectives"] == ["f1", "f2"]
    assert len(document["X"]) == len(document["F"]) == len(document["feasible"]) > 0
    for x, y in document["X"]:
        assert (x - 5) ** 2 + y**2 <= 25 + 1e-9


def test_quiet_prints_nothing_to_stdout(capsys):
    code, out, _ = _run(capsys, "solve", EXAMPLES / "binh_korn.moo", *SMALL, "--quiet")
    assert code == 0 and out == ""


def test_list(capsys):
    code, out, _ = _run(capsys, "list")
    assert code == 0


BAD_FLAGS = [
    ["solve", EXAMPLES / "zdt1.moo", "--population", "many"],
    ["solve", EXAMPLES / "zdt1.moo", "--populaton", "10"],
    ["solve", EXAMPLES / "zdt1.moo", "--constraints", "strict"],
    ["solve", EXAMPLES / "zdt1.moo", "--out", "front.txt", *SMALL],
    ["solve", EXAMPLES / "zdt1.moo", "--set", "nn=5"],
    ["solve", EXAMPLES / "zdt1.moo", "--set", "n=abc"],
    ["solve", EXAMPLES / "zdt1.moo", "--set", "n"],
    ["solve", EXAMPLES / "zdt1.moo", "--set", "n=[1, 2]"],
    ["solve", EXAMPLES / "zdt1.moo", "--set", "n=0"],
    ["check", EXAMPLES / "kit.moo", "--set", "w=[1,2]"],
    ["check", "no_such_model.moo"],
    ["frobnicate"],
    [],
]


@pytest.mark.parametrize("argv", BAD_FLAGS, ids=lambda a: " ".join(map(str, a))[-40:] or "none")
def test_bad_flags_exit_2_without_traceback(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert "Traceback" not in out + err
    assert err.strip() or out.strip()


@pytest.mark.parametrize("argv,message", [
    (["--set", "nn=5"], "there is no param 'nn'; did you mean 'n'?"),
    (["--set", "n=abc"], "'abc' is not a number or a list of numbers"),
    (["--set", "n=[1, 2]"], "param 'n' takes a number"),
])
def test_bad_set_messages(capsys, argv, message):
    code, _, err = _run(capsys, "check", EXAMPLES / "zdt1.moo", *argv)
    assert code == 2 and message in err


BROKEN = sorted((ROOT / "tests" / "dsl" / "broken").glob("*.moo"))


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
@pytest.mark.parametrize("command", ["check", "show", "solve"])
def test_model_errors_exit_2_with_the_exact_message(capsys, monkeypatch, path, command):
    monkeypatch.chdir(path.parent.parent)
    code, out, err = _run(capsys, command, f"broken/{path.name}")
    assert code == 2
    assert out == ""
    assert err.rstrip("\n") == path.with_suffix(".expected").read_text().rstrip("\n")


def _python_m(*argv, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "mooc", *map(str, argv)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_python_m_mooc_help():
    done = _python_m("--help")
    assert done.returncode == 0
    for command in ("check", "show", "solve", "list"):
        assert command in done.stdout


def test_python_m_mooc_solve_help():
    done = _python_m("solve", "--help")
    assert done.returncode == 0 and "--population" in done.stdout and "--set" in done.stdout


def test_python_m_mooc_model_error_in_a_subprocess(tmp_path):
    model = tmp_path / "bad.moo"
    model.write_text("var x in [0, 1]\nminimize f: y\n")
    done = _python_m("solve", model.name, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("bad.moo:2:13: error: unknown name 'y'")


def test_python_m_mooc_solve_in_a_subprocess(tmp_path):
    done = _python_m("solve", EXAMPLES / "himmelblau.moo", "--rows", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_solve_uses_the_files_solver_block_and_flags_override_it(capsys):
    code, _, err = _run(capsys, "solve", EXAMPLES / "himmelblau.moo", "--rows", "1")
    assert code == 0 and "after 10 generations" in err and "seed 1" in err
    code, _, err = _run(capsys, "solve", EXAMPLES / "himmelblau.moo", "--generations", "3",
                        "--seed", "7", "--rows", "1")
    assert code == 0 and "after 3 generations" in err and "seed 7" in err
