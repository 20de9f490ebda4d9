"""pymoo interop (pymoo is optional: imported here, only when asked for).

:func:`to_pymoo` hands a mooc model to pymoo's algorithms: objectives in minimization form
(maximized ones negated, as pymoo minimizes), the hard constraints' violations as ``G`` (0 where
a constraint holds, so ``G <= 0`` is pymoo's feasible), the soft constraints' weighted
violations added to every objective (as mooc's solver does), and a point whose objectives are
not all finite numbers (NaN, or ``-inf`` from ``log(0)``, which pymoo would take for the best)
worst: every objective ``inf``, as mooc's solver ranks it behind every other point; a
violation that could not be evaluated is ``inf``, as :meth:`mooc.Problem.evaluate` gives it.
A model with only real and log variables is a plain vectorized pymoo Problem with bounds; with
integer, binary or choice variables it is a pymoo mixed-variable Problem (``Real``,
``Integer``, ``Binary``, ``Choice`` by label), for pymoo's ``MixedVariableGA`` or NSGA2 with
its mixed-variable operators.

:func:`from_pymoo` wraps a pymoo Problem for mooc's solver: ``mooc.solver.nsga2(wrapped)`` or
``wrapped.solve(...)``; inequality constraints ``G`` become violations ``max(G, 0)`` and
equality constraints ``H`` violations ``|H|``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mooc.errors import UsageError
from mooc.solver.problem import Evaluation


def _pymoo() -> Any:
    try:
        import pymoo.core.problem
    except ImportError:
        raise UsageError("pymoo interop needs pymoo: pip install pymoo") from None
    return pymoo.core.problem


def _worst_points(F: np.ndarray) -> np.ndarray:
    """Objectives (a row per point) with every row that holds a NaN, ``inf`` or ``-inf`` made
    ``inf`` throughout: worst for pymoo, which minimizes."""
    return np.where(np.isfinite(F).all(axis=1, keepdims=True), F, np.inf)


def _variables(problem: Any) -> dict[str, Any]:
    from pymoo.core.variable import Binary, Choice, Integer, Real

    out: dict[str, Any] = {}
    for j, (name, kind) in enumerate(zip(problem.variable_names, problem.kinds, strict=True)):
        low, high = float(problem.lower[j]), float(problem.upper[j])
        if kind == "choice":
            out[name] = Choice(options=list(problem.choice_labels[j]))
        elif kind == "bin":
            out[name] = Binary()
        elif kind == "int":
            out[name] = Integer(bounds=(int(low), int(high)))
        else:
            out[name] = Real(bounds=(low, high))
    return out


def to_pymoo(problem: Any) -> Any:
    """``problem`` (a :class:`mooc.Problem`) as a pymoo Problem; see the module.

    Examples
    --------
    >>> import mooc
    >>> from pymoo.algorithms.moo.nsga2 import NSGA2
    >>> from pymoo.optimize import minimize
    >>> model = mooc.compile("var x in [0, 2]\\nminimize f: x^2\\nmaximize g: x")
    >>> res = minimize(model.to_pymoo(), NSGA2(pop_size=10), ("n_gen", 5), seed=1)
    >>> bool((res.F[:, 1] <= 0).all())  # g maximized: negated for pymoo
    True
    """
    core = _pymoo()
    model = problem
    sign = np.where(problem.maximize, -1.0, 1.0)
    weights = np.asarray(problem.soft_weights, dtype=float)
    mixed = any(kind in ("int", "bin", "choice") for kind in problem.kinds)

    def values(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        evaluation = model.evaluate(X)
        F = evaluation.F * sign
        if model.n_soft:  # inf where one could not be evaluated (times a weight 0: NaN, worst)
            with np.errstate(invalid="ignore"):
                F = F + evaluation.soft_violation @ weights[:, None]
        return _worst_points(F), evaluation.violation

    class MoocProblem(core.Problem):  # type: ignore[misc, name-defined]
        """A mooc model seen by pymoo."""

        def __init__(self) -> None:
            common = {"n_obj": model.n_obj, "n_ieq_constr": model.n_hard}
            if mixed:
                super().__init__(vars=_variables(model), **common)
            else:
                super().__init__(n_var=model.n_var, xl=model.lower.astype(float),
                                 xu=model.upper.astype(float), **common)
            self.mooc_problem = model

        def _evaluate(self, X: Any, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
            if mixed:
                X = np.array([[_cell(row[name]) for name in model.variable_names] for row in X],
                             dtype=object)
            out["F"], G = values(X)
            if model.n_hard:
                out["G"] = G

    return MoocProblem()


def _cell(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    return value


def _bounds(values: Any, n_var: int, name: str) -> np.ndarray:
    """A pymoo problem's lower or upper bounds as n_var finite floats: mooc's solver samples
    within them."""
    bounds = np.asarray(np.nan if values is None else values, dtype=float).reshape(-1)
    if bounds.shape[0] == 1 and n_var != 1:
        bounds = np.full(n_var, bounds[0])
    if not np.isfinite(bounds).all():
        raise UsageError(f"from_pymoo needs finite bounds for every variable, but the problem's "
                         f"{name} is {values!r}")
    return bounds


class PymooProblem:
    """A pymoo Problem in mooc's solver protocol (see :func:`from_pymoo`)."""

    def __init__(self, problem: Any):
        if not isinstance(problem, _pymoo().Problem):
            raise UsageError(f"from_pymoo takes a pymoo Problem, but was given {problem!r}")
        self.pymoo_problem = problem
        self.n_obj = int(problem.n_obj)
        self.n_hard = int(problem.n_ieq_constr) + int(problem.n_eq_constr)
        self.n_soft = 0
        self.soft_weights = np.zeros(0)
        self.vars = dict(getattr(problem, "vars", None) or {})
        if self.vars:
            self._from_vars()
        else:
            kind = "int" if np.issubdtype(np.dtype(problem.vtype or float), np.integer) else "real"
            self.lower = _bounds(problem.xl, problem.n_var, "xl")
            self.upper = _bounds(problem.xu, problem.n_var, "xu")
            self.kinds = (kind,) * self.lower.shape[0]
            self.names = tuple(f"x{k + 1}" for k in range(self.lower.shape[0]))
            self.options: dict[int, list[Any]] = {}

    def _from_vars(self) -> None:
        from pymoo.core.variable import Binary, Choice, Integer

        self.names = tuple(self.vars)
        lower, upper, kinds, self.options = [], [], [], {}
        for j, variable in enumerate(self.vars.values()):
            if isinstance(variable, Choice):
                self.options[j] = list(variable.options)
                low, high, kind = 0, len(variable.options) - 1, "choice"
            elif isinstance(variable, Binary):
                low, high, kind = 0, 1, "bin"
            else:
                low, high = variable.bounds
                kind = "int" if isinstance(variable, Integer) else "real"
            lower.append(low)
            upper.append(high)
            kinds.append(kind)
        self.lower, self.upper = np.array(lower, dtype=float), np.array(upper, dtype=float)
        self.kinds = tuple(kinds)

    def _pymoo_points(self, X: np.ndarray) -> Any:
        if not self.vars:
            return X.astype(int) if self.kinds and self.kinds[0] == "int" else X
        rows = []
        for x in X:
            row: dict[str, Any] = {}
            for j, name in enumerate(self.names):
                kind = self.kinds[j]
                row[name] = (self.options[j][int(x[j])] if kind == "choice" else
                             bool(x[j]) if kind == "bin" else int(x[j]) if kind == "int" else x[j])
            rows.append(row)
        return np.array(rows, dtype=object)

    def evaluate(self, X: np.ndarray, /) -> Evaluation:
        out = self.pymoo_problem.evaluate(self._pymoo_points(X), return_as_dictionary=True)
        n = X.shape[0]
        F = np.asarray(out["F"], dtype=float).reshape(n, self.n_obj)
        parts = []
        if self.pymoo_problem.n_ieq_constr:
            parts.append(np.maximum(np.asarray(out["G"], dtype=float).reshape(n, -1), 0.0))
        if self.pymoo_problem.n_eq_constr:
            parts.append(np.abs(np.asarray(out["H"], dtype=float).reshape(n, -1)))
        hard = np.concatenate(parts, axis=1) if parts else np.zeros((n, 0))
        return Evaluation(F=F, hard=hard, soft=np.zeros((n, 0)))

    def solve(self, **options: Any) -> Any:
        """Run mooc's NSGA-II on it (options of :func:`mooc.solver.nsga2`); returns the
        solver's result (minimization form, as pymoo's objectives are)."""
        from mooc.solver import nsga2

        return nsga2(self, **options)

    def __repr__(self) -> str:
        return (f"<mooc.from_pymoo {type(self.pymoo_problem).__name__}: {len(self.kinds)} "
                f"variables, {self.n_obj} objectives, {self.n_hard} constraints>")


def from_pymoo(problem: Any) -> PymooProblem:
    """Wrap the pymoo Problem ``problem`` for mooc's solver; see the module.

    Examples
    --------
    >>> from pymoo.problems import get_problem
    >>> wrapped = from_pymoo(get_problem("zdt1", n_var=5))
    >>> result = wrapped.solve(population=20, generations=10, seed=1)
    >>> result.F.shape[1], result.stop_reason
    (2, 'generations')
    """
    _pymoo()
    return PymooProblem(problem)
