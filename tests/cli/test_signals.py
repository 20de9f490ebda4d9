"""Signals and closed pipes, with real processes: SIGTERM is taken as Ctrl-C, Ctrl-C at any
moment gives no traceback, and a reader that goes away is no error."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mooc
from mooc.checkpoint import read_checkpoint

ROOT = Path(__file__).parents[2]
LONG = ["solve", "zdt1", "--population", "20", "--generations", "1000000"]

#: Starts mooc the way `python -m mooc` does (runpy), and says "go" on standard output as soon
#: as mooc's package has run its first statements (which set its interrupt handling): an audit
#: hook sees the next module's code handed to exec. The delays below count from there; before
#: it is the interpreter's own start-up, which no code of mooc's can guard.
LAUNCH = """
import runpy, sys
started = []
def announce(event, args):
    if event != "exec" or len(started) > 1:
        return
    if started or getattr(args[0], "co_filename", "").endswith("mooc/__init__.py"):
        started.append(args[0])
    if len(started) == 2:
        sys.stdout.write("go\\n")
        sys.stdout.flush()
sys.addaudithook(announce)
sys.argv = ["mooc", *sys.argv[1:]]
runpy.run_module("mooc", run_name="__main__", alter_sys=True)
"""


def _default_interrupt() -> None:
    """In the child: Ctrl-C as a terminal gives it. A shell starts a background job with
    SIGINT ignored, and Python then leaves it ignored; a test run started so would send its
    Ctrl-Cs to runs that never stop."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: The runs a test started: any still running at its end is killed (a failed assertion must
#: not leave a run of a million generations behind).
_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_run_left_behind():
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.communicate()


def _mooc(*argv: str, cwd: Path = ROOT) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", LAUNCH, *argv], cwd=cwd, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_default_interrupt)  # noqa: PLW1509 - no threads here
    _STARTED.append(process)
    return process


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_sigterm_stops_the_run_like_ctrl_c_and_writes_everything(tmp_path):
    checkpoint, front = tmp_path / "run.ckpt", tmp_path / "front.csv"
    process = _mooc(*LONG, "--checkpoint", str(checkpoint), "--checkpoint-every", "0",
                    "--out", str(front), "--rows", "2")
    assert process.stdout is not None and process.stdout.readline() == "go\n"
    _wait_for(checkpoint, process)  # a generation is done
    time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert "Traceback" not in err
    assert "stopped by" in err and f"terminated; saved to {checkpoint}" in err
    assert out.splitlines()[0].split()[:2] == ["f1", "f2"]  # the front is printed
    assert len(front.read_text().splitlines()) > 2  # and written
    resumed = read_checkpoint(checkpoint)
    assert resumed.state is not None and resumed.state.generation >= 1
    again = mooc.resume(checkpoint, generations=resumed.state.generation)
    assert len(again) == len(front.read_text().splitlines()) - 1  # the same front (header + rows)


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.01, 0.03, 0.1, 0.3, 1.0])
def test_ctrl_c_at_any_early_moment_gives_no_traceback(delay):
    process = _mooc(*LONG, "--quiet")
    assert process.stdout is not None and process.stdout.readline() == "go\n"
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (130, -signal.SIGINT), err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.strip() in ("", "interrupted")  # nothing more when the run had begun (--quiet)


#: In a child started as the command: a weak reference's callback raises KeyboardInterrupt, as
#: Ctrl-C's handler does when the signal lands in one (the import machinery's module locks
#: have such callbacks); Python ignores an exception there.
LOST_INTERRUPT = """
import sys, time, weakref
sys.argv = ["mooc"]
import mooc
class Thing:
    pass
thing = Thing()
def callback(ref):
    raise KeyboardInterrupt
ref = weakref.ref(thing, callback)
del thing
try:
    for _ in range(500):
        time.sleep(0.01)
    print("lost")
except KeyboardInterrupt:
    print("delivered")
"""


def test_ctrl_c_landing_where_python_ignores_exceptions_still_stops_the_command():
    # it was printed as "Exception ignored in: <function _get_module_lock.<locals>.cb ...>"
    # with a traceback, and a run of a million generations went on
    done = subprocess.run([sys.executable, "-c", LOST_INTERRUPT], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, preexec_fn=_default_interrupt)
    assert done.stdout == "delivered\n", done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.parametrize("argv", [["show", "zdt1"], ["list"],
                                  ["solve", "zdt1", "--population", "10", "--generations", "2",
                                   "--rows", "1000"]])
def test_a_reader_that_has_gone_is_no_error(argv, tmp_path):
    front = tmp_path / "front.csv"
    if argv[0] == "solve":
        argv = [*argv, "--out", str(front)]
    process = subprocess.Popen([sys.executable, "-m", "mooc", *argv], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # like `| head -1` that has already gone
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "Error" not in err, err
    if argv[0] == "solve":
        assert front.is_file() and "wrote" in err


def test_head_reading_one_line_of_the_table_is_no_error(tmp_path):
    # a table of about 130 kB: more than a pipe holds, so mooc is still writing when head goes
    done = subprocess.run(f"'{sys.executable}' -m mooc solve binh_korn --population 200 "
                          "--generations 60 --seed 1 --rows 100000 2> err.txt | head -1; "
                          "echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash",
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    lines = done.stdout.splitlines()
    err = (tmp_path / "err.txt").read_text()
    assert lines[0].split()[:2] == ["f1", "f2"] and lines[1] == "0", (done.stdout, err)
    assert "Traceback" not in err and "non-dominated points" in err


def test_a_run_whose_stdout_and_stderr_readers_have_gone_still_writes_its_outputs(tmp_path):
    front = tmp_path / "front.json"
    process = subprocess.Popen([sys.executable, "-m", "mooc", "solve", "zdt1", "--population",
                                "10", "--generations", "30", "--out", str(front)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the progress line, the table and the summary have nowhere to go
    process.stderr.close()
    assert process.wait(timeout=60) == 0
    assert front.is_file() and front.read_text().startswith("{")


#: An extern during which SIGTERM comes while Python runs code given as a string (as when a
#: namedtuple or a dataclass is made, which imports do many times).
TERMINATING_EXTERN = '''
import os, signal

def evaluate(x):
    exec("os.kill(os.getpid(), signal.SIGTERM)")
    return {"a": x}
'''


def test_sigterm_during_code_run_from_a_string_still_exits_143(tmp_path):
    # CPython remembered the KeyboardInterrupt that SIGTERM raised leaving exec(), and
    # `python -m mooc` ended by SIGINT (-2) after printing "terminated" and returning 143
    (tmp_path / "killer.py").write_text(TERMINATING_EXTERN)
    model = tmp_path / "m.moo"
    model.write_text("var x in [0, 1]\nextern work(x) = python \"killer:evaluate\" returns {a}\n"
                     "minimize f1: work.a\nminimize f2: 1 - x\n")
    done = subprocess.run([sys.executable, "-m", "mooc", "solve", str(model), "--allow-extern",
                           "--population", "4", "--generations", "2", "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 143, done.stderr
    assert done.stderr == "terminated\n"
