"""Exact Pareto fronts of multi-objective (mixed-integer) linear programs, with HiGHS.

:func:`exact_plan` says which algorithm fits a :class:`~mooc.solver.linear.LinearProblem` and
whether its front will be proven; :func:`exact_front` runs it:

- one objective: the optimum, proven by HiGHS;
- two objectives, one of them on a lattice (all its columns integral): the epsilon-constraint
  method stepping on that objective: every non-dominated point, proven;
- two objectives of a linear program without integers: dichotomy: the front's vertices, joined
  by segments (``segments=True``), proven;
- three or more objectives, all but at most one on a lattice: box decomposition (Kirlik and
  Sayın): every non-dominated point, proven;
- otherwise the same algorithms with steps a fraction of each objective's range: every point
  found is non-dominated, each objective's best point among them, but the front is not
  proven complete (``proven=False``).

Limits: ``timeout`` seconds and ``max_subproblems`` solves, and an approximate box
decomposition's box limit (:data:`~mooc.solver.exact_boxes.MAX_BOXES`). A front cut short
keeps the points found; ``complete`` is False and the message says how far the search got.

Examples
--------
>>> import numpy as np
>>> from mooc.solver.linear import LinearProblem
>>> problem = LinearProblem(np.array([[-3.0, -2.0, -4.0], [1.0, 1.0, 1.0]]), np.zeros(2),
...                         np.array([[2.0, 1.0, 3.0]]), np.array([4.0]),
...                         lower=np.zeros(3), upper=np.ones(3), integral=np.ones(3, bool))
>>> result = exact_front(problem)
>>> result.F.tolist(), result.proven, result.algorithm
([[-6.0, 2.0], [-4.0, 1.0], [0.0, 0.0]], True, 'epsilon-constraint')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mooc.solver import exact_boxes
from mooc.solver.exact_boxes import box_decomposition
from mooc.solver.exact_search import ExactProgress, Search, SearchState, Stop
from mooc.solver.exact_two import dichotomy, epsilon_constraint
from mooc.solver.exact_vertex import MAX_NONZEROS
from mooc.solver.linear import LinearProblem, granularity
from mooc.solver.sorting import nondominated

#: How a cut-short search's message names its stop reason.
STOPPED_BY = {"timeout": "the time limit", "max_subproblems": "the subproblem limit",
              "interrupted": "Ctrl-C or SIGTERM (interrupted)",
              "failed": "a subproblem HiGHS could not solve",
              "unbounded": "a subproblem HiGHS found unbounded (it takes a variable's bound "
                           "beyond 1e20 as infinite)",
              "max_boxes": "the box limit (the search region split into more than {:,} boxes)",
              "crashed": "the end of HiGHS's process, with no answer",
              "broken": "a subproblem whose point broke the bound it was solved under, even "
                        "with HiGHS's tightest tolerances"}


@dataclass(frozen=True)
class ExactPlan:
    """The algorithm for a problem, the objectives' steps, and whether it proves the front."""

    algorithm: str  # "single", "epsilon-constraint", "dichotomy" or "box decomposition"
    proven: bool
    steps: np.ndarray  # each objective's lattice step; NaN where its values are not on one
    order: tuple[int, ...]  # epsilon-constraint: (stepped, minimized); boxes: (minimized,)
    reason: str = ""  # why the front will not be proven, when it will not
    #: whether the numbers are within what HiGHS's tolerances tell apart (every point found is
    #: then non-dominated, proven or not)
    trusted: bool = True


@dataclass(frozen=True)
class ExactResult:
    """An exact solve's front (``F`` in minimization form, sorted) and how it went."""

    X: np.ndarray
    F: np.ndarray
    algorithm: str
    proven: bool  # every non-dominated point found, each proven (False when cut short)
    complete: bool  # the search ran to its end
    segments: bool  # the front is the chain of segments joining consecutive points
    infeasible: bool
    stop_reason: str  # "done", "infeasible", or one of STOPPED_BY
    message: str
    subproblems: int
    elapsed: float
    #: When cut short by the epsilon-constraint method: (k, v), the front is complete where
    #: objective k (minimization form) is at least v.
    reached: tuple[int, float] | None = None


#: Largest magnitude of a bound, coefficient or right-hand side a MILP solver is trusted with:
#: HiGHS takes 1e20 as infinite, and its tolerances (1e-6 and so) lose meaning long before.
SAFE_MAGNITUDE = 1e12


