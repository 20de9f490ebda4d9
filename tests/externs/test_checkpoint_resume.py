"""Checkpoint and resume with real processes: a run killed mid-way (SIGKILL) and resumed ends
with the front of a run never stopped, and no finished extern call is made twice; Ctrl-C
writes the front and the checkpoint and exits with 130."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.checkpoint import read_checkpoint
from mooc.cli import main
from mooc.errors import MooError
from mooc.externs import call_key

MODULE = '''
import math, os, time

def evaluate(x, y):
    time.sleep(0.03)  # an expensive call
    with open(os.path.join(os.path.dirname(__file__), "calls.log"), "a") as log:
        log.write(f"{x!r} {y!r}\\n")
    return {"a": x * x + y, "b": (x - 2) ** 2 + math.sin(3 * y)}
'''

MODEL = '''
var x in [0, 3]
var y in [0, 1]
var n int in [1, 4]
extern work(x, y) = python "slowlib:evaluate" returns {a, b}
minimize f1: work.a + n / 10
minimize f2: work.b + 1 / n
constraint c: x + y >= 0.5
'''

RUN = ["--allow-extern", "--population", "10", "--generations", "8", "--seed", "3"]


def _model(folder: Path) -> Path:
    (folder / "slowlib.py").write_text(textwrap.dedent(MODULE))
    path = folder / "slow.moo"
    path.write_text(MODEL)
    return path


def _calls(folder: Path) -> list[str]:
    log = folder / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def _key(call: str) -> str:
    """The key the checkpoint keeps a logged call by (the log writes each argument's repr)."""
    x, y = (float(value) for value in call.split())
    return call_key("work", {"x": x, "y": y})


def _front(path: Path) -> list[str]:
    return path.read_text().splitlines()[1:]  # after the metadata line (it has durations)


#: The mooc under test, installed or not, for the processes started here.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(Path(mooc.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])}


def _start(model: Path, *options: str) -> subprocess.Popen:
    # SIGINT at its default in the run: a test run started as a background job (SIGINT
    # ignored, which Python keeps) would send its Ctrl-Cs to a run that ignores them
    return subprocess.Popen([sys.executable, "-m", "mooc", "solve", str(model), *RUN, *options],
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=model.parent, env=ENV,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # noqa: PLW1509


def _wait_for_calls(folder: Path, count: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while len(_calls(folder)) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[list[str], int]:
    """The front and the number of extern calls of a run never stopped."""
    folder = tmp_path_factory.mktemp("whole")
    model = _model(folder)
    assert main(["solve", str(model), *RUN, "--quiet", "--out", str(folder / "front.csv")]) == 0
    return _front(folder / "front.csv"), len(_calls(folder))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_killed_run_resumes_to_the_same_front_without_repeating_calls(tmp_path, uninterrupted,
                                                                         workers):
    model = _model(tmp_path)
    proc = _start(model, "--checkpoint", "run.ckpt", "--checkpoint-every", "0",
                  "--out", "front.csv", "--workers", workers)
    _wait_for_calls(tmp_path, 35, proc)  # in generation 3 of 8
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    killed_after = len(_calls(tmp_path))
    assert (tmp_path / "run.ckpt").exists() and not (tmp_path / "front.csv").exists()
    saved = read_checkpoint(tmp_path / "run.ckpt").finished

    done = subprocess.run([sys.executable, "-m", "mooc", "solve", "--resume", "run.ckpt",
                           "--allow-extern", "--quiet"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr
    front, calls = uninterrupted
    assert _front(tmp_path / "front.csv") == front  # the output recorded in the checkpoint
    made = collections.Counter(_calls(tmp_path))
    repeated = sum(count - 1 for count in made.values())
    assert sum(made.values()) - repeated == calls
    assert killed_after < calls
    # No call the checkpoint holds is made again: those made twice were running when the run
    # was killed, or had just finished while a save was being written (so a kill at any moment
    # may repeat a few more than the workers: once three with two workers).
    again = [call for call, count in made.items() if count > 1]
    assert not [call for call in again if _key(call) in saved]
    assert len(made) + repeated - killed_after == calls - len(saved)  # the resume's calls


def _gone(group: int, seconds: float) -> bool:
    """Whether every process of the process group ``group`` has ended within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("workers,timeout", [("1", " timeout 60"), ("2", "")])
def test_the_workers_of_a_run_killed_alone_end_and_hold_no_lock(tmp_path, uninterrupted,
                                                                 workers, timeout):
    # kill -9 of the main process only (as the OOM killer does): its forked workers, a python
    # extern's with a timeout or --workers' pool, shared the checkpoint's lock and waited for
    # work forever, and every resume was refused as "being written by another run"
    model = _model(tmp_path)
    model.write_text(MODEL.replace("returns {a, b}", "returns {a, b}" + timeout))
    proc = _start(model, "--checkpoint", "run.ckpt", "--checkpoint-every", "0",
                  "--out", "front.csv", "--workers", workers)
    try:
        _wait_for_calls(tmp_path, 35, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _gone(proc.pid, 10.0), "the killed run's workers live on"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    done = subprocess.run([sys.executable, "-m", "mooc", "solve", "--resume", "run.ckpt",
                           "--allow-extern", "--quiet"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stderr
    assert _front(tmp_path / "front.csv") == uninterrupted[0]


def test_ctrl_c_writes_the_front_and_the_checkpoint_and_exits_130(tmp_path, uninterrupted):
    model = _model(tmp_path)
    proc = _start(model, "--checkpoint", "run.ckpt", "--out", "front.csv", "--workers", "2")
    _wait_for_calls(tmp_path, 45, proc)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "stopped by Ctrl-C or SIGTERM (interrupted)" in err
    assert "mooc solve --resume run.ckpt" in err
    interrupted = _front(tmp_path / "front.csv")
    assert 0 < len(interrupted) and out.strip()  # the front so far, written and printed

    assert main(["solve", "--resume", str(tmp_path / "run.ckpt"), "--allow-extern",
                 "--quiet", "--out", str(tmp_path / "final.csv")]) == 0
    assert _front(tmp_path / "final.csv") == uninterrupted[0]
    made = collections.Counter(_calls(tmp_path))
    assert sum(count - 1 for count in made.values()) <= 2


def test_ctrl_c_in_the_first_generation_keeps_its_finished_calls(tmp_path, uninterrupted):
    model = _model(tmp_path)
    proc = _start(model, "--checkpoint", "run.ckpt", "--out", "front.csv")
    _wait_for_calls(tmp_path, 4, proc)  # of the first population's 10
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    assert "before the first generation was done" in err
    assert main(["solve", "--resume", str(tmp_path / "run.ckpt"), "--allow-extern",
                 "--quiet"]) == 0
    assert _front(tmp_path / "front.csv") == uninterrupted[0]
    made = collections.Counter(_calls(tmp_path))
    assert sum(count - 1 for count in made.values()) <= 1


def test_resume_in_python_and_with_a_larger_budget(tmp_path):
    problem = mooc.load(_model(tmp_path), allow_extern=True)
    first = problem.solve(population=8, generations=3, seed=1, checkpoint=tmp_path / "a.ckpt")
    longer = mooc.resume(tmp_path / "a.ckpt", allow_extern=True, generations=5)
    direct = problem.solve(population=8, generations=5, seed=1)
    assert first.n_generations == 3 and longer.n_generations == 5
    np.testing.assert_array_equal(longer.F, direct.F)
    assert longer.n_evaluations == direct.n_evaluations


def test_resume_refuses_a_changed_model_other_settings_and_unallowed_externs(tmp_path, capsys):
    model = _model(tmp_path)
    mooc.load(model, allow_extern=True).solve(population=8, generations=1, seed=1,
                                              checkpoint=tmp_path / "a.ckpt")
    checkpoint = str(tmp_path / "a.ckpt")
    assert main(["solve", "--resume", checkpoint]) == 2
    assert "--allow-extern" in capsys.readouterr().err
    with pytest.raises(MooError, match="only generations, max_evaluations"):
        mooc.resume(checkpoint, allow_extern=True, population=20)
    assert main(["solve", "--resume", checkpoint, "--allow-extern", "--set", "k=1"]) == 2
    assert "give no model, --set or --rerun" in capsys.readouterr().err
    model.write_text(MODEL.replace("n / 10", "n / 20"))
    assert main(["solve", "--resume", checkpoint, "--allow-extern"]) == 2
    err = capsys.readouterr().err
    assert "changed since the checkpoint" in err and "Traceback" not in err
    assert main(["solve", "--resume", str(tmp_path / "none.ckpt")]) == 2
    assert "there is no checkpoint" in capsys.readouterr().err
