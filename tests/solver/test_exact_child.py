"""An exact solve in a child process: the time limit, Ctrl-C and a dying HiGHS stop it at
any moment and keep the points found; otherwise it is the same solve as in this process."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

from mooc.solver import exact_child
from mooc.solver.exact import exact_front
from mooc.solver.exact_child import exact_front_stoppable
from mooc.solver.highs import HighsModel
from mooc.solver.linear import LinearProblem

pytestmark = pytest.mark.skipif(not exact_child.available(),
                                reason="a solve runs in a child process only where one forks")


def _knapsack(seed: int = 2) -> LinearProblem:
    rng = np.random.default_rng(seed)
    n = 12
    C = -rng.integers(1, 30, (2, n)).astype(float)
    w = rng.integers(1, 20, n).astype(float)
    return LinearProblem(C, np.zeros(2), w[None], [np.floor(w.sum() / 2)],
                         lower=np.zeros(n), upper=np.ones(n), integral=np.ones(n, bool))


def _deaf_wait(seconds: float = 20.0) -> None:
    """Wait as C code does: Ctrl-C does not end it."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        try:
            time.sleep(end - time.perf_counter())
        except KeyboardInterrupt:
            pass


def _stuck_from(monkeypatch, call: int, what=_deaf_wait) -> None:
    """HiGHS runs normally up to subproblem ``call``, which then never returns in time (or
    does ``what`` instead)."""
    original = HighsModel._run_once
    count = {"n": 0}

    def run_once(self, weights, time_limit):
        count["n"] += 1
        if count["n"] >= call:
            what()
        return original(self, weights, time_limit)

    monkeypatch.setattr(HighsModel, "_run_once", run_once)


def test_the_same_front_as_in_this_process():
    for seed in range(4):
        here, there = exact_front(_knapsack(seed)), exact_front_stoppable(_knapsack(seed))
        assert np.array_equal(here.X, there.X) and np.array_equal(here.F, there.F)
        assert (here.message, here.proven, here.subproblems) == \
            (there.message, there.proven, there.subproblems)


def test_progress_reaches_the_callback_after_every_subproblem():
    seen = []
    result = exact_front_stoppable(_knapsack(), callback=seen.append)
    assert [p.subproblems for p in seen] == list(range(1, result.subproblems + 1))
    assert seen[-1].points <= len(result.F)


def test_a_subproblem_that_never_ends_is_stopped_at_the_time_limit(monkeypatch):
    """In this process the solve would wait for the subproblem (20 s here; HiGHS 1.16's
    presolve looped for good on a model with a coefficient of 1e9)."""
    full = exact_front(_knapsack())
    assert full.subproblems > 4
    monkeypatch.setattr(exact_child, "GRACE", 0.5)
    _stuck_from(monkeypatch, 4)
    started = time.perf_counter()
    result = exact_front_stoppable(_knapsack(), timeout=1.0)
    assert time.perf_counter() - started < 10
    assert result.stop_reason == "timeout" and not result.proven and not result.complete
    assert "HiGHS ran on past the time limit in a subproblem" in result.message
    # every point found before the stuck subproblem is kept, and each is on the full front
    assert len(result.F) >= 1
    assert all(any(np.array_equal(f, g) for g in full.F) for f in result.F)


def test_ctrl_c_stops_a_subproblem_that_never_ends(monkeypatch):
    _stuck_from(monkeypatch, 4)
    # Python's own handler, whatever an earlier test left; and Ctrl-C pressed again every
    # 1.5 s, as a user would: once, in a fresh clone's run on a loaded machine, the first was
    # never seen (an interrupt raised where Python cannot raise it, in a finalizer, is lost)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    main, done = threading.get_ident(), threading.Event()

    def press_ctrl_c() -> None:
        while not done.wait(1.5):
            signal.pthread_kill(main, signal.SIGINT)

    presser = threading.Thread(target=press_ctrl_c, daemon=True)
    started = time.perf_counter()
    presser.start()
    try:
        result = exact_front_stoppable(_knapsack())
    finally:
        signal.signal(signal.SIGINT, lambda *_: None)  # a press on its way lands here
        done.set()
        presser.join()
        signal.signal(signal.SIGINT, previous)
    assert time.perf_counter() - started < 10
    assert result.stop_reason == "interrupted" and len(result.F) >= 1
    assert "cut short by Ctrl-C or SIGTERM (interrupted)" in result.message


def test_a_child_that_dies_keeps_the_points_found(monkeypatch):
    _stuck_from(monkeypatch, 4, what=lambda: os._exit(3))
    result = exact_front_stoppable(_knapsack())
    assert result.stop_reason == "crashed" and not result.proven and len(result.F) >= 1
    assert "the end of HiGHS's process, with no answer" in result.message
    assert "(exit code 3)" in result.message


def test_an_error_in_the_search_is_raised_here(monkeypatch):
    def fail():
        raise ValueError("a bug in the search")

    _stuck_from(monkeypatch, 2, what=fail)
    with pytest.raises(ValueError, match="a bug in the search"):
        exact_front_stoppable(_knapsack())


def test_no_child_is_left_behind(monkeypatch):
    import multiprocessing

    _stuck_from(monkeypatch, 2)
    monkeypatch.setattr(exact_child, "GRACE", 0.2)
    before = set(multiprocessing.active_children())  # other tests' workers may live on
    exact_front_stoppable(_knapsack(), timeout=0.3)
    assert set(multiprocessing.active_children()) - before == set()


def test_where_no_child_can_be_forked_the_solve_runs_here(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert not exact_child.available()
    pids = []
    monkeypatch.setattr(HighsModel, "set_bounds",
                        lambda self, *a, _f=HighsModel.set_bounds: (pids.append(os.getpid()),
                                                                    _f(self, *a))[1])
    result = exact_front_stoppable(_knapsack())
    assert result.proven and set(pids) == {os.getpid()}
