"""An extern that exits (sys.exit, os._exit, a killed process) fails its point and never ends
mooc: serially, over worker processes and with a timeout, with the same front each way."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import mooc

MODULE = '''
import os, sys

def evaluate(x, how):
    if x > 0.7:
        if how == 1:
            sys.exit(3)
        if how == 2:
            os._exit(4)
        if how == 3:
            raise SystemExit("bye")
        if how == 4:
            os.kill(os.getpid(), 9)
    return {"f": x, "g": (1 - x) ** 2}
'''

MODEL = '''
param how = 1
var x in [0, 1]
extern q(x, how) = python "quitter:evaluate" returns {{f, g}} {options}
minimize f: q.f
minimize g: q.g
'''

REASONS = {1: "the extern called sys.exit(3)", 2: "the extern called os._exit(4)",
           3: "the extern called sys.exit('bye')", 4: "the extern's process ended (exit code -9)"}


def _solve(folder, how, *, workers=1, timeout=False):
    (folder / "quitter.py").write_text(textwrap.dedent(MODULE))
    path = folder / f"quit{how}{workers}{timeout}.moo"
    path.write_text(MODEL.format(options="timeout 10" if timeout else ""))
    problem = mooc.load(path, params={"how": how}, allow_extern=True)
    return problem.solve(population=8, generations=2, seed=1, workers=workers)


@pytest.mark.parametrize("how", [1, 2, 3])
def test_an_extern_that_exits_fails_its_point_the_same_way_however_it_runs(tmp_path, how):
    results = [_solve(tmp_path, how), _solve(tmp_path, how, workers=2),
               _solve(tmp_path, how, timeout=True)]
    for result in results:
        assert result.failures, "some points have x > 0.7"
        assert {f.reason for f in result.failures} == {REASONS[how]}
        assert all(f.point["x"] > 0.7 for f in result.failures)
        assert "evaluation" in result.message and "failed" in result.message
        np.testing.assert_array_equal(result.F, results[0].F)


def test_a_worker_killed_by_its_extern_fails_only_its_point(tmp_path):
    pooled, timed = _solve(tmp_path, 4, workers=2), _solve(tmp_path, 4, timeout=True)
    for result in (pooled, timed):
        assert {f.reason for f in result.failures} == {REASONS[4]}
        assert all(f.point["x"] > 0.7 for f in result.failures)
    np.testing.assert_array_equal(pooled.F, timed.F)
    assert len(pooled.failures) == len(timed.failures)
