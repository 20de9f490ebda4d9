"""Ask/tell: drive the search from outside, when evaluations happen elsewhere (a lab, a
cluster queue, a simulator with its own scheduler).

It is the same NSGA-II as :meth:`mooc.Problem.solve` -- both run a
:class:`mooc.solver.ask_tell.Search` -- so with the values of :meth:`mooc.Problem.evaluate` it
finds the identical front for the same seed.

Examples
--------
>>> import mooc
>>> problem = mooc.compile("var x in [0, 2]\\nvar c choice {a, b}\\n"
...                        "minimize f: x^2 + (if c == a then 0 else 1)\\nmaximize g: x")
>>> opt = problem.optimizer(population=8, generations=3, seed=1)
>>> first = opt.ask(2)                  # two points of the first batch, choice by label
>>> first.shape, first[0][1] in ("a", "b")
((2, 2), True)
>>> opt.tell(first, problem.evaluate(first).F)
>>> while not opt.stopped:
...     X = opt.ask()                     # the rest of the batch
...     ev = problem.evaluate(X)          # or anywhere else, in any order
...     opt.tell(X[::-1], ev.F[::-1])     # values in the user's directions
>>> result = opt.result()
>>> result.n_evaluations + result.n_gradient_evaluations  # a Jacobian counts as an evaluation
32
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np

from mooc.errors import UsageError

#: Options of solve() that make no sense when the caller evaluates.
_NOT_HERE = ("callback", "workers", "dask")


class Optimizer:
    """NSGA-II on ``problem``, one batch at a time (see the module).

    Parameters
    ----------
    problem : mooc.Problem
        The model (its ``evaluate`` is not called: you tell the values).
    checkpoint : path, optional
        Saved after every finished generation and every :meth:`tell` (atomically), as a
        solve's checkpoint: a resumed optimizer asks only for the points of the unfinished
        generation whose values were not told yet. One run at a time writes a checkpoint: the
        optimizer holds it until the run stops or :meth:`close`, and another optimizer or
        run on the same file meanwhile is refused.
    resume : bool
        Go on from ``checkpoint`` (which must exist) instead of starting afresh.
    evaluations : bool or path, optional
        Keep every evaluation (see :mod:`mooc.evaluations`).
    **options
        The settings :meth:`mooc.Problem.solve` takes (population, generations, seed, ...).
    """

    def __init__(self, problem: Any, *, checkpoint: str | os.PathLike[str] | None = None,
                 resume: bool = False, evaluations: Any = None, **options: Any):
        from mooc.chain import derivative_uses
        from mooc.checkpoint import (
            RunCheckpoint,
            read_checkpoint,
            resume_settings,
            resumed_initial,
            seeded,
        )
        from mooc.evaluations import start_log
        from mooc.options import check_run_options
        from mooc.solve import solver_settings

        refused = [name for name in _NOT_HERE if name in options]
        if refused:
            raise UsageError(f"an optimizer takes no {', '.join(map(repr, refused))}: you evaluate")
        check_run_options(checkpoint=checkpoint, evaluations=evaluations)
        resumed = None
        if resume:
            if checkpoint is None:
                raise UsageError("resume=True goes on from 'checkpoint': name the file")
            resumed = read_checkpoint(checkpoint)
            if resumed.model_hash != problem.model_hash:
                raise UsageError(f"cannot resume from '{checkpoint}': it is a run of another model "
                                 f"or params (hash {resumed.model_hash}, now {problem.model_hash})")
            options = resume_settings(resumed, options)
        settings = _evolutionary_settings(problem, solver_settings(problem, options))
        if resumed is not None and resumed.state is None and resumed.initial is not None:
            settings["initial"] = resumed_initial(resumed)  # no first population yet
        hook = None
        if checkpoint is not None:
            settings = seeded(settings)
            hook = RunCheckpoint(checkpoint, problem, settings, every=0.0, resumed=resumed)
        self.problem, self.settings, self.hook = problem, settings, hook
        self._pending_told = [] if resumed is None else [list(row) for row in resumed.told]
        self._resumed_initial = None if resumed is None else resumed_initial(resumed)
        try:
            self.log = start_log(problem, evaluations, resumed)
            self.started = time.time()
            view = problem.as_solver_problem(
                derivatives=any(derivative_uses(settings, settings["method"])))
            self.search = _search(view,
                                  checkpoint=hook,
                                  on_evaluated=self.log,
                                  resume=None if resumed is None else resumed.state, **settings)
        except ValueError as error:
            self.close()
            raise UsageError(str(error)) from None
        except BaseException:
            self.close()  # the checkpoint is free again for the next try
            raise
        self._values: dict[str, np.ndarray] = {}
        self._out: np.ndarray = np.zeros(0, dtype=bool)  # rows handed out by ask()
        self._told: np.ndarray = np.zeros(0, dtype=bool)
        self._batch: np.ndarray | None = None
        self._index: dict[bytes, int] = {}

    def close(self) -> None:
        """Let another optimizer or run write the checkpoint (this one's lock on it is held
        from its making until the run stops, or until this)."""
        if self.hook is not None:
            self.hook.release()

    # asking -----------------------------------------------------------------------------
    @property
    def stopped(self) -> bool:
        """Whether the run has ended (a limit was reached); :attr:`stop_reason` says which."""
        return self.search.stopped

    @property
    def stop_reason(self) -> str | None:
        return self.search.reason

    @property
    def generation(self) -> int:
        """The generation of the points being asked for (0: the initial population)."""
        return self.search.generation

    def ask(self, n: int | None = None) -> np.ndarray:
        """Up to ``n`` (default: all) points of the current batch not handed out yet.

        Rows of numbers (an object array with labels when the problem has choice
        variables). Empty when every point of the batch is out and waiting for its values (tell
        them first) or when the run has stopped.
        """
        if n is not None:
            from mooc.options import Rule, checked_number

            n = int(checked_number(n, Rule(whole=True), "ask(n)"))
        batch = self._current()
        if batch is None:
            return self._shown(np.empty((0, self.problem.n_var)))
        rows = (~self._out).nonzero()[0]
        if n is not None:
            rows = rows[:n]
        self._out[rows] = True
        return self._shown(batch[rows])

    def _shown(self, X: np.ndarray) -> np.ndarray:
        if not self.problem.choice_labels:
            return X.copy()
        from mooc.points import decode_points

        out = np.empty(X.shape, dtype=object)
        for k, row in enumerate(decode_points(self.problem, X)):
            out[k] = row
        return out

    def _current(self) -> np.ndarray | None:
        """The current batch (bred when needed; empty batches are told at once)."""
        while self._batch is None and not self.search.stopped:
            batch = self.search.ask()
            if batch.shape[0] == 0:
                self.search.tell(self._evaluation(batch))
                continue
            self._start_batch(batch)
        if self.search.stopped:  # the last save is done
            self.close()
        return self._batch

    def _start_batch(self, batch: np.ndarray) -> None:
        p = self.problem
        n = batch.shape[0]
        self._batch = batch
        self._out, self._told = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        self._values = {"F": np.full((n, p.n_obj), np.nan), "hard": np.zeros((n, p.n_hard)),
                        "soft": np.zeros((n, p.n_soft))}
        self._index = {row.tobytes(): k for k, row in enumerate(batch + 0.0)}
        told, self._pending_told = self._pending_told, []
        for row in told:  # values told before a stop, saved with the checkpoint
            k = self._index.get(np.asarray(row[:p.n_var], dtype=float).tobytes())
            if k is not None:
                self._record(k, np.asarray(row[p.n_var:], dtype=float))

    # telling ----------------------------------------------------------------------------
    def tell(self, X: Any, F: Any, violations: Any = None, soft_violations: Any = None) -> None:
        """The values of points asked for: ``F`` (N, n_obj) in the user's directions (maximized
        objectives as they are), ``violations`` (N, n_hard) of the hard constraints and
        ``soft_violations`` (N, n_soft), each >= 0 and 0 where the constraint holds (NaN: the
        point could not be evaluated, worst). Rows may come in any order and any part of the
        batch; when the last point of the batch is told, the generation is made.
        """
        from mooc.points import encode_points

        p = self.problem
        if self._batch is None:
            raise UsageError("tell() takes the values of points ask() gave, but none is out")
        points = encode_points(p, X)
        n = points.shape[0]
        if n == 0:
            waiting = int(self._out.sum() - self._told.sum())
            raise UsageError(f"tell() was given no point; {waiting} point"
                             f"{'s are' if waiting != 1 else ' is'} out waiting for values "
                             "(ask() gives nothing new until they are told)")
        F = self._matrix(F, n, p.n_obj, "F")
        hard = self._matrix(violations, n, p.n_hard, "violations")
        soft = self._matrix(soft_violations, n, p.n_soft, "soft_violations")
        rows = self._rows_of(points)
        values = np.concatenate([np.where(p.maximize, -F, F), hard, soft], axis=1)
        for k, row in zip(rows, values, strict=True):
            self._record(int(k), row)
        if self._told.all():
            batch = self._batch
            self._batch = None
            if self.hook is not None:
                self.hook.more["told"] = []
            self.search.tell(self._evaluation(batch))
            if self.search.stopped:  # the last save is done
                self.close()
        elif self.hook is not None:  # keep what was told, as a solve keeps finished calls
            assert self._batch is not None
            told = self._told.nonzero()[0]
            saved = np.concatenate([self._batch[told], *(self._values[key][told] for key in
                                                        ("F", "hard", "soft"))], axis=1)
            self.hook.more["told"] = saved.tolist()
            self.hook.save(force=True)

    def _record(self, k: int, values: np.ndarray) -> None:
        """Row ``k``'s values (minimization form: objectives, hard, soft)."""
        p = self.problem
        self._values["F"][k] = values[:p.n_obj]
        self._values["hard"][k] = values[p.n_obj:p.n_obj + p.n_hard]
        self._values["soft"][k] = values[p.n_obj + p.n_hard:]
        self._out[k] = self._told[k] = True

    def _matrix(self, values: Any, n: int, width: int, name: str) -> np.ndarray:
        if values is None:
            if width:
                raise UsageError(f"tell() needs '{name}': the problem has {width} of them")
            return np.zeros((n, 0))
        from mooc.points import float_array

        array = float_array(values, name)
        if array.ndim == 1 and width == 1 and array.shape[0] == n:
            array = array[:, None]
        if array.ndim == 1 and n == 1 and array.shape[0] == width:
            array = array[None, :]
        if array.shape != (n, width):
            raise UsageError(f"'{name}' must have shape ({n}, {width}), but has shape "
                             f"{array.shape}")
        return array

    def _rows_of(self, points: np.ndarray) -> np.ndarray:
        rows = []
        for i, point in enumerate(points + 0.0):
            k = self._index.get(point.tobytes())
            if k is None or not self._out[k]:
                self._refuse_outside_domain(points[i:i + 1], i)
                raise UsageError(f"tell(): the point {point.tolist()} was not given by ask() in "
                                 "this generation")
            if self._told[k] or k in rows:
                raise UsageError(f"tell(): the point {point.tolist()} was told already")
            rows.append(k)
        return np.array(rows, dtype=np.intp)

    def _refuse_outside_domain(self, point: np.ndarray, row: int) -> None:
        """A UsageError saying which value of the point (row ``row`` of tell's X) is not in its
        variable's domain, if one is not: checked only for points that ask() did not give (its
        own points are never refused), so telling costs no check."""
        from mooc.point_domains import in_domain

        in_domain(self.problem, point, place=lambda _: f"'X' row {row}")

    def _evaluation(self, batch: np.ndarray) -> Any:
        from mooc.solver.problem import Evaluation

        p = self.problem
        if batch.shape[0] == 0:
            return Evaluation(np.zeros((0, p.n_obj)), np.zeros((0, p.n_hard)), np.zeros((0, p.n_soft)))
        return Evaluation(self._values["F"], self._values["hard"], self._values["soft"])

    # the result -------------------------------------------------------------------------
    def result(self) -> Any:
        """The front so far as a :class:`mooc.Result` (the run's result once stopped)."""
        from mooc.evaluations import attach
        from mooc.result import Result

        try:
            raw = self.search.result()
        except ValueError as error:
            raise UsageError(str(error)) from None
        result = Result.from_solver(self.problem, raw, settings=self.settings,
                                    started=self.started)
        if self._resumed_initial is not None:  # the points the run was first seeded with
            result.initial = self._resumed_initial
        if self.log is not None and self.search.stopped:
            attach(result, self.log, resumable=self.hook is not None)
            self.log = None
        return result

    def __repr__(self) -> str:
        state = f"stopped by {self.stop_reason}" if self.stopped else \
            f"generation {self.generation}"
        return f"<mooc.Optimizer {self.problem.name!r}: {state}>"


def _evolutionary_settings(problem: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings of the method an optimizer runs: NSGA-II or NSGA-III, picked by the
    solving chain as for a solve (the exact method needs no one to evaluate: refused here);
    ``method`` says which."""
    from mooc.chain import choose_method
    from mooc.dsl.names import METHOD_SETTINGS
    from mooc.result import UNRECORDED

    requested = settings.pop("method", None) or "auto"
    name = choose_method(problem, requested, among=("nsga3", "nsga2"),
                         settings=settings).method.name
    kept = {key: value for key, value in settings.items()
            if key in METHOD_SETTINGS[name] or key in UNRECORDED}
    return {**kept, "method": name}


def _search(problem: Any, /, *, method: str, **settings: Any) -> Any:
    """The solver's stepper for ``method`` ("nsga2" or "nsga3")."""
    from mooc.solver.ask_tell import Search
    from mooc.solver.nsga3 import nsga3_search

    return nsga3_search(problem, **settings) if method == "nsga3" else Search(problem, **settings)

