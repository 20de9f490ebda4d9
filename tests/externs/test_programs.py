"""Program externs end with their calls: a call over its timeout kills the program and what it
started, and a run stopped by SIGTERM or Ctrl-C kills the programs its worker threads run
instead of waiting for them; output Python cannot read as numbers fails its point in words."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import mooc

# starts a child that outlives nothing (sleep), records both pids, then waits for it
PROGRAM = '''
import json, os, subprocess, sys
point = json.load(sys.stdin)
child = subprocess.Popen(["sleep", "60"])
with open(f"started-{os.getpid()}.txt", "w") as note:
    note.write(str(child.pid))
child.wait()
print(json.dumps([point["x"], 1]))
'''


def _model(folder: Path, options: str) -> Path:
    (folder / "sim.py").write_text(PROGRAM)
    path = folder / "sim.moo"
    path.write_text(f'var x in [0, 1]\nextern sim(x) = program "{sys.executable} sim.py" '
                    f"returns {{a, b}} {options}\nminimize a: sim.a\nminimize b: sim.b\n")
    return path


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def _started(folder: Path) -> list[int]:
    return [int(p.read_text()) for p in folder.glob("started-*.txt") if p.read_text()]


def test_a_program_printing_an_integer_of_thousands_of_digits_fails_its_point_in_words(
        tmp_path) -> None:
    # the failure was Python's "Exceeds the limit (4300 digits) for integer string conversion"
    (tmp_path / "long.py").write_text('print("[" + "7" * 5000 + ", 1]")\n')
    path = tmp_path / "long.moo"
    path.write_text(f'var x in [0, 1]\nextern long(x) = program "{sys.executable} long.py" '
                    "returns {a, b}\nminimize a: long.a\nminimize b: long.b\n")
    problem = mooc.load(path, allow_extern=True)
    assert np.isnan(problem.evaluate([[0.5]]).F).all()
    assert problem.extern_runner.failures[0].reason == (
        "ValueError: expected numbers in the float range, got an integer of thousands of digits")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_program_over_its_timeout_ends_with_what_it_started(tmp_path) -> None:
    problem = mooc.load(_model(tmp_path, "timeout 1"), allow_extern=True)
    F = problem.evaluate([[0.5]]).F
    assert np.isnan(F).all()
    assert problem.extern_runner.failures[0].reason == "timed out after 1 s"
    (child,) = _started(tmp_path)
    time.sleep(0.2)
    assert not _alive(child)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_does_not_wait_for_its_programs(tmp_path, how) -> None:
    path = _model(tmp_path, "")
    command = [sys.executable, "-m", "mooc", "solve", str(path), "--allow-extern",
               "--population", "6", "--generations", "1", "--workers", "2"]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while len(_started(tmp_path)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_started(tmp_path)) == 2, "the programs did not start"
        os.kill(process.pid, how)
        stopped = time.monotonic()
        _, err = process.communicate(timeout=30)
        assert time.monotonic() - stopped < 10  # not the programs' 60 s
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == (143 if how == signal.SIGTERM else 130)
    assert "Traceback" not in err
    assert len(_started(tmp_path)) == 2  # no queued call started after the stop
    assert not any(_alive(pid) for pid in _started(tmp_path))