def out_of_range(problem: LinearProblem, /) -> str | None:
    """Why ``problem``'s numbers are beyond what a MILP solver solves reliably, or None."""
    parts = {"a variable's bound": [problem.lower, problem.upper],
             "a coefficient": [problem.C.data, problem.A_ub.data,  # type: ignore[union-attr]
                               None if problem.A_eq is None else problem.A_eq.data],  # type: ignore[union-attr]
             "a constraint's bound": [problem.b_ub, problem.b_eq]}
    for what, arrays in parts.items():
        for values in arrays:
            if values is not None and np.size(values) and \
                    np.max(np.abs(np.asarray(values, dtype=float))) > SAFE_MAGNITUDE:
                return f"{what} is beyond {SAFE_MAGNITUDE:g} in size, where a MILP solver's " \
                       "tolerances cannot be trusted"
    return None


def on_unit_lattices(problem: LinearProblem, steps: np.ndarray, /) -> LinearProblem:
    """``problem`` with each objective on a lattice (finite ``steps[k]``) divided by its step:
    its values are then whole numbers (plus a constant), whatever their size; and each other
    objective divided by the power of two nearest its smallest coefficient (or, when they
    span more than :data:`SAFE_MAGNITUDE`, where the plan is not proven, nearest its largest
    over half of that). HiGHS's
    tolerances (1e-7 feasibility and reduced costs, 1e-6 absolute gap) are absolute, so a
    lattice of step 1e-6, or a coefficient of about 1e-9, would be below what it tells apart
    (a coefficient 1e-7 times the objective's largest, too, were that one scaled to 1); a
    step or a coefficient of about 1 never is."""
    C = problem.C.toarray()  # type: ignore[union-attr]
    scale = np.where(np.isfinite(steps), steps, _continuous_scales(C))
    C = C / scale[:, None]
    C[np.isfinite(steps)] = np.round(C[np.isfinite(steps)])  # whole by the step's definition
    return LinearProblem(C, problem.c0 / scale, problem.A_ub, problem.b_ub, problem.A_eq,
                         problem.b_eq, lower=problem.lower, upper=problem.upper,
                         integral=problem.integral)


