"""An exact solve in a child process, which the time limit and Ctrl-C stop whatever HiGHS does.

HiGHS runs in C++ and looks at its time limit and at interrupts only in some of its loops. On
a small mixed-integer model with a coefficient of 1e9 (two objectives, four columns), its
presolve looped for good in the fifth subproblem: past ``--timeout``, past Ctrl-C and SIGTERM,
with the points found before it lost. Only another process can stop such a call, so the
search runs in a child forked for it (a few milliseconds; everything it needs is already
imported) and tells this process of each point as it finds it and of its progress after each
subproblem. This process waits; at the time limit (plus :data:`GRACE` for HiGHS to return
on its own), at Ctrl-C or SIGTERM, or when the child dies, it stops the child and makes the
front of the points it was told of, cut short, as the search itself would have.

Only where a process can fork (Linux), and not from a daemonic process (which may have no
children); elsewhere the search runs in this process, where Ctrl-C stops it between
subproblems.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import sys
import time
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from mooc.solver.exact import ExactResult, exact_front, exact_plan, front_result
from mooc.solver.exact_search import ExactProgress, Search
from mooc.solver.linear import LinearProblem

#: Seconds a subproblem may run past the time limit before its process is stopped: HiGHS
#: checks the limit it is given now and then, and the child still has to send its result.
GRACE = 2.0


def available() -> bool:
    """Whether an exact solve can run in a forked child here."""
    return sys.platform == "linux" and not multiprocessing.current_process().daemon


@dataclass
class _Reported:
    """What the child last told of its search (a :class:`~mooc.solver.exact_search.SearchState`)."""

    X: list[np.ndarray] = field(default_factory=list)
    reached: float = float("nan")
    unconfirmed: int = 0
    grid: int = 0
    grid_done: int = 0
    boxes: Sized = ()
    subproblems: int = 0
    nonzeros: int = 0
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def update(self, progress: ExactProgress, state: tuple[float, int, int, int]) -> None:
        self.reached, self.unconfirmed, self.grid_done, self.nonzeros = state
        self.subproblems, self.grid, self.boxes = progress.subproblems, progress.grid, \
            range(progress.boxes)


def exact_front_stoppable(problem: LinearProblem, /, *, timeout: float | None = None,
                          max_subproblems: int | None = None,
                          callback: Callable[[ExactProgress], object] | None = None
                          ) -> ExactResult:
    """:func:`mooc.solver.exact.exact_front`, in a child process where :func:`available`
    (see the module), else in this one."""
    if not available():
        return exact_front(problem, timeout=timeout, max_subproblems=max_subproblems,
                           callback=callback)
    import highspy  # noqa: F401  (imported before the fork, never in the child)

    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe(duplex=False)
    child = context.Process(target=_serve, args=(theirs, problem, timeout, max_subproblems),
                            daemon=True)
    for stream in (sys.stdout, sys.stderr):  # what is buffered would be written twice
        if stream is not None:
            stream.flush()
    reported = _Reported()
    child.start()
    theirs.close()
    reason: Any = None
    try:
        reason, note = _listen(ours, reported, timeout, callback)
    finally:
        _stop(child, ours, finished=isinstance(reason, ExactResult))
    if isinstance(reason, ExactResult):
        return reason
    if reason == "crashed":
        note = f" (exit code {child.exitcode})"
    return front_result(problem, reported, exact_plan(problem), reason, False, note=note)


def _listen(connection: Connection, reported: _Reported, timeout: float | None,
            callback: Callable[[ExactProgress], object] | None) -> tuple[Any, str]:
    """Take the child's messages until its result comes: that result, or why the search
    stopped without one (a stop reason and a note on it)."""
    deadline = np.inf if timeout is None else reported.started + timeout + GRACE
    try:
        while True:
            left = deadline - time.perf_counter()
            if not connection.poll(None if left == np.inf else max(0.0, left)):
                return "timeout", "; HiGHS ran on past the time limit in a subproblem, and " \
                    "its process was stopped"
            try:
                kind, *message = connection.recv()
            except EOFError:
                return "crashed", ""
            if kind == "point":
                reported.X.append(message[0])
            elif kind == "progress":
                reported.update(*message)
                if callback is not None:
                    callback(message[0])
            elif kind == "done":
                return message[0], ""
            else:  # "error": what the search raised, raised here
                raise message[0]
    except KeyboardInterrupt:
        return "interrupted", ""


def _stop(child: Any, connection: Connection, *, finished: bool) -> None:
    """End the child: once ``finished`` it has sent its result and is leaving (given a
    second); otherwise it is killed at once."""
    if finished:
        child.join(timeout=1.0)
    if child.is_alive():
        child.kill()
        child.join()
    connection.close()


def _serve(connection: Connection, problem: LinearProblem, timeout: float | None,
           max_subproblems: int | None) -> None:
    """In the child: run the search, sending each point found, the progress after each
    subproblem, and the result (or the exception that ended it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    searches: list[Search] = []

    def progress(now: ExactProgress) -> None:
        search = searches[0]
        connection.send(("progress", now, (search.reached, search.unconfirmed,
                                           search.grid_done, search.nonzeros)))

    def watch(search: Search) -> None:
        searches.append(search)
        search.on_point = lambda x: connection.send(("point", x))

    try:
        result = exact_front(problem, timeout=timeout, max_subproblems=max_subproblems,
                             callback=progress, watch=watch)
        connection.send(("done", result))
    except BaseException as error:  # noqa: BLE001  (raised again in the parent)
        with contextlib.suppress(OSError):  # the parent is gone: no one to tell
            connection.send(("error", _portable(error)))
    finally:
        connection.close()


def _die_with_parent() -> None:
    """Have the kernel kill this child if its parent dies (even by SIGKILL), so a subproblem
    that never ends does not outlive the solve (Linux's PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _portable(error: BaseException) -> BaseException:
    """``error``, or a RuntimeError saying it, when it cannot be sent to another process."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
