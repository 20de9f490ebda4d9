"""Running the solver on a compiled problem: settings merged, errors in the user's words."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from mooc.checkpoint import Resumed, RunCheckpoint, resume_settings, seeded
from mooc.dsl.check_expressions import did_you_mean
from mooc.dsl.names import CONSTRAINT_MODES, SOLVER_SETTINGS
from mooc.errors import UsageError
from mooc.result import UNRECORDED

#: The solver methods ``solve(method=...)`` runs.
METHODS = ("nsga2", "nsga3")


def solver_settings(problem: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The file's solver block overridden by ``options``; unknown or bad values raise UsageError."""
    settings = dict(problem.settings)
    for key, value in options.items():
        if key not in SOLVER_SETTINGS and key not in UNRECORDED and key != "method":
            raise UsageError(f"unknown solver option '{key}'{did_you_mean(key, SOLVER_SETTINGS)}")
        if value is not None:
            settings[key] = value
    method = settings.get("method", "nsga2")
    if method not in METHODS:
        raise UsageError(f"unknown method '{method}'{did_you_mean(str(method), METHODS)} "
                         f"(available: {', '.join(METHODS)})")
    if method != "nsga3" and settings.get("directions") is not None:
        raise UsageError("'directions' is a setting of nsga3 (reference directions)")
    mode = settings.get("constraints", "feasibility")
    if mode not in CONSTRAINT_MODES:
        raise UsageError(f"constraint handling '{mode}' is not one of "
                         f"{', '.join(CONSTRAINT_MODES)}")
    for key, kind in SOLVER_SETTINGS.items():
        value = settings.get(key)
        if value is None or kind == "mode":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise UsageError(f"'{key}' takes a number, but was given {value!r}")
        if kind == "integer" and float(value) != int(value):
            raise UsageError(f"'{key}' takes a whole number, but was given {value!r}")
        if kind == "integer":
            settings[key] = int(value)
    return settings


def solve_problem(problem: Any, *, workers: int = 1, dask: Any = None,
                  checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 60.0,
                  checkpoint_note: dict[str, Any] | None = None, resumed: Resumed | None = None,
                  **options: Any) -> Any:
    """Solve a :class:`mooc.Problem`; return a :class:`mooc.Result` in the user's directions.

    ``workers`` spreads per-point extern calls over local processes; ``dask`` over a Dask
    cluster: a ``dask.distributed.Client``, a scheduler address, or ``"local:N"``.
    ``checkpoint`` names a file the run is saved to (see :mod:`mooc.checkpoint`) every
    ``checkpoint_every`` seconds; ``resumed`` is a run read from one, to go on with.
    """
    from mooc.result import Result
    from mooc.solver import nsga2, nsga3

    if resumed is not None:
        callback = options.pop("callback", None)
        settings = solver_settings(problem, resume_settings(resumed, options))
        settings["callback"] = callback
    else:
        settings = solver_settings(problem, options)
    problem.check_externs_allowed()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"'workers' takes a whole number of at least 1, but was given {workers!r}")
    runner = problem.extern_runner
    runner.failures.clear()
    runner.finished.clear()
    if resumed is not None:
        runner.failures.extend(resumed.failures)
        runner.finished.update(resumed.finished)
    hook = None
    if checkpoint is not None:
        settings = seeded(settings)
        hook = RunCheckpoint(checkpoint, problem, settings, every=checkpoint_every,
                             note=checkpoint_note)
        runner.on_result = hook.save
    started = time.time()
    interrupted = True
    with _dask_client(dask if problem.externs else None) as client:
        runner.workers, runner.dask = workers, client
        try:
            method = nsga3 if settings.get("method") == "nsga3" else nsga2
            raw = method(problem.as_solver_problem(), checkpoint=hook,
                         resume=None if resumed is None else resumed.state,
                         **{key: value for key, value in settings.items() if key != "method"})
            interrupted = raw.stop_reason == "interrupted"
        except ValueError as error:  # the solver names the bad argument
            interrupted = False
            raise UsageError(str(error)) from None
        except KeyboardInterrupt:  # before the first generation was done: keep finished calls
            if hook is not None:
                hook.save(force=True)
            raise
        finally:
            runner.close(interrupted=interrupted)
            runner.on_result, runner.dask = None, None
    return Result.from_solver(problem, raw, settings=settings, started=started,
                              failures=list(runner.failures))


class _dask_client:
    """A Dask client for ``spec`` (a Client, an address or "local:N"), closed afterwards when
    made here; nothing when ``spec`` is None."""

    def __init__(self, spec: Any):
        self.spec: Any = spec
        self.client: Any = None
        self.cluster: Any = None

    def __enter__(self) -> Any:
        if self.spec is None or not isinstance(self.spec, str):
            return self.spec
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--dask needs Dask: pip install 'dask[distributed]'") from None
        if self.spec.startswith("local:"):
            count = self.spec.partition(":")[2]
            if not count.isdigit() or int(count) < 1:
                raise UsageError(f"--dask local:N takes a number of workers, not '{count}'")
            # non-daemonic workers may start the child process that enforces a timeout; workers
            # started while Ctrl-C is ignored keep ignoring it: it is the main process's to handle
            with dask.config.set({"distributed.worker.daemon": False}), _interrupts_ignored():
                self.cluster = LocalCluster(n_workers=int(count), threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            host="127.0.0.1")
            self.client = Client(self.cluster)
        else:
            self.client = Client(self.spec, timeout=30)
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """Ignore Ctrl-C meanwhile (when in the main thread, where signals are handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
