"""The exact method: a linear model's matrices (:mod:`mooc.dsl.structure`) solved by
:func:`mooc.solver.exact_child.exact_front_stoppable`, and the points checked against the
model itself.

Every point the exact solver returns is evaluated by the model's own generated code, so the
objectives, violations and feasibility reported are the model's, exactly as NSGA-II's points
are. A hard violation within 1e-9 of the constraint's size (a rounding-level residue of the
solver's floating point) is reported as 0.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from mooc.errors import EvaluationError

#: Subproblems an exact solve may take when no ``max_subproblems`` is given.
DEFAULT_MAX_SUBPROBLEMS = 20_000
#: A hard violation at most this times the constraint's size counts as rounding.
ROUNDING = 1e-9


def linear_problem_of(problem: Any) -> Any:
    """The solver's :class:`~mooc.solver.linear.LinearProblem` of a linear model (cached)."""
    cached = getattr(problem, "_linear_problem", None)
    if cached is None:
        from mooc.solver.linear import LinearProblem

        s = problem.structure
        cached = LinearProblem(s.objectives, s.offsets, s.A_ub, s.b_ub, s.A_eq, s.b_eq,
                               lower=s.lower, upper=s.upper, integral=s.integral)
        problem._linear_problem = cached
    return cached


def exact_plan_of(problem: Any) -> Any:
    """The exact solver's plan for a linear model."""
    from mooc.solver.exact import exact_plan

    return exact_plan(linear_problem_of(problem))


def run_exact(problem: Any, settings: dict[str, Any], **options: Any) -> Any:
    """Solve a linear model exactly; return a :class:`mooc.Result`. ``options`` (workers,
    checkpoints, evaluations) concern NSGA-II; a checkpoint or evaluations asked for are noted
    as not written."""
    from mooc.result import Result, recorded_settings
    from mooc.solver.exact_child import exact_front_stoppable

    started = time.time()
    limit = settings.get("max_subproblems") or DEFAULT_MAX_SUBPROBLEMS
    raw = exact_front_stoppable(linear_problem_of(problem), timeout=settings.get("timeout"),
                                max_subproblems=limit, callback=settings.get("callback"))
    columns = raw.X
    # HiGHS holds a column's bounds to its tolerance (1e-7): the front's points lie in the
    # domain, so evaluate takes them back
    X = _snapped(problem, np.clip(columns[:, :problem.structure.n_model], problem.lower,
                                  problem.upper))
    if problem.conditional and len(X):  # what does not exist is a blank, as from NSGA-II
        X = np.where(problem.active_at(X), X, np.nan)
    columns = np.hstack([X, columns[:, X.shape[1]:]])
    F, hard, soft = _evaluate(problem, columns, raw.F)
    feasible = np.all(hard == 0, axis=1)
    message = raw.message
    if raw.reached is not None:  # said again in the user's names and directions
        k, value = raw.reached
        name = problem.objective_names[k]
        where = f"{name} is at most {-value:g}" if problem.maximize[k] else \
            f"{name} is at least {value:g}"
        message = message.replace(f"objective {k + 1} is at least {value:g} (minimization form)",
                                  where)
    if options.get("checkpoint"):
        message += "; no checkpoint written (the exact method keeps none)"
    if options.get("evaluations"):
        message += "; no evaluations kept (the exact method solves subproblems, not points)"
    kept = recorded_settings({**settings, "method": "exact"})
    kept.setdefault("max_subproblems", limit)
    return Result(problem, X, np.where(problem.maximize, -F, F), hard, soft, feasible,
                  bool(feasible.any()), message, raw.stop_reason, len(X), 0, raw.elapsed, None,
                  kept, [], started, [], method="exact", subproblems=raw.subproblems,
                  proven=raw.proven, segments=raw.segments)


#: A real value of an exact point is tried at this many significant digits (see _snapped).
SNAPPED_DIGITS = 12


def _snapped(problem: Any, X: np.ndarray) -> np.ndarray:
    """The points ``X`` with their real (and log) values rounded to :data:`SNAPPED_DIGITS`
    significant digits, each point where that breaks no hard or soft constraint by more than
    it did and moves no objective by more than rounding; the others as they are.

    A vertex HiGHS computes is exact to rounding: ``y = 1.0000000000000009`` where the vertex
    is ``y = 1``, and there ``x + y <= 5`` at ``x = 4`` is broken by 8.9e-16. The front calls
    that rounding (feasible), but ``problem.evaluate`` of the same point says the constraint
    is broken; at 1 it holds, and the point reads as the vertex it is."""
    real = np.array([kind in ("real", "log") for kind in problem.kinds], dtype=bool)
    if not len(X) or not real.any():
        return X
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        values = X[:, real]
        exponent = np.floor(np.log10(np.abs(values)))
        scale = 10.0 ** np.where(np.isfinite(exponent), SNAPPED_DIGITS - 1 - exponent, 0.0)
        rounded = np.round(values * scale) / scale
        rounded = np.where(np.isfinite(rounded), rounded, values)
    candidate = X.copy()
    candidate[:, real] = rounded
    candidate = np.clip(candidate, problem.lower, problem.upper)
    before = problem._compiled.evaluate(np.ascontiguousarray(X))
    after = problem._compiled.evaluate(np.ascontiguousarray(candidate))
    F, F_new = before[0], after[0]
    kept = np.all(np.abs(F_new - F) <= 1e-9 * (1.0 + np.abs(F)), axis=1)
    for old, new in zip(before[1:], after[1:], strict=True):  # hard, then soft violations
        kept &= np.all(new <= old, axis=1)
    return np.where(kept[:, None], candidate, X)


def _evaluate(problem: Any, columns: np.ndarray, solver_F: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's objectives (minimization form) and violations at the solver's points
    (``columns``: the model's variables, then the choices' binaries, then the soft
    constraints' slacks), checked against what the solver computed from the matrices.

    The objectives must agree; a soft violation must not exceed its slack (``s >= lhs - rhs``
    bounds it: they agree but where an ``==`` without ``tol`` forgives a difference relative
    to its sides' size, which no linear row can say)."""
    if not len(columns):
        return (np.zeros((0, problem.n_obj)), np.zeros((0, problem.n_hard)),
                np.zeros((0, problem.n_soft)))
    X = np.ascontiguousarray(columns[:, :problem.structure.n_model])
    F, hard, soft = problem._compiled.evaluate(X)
    slack = columns[:, columns.shape[1] - problem.n_soft:] if problem.n_soft else soft
    objectives = solver_F - (slack @ problem.soft_weights)[:, None] if problem.n_soft \
        else solver_F
    if not np.allclose(F, objectives, rtol=1e-6, atol=1e-6) or \
            np.any(soft > slack + 1e-6 * np.maximum(1.0, np.abs(slack))):
        raise EvaluationError("internal error: the model's linear form disagrees with the model "
                              "at a point of the exact front; please report this model")
    scales = problem.structure.hard_scales
    hard = np.where(hard <= ROUNDING * scales, 0.0, hard)
    return F, hard, soft
