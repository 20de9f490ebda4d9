"""Calling the black-box objectives a model declares with ``extern``.

A .moo file runs no code on its own: an extern is called only when the user allows it
(``--allow-extern``, ``allow_extern=True``). A call that raises, exits non-zero, times out or
returns something unusable (NaN and infinities included) marks its point as failed (NaN, which
ranks worst), is recorded with its reason, and the run goes on.

Per-point externs fan out over local processes (``workers=N``) or a Dask cluster; a vectorized
extern gets the whole population at once. Results come back in the points' order, so a run
gives the same front however it is spread.

Every finished per-point call is kept (its values, or its failure) by its arguments: a call
with the same arguments is answered from there, and a checkpoint saves them, so a resumed run
never repeats a finished call. A python extern with a timeout runs in worker processes that
are reused call after call (see :mod:`mooc.timed_workers`; each call is made by
:mod:`mooc.extern_calls`). Ctrl-C reaches only the main process: workers ignore it and are
stopped by the main process. Which code a python extern runs (its folder's module file, as it
was when the model was loaded), and what a checkpoint records of it: :mod:`mooc.extern_code`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.errors import MooError
from mooc.exit_guard import exits_refused
from mooc.extern_calls import (
    ExternSpec,
    become_worker,
    call_point,
    extern_values,
    failure_reason,
    is_daemonic,
    load_function,
    not_finite,
    python_value,
    serve,
    vectorized_values,
)
from mooc.extern_programs import allow_programs, stop_programs

if TYPE_CHECKING:  # process pools are imported when a run first uses them (20 ms at start-up)
    from concurrent.futures import Executor

    from mooc.timed_workers import TimedWorkers


class ExternNotAllowed(MooError):
    """The model declares externs and the user has not allowed running them."""


@dataclass(frozen=True)
class Failure:
    """A point whose extern call failed, and why."""

    extern: str
    point: dict[str, Any]
    reason: str
    row: int | None = None  # the point's row in the batch evaluated with it


class ExternNotLoaded(MooError):
    """A python extern's module or function cannot be imported."""


def load_failure(spec: ExternSpec) -> str | None:
    """Why a python extern's function cannot be imported, or None (also for a program)."""
    if spec.kind != "python":
        return None
    try:
        with exits_refused():  # the module's own code runs
            load_function(spec)
    except (Exception, SystemExit) as error:
        return failure_reason(error)
    return None


def refusal(specs: Sequence[ExternSpec]) -> str:
    names = ", ".join(f"'{s.name}' ({s.kind} {s.target!r})" for s in specs)
    return (f"this model calls code: extern {names}. A model file runs no code unless you allow "
            "it: pass --allow-extern (mooc solve) or allow_extern=True (Python)")


#: A finished per-point call: its values, or None and the reason it failed.
Outcome = tuple[list[float] | None, str]


def call_key(name: str, point: dict[str, Any]) -> str:
    """The key a finished call is kept by: the extern's name and its arguments."""
    return json.dumps([name, point], sort_keys=True)


