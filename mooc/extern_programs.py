"""Running a program extern: the point as JSON on its standard input and in the ``{name}``
placeholders of its command line, its values as JSON on its standard output.

Each program runs in a process group of its own, and the whole group ends with its call: a
call that runs over its timeout, or that Ctrl-C (or SIGTERM) stops, kills the program and
whatever it started (a shell script's simulator), and :func:`stop_programs` kills those still
running in worker threads when a run is interrupted, so mooc does not wait for them.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

#: The programs running now, in any thread.
_running: set[subprocess.Popen[str]] = set()
_lock = threading.Lock()
#: Set by :func:`stop_programs`: no program starts until :func:`allow_programs`.
_refusing = False


def run_program(target: str, folder: str, point: dict[str, Any], timeout: float | None) -> Any:
    """Run the command ``target`` (found in ``folder`` first, run there) on ``point``; its
    decoded JSON output. Raises TimeoutExpired, RuntimeError (a non-zero exit) or ValueError
    (output that is not JSON)."""
    words = [w.format(**point) if "{" in w else w for w in shlex.split(target)]
    program = Path(folder) / words[0]
    if program.is_file():
        words[0] = str(program)
    with _lock:  # stop_programs either sees it or it does not start
        if _refusing:
            raise RuntimeError("not started: the run was interrupted")
        process = subprocess.Popen(words, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=folder,
                                   start_new_session=True)
        _running.add(process)
    with process:
        try:
            stdout, stderr = process.communicate(json.dumps(point), timeout=timeout)
        except BaseException:  # over its time, or Ctrl-C: the program ends with its call
            _kill(process)
            raise
        finally:
            with _lock:
                _running.discard(process)
    if process.returncode != 0:
        tail = stderr.strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"exit code {process.returncode} {tail[0]}".strip())
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        raise
    except ValueError:  # Python's words: "Exceeds the limit (4300 digits) for integer ..."
        raise ValueError("expected numbers in the float range, got an integer of thousands "
                         "of digits") from None


def _kill(process: subprocess.Popen[str]) -> None:
    """Kill ``process`` and its group (what it started), and wait for it."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):  # already ended
            pass
    process.kill()
    process.wait()


def stop_programs() -> None:
    """Kill every program extern still running, and start none until :func:`allow_programs`
    (a run was interrupted: its worker threads may still hold calls they have not started)."""
    global _refusing
    with _lock:
        _refusing = True
        running = list(_running)
    for process in running:
        _kill(process)


def allow_programs() -> None:
    """Programs may start again (a new batch of calls)."""
    global _refusing
    with _lock:
        _refusing = False