def _coefficient_sizes(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each objective's smallest and largest coefficient size (1 and 1 when it has none)."""
    sizes = np.abs(C)
    largest = sizes.max(axis=1, initial=0.0)
    smallest = np.where(sizes > 0, sizes, np.inf).min(axis=1, initial=np.inf)
    return np.where(largest > 0, smallest, 1.0), np.where(largest > 0, largest, 1.0)


def _continuous_scales(C: np.ndarray) -> np.ndarray:
    """The power of two an objective not on a lattice is divided by (see
    :func:`on_unit_lattices`)."""
    smallest, largest = _coefficient_sizes(C)
    return np.exp2(np.round(np.log2(np.maximum(smallest, 2 * largest / SAFE_MAGNITUDE))))


def _too_wide(sizes: tuple[np.ndarray, np.ndarray], steps: np.ndarray, /) -> str | None:
    """Why an objective not on a lattice cannot be solved to a proof, or None (``sizes``:
    :func:`_coefficient_sizes`)."""
    smallest, largest = sizes
    if np.any(~np.isfinite(steps) & (largest / smallest > SAFE_MAGNITUDE)):
        return f"an objective's coefficients span more than {SAFE_MAGNITUDE:g} in size, " \
               "beyond what a MILP solver's tolerances tell apart"
    return None


_OR_TOO_FINE = ", or a step too fine for the size of their coefficients"


def _usable_steps(sizes: tuple[np.ndarray, np.ndarray], steps: np.ndarray, /) -> np.ndarray:
    """``steps`` without those whose unit lattice would put a coefficient beyond
    :data:`SAFE_MAGNITUDE` (``1e6 * a + 1e-9 * b`` has the step 1e-9: on its unit lattice
    the coefficient of ``a`` is 1e15, which HiGHS refuses): such an objective is solved as
    one not on a lattice, in its own units, which HiGHS can take."""
    largest = sizes[1]
    with np.errstate(invalid="ignore"):
        too_fine = largest / steps > SAFE_MAGNITUDE
    return np.where(too_fine, np.nan, steps)


def exact_plan(problem: LinearProblem, /) -> ExactPlan:
    """The algorithm :func:`exact_front` will run on ``problem`` (see the module)."""
    sizes = _coefficient_sizes(problem.C.toarray())  # type: ignore[union-attr]
    steps = _usable_steps(sizes, np.array([np.nan if (g := granularity(problem, k)) is None
                                           else g for k in range(problem.n_obj)]))
    lattice = np.isfinite(steps)
    too_large = out_of_range(problem) or out_of_range(on_unit_lattices(problem, steps)) or \
        _too_wide(sizes, steps)
    if too_large is not None:
        algorithm = {1: "single", 2: "epsilon-constraint"}.get(problem.n_obj, "box decomposition")
        return ExactPlan(algorithm, False, steps, (0, 1) if problem.n_obj == 2 else (0,),
                         too_large, trusted=False)
    if problem.n_obj == 1:
        return ExactPlan("single", True, steps, (0,))
    if problem.n_obj == 2:
        if lattice.any():
            a = int(np.argmax(lattice))
            return ExactPlan("epsilon-constraint", True, steps, (a, 1 - a))
        if not np.any(problem.integral):  # type: ignore[arg-type]
            return ExactPlan("dichotomy", True, steps, (0, 1))
        return ExactPlan("epsilon-constraint", False, steps, (0, 1),
                         "neither objective takes values on a lattice (both use continuous "
                         f"variables or non-rational coefficients{_OR_TOO_FINE})")
    off = np.flatnonzero(~lattice)
    first = int(off[0]) if off.size else 0
    if off.size <= 1:
        return ExactPlan("box decomposition", True, steps, (first,))
    return ExactPlan("box decomposition", False, steps, (first,),
                     f"{off.size} objectives do not take values on a lattice (they use "
                     f"continuous variables or non-rational coefficients{_OR_TOO_FINE})")


def exact_front(problem: LinearProblem, /, *, timeout: float | None = None,
                max_subproblems: int | None = None,
                callback: Callable[[ExactProgress], object] | None = None,
                watch: Callable[[Search], object] | None = None) -> ExactResult:
    """The Pareto front of ``problem`` by the algorithm :func:`exact_plan` picks, in this
    process (``watch`` is given the search as it starts; :mod:`mooc.solver.exact_child` runs
    it where the time limit and Ctrl-C can stop it inside a subproblem)."""
    plan = exact_plan(problem)
    units = np.where(np.isfinite(plan.steps), 1.0, np.nan)
    search = Search(on_unit_lattices(problem, plan.steps), timeout, max_subproblems, callback,
                    steps=units)
    if watch is not None:
        watch(search)
    reason, infeasible = "done", False
    try:
        infeasible = not _run(search, plan)
    except Stop as stop:
        reason = stop.reason
    except KeyboardInterrupt:  # between subproblems; during one, Search.solve turns it to Stop
        reason = "interrupted"
    return front_result(problem, search, plan, reason, infeasible)


def _run(search: Search, plan: ExactPlan) -> bool:
    """Run the plan's algorithm; False when the problem is infeasible."""
    if plan.algorithm == "single":
        x = search.lexmin(0, None, np.full(1, np.inf))
        if x is not None:
            search.add(x)
        return x is not None
    if plan.algorithm == "dichotomy":
        return dichotomy(search)
    if plan.algorithm == "epsilon-constraint":
        a, b = plan.order
        step = search.steps[a] if np.isfinite(search.steps[a]) else None
        return epsilon_constraint(search, a, b, step) is not None
    return box_decomposition(search, plan.order[0]) is not None


def front_result(problem: LinearProblem, search: SearchState, plan: ExactPlan, reason: str,
                 infeasible: bool, *, note: str = "") -> ExactResult:
    """The result of a search that ended for ``reason`` (``note``: said after the message)."""
    X = np.array(search.X).reshape(-1, problem.n_var)
    F = problem.objectives(X)  # the search's objectives are on unit lattices
    # how far an epsilon-constraint search got, in objective order[0]'s own units
    reached_at = search.reached * (plan.steps[plan.order[0]] if np.isfinite(
        plan.steps[plan.order[0]]) else 1.0)
    # A second solve may return its point up to HiGHS's optimality gap worse in the objective
    # the first solve fixed (within the margin that solve's bound allows), and the same point
    # found again, exactly, from another box is then kept beside it: only the better is on
    # the front.
    kept = nondominated(F).nonzero()[0] if len(F) else np.zeros(0, dtype=np.intp)
    order = kept[np.lexsort(F[kept].T[::-1])]
    X, F = X[order], F[order]
    complete = reason == "done"
    confirmed = search.unconfirmed == 0
    proven = (plan.proven and confirmed or infeasible) and complete  # no point at all is proven
    count = f"{len(F)} point{'' if len(F) == 1 else 's'}"
    solves = f"{search.subproblems} subproblem{'' if search.subproblems == 1 else 's'}"
    if infeasible:
        message = f"infeasible: no point satisfies every hard constraint (proven; {solves})"
    elif complete and plan.proven and not confirmed:
        each = "a vertex of the front" if plan.algorithm == "dichotomy" else "non-dominated"
        message = (f"{count}, each {each} as far as HiGHS's tolerances tell, by the "
                   f"{plan.algorithm} method ({solves}); not proven: {_unconfirmed(search)}")
    elif complete and plan.proven:
        what = "vertices of the exact front, joined by segments" if plan.algorithm == \
            "dichotomy" else "the exact front, every non-dominated point"
        message = f"{what}: {count}, proven by the {plan.algorithm} method ({solves})"
    elif complete:
        grid = f" on steps down to 1/{search.grid_done} of each objective's range" \
            if search.grid_done else ""
        message = (f"{count}, each non-dominated, by the {plan.algorithm} method{grid} "
                   f"({solves}); not proven complete: {plan.reason}")
    else:
        stopped_by = STOPPED_BY[reason].format(exact_boxes.MAX_BOXES)
        message = (f"cut short by {stopped_by} after {solves}: {count} found, each "
                   f"non-dominated; {_how_far(search, plan, reached_at)}")
    message += note
    reached = None
    if not complete and plan.proven and plan.algorithm == "epsilon-constraint" and \
            np.isfinite(reached_at):
        reached = (plan.order[0], float(reached_at))
    return ExactResult(X, F, plan.algorithm, proven, complete, plan.algorithm == "dichotomy",
                       infeasible, "infeasible" if infeasible else reason, message,
                       search.subproblems, search.elapsed(), reached)


def _unconfirmed(search: SearchState) -> str:
    """Why a front whose subproblems were not all confirmed is not proven."""
    if search.nonzeros > MAX_NONZEROS:
        return (f"the model has {search.nonzeros:,} nonzero coefficients, more than the "
                f"{MAX_NONZEROS:,} up to which HiGHS's optima are confirmed in exact "
                "arithmetic, and HiGHS's tolerances (about 1e-7 of the coefficients' size) may "
                "hide a vertex")
    count = search.unconfirmed
    return (f"HiGHS's answer to {count} subproblem{'' if count == 1 else 's'} could not be "
            "confirmed (its tolerances, about 1e-7 of the coefficients' size, cannot tell apart "
            "the values of objectives whose coefficients span many orders of magnitude)")


def _how_far(search: SearchState, plan: ExactPlan, reached_at: float) -> str:
    if plan.algorithm == "epsilon-constraint" and np.isfinite(reached_at):
        a = plan.order[0]
        return (f"the front is complete where objective {a + 1} is at least "
                f"{reached_at:g} (minimization form)" if plan.proven
                else "the rest of the front was not searched")
    if plan.algorithm == "box decomposition":
        left = f"{len(search.boxes):,} boxes of the search region were left unexplored"
        if not search.grid:
            return left
        done = f"the search on steps of 1/{search.grid_done} of each objective's range ran " \
            "to its end, " if search.grid_done else ""
        return f"{done}{left} in the one on 1/{search.grid}"
    return "the rest of the front was not searched"


def describe_plan(plan: ExactPlan) -> str:
    """``exact front by the epsilon-constraint method`` and the like, for ``mooc show``."""
    if plan.algorithm == "single":
        return "the optimum, proven by HiGHS"
    if plan.algorithm == "dichotomy":
        return "exact front (vertices and segments) by dichotomy"
    if plan.proven:
        return f"exact front by the {plan.algorithm} method"
    return f"non-dominated points by the {plan.algorithm} method, not proven complete"


__all__ = ["ExactPlan", "ExactProgress", "ExactResult", "describe_plan", "exact_front",
           "exact_plan"]
