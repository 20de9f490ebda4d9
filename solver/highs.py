"""One HiGHS model kept across the subproblems of an exact solve (through highspy).

The model holds the constraints and one extra row per objective; a subproblem sets the
objective (a weighted sum of the objectives' rows) and the bounds of those rows, and solves
again: HiGHS keeps the model, so nothing is rebuilt between solves.

Why highspy and not ``scipy.optimize.milp`` (which rebuilds the model on every call and takes
only a few of HiGHS's options): ``python benchmarks/highs_interfaces.py`` solved the whole
front of examples/knapsack50.moo and examples/production.moo by the epsilon-constraint method
both ways, taking turns (2026-11-30, shared 2-core machine, medians of 3): the knapsack's 75
subproblems took 6.5 s with highspy against 9.5 s with scipy.optimize.milp (63 against 106 ms
a subproblem), the production plan's 441 took 15.4 s against 27.5 s (5.6 against 17.2 ms):
1.5x and 1.8x faster. The script's docstring keeps its output.

Options, and why:

- ``mip_rel_gap = 0``: a subproblem is solved to proven optimality (HiGHS's default stops at
  a relative gap of 1e-4, which would be no proof); ``mip_abs_gap`` stays at HiGHS's 1e-6.
- ``threads = 1`` and ``mip_heuristic_run_feasibility_jump = False``: on small models the
  feasibility-jump heuristic and thread start-up cost more than the solve itself (measured
  about 10 ms a subproblem on the production plan).
- ``mip_allow_restart = False``: with restarts allowed (and the heuristic off), highspy 1.16
  returned a point it called optimal that was not, on 2 of 3,000 random bi-objective 0/1
  knapsacks of 3 to 8 items (on one, the blended objective f2 + f1/170 stopped at -38.27
  where -38.35 was reachable; scipy's milp, and HiGHS with restarts off, with presolve off or
  with the heuristic on, all found -38.35). With restarts off, those 3,000 and 2,400 random
  knapsacks, assignments and integer programs of 2 and 3 objectives all gave the front that
  enumeration gives; tests/solver/test_exact.py keeps both knapsacks and a sweep of such
  models. Measured on the examples (shared machine, fastest of 2): the production plan took
  4.7 s this way, 9.6 s with HiGHS's defaults.

A MIP's point may break a row by up to HiGHS's MIP feasibility tolerance (1e-6), and rounding
its integral columns may add to that; where the point then breaks a row by more than rounding
(:data:`ROW_TOLERANCE` of the row's size), its continuous columns are solved again as a
linear program with the integral ones fixed (a basic solution holds the rows to rounding).
On a random mixed-integer model whose objective gains from the row's slack, HiGHS returned
``y = 1.30000066`` where a row held ``y <= 1.3``: the point was reported infeasible.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from mooc.solver.linear import LinearProblem

OPTIONS = {"output_flag": False, "mip_rel_gap": 0.0, "threads": 1,
           "mip_heuristic_run_feasibility_jump": False, "mip_allow_restart": False}
#: Options for solving a linear program's subproblem again when its optimum could not be
#: confirmed in exact arithmetic (:mod:`mooc.solver.exact_vertex`): on 1,000 random linear
#: programs whose objectives' coefficients span 1e5 to 1e9, 12 of 5,215 optima failed the
#: check (a basis 1e-8 outside a row, or a reduced cost of the wrong sign below 1e-7); solved
#: again from that basis this way, 11 of the 12 passed it.
STRICT: dict[str, Any] = {"primal_feasibility_tolerance": 1e-10,
                          "dual_feasibility_tolerance": 1e-10, "presolve": "off"}
#: Options for solving a MIP subproblem again when its point, its integral columns rounded and
#: the others clipped to their bounds, breaks the subproblem's bounds on the objectives (see
#: HighsModel._run).
STRICT_MIP: dict[str, Any] = {"mip_feasibility_tolerance": 1e-10,
                              "primal_feasibility_tolerance": 1e-10,
                              "dual_feasibility_tolerance": 1e-10}
#: A point holds a constraint row when it breaks it by at most this share of the row's size
#: (1 plus the largest of the right-hand side and each term's size over the column's bounds:
#: the measure by which mooc's check of the exact front's points calls a violation rounding).
ROW_TOLERANCE = 1e-9


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner from C++ when a model is made; keep it off the user's stdout."""
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded use): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass(frozen=True)
class Solved:
    """One subproblem's outcome: ``status`` is optimal, infeasible, unbounded, time_limit or
    failed."""

    status: str
    x: np.ndarray | None = None
    value: float = np.nan
    #: A linear program's optimal basis: each column's and row's status (HiGHS's
    #: HighsBasisStatus as an integer), for :mod:`mooc.solver.exact_vertex`.
    basis: tuple[list[int], list[int]] | None = None
    #: The point breaks the bounds on the objectives by more than rounding, even solved with
    #: HiGHS's tightest tolerances: HiGHS's answer is not to be trusted.
    broken: bool = False


