"""Externs with a timeout run in worker processes reused call after call; only a worker whose
call runs over (or that dies) is replaced, and its point alone fails."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import mooc

MODULE = '''
import os, time

def evaluate(x):
    if 0.45 < x < 0.55:
        time.sleep(30)
    if 0.85 < x < 0.9:
        os.kill(os.getpid(), 9)
    return {"f": x, "pid": os.getpid()}
'''

MODEL = '''
var x in [0, 1]
extern probe(x) = python "probe_module:evaluate" returns {f, pid} timeout 0.5
minimize f: probe.f
minimize g: probe.pid
'''


def _problem(folder, workers: int = 1) -> mooc.Problem:
    (folder / "probe_module.py").write_text(textwrap.dedent(MODULE))
    path = folder / "probe.moo"
    path.write_text(MODEL)
    problem = mooc.load(path, allow_extern=True)
    problem.extern_runner.workers = workers
    return problem


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_are_reused_and_only_the_one_that_ran_over_is_replaced(tmp_path, workers):
    problem = _problem(tmp_path, workers)
    X = np.array([[0.1], [0.2], [0.5], [0.3], [0.4], [0.6], [0.7]])
    try:
        F = problem.evaluate(X).F
    finally:
        problem.extern_runner.close()
    assert np.isnan(F[2]).all() and np.isfinite(np.delete(F, 2, axis=0)).all()
    assert [f.reason for f in problem.extern_runner.failures] == ["timed out after 0.5 s"]
    pids = set(np.delete(F, 2, axis=0)[:, 1])
    # each worker serves many calls; the one that ran over was replaced by one more
    assert len(pids) <= workers + 1
    if workers == 1:
        assert len(pids) == 2  # the first worker until its call ran over, then its replacement


def test_a_worker_that_dies_is_replaced_and_the_others_go_on(tmp_path):
    problem = _problem(tmp_path)
    X = np.array([[0.1], [0.87], [0.2], [0.3]])
    try:
        F = problem.evaluate(X).F
    finally:
        problem.extern_runner.close()
    assert np.isnan(F[1]).all() and np.isfinite(F[[0, 2, 3]]).all()
    assert [f.reason for f in problem.extern_runner.failures] == [
        "the extern's process ended (exit code -9)"]
    assert F[0, 1] != F[2, 1] and F[2, 1] == F[3, 1]  # replaced once, then reused


def test_the_runner_stops_its_workers_when_closed(tmp_path):
    problem = _problem(tmp_path)
    F = problem.evaluate(np.array([[0.1], [0.2]])).F
    timed = problem.extern_runner._timed
    assert timed is not None and F[0, 1] == F[1, 1]
    processes = [worker.process for worker in timed.idle]
    problem.extern_runner.close()
    assert processes and not any(process.is_alive() for process in processes)
