"""What every exact algorithm shares: the HiGHS model, the limits, the points found, progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence, Sized
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

import numpy as np

from mooc.solver.exact_vertex import MAX_NONZEROS, Face, RationalProgram, Vertex
from mooc.solver.highs import HighsModel, Solved
from mooc.solver.linear import LinearProblem


@dataclass(frozen=True)
class ExactProgress:
    """Where an exact solve stands: passed to the callback after every subproblem."""

    subproblems: int
    points: int
    elapsed: float
    boxes: int = 0  # box decomposition: the boxes left to search
    grid: int = 0  # an approximate box decomposition: its search is on 1/grid of each range


class SearchState(Protocol):
    """What a search's result is made from: a :class:`Search`, or what a search in a child
    process last reported of itself (:mod:`mooc.solver.exact_child`)."""

    X: list[np.ndarray]
    reached: float
    unconfirmed: int
    grid: int
    grid_done: int
    boxes: Sized

    @property
    def subproblems(self) -> int: ...

    @property
    def nonzeros(self) -> int: ...

    def elapsed(self) -> float: ...


class Stop(Exception):
    """A limit was reached (``reason``: timeout, max_subproblems, interrupted, unbounded or
    failed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Search:
    """One exact solve in progress."""

    problem: LinearProblem
    timeout: float | None = None
    max_subproblems: int | None = None
    callback: Callable[[ExactProgress], object] | None = None
    #: called with each point of the front as it is recorded (a solve in a child process
    #: sends it on at once, so a subproblem that never ends loses no point found before it)
    on_point: Callable[[np.ndarray], object] | None = None
    steps: np.ndarray = field(default_factory=lambda: np.zeros(0))  # NaN: no lattice
    reached: float = float("nan")  # how far the search got, for a cut-short message
    boxes: Sized = ()  # box decomposition: the boxes left
    #: an approximate box decomposition: the division of each range its search is on (0:
    #: none yet), and that of its last search run to its end (0: none)
    grid: int = 0
    grid_done: int = 0
    started: float = field(default_factory=time.perf_counter)
    X: list[np.ndarray] = field(default_factory=list)
    F: list[np.ndarray] = field(default_factory=list)
    #: subproblems whose optimum could not be confirmed in exact arithmetic (see confirm)
    unconfirmed: int = 0

    def __post_init__(self) -> None:
        if self.steps.size != self.problem.n_obj:
            self.steps = np.full(self.problem.n_obj, np.nan)
        self.model = HighsModel(self.problem, self.steps)
        self.objective_box = self.problem.box()
        self._rational: RationalProgram | None = None

    def solve_confirmed(self, weights: Sequence[Fraction], face: Face | None = None
                        ) -> tuple[Solved, Vertex | None]:
        """Minimize ``weights @ f`` over a linear program's region (or only its ``face``),
        with no bound on the objectives; the outcome, and its vertex confirmed optimal in
        exact arithmetic (:mod:`mooc.solver.exact_vertex`), or None when it cannot be
        (counted in :attr:`unconfirmed`): HiGHS's tolerances let it stop short, so it solves
        once more, strictly, from where it stopped, before that."""
        total = sum(weights, Fraction(0))
        floats = np.array([float(w / total) for w in weights])
        held = face or Face()
        vertex = None
        with self.model.holding({j: float(v) for j, v in held.columns.items()},
                                {i: float(v) for i, v in held.rows.items()}):
            solved = self.solve(floats, np.full(self.problem.n_obj, np.inf))
            if solved.x is None:
                return solved, None
            rational = self._rational_program()
            if rational is not None and solved.basis is not None:
                vertex = rational.certify(*solved.basis, weights, face)
                if vertex is None:
                    again = self._limited(lambda left: self.model.minimize_again_strictly(
                        floats, time_limit=left))
                    if again.basis is not None:
                        vertex = rational.certify(*again.basis, weights, face)
        if vertex is None:
            self.unconfirmed += 1
        return solved, vertex

    @property
    def nonzeros(self) -> int:
        """The coefficients of the problem's rows (constraints and objectives) not 0."""
        problem = self.problem
        return sum(int(M.nnz) for M in (problem.A_ub, problem.A_eq, problem.C))  # type: ignore[union-attr]

    def _rational_program(self) -> RationalProgram | None:
        """The problem in fractions, made on first use; None when it has more than
        :data:`MAX_NONZEROS` nonzeros (its subproblems are then not confirmed)."""
        if self._rational is None and self.nonzeros <= MAX_NONZEROS:
            self._rational = RationalProgram(self.problem)
        return self._rational

    @property
    def subproblems(self) -> int:
        return self.model.solves

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def solve(self, weights: np.ndarray, upper: np.ndarray,
              lower: np.ndarray | None = None) -> Solved:
        """Minimize ``weights @ f`` with each objective ``lower[k] <= f[k] <= upper[k]``
        (``lower`` is a known bound that helps HiGHS prove optimality; none by default); raise
        Stop at a limit. Returns an optimal or an infeasible outcome."""
        self.model.set_bounds(np.full(len(upper), -np.inf) if lower is None else lower, upper)
        return self._limited(lambda left: self.model.minimize(weights, time_limit=left))

    def _limited(self, run: Callable[[float], Solved]) -> Solved:
        """``run(seconds left)``'s outcome; raise Stop at a limit."""
        if self.max_subproblems is not None and self.subproblems >= self.max_subproblems:
            raise Stop("max_subproblems")
        left = np.inf if self.timeout is None else self.timeout - self.elapsed()
        if left <= 0:
            raise Stop("timeout")
        try:
            solved = run(left)
        except KeyboardInterrupt:
            raise Stop("interrupted") from None
        if self.callback is not None:
            self.callback(ExactProgress(self.subproblems, len(self.X), self.elapsed(),
                                        len(self.boxes), self.grid))
        if solved.broken:
            self.unconfirmed += 1
        if solved.status == "time_limit":
            raise Stop("timeout")
        if solved.status in ("failed", "unbounded"):
            raise Stop(solved.status)
        return solved

    def lexmin(self, first: int, then: int | None, upper: np.ndarray,
               lower: np.ndarray | None = None) -> np.ndarray | None:
        """A point minimizing objective ``first``, then ``then`` among its minimizers (None:
        infeasible); see :meth:`blended_weight` for when one solve does both."""
        n_obj = self.problem.n_obj
        blend = None if then is None else self.blended_weight(first, then)
        if blend is not None:
            weights = np.eye(n_obj)[first] + blend * np.eye(n_obj)[then]
            return self.solve(weights, upper, lower).x
        solved = self.solve(np.eye(n_obj)[first], upper, lower)
        if solved.x is None or then is None:
            return solved.x
        # In the second solve f[first] may exceed its optimum by half its step when it has one
        # (values lie on that lattice); otherwise not at all, or by 1e-9 of its size without
        # its constant when HiGHS's tolerances make that infeasible (and when that is too, the
        # first point is kept).
        step = self.steps[first]
        slack = step / 2 if np.isfinite(step) else \
            self.margin(np.eye(n_obj)[first], solved.value, relative=1e-9)
        second = self.solve_within(np.eye(n_obj)[then], upper, first, solved.value,
                                   slack, exactly=not np.isfinite(step), lower=lower)
        return solved.x if second.x is None else second.x

    def solve_within(self, weights: np.ndarray, upper: np.ndarray, first: int, value: float,
                     slack: float, *, exactly: bool, lower: np.ndarray | None = None) -> Solved:
        """:meth:`solve` with ``f[first] <= value`` as well: first with no slack when
        ``exactly`` (so a point found at the end of the front is that end, not one a rounding
        margin away from it), then, if that is infeasible, within ``slack``."""
        tighter = np.array(upper, dtype=float)
        for allowed in ((0.0, slack) if exactly else (slack,)):
            tighter[first] = min(upper[first], value + allowed)
            solved = self.solve(weights, tighter, lower)
            if solved.x is not None:
                break
        return solved

    def blended_weight(self, first: int, then: int) -> float | None:
        """The weight ``w`` for which one solve of ``f[first] + w * f[then]`` is lexicographic,
        or None. With both objectives on lattices (steps ``g1``, ``g2``) and ``f[then]``'s range
        over the box at most ``R``, ``w = g1 / (2 R)`` can never trade a step of ``f[first]``
        for any change of ``f[then]``, and a step of ``f[then]`` still moves the objective by
        ``w * g2``; that is used when ``w * g2`` is at least 1e-5, ten times HiGHS's absolute
        optimality gap of 1e-6, so the solve proves it. Otherwise two solves are made."""
        g1, g2 = self.steps[first], self.steps[then]
        if not (np.isfinite(g1) and np.isfinite(g2)):
            return None
        low, high = self.objective_box
        width = float(high[then] - low[then])
        if not np.isfinite(width):
            return None
        weight = g1 / (2 * max(width, g2))
        return weight if weight * g2 >= 1e-5 else None

    def add(self, x: np.ndarray) -> np.ndarray:
        """Record a point of the front; returns its objectives."""
        f = self.problem.objectives(x[None])[0]
        self.X.append(x)
        self.F.append(f)
        if self.on_point is not None:
            self.on_point(x)
        return f

    def margin(self, weights: np.ndarray, value: float, /, *, relative: float = 1e-6) -> float:
        """A rounding margin for a value of ``weights @ f``: ``relative`` times the size of
        the coefficients of ``weights @ C`` (HiGHS's tolerances, about 1e-7 and an absolute
        optimality gap of 1e-6, act on each variable, so a value's error grows with its
        coefficients, not with the value: ``f = x`` with ``x`` near a million is as exact as
        with ``x`` near 1), at least ``relative``, plus the rounding of the value's own size
        in floats (its ``C @ x`` and its constant apart: a fixed cost of a million must not
        widen the margin by more than that)."""
        weights = np.asarray(weights, dtype=float)
        constant = float(weights @ self.problem.c0)
        coefficients = float(np.abs(self.problem.C.T @ weights).sum())
        return relative * max(1.0, coefficients) + \
            1e-14 * (abs(value - constant) + abs(constant))
