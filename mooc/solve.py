"""Running the solver on a compiled problem: settings merged, errors in the user's words."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from mooc.checkpoint import Resumed, RunCheckpoint, resume_settings, seeded
from mooc.dsl.names import CONSTRAINT_MODES, SOLVER_SETTINGS, did_you_mean
from mooc.errors import UsageError
from mooc.options import check_run_options, check_settings
from mooc.result import UNRECORDED


def solver_settings(problem: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The file's solver block overridden by ``options``; unknown or bad values raise UsageError."""
    settings = dict(problem.settings)
    for key, value in options.items():
        if key not in SOLVER_SETTINGS and key not in UNRECORDED:
            raise UsageError(f"unknown solver option '{key}'{did_you_mean(key, SOLVER_SETTINGS)}")
        if value is not None:
            settings[key] = value
    settings = check_settings(settings)
    mode = settings.get("constraints", "feasibility")
    if mode not in CONSTRAINT_MODES:
        raise UsageError(f"constraint handling '{mode}' is not one of "
                         f"{', '.join(CONSTRAINT_MODES)}")
    return settings


def solve_problem(problem: Any, *, workers: int = 1, dask: Any = None,
                  checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 60.0,
                  checkpoint_note: dict[str, Any] | None = None, resumed: Resumed | None = None,
                  evaluations: bool | str | os.PathLike[str] | None = None,
                  **options: Any) -> Any:
    """Solve a :class:`mooc.Problem`; return a :class:`mooc.Result` in the user's directions.

    ``workers`` spreads per-point extern calls over local processes; ``dask`` over a Dask
    cluster: a ``dask.distributed.Client``, a scheduler address, or ``"local:N"``.
    ``checkpoint`` names a file the run is saved to (see :mod:`mooc.checkpoint`) every
    ``checkpoint_every`` seconds; ``resumed`` is a run read from one, to go on with.
    ``evaluations`` keeps every evaluation: True in memory, a .csv or .parquet path streamed
    there (see :mod:`mooc.evaluations`).
    """
    from mooc.result import Result
    from mooc.solver import nsga2

    if resumed is not None:
        callback = options.pop("callback", None)
        settings = solver_settings(problem, resume_settings(resumed, options))
        settings["callback"] = callback
    else:
        settings = solver_settings(problem, options)
    check_run_options(workers=workers, dask=dask, checkpoint_every=checkpoint_every,
                      checkpoint=checkpoint, callback=settings.get("callback"))
    problem.check_externs_allowed()
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
    if settings.get("initial") is not None:
        from mooc.points import encode_points

        settings["initial"] = encode_points(problem, settings["initial"], name="initial")
    from mooc.evaluations import start_log

    log = start_log(problem, evaluations, resumed)
    started = time.time()
    interrupted = True
    with _dask_client(dask if problem.externs else None) as client:
        runner.workers, runner.dask = workers, client
        try:
            raw = nsga2(problem.as_solver_problem(), checkpoint=hook,
                        resume=None if resumed is None else resumed.state, on_evaluated=log,
                        **settings)
            interrupted = raw.stop_reason == "interrupted"
        except ValueError as error:  # the solver names the bad argument
            interrupted = False
            raise UsageError(str(error)) from None
        except KeyboardInterrupt:  # before the first generation was done: keep finished calls
            if hook is not None:
                hook.save(final=True)
            elif log is not None:
                log.discard()
            raise
        except BaseException:
            if log is not None and hook is None:
                log.discard()
            raise
        finally:
            runner.close(interrupted=interrupted)
            runner.on_result, runner.dask = None, None
    result = Result.from_solver(problem, raw, settings=settings, started=started,
                                failures=list(runner.failures))
    if log is not None:
        from mooc.evaluations import attach

        attach(result, log)
    return result


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
            count = self.spec.partition(":")[2]  # checked by check_run_options
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