class HighsModel:
    """The problem in HiGHS, with an objective and objective-row bounds to change."""

    def __init__(self, problem: LinearProblem, steps: np.ndarray | None = None):
        """``steps``: each objective's lattice step (NaN: none), which a point may not break
        its bound on the objective by a quarter of, however large the objective's terms."""
        import highspy

        self.highspy = highspy
        self.problem = problem
        self.steps = np.full(problem.n_obj, np.nan) if steps is None else np.asarray(steps)
        with _quiet_stdout():
            self.highs = highspy.Highs()
        for key, value in OPTIONS.items():
            self.highs.setOptionValue(key, value)
        self.inf = highspy.kHighsInf
        A = sparse.vstack([problem.A_ub, problem.A_eq, problem.C]).tocsc()
        m_ub, m_eq = problem.A_ub.shape[0], problem.A_eq.shape[0]  # type: ignore[union-attr]
        self.first_objective_row = m_ub + m_eq
        row_lower = np.concatenate([np.full(m_ub, -self.inf), problem.b_eq,  # type: ignore[arg-type]
                                    np.full(problem.n_obj, -self.inf)])
        row_upper = np.concatenate([problem.b_ub, problem.b_eq,  # type: ignore[arg-type]
                                    np.full(problem.n_obj, self.inf)])
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = problem.n_var, A.shape[0]
        lp.col_cost_ = np.zeros(problem.n_var)
        lp.col_lower_ = np.where(np.isinf(problem.lower), -self.inf, problem.lower)  # type: ignore[arg-type]
        lp.col_upper_ = np.where(np.isinf(problem.upper), self.inf, problem.upper)  # type: ignore[arg-type]
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = problem.n_var, A.shape[0]
        if np.any(problem.integral):  # type: ignore[arg-type]
            kinds = highspy.HighsVarType
            lp.integrality_ = [kinds.kInteger if flag else kinds.kContinuous
                               for flag in problem.integral]  # type: ignore[union-attr]
        self.highs.passModel(lp)
        self.dense_C = problem.C.toarray()  # type: ignore[union-attr]
        self.columns = np.arange(problem.n_var, dtype=np.int32)
        self.bounds = np.tile([-np.inf, np.inf], (problem.n_obj, 1))
        self.solves = 0
        self.seconds = 0.0

    def set_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Objective k within ``[lower[k], upper[k]]`` (infinite: no bound), as the objective
        rows' bounds."""
        wanted = np.column_stack([lower, upper]).astype(float)
        for k in np.flatnonzero(np.any(wanted != self.bounds, axis=1)):
            offset = self.problem.c0[k]
            low, high = (self.inf * np.sign(v) if np.isinf(v) else v - offset
                         for v in wanted[k])
            self.highs.changeRowBounds(self.first_objective_row + int(k), low, high)
        self.bounds = wanted

    @contextlib.contextmanager
    def holding(self, columns: dict[int, float], rows: dict[int, float]) -> Iterator[None]:
        """Within the block, each of ``columns`` fixed at its value and each of the constraint
        ``rows`` at its level (an equality); the model's own bounds again after it."""
        problem = self.problem
        index = np.array(list(columns), dtype=np.int32)
        values = np.array(list(columns.values()), dtype=float)
        self.highs.changeColsBounds(len(index), index, values, values)
        for i, level in rows.items():
            self.highs.changeRowBounds(i, level, level)
        try:
            yield
        finally:
            lower, upper = problem.lower[index], problem.upper[index]  # type: ignore[index]
            self.highs.changeColsBounds(len(index), index,
                                        np.where(np.isinf(lower), -self.inf, lower),
                                        np.where(np.isinf(upper), self.inf, upper))
            m_ub = problem.A_ub.shape[0]  # type: ignore[union-attr]
            for i in rows:
                low = -self.inf if i < m_ub else problem.b_eq[i - m_ub]  # type: ignore[index]
                high = problem.b_ub[i] if i < m_ub else low
                self.highs.changeRowBounds(i, low, high)

    def minimize(self, weights: np.ndarray, *, time_limit: float = np.inf) -> Solved:
        """Minimize ``weights @ objectives`` under the current bounds."""
        cost = np.asarray(weights, dtype=float) @ self.dense_C
        self.highs.changeColsCost(self.problem.n_var, self.columns, cost)
        return self._run(weights, time_limit)

    def minimize_again_strictly(self, weights: np.ndarray, *, time_limit: float = np.inf
                                ) -> Solved:
        """The last subproblem (its ``weights``) solved again from the basis it ended with, with
        HiGHS's tightest tolerances and no presolve (see :data:`STRICT`)."""
        with self._options(STRICT):
            return self._run_once(weights, time_limit)

    def _run(self, weights: np.ndarray, time_limit: float) -> Solved:
        """Solve; a point that breaks the bounds on the objectives by more than rounding (HiGHS
        holds a column's bound to 1e-6 in a MIP, and with a coefficient of 1e7 that moves the
        objective by 10: a lexicographic second solve took ``x = -4e-7`` for 0 and gave a
        point 4 worse than its bound) is solved again with HiGHS's tightest tolerances, and
        marked ``broken`` when it still does."""
        solved = self._run_once(weights, time_limit)
        if solved.x is None or not self._breaks_a_bound(solved.x):
            return solved
        with self._options(STRICT_MIP if np.any(self.problem.integral) else STRICT):
            again = self._run_once(weights, time_limit)
        if again.x is None:
            return Solved(solved.status, solved.x, solved.value, solved.basis, broken=True)
        if self._breaks_a_bound(again.x):
            return Solved(again.status, again.x, again.value, again.basis, broken=True)
        return again

    def _breaks_a_bound(self, x: np.ndarray) -> bool:
        """Whether ``x`` breaks a constraint row or a bound on the objectives by more than
        rounding."""
        return self._breaks_a_row(x) or self._breaks_an_objective_bound(x)

    @contextlib.contextmanager
    def _options(self, options: dict[str, Any]) -> Iterator[None]:
        """Within the block, HiGHS's ``options``; its own again after it."""
        saved: dict[str, Any] = {key: self.highs.getOptionValue(key)[1] for key in options}
        for key, value in options.items():
            self.highs.setOptionValue(key, value)
        try:
            yield
        finally:
            for key, value in saved.items():
                self.highs.setOptionValue(key, value)

    def _run_once(self, weights: np.ndarray, time_limit: float) -> Solved:
        self.highs.setOptionValue("time_limit", float(max(time_limit, 1e-3))
                                  if np.isfinite(time_limit) else self.inf)
        started = time.perf_counter()
        self.highs.run()
        self.seconds += time.perf_counter() - started
        self.solves += 1
        status = self.highs.getModelStatus()
        statuses = self.highspy.HighsModelStatus
        if status == statuses.kOptimal:
            x = np.array(self.highs.getSolution().col_value, dtype=float)
            integral = self.problem.integral
            x[integral] = np.round(x[integral])  # type: ignore[index]
            x = np.clip(x, self.problem.lower, self.problem.upper)
            if np.any(integral) and not np.all(integral) and self._breaks_a_row(x):
                x = self._continuous_part_again(x)
            return Solved("optimal", x, float(weights @ self.problem.objectives(x[None])[0]),
                          None if np.any(integral) else self._basis())
        if status == statuses.kInfeasible:
            return Solved("infeasible")
        if status == statuses.kTimeLimit:
            return Solved("time_limit")
        if status in (statuses.kUnbounded, statuses.kUnboundedOrInfeasible):
            return Solved("unbounded")  # bounds are finite: only one HiGHS takes as infinite
        return Solved("failed")

    def _basis(self) -> tuple[list[int], list[int]] | None:
        """The statuses of the basis HiGHS ended with, or None when it holds none."""
        basis = self.highs.getBasis()
        if not basis.valid:
            return None
        return [int(s) for s in basis.col_status], [int(s) for s in basis.row_status]

    def _reach(self, x: np.ndarray) -> np.ndarray:
        """How far each column reaches from 0: the larger of its bounds' sizes, or its value's
        size when it has no bound."""
        problem = self.problem
        bound = np.maximum(np.abs(problem.lower), np.abs(problem.upper))  # type: ignore[arg-type]
        return np.where(np.isfinite(bound), bound, np.abs(x))

    def _breaks_an_objective_bound(self, x: np.ndarray) -> bool:
        """Whether ``x`` breaks a bound on the objectives (:meth:`set_bounds`) by more than
        rounding, measured as :meth:`_breaks_a_row` measures a row."""
        offsets = self.problem.c0
        bounds = self.bounds - offsets[:, None]
        finite = np.isfinite(bounds)
        if not finite.any():
            return False
        terms = np.max(np.abs(self.dense_C) * self._reach(x), axis=1, initial=0.0)
        size = 1.0 + np.maximum(np.max(np.where(finite, np.abs(bounds), 0.0), axis=1), terms)
        values = self.dense_C @ x
        off = np.maximum(bounds[:, 0] - values, values - bounds[:, 1])
        # on a lattice, a quarter step is never rounding: a point 1 above a bound of 5e8 on a
        # lattice of step 1 is the last point again, and the epsilon-constraint method took
        # it, again and again, to the subproblem limit
        allowed = np.fmin(ROW_TOLERANCE * size, self.steps / 4)
        return bool(np.any(off > allowed))

    def _breaks_a_row(self, x: np.ndarray) -> bool:
        """Whether ``x`` breaks a constraint row by more than rounding (see the module)."""
        problem = self.problem
        reach = self._reach(x)
        for A, b, equal in ((problem.A_ub, problem.b_ub, False), (problem.A_eq, problem.b_eq, True)):
            if not A.shape[0]:  # type: ignore[union-attr]
                continue
            terms = sparse.csr_array(abs(A) * reach).max(axis=1).toarray().reshape(-1)  # type: ignore[operator]
            off = A @ x - b  # type: ignore[operator]
            size = 1.0 + np.maximum(np.abs(b), terms)  # type: ignore[arg-type]
            if np.any((np.abs(off) if equal else off) > ROW_TOLERANCE * size):
                return True
        return False

    def _continuous_part_again(self, x: np.ndarray) -> np.ndarray:
        """``x`` with its continuous columns solved again under the current objective and
        bounds, as a linear program with the integral columns fixed at their values in ``x``;
        ``x`` itself when that program has no optimum."""
        problem, kinds = self.problem, self.highspy.HighsVarType
        fixed = np.flatnonzero(problem.integral).astype(np.int32)
        count = len(fixed)
        self.highs.changeColsBounds(count, fixed, x[fixed], x[fixed])
        self.highs.changeColsIntegrality(count, fixed, np.full(count, kinds.kContinuous))
        try:
            self.highs.run()
            optimal = self.highs.getModelStatus() == self.highspy.HighsModelStatus.kOptimal
            again = np.array(self.highs.getSolution().col_value, dtype=float) if optimal else x
        finally:
            lower, upper = problem.lower[fixed], problem.upper[fixed]  # type: ignore[index]
            self.highs.changeColsBounds(count, fixed, np.where(np.isinf(lower), -self.inf, lower),
                                        np.where(np.isinf(upper), self.inf, upper))
            self.highs.changeColsIntegrality(count, fixed, np.full(count, kinds.kInteger))
        again[fixed] = x[fixed]
        return np.clip(again, problem.lower, problem.upper)
