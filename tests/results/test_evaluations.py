"""Every evaluation kept: exactly one row per evaluation, in memory or streamed to CSV or
Parquet, with its generation, feasibility, place on the final front and failed extern calls;
a run killed and resumed keeps them all too."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas
import pytest

import mooc
from mooc.cli import main
from mooc.evaluations import EvaluationLog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_file_has_exactly_one_row_per_evaluation(tmp_path, capsys, suffix) -> None:
    target = tmp_path / f"evaluations{suffix}"
    front = tmp_path / "front.csv"
    assert main(["solve", str(EXAMPLES / "binh_korn.moo"), "--population", "30",
                 "--max-evaluations", "437", "--seed", "2", "--evaluations", str(target),
                 "--out", str(front)]) == 0
    err = capsys.readouterr().err
    # a Jacobian counts toward the budget too: 437 in all, points and gradient evaluations
    found = re.search(r"after (\d+) generations, (\d+) evaluations and (\d+) gradient", err)
    generations, points, gradients = (int(found[k]) for k in (1, 2, 3))
    assert points + gradients == 437 and gradients > 0
    table = pandas.read_csv(target) if suffix == ".csv" else pandas.read_parquet(target)
    assert len(table) == points
    assert table["number"].tolist() == list(range(points))
    assert table["generation"].tolist() == sorted(table["generation"].tolist())
    assert table["generation"].iloc[0] == 0 and table["generation"].iloc[-1] == generations
    assert (table["generation"] == 0).sum() == 30
    assert list(table.columns) == ["number", "generation", "x", "y", "f1", "f2", "c1", "c2",
                                   "feasible", "on_front", "failure"]
    assert table["feasible"].tolist() == ((table["c1"] == 0) & (table["c2"] == 0)).tolist()
    on_front = table[table["on_front"]].sort_values(["f1", "f2"])
    saved = pandas.read_csv(front).sort_values(["f1", "f2"])
    np.testing.assert_array_equal(on_front[["x", "y", "f1", "f2"]].to_numpy(),
                                  saved[["x", "y", "f1", "f2"]].to_numpy())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no spool left
    again = mooc.read_result(front).evaluations
    assert len(again) == points and int(again.on_front.sum()) == len(saved)


def test_kept_in_memory_matches_the_model_and_the_front() -> None:
    problem = mooc.load(EXAMPLES / "kit.moo")
    result = problem.solve(population=20, generations=5, seed=1, evaluations=True)
    table = result.evaluations
    assert len(table) == result.n_evaluations == 120 - result.n_gradient_evaluations
    check = problem.evaluate(table.X)
    np.testing.assert_array_equal(table.F, check.F)  # maximized 'value' keeps its sign
    np.testing.assert_array_equal(table.violation, check.violation)
    assert int(table.on_front.sum()) == len(result)
    frame = table.to_pandas()
    assert set(frame["material"]) <= {"steel", "alu", "ti"} and len(frame) == len(table)
    assert problem.solve(population=20, generations=5, seed=1).evaluations is None


UNDEFINED_HALF = """
var x in [-1, 1]
maximize f1: sqrt(x)
minimize f2: x^2
"""


@pytest.mark.parametrize("suffix", [None, ".csv"])
def test_a_point_without_finite_objectives_is_not_called_feasible(tmp_path, suffix) -> None:
    # as in the front: sqrt(x) is NaN for x < 0, and such a point is no feasible point,
    # though it breaks no constraint (the file said 'True' for it)
    target = True if suffix is None else tmp_path / f"evaluations{suffix}"
    result = mooc.compile(UNDEFINED_HALF).solve(population=20, generations=3, seed=1,
                                                evaluations=target)
    table = result.evaluations
    undefined = np.isnan(table.F[:, 0])
    assert undefined.any() and (~undefined).any()
    assert table.feasible.tolist() == (~undefined).tolist()
    assert [row[-3] for row in table.rows()] == (~undefined).tolist()
    if suffix is not None:
        assert pandas.read_csv(target)["feasible"].tolist() == (~undefined).tolist()


CONDITIONAL = """
var layers int in [1, 3]
var w[i in 1..3] in [0, 1] when layers >= i
minimize size: layers + sum(if layers >= i then w[i]^2 else 0 for i in 1..3)
maximize fit: sum(if layers >= i then w[i] else 0 for i in 1..3)
"""


@pytest.mark.parametrize("suffix", [None, ".csv", ".parquet"])
def test_front_points_with_variables_that_do_not_exist_are_on_the_front(tmp_path,
                                                                        suffix) -> None:
    problem = mooc.compile(CONDITIONAL)
    target = True if suffix is None else tmp_path / f"evaluations{suffix}"
    result = problem.solve(population=20, generations=10, seed=1, evaluations=target)
    assert np.isnan(result.X).any()  # a front point with fewer than three layers
    table = result.evaluations
    assert int(table.on_front.sum()) == len(result)


LATE = """
var k int in [0, 30]
var z in [0, 1] when k >= 29
var m int in [0, 3] when k >= 29
maximize f: k + (if k >= 29 then z + m else 0)
minimize g: k^2
"""


def test_a_parquet_file_is_written_when_a_variable_exists_only_in_later_rows(
        tmp_path, monkeypatch) -> None:
    # the file's column types came from its first chunk of rows: 'z' and 'm' exist in none
    # of them, a column of nulls, and the later rows that hold them could not be cast to it
    # (the solve raised ArrowNotImplementedError at its end, its front lost)
    monkeypatch.setattr("mooc.evaluations.CHUNK_ROWS", 10)
    target = tmp_path / "evaluations.parquet"
    result = mooc.compile(LATE).solve(population=10, generations=5, seed=2, evaluations=target)
    table = result.evaluations
    assert np.isnan(table.X[:10, 1:]).all() and np.isfinite(table.X[:, 1:]).any()
    memory = mooc.compile(LATE).solve(population=10, generations=5, seed=2,
                                      evaluations=True).evaluations
    np.testing.assert_array_equal(table.X, memory.X)
    frame = pandas.read_parquet(target)
    assert frame["m"].dtype.kind in "if" and frame["z"].dtype == float
    assert frame["k"].dtype == np.int64 and frame["feasible"].dtype == bool


def test_an_interrupted_run_keeps_the_rows_of_its_finished_generations() -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    calls = []

    def stop_in_generation_3(stats):
        calls.append(stats.generation)
        if stats.generation == 3:
            raise KeyboardInterrupt

    result = problem.solve(population=10, generations=9, seed=1, evaluations=True,
                           callback=stop_in_generation_3)
    assert result.stop_reason == "interrupted"
    # generations 0, 1 and 2: 30 evaluations, Jacobians included
    assert len(result.evaluations) == result.n_evaluations == 30 - result.n_gradient_evaluations


def test_the_log_holds_one_batch_at_a_time_when_streaming(tmp_path) -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    log = EvaluationLog(problem, tmp_path / "e.csv")
    result = problem.solve(population=10, generations=3, seed=1)
    from mooc.solver.population import Population

    batch = Population(result.X, result.F, result.violation, result.soft_violation)
    log(batch, 0)
    log(batch, 1)
    assert log.blocks == [] and log.spool_path.stat().st_size == 2 * len(result) * log.width * 8
    log.finish(result.X, 2 * len(result))
    assert len(pandas.read_csv(tmp_path / "e.csv")) == 2 * len(result)


FAILING = '''
def evaluate(x, y):
    if x > 0.5 and y > 0.5:
        raise ValueError("corner not supported")
    return {"a": x, "b": 1 - x + y}
'''


def test_failed_extern_calls_carry_their_reason(tmp_path) -> None:
    (tmp_path / "evallog_flaky.py").write_text(textwrap.dedent(FAILING))
    model = tmp_path / "flaky.moo"
    model.write_text('var x in [0, 1]\nvar y in [0, 1]\n'
                     'extern ext(x, y) = python "evallog_flaky:evaluate" returns {a, b}\n'
                     'minimize f1: ext.a\nminimize f2: ext.b\n')
    target = tmp_path / "evaluations.csv"
    assert main(["solve", str(model), "--allow-extern", "--population", "12",
                 "--generations", "4", "--seed", "3", "--quiet", "--evaluations", str(target)]) == 0
    table = pandas.read_csv(target, keep_default_na=False)
    failed = table[(table["x"] > 0.5) & (table["y"] > 0.5)]
    assert len(failed) > 0
    assert (failed["failure"] == "ext: ValueError: corner not supported").all()
    assert (table.loc[~table.index.isin(failed.index), "failure"] == "").all()
    assert failed["f1"].astype(str).str.lower().eq("nan").all() and not failed["on_front"].any()


SLOW = '''
import time

def evaluate(x, y):
    time.sleep(0.02)
    return {"a": x * x + y, "b": (x - 2) ** 2 + y}
'''

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(Path(mooc.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}


def test_a_killed_and_resumed_run_keeps_every_evaluation_once(tmp_path) -> None:
    # module names of their own: an imported module is kept for the process (other tests)
    (tmp_path / "evallog_slow.py").write_text(textwrap.dedent(SLOW))
    model = tmp_path / "slow.moo"
    model.write_text('var x in [0, 3]\nvar y in [0, 1]\n'
                     'extern w(x, y) = python "evallog_slow:evaluate" returns {a, b}\n'
                     'minimize f1: w.a\nminimize f2: w.b\n')
    run = ["--allow-extern", "--population", "10", "--generations", "12", "--seed", "3"]
    whole = tmp_path / "whole.csv"
    assert main(["solve", str(model), *run, "--quiet", "--evaluations", str(whole)]) == 0
    target, checkpoint = tmp_path / "evaluations.csv", tmp_path / "run.ckpt"
    process = subprocess.Popen(
        [sys.executable, "-m", "mooc", "solve", str(model), *run, "--quiet", "--evaluations",
         str(target), "--checkpoint", str(checkpoint), "--checkpoint-every", "0"],
        cwd=tmp_path, env=ENV, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    spool = tmp_path / ".evaluations.csv.spool"
    deadline = time.monotonic() + 120
    while not spool.exists() or spool.stat().st_size < 55 * 9 * 8:  # past generation 4
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not target.exists()
    assert main(["solve", "--resume", str(checkpoint), "--allow-extern", "--quiet"]) == 0
    assert target.read_text() == whole.read_text()


def test_a_second_run_on_the_same_file_is_refused_instead_of_mixing_its_rows(tmp_path) -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    path = tmp_path / "evaluations.csv"
    refused = []

    def another_run_meanwhile(stats):
        if stats.generation == 1:
            with pytest.raises(mooc.MooError) as caught:
                problem.solve(population=10, generations=2, seed=2, evaluations=path)
            refused.append(str(caught.value))

    first = problem.solve(population=10, generations=3, seed=1, evaluations=path,
                          callback=another_run_meanwhile)
    assert refused == [f"error: the evaluations file '{path}' is being written by another run "
                       "(its spool is in use); give this run a file of its own"]
    assert len(first.evaluations) == first.n_evaluations  # its rows only
    assert first.evaluations.number.tolist() == list(range(first.n_evaluations))
    again = problem.solve(population=10, generations=2, seed=2, evaluations=path)  # let go
    assert len(again.evaluations) == again.n_evaluations


def test_a_run_stopped_before_its_first_generation_lets_go_of_its_spool(tmp_path) -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    path, checkpoint = tmp_path / "evaluations.csv", tmp_path / "run.ckpt"

    def stop(stats):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        problem.solve(population=10, generations=3, seed=1, evaluations=path,
                      checkpoint=checkpoint, callback=stop)
    resumed = mooc.resume(checkpoint, evaluations=path)  # in the same process
    assert len(resumed.evaluations) == resumed.n_evaluations
