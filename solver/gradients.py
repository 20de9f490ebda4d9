"""A problem's derivatives as the gradient steps use them: which columns they move, in what
units, and how many gradient evaluations were spent.

Gradient steps move only real and log variables with a finite span (integer, binary and
choice variables are the search's alone), and measure each in units of its span, so a step of
0.1 moves a variable by a tenth of its range whatever its units. One point's Jacobian counts
as one evaluation toward the run's budget (:attr:`Gradients.count`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mooc.solver.problem import Problem
from mooc.solver.variables import VariableSpace

#: A span beyond this is not a range a step can be measured in.
_WIDEST = 1e100


@dataclass
class Linearization:
    """Signed constraint residuals ``G`` (N, n_hard) and the Jacobians ``JF`` (N, n_obj,
    k) and ``JG`` (N, n_hard, k) with respect to the moving columns, in span units."""

    G: np.ndarray
    JF: np.ndarray
    JG: np.ndarray


def movable(kinds: Any, lower: Any, upper: Any) -> np.ndarray:
    """Which variables derivatives move: real and log ones of a span greater than 0 and less
    than :data:`_WIDEST` (integer, binary and choice ones are the search's alone)."""
    kinds = np.asarray(kinds)
    with np.errstate(over="ignore"):  # bounds may span the whole float range
        span = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    return ((kinds == "real") | (kinds == "log")) & (span > 0) & (span < _WIDEST)  # type: ignore[no-any-return]


@dataclass
class Gradients:
    """The derivatives of ``problem`` (which has ``jacobian``) over its moving columns."""

    problem: Problem
    columns: np.ndarray  # the moving columns
    span: np.ndarray  # upper - lower of each
    lower: np.ndarray  # bounds of the moving columns
    upper: np.ndarray
    equality: np.ndarray  # (n_hard,) which hard constraints are equalities
    linear: np.ndarray  # (n_hard,) which have the same Jacobian everywhere
    has_residuals: bool
    #: (n_hard,) an equality holds where |residual| <= its tolerance (0: where it is 0)
    tolerance: np.ndarray = field(default_factory=lambda: np.zeros(0))
    count: int = 0

    @classmethod
    def of(cls, problem: Problem, space: VariableSpace) -> Gradients | None:
        """The derivatives of ``problem``, or None when it has none (or nothing they move)."""
        if getattr(problem, "jacobian", None) is None:
            return None
        with np.errstate(over="ignore"):  # bounds may span the whole float range
            span = np.asarray(problem.upper, dtype=float) - np.asarray(problem.lower, dtype=float)
        columns = np.flatnonzero(movable(problem.kinds, problem.lower, problem.upper))
        if not columns.size:
            return None
        n_hard = problem.n_hard
        flags = {name: np.asarray(getattr(problem, name, ()), dtype=bool)
                 for name in ("equality", "linear")}
        flags = {name: value if value.shape == (n_hard,) else np.zeros(n_hard, dtype=bool)
                 for name, value in flags.items()}
        residuals = getattr(problem, "constraint_residuals", None) is not None
        tolerance = np.asarray(getattr(problem, "tolerance", ()), dtype=float)
        if tolerance.shape != (n_hard,) or not np.isfinite(tolerance).all():
            tolerance = np.zeros(n_hard)
        return cls(problem, columns, span[columns], np.asarray(problem.lower)[columns],
                   np.asarray(problem.upper)[columns], flags["equality"], flags["linear"],
                   residuals, np.maximum(tolerance, 0.0))

    def unit(self, X: np.ndarray) -> np.ndarray:
        """The moving columns of ``X`` in span units from their lower bounds (0..1 inside)."""
        return (X[:, self.columns] - self.lower) / self.span

    def from_unit(self, X: np.ndarray, Z: np.ndarray) -> np.ndarray:
        """A copy of ``X`` with the moving columns set from ``Z`` (clipped to the bounds)."""
        out = np.array(X, dtype=float)
        out[:, self.columns] = np.clip(self.lower + Z * self.span, self.lower, self.upper)
        return out

    def linearize(self, X: np.ndarray, /) -> Linearization:
        """Residuals and Jacobians at the points ``X``: ``len(X)`` gradient evaluations."""
        X = np.ascontiguousarray(X, dtype=float)
        n = X.shape[0]
        problem = self.problem
        JF, JG = problem.jacobian(X)  # type: ignore[attr-defined]
        n_var = X.shape[1]
        JF = np.asarray(JF, dtype=float).reshape(n, problem.n_obj, n_var)
        JG = np.asarray(JG, dtype=float).reshape(n, problem.n_hard, n_var)
        if self.has_residuals and problem.n_hard:
            G = np.asarray(problem.constraint_residuals(X), dtype=float)  # type: ignore[attr-defined]
            G = G.reshape(n, problem.n_hard)
        else:
            G = np.full((n, problem.n_hard), np.nan)
        self.count += n
        with np.errstate(all="ignore"):  # derivatives at the float range's edges
            return Linearization(G, JF[:, :, self.columns] * self.span,
                                 JG[:, :, self.columns] * self.span)