@dataclass
class ExternRunner:
    """Calls externs for the generated code; keeps finished calls and the failures of the run.

    ``on_result`` is called after each finished per-point call (a checkpoint saves them)."""

    specs: dict[str, ExternSpec]
    allowed: bool = False
    workers: int = 1
    dask: Any = None  # a dask.distributed Client
    failures: list[Failure] = field(default_factory=list)
    calls: int = 0
    finished: dict[str, Outcome] = field(default_factory=dict)
    on_result: Callable[[], object] | None = None
    _pool: Executor | None = field(default=None, repr=False)
    _timed: TimedWorkers | None = field(default=None, repr=False)

    def call(self, name: str, arguments: dict[str, Any], n: int) -> np.ndarray:
        """Values of extern ``name`` for ``n`` points: (n, len(returns)), NaN where failed."""
        spec = self.specs[name]
        if not self.allowed:
            raise ExternNotAllowed(refusal([spec]))
        if n == 0:
            return np.empty((0, len(spec.returns)))
        if spec.kind == "program":
            allow_programs()
        if spec.vectorized:
            return self._call_vectorized(spec, arguments, n)
        points = [{k: python_value(v[i]) for k, v in arguments.items()} for i in range(n)]
        keys = [call_key(name, point) for point in points]
        todo = {key: point for key, point in zip(keys, points, strict=True)
                if key not in self.finished}
        for key, outcome in self._outcomes(spec, todo):
            self.finished[key] = outcome
            self.calls += 1
            if self.on_result is not None:
                self.on_result()
        out = np.full((n, len(spec.returns)), np.nan)
        for i, key in enumerate(keys):
            values, reason = self.finished[key]
            if values is None:
                self.failures.append(Failure(name, points[i], reason, i))
            else:
                out[i] = values
        return out

    def _call_vectorized(self, spec: ExternSpec, arguments: dict[str, Any], n: int) -> np.ndarray:
        self.calls += 1
        try:
            with exits_refused():
                raw = load_function(spec)(**arguments)
            values = vectorized_values(spec, raw, n)
        except (Exception, SystemExit) as error:  # the user's code may raise anything
            reason = failure_reason(error)
            self.failures.extend(Failure(spec.name, _point(arguments, i), reason, i)
                                 for i in range(n))
            return np.full((n, len(spec.returns)), np.nan)
        for i in (~np.isfinite(values).all(axis=1)).nonzero()[0]:  # NaN or inf: the row fails
            reason = failure_reason(ValueError(not_finite(spec, values[i].tolist())))
            self.failures.append(Failure(spec.name, _point(arguments, i), reason, int(i)))
            values[i] = np.nan
        return values

    def _outcomes(self, spec: ExternSpec, todo: dict[str, dict[str, Any]]
                  ) -> Iterator[tuple[str, Outcome]]:
        """(key, outcome) of each call in ``todo``, as each finishes."""
        if self.dask is not None and todo:
            from dask.distributed import as_completed

            keys = list(todo)
            futures = self.dask.map(call_point, [spec] * len(keys), list(todo.values()),
                                    pure=False)
            where = {future.key: key for future, key in zip(futures, keys, strict=True)}
            for future in as_completed(futures):
                yield where[future.key], future.result()
        elif spec.kind == "python" and spec.timeout is not None and todo and \
                not is_daemonic():
            yield from self._timed_calls(spec, todo)
        elif self.workers <= 1 or len(todo) <= 1:
            for key, point in todo.items():
                yield key, call_point(spec, point)
        else:
            yield from self._pooled(spec, todo)

    def _timed_calls(self, spec: ExternSpec, todo: dict[str, dict[str, Any]]
                     ) -> Iterator[tuple[str, Outcome]]:
        """Calls with a timeout, over :attr:`workers` reused worker processes."""
        try:
            with exits_refused():  # imported here, so a forked worker starts with it loaded
                load_function(spec)
        except (Exception, SystemExit) as error:
            for key in todo:
                yield key, (None, failure_reason(error))
            return
        if self._timed is None:
            from mooc.timed_workers import TimedWorkers

            self._timed = TimedWorkers(self.workers, serve)
        assert spec.timeout is not None
        calls = {key: (spec, point) for key, point in todo.items()}
        for key, (ok, value) in self._timed.run(calls, spec.timeout):
            if not ok:
                yield key, (None, f"timed out after {spec.timeout:g} s" if value is None else value)
                continue
            try:
                yield key, (extern_values(spec, value), "")
            except Exception as error:  # whatever the value, its point fails: the run goes on
                yield key, (None, failure_reason(error))

    def _pooled(self, spec: ExternSpec, todo: dict[str, dict[str, Any]]
                ) -> Iterator[tuple[str, Outcome]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        pool = self._executor(spec)
        pending = {pool.submit(call_point, spec, point): key for key, point in todo.items()}
        # call_point enforces the timeout itself; this only guards against a worker that hangs
        limit = None if spec.timeout is None else spec.timeout * 2 + 5
        while pending:
            done, _ = wait(pending, timeout=limit, return_when=FIRST_COMPLETED)
            if not done:
                for key in pending.values():
                    yield key, (None, f"timed out after {spec.timeout:g} s")
                return
            for future in done:
                key = pending.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:  # a worker died (a crash, or an exit from C code)
                    yield from self._after_broken_pool(spec, todo, [key, *pending.values()],
                                                       pending)
                    return
                yield key, outcome

    def _after_broken_pool(self, spec: ExternSpec, todo: dict[str, dict[str, Any]],
                           keys: list[str], futures: dict[Any, str]
                           ) -> Iterator[tuple[str, Outcome]]:
        """The calls a dead worker took down with its pool: those that had finished keep their
        outcome, the others are made again one by one, each in a process of its own, so that
        only the call that ends its process fails (the next batch starts a new pool)."""
        self.close(interrupted=True)
        finished = {key: future.result() for future, key in futures.items()
                    if future.done() and not future.cancelled() and future.exception() is None}
        for key in keys:
            yield key, finished[key] if key in finished else call_point(spec, todo[key],
                                                                        isolated=True)

    def _executor(self, spec: ExternSpec) -> Executor:
        from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

        if self._pool is None:
            if spec.kind == "python":
                self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                                 initializer=become_worker)
            else:
                self._pool = ThreadPoolExecutor(max_workers=self.workers)
        return self._pool

    def close(self, *, interrupted: bool = False) -> None:
        """Shut the worker pools down; after Ctrl-C, stop the calls still running."""
        if self._timed is not None:
            self._timed.close()
            self._timed = None
        if interrupted:
            stop_programs()  # calls running in worker threads: the threads then end
        if self._pool is None:
            return
        if interrupted:
            # the executor has no public way to stop running calls: end its processes
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=not interrupted, cancel_futures=True)
        self._pool = None


def _point(arguments: dict[str, Any], row: int) -> dict[str, Any]:
    """Row ``row`` of a vectorized extern's arguments, as a failure records its point."""
    return {k: python_value(v[row]) for k, v in arguments.items()}


def failure_summary(failures: Sequence[Failure]) -> str:
    if not failures:
        return ""
    reasons: dict[str, int] = {}
    for failure in failures:
        reasons[failure.reason] = reasons.get(failure.reason, 0) + 1
    top = sorted(reasons.items(), key=lambda kv: -kv[1])[:3]
    shown = "; ".join(f"{count} x {reason}" for reason, count in top)
    return f"{len(failures)} evaluation{'s' if len(failures) != 1 else ''} failed ({shown})"


