"""The evolutionary methods: a compiled problem solved by :func:`mooc.solver.nsga2` or
:func:`mooc.solver.nsga3`, with extern calls spread over workers or Dask, checkpoints and
resuming."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

from mooc.checkpoint import Resumed, RunCheckpoint, seeded
from mooc.errors import UsageError


def run_nsga2(problem: Any, settings: dict[str, Any], *, workers: int = 1, dask: Any = None,
              checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 60.0,
              checkpoint_note: dict[str, Any] | None = None, resumed: Resumed | None = None,
              evaluations: bool | str | os.PathLike[str] | None = None,
              algorithm: str = "nsga2", derivatives: bool = True) -> Any:
    """Solve a :class:`mooc.Problem` with NSGA-II and the checked ``settings``; return a
    :class:`mooc.Result` in the user's directions.

    ``workers`` spreads per-point extern calls over local processes; ``dask`` over a Dask
    cluster: a ``dask.distributed.Client``, a scheduler address, or ``"local:N"``.
    ``checkpoint`` names a file the run is saved to (see :mod:`mooc.checkpoint`) every
    ``checkpoint_every`` seconds; ``resumed`` is a run read from one, to go on with.
    ``evaluations`` keeps every evaluation (see :mod:`mooc.evaluations`). ``algorithm`` is
    "nsga2" or "nsga3" (reference-direction survival, same settings plus ``directions``);
    ``derivatives``: whether the run uses the model's derivatives (see
    :func:`mooc.chain.derivative_uses`; without, none are generated).
    """
    problem.check_externs_allowed()
    problem.check_externs_load()
    runner = problem.extern_runner
    runner.failures.clear()
    runner.finished.clear()
    if resumed is not None:
        runner.failures.extend(resumed.failures)
        runner.finished.update(resumed.finished)
    hook = None
    if checkpoint is not None:
        settings = seeded(settings)
        # the method is recorded: a checkpoint saved before the first generation has no
        # solver state to say it, and its resume must go on with the same one
        hook = RunCheckpoint(checkpoint, problem, {**settings, "method": algorithm},
                             every=checkpoint_every,
                             note=checkpoint_note, resumed=resumed)  # refused when another
        # run writes it
        runner.on_result = hook.save
    try:
        return _run(problem, settings, hook, workers=workers, dask=dask, resumed=resumed,
                    evaluations=evaluations, algorithm=algorithm, derivatives=derivatives)
    finally:
        if hook is not None:
            hook.release()  # after the last save: another run may now write the file


def _run(problem: Any, settings: dict[str, Any], hook: RunCheckpoint | None, *, workers: int,
         dask: Any, resumed: Resumed | None, evaluations: bool | str | os.PathLike[str] | None,
         algorithm: str, derivatives: bool) -> Any:
    """The run of :func:`run_nsga2`, saved by ``hook``."""
    from mooc.checkpoint import resumed_initial
    from mooc.evaluations import start_log
    from mooc.result import Result
    from mooc.solver import nsga2, nsga3

    runner = problem.extern_runner
    log = start_log(problem, evaluations, resumed)
    started = time.time()
    interrupted = True
    with _dask_client(dask if problem.externs else None) as client:
        runner.workers, runner.dask = workers, client
        try:
            solver = nsga3 if algorithm == "nsga3" else nsga2
            view = problem.as_solver_problem(derivatives=derivatives)
            raw = solver(view, checkpoint=hook,
                        resume=None if resumed is None else resumed.state, on_evaluated=log,
                        **{k: v for k, v in settings.items() if k != "method"})
            interrupted = raw.stop_reason == "interrupted"
        except ValueError as error:  # the solver names the bad argument
            interrupted = False
            raise UsageError(str(error)) from None
        except KeyboardInterrupt:  # before the first generation was done: keep finished calls
            if hook is not None:
                hook.save(final=True)
            elif log is not None:
                log.discard()
            if log is not None:
                log.release()  # a resume may go on with its spool, in this process too
            raise
        except BaseException:
            if log is not None and hook is None:
                log.discard()
            if log is not None:
                log.release()
            raise
        finally:
            runner.close(interrupted=interrupted)
            runner.on_result, runner.dask = None, None
    result = Result.from_solver(problem, raw, settings=settings, started=started,
                                failures=list(runner.failures))
    if resumed is not None:  # the points the run was first seeded with, for a rerun
        result.initial = resumed_initial(resumed)
    if log is not None:
        from mooc.evaluations import attach

        attach(result, log, resumable=hook is not None)
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
                # no dashboard; the scheduler's HTTP server on a free port (by default it
                # binds 8787, and warns and moves when another process holds that)
                self.cluster = LocalCluster(n_workers=int(count), threads_per_worker=1,
                                            processes=True, dashboard_address="127.0.0.1:0",
                                            scheduler_kwargs={"dashboard": False},
                                            host="127.0.0.1")
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.spec, timeout=30)
            except (OSError, ValueError, TypeError) as error:  # a bad address, no scheduler
                raise UsageError(f"cannot connect to a Dask scheduler at '{self.spec}': "
                                 f"{error}") from None
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
