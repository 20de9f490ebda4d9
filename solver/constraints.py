"""Constraint handling: how hard and soft violations steer the search.

Every hard constraint's violation is divided by the largest finite violation of that
constraint seen so far, so a constraint measured in large units does not drown one measured in
small units; the normalized violations are summed into one total per point. Then, by mode:

``feasibility``
    Deb's constrained domination: feasible beats infeasible, less total violation beats more.
``penalty``
    ``penalty`` times the total violation is added to every objective.
``epsilon``
    Takahama and Sakai's epsilon level: a total violation under a threshold counts as feasible;
    the threshold starts at ``epsilon`` (default: the violation of the point at the top 20% of
    the first population) and shrinks as ``(1 - t / 0.8) ** 5`` with ``t`` the used fraction of
    the budget, reaching zero at 80% of it.
``ignore``
    Hard constraints are reported but do not steer.

Soft constraints never make a point infeasible: ``soft @ soft_weights`` is added to every
objective in every mode. A point whose soft penalty is undefined (NaN or infinite) but which
satisfies the hard constraints as the mode counts them is ranked by its objectives without the
penalty, after every such point whose penalty is defined: in the feasibility and epsilon modes
still before every point that breaks a hard constraint (a soft constraint never makes a point
infeasible); in the penalty and ignore modes, where every point counts, after them all (see
:data:`UNDEFINED_SOFT`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mooc.solver.rowwise import finite_rows
from mooc.solver.sorting import PARETO_TIER

CONSTRAINT_MODES = ("feasibility", "penalty", "epsilon", "ignore")

#: Epsilon mode: the threshold is zero from this fraction of the budget on.
EPSILON_END = 0.8
#: Epsilon mode: the exponent of the shrinking schedule (Takahama and Sakai's cp).
EPSILON_EXPONENT = 5.0
#: Epsilon mode: the default threshold is the violation of the point at this quantile.
EPSILON_QUANTILE = 0.2
#: The search's violation of a point satisfying the hard constraints whose soft penalty is
#: undefined: such points are ranked by Pareto fronts after the points without violation and
#: before those breaking a hard constraint.
UNDEFINED_SOFT = PARETO_TIER


def clean_violations(values: np.ndarray, /) -> np.ndarray:
    """Violations as they are compared: NaN and minus infinity (a residual made infinite by an
    undefined value, such as ``log(0)``) become infinity, and other negatives become zero.

    Examples
    --------
    >>> clean_violations(np.array([[-1.0, 0.5, np.nan, -np.inf]])).tolist()
    [[0.0, 0.5, inf, inf]]
    """
    if not values.size:
        return values
    cleaned = np.maximum(values, 0.0)  # NaN stays NaN
    cleaned[np.isnan(cleaned) | np.isneginf(values)] = np.inf
    return cleaned


def epsilon_level(initial: float, used: float, /) -> float:
    """The epsilon threshold when the fraction ``used`` of the budget is spent.

    Examples
    --------
    >>> epsilon_level(1.0, 0.0), epsilon_level(1.0, 0.4), epsilon_level(1.0, 0.8)
    (1.0, 0.03125, 0.0)
    """
    if used >= EPSILON_END:
        return 0.0
    return float(initial * (1.0 - used / EPSILON_END) ** EPSILON_EXPONENT)


def default_epsilon(total_violation: np.ndarray, /) -> float:
    """The violation of the point at the top :data:`EPSILON_QUANTILE` of a population."""
    finite = np.sort(total_violation[np.isfinite(total_violation)])
    if not finite.size:
        return 0.0
    return float(finite[int(EPSILON_QUANTILE * finite.size)])


@dataclass
class ConstraintHandling:
    """The state of one run's constraint handling: mode, weights and violation scales."""

    mode: str
    soft_weights: np.ndarray
    penalty: float = 1e6
    epsilon: float | None = None
    scale: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        if self.mode not in CONSTRAINT_MODES:
            raise ValueError(f"'constraints' must be one of {CONSTRAINT_MODES}, not {self.mode!r}")

    @property
    def uses_budget(self) -> bool:
        """Whether :meth:`search_terms` looks at the fraction of the budget spent."""
        return self.mode == "epsilon"

    def observe(self, hard: np.ndarray, /) -> None:
        """Update the violation scales with newly evaluated points (and, in epsilon mode, set
        the default threshold from the first batch)."""
        if not hard.shape[1]:
            return
        finite = np.where(np.isfinite(hard), hard, 0.0)
        batch_max = finite.max(axis=0) if hard.shape[0] else np.zeros(hard.shape[1])
        self.scale = batch_max if self.scale.size == 0 else np.maximum(self.scale, batch_max)
        if self.mode == "epsilon" and self.epsilon is None:
            self.epsilon = default_epsilon(self.total_violation(hard))

    def total_violation(self, hard: np.ndarray, /) -> np.ndarray:
        """Sum of each point's normalized hard violations (infinity when any is not finite)."""
        if hard.shape[1] == 0:
            return np.zeros(hard.shape[0])
        scale = np.where(self.scale > 0, self.scale, 1.0) if self.scale.size else 1.0
        return (hard / scale).sum(axis=1)

    def search_terms(
        self, F: np.ndarray, hard: np.ndarray, soft: np.ndarray, /, *, used: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The objectives and the violation the search ranks points by, when the fraction
        ``used`` of the budget is spent."""
        objectives = F
        if soft.shape[1]:
            penalty = soft @ self.soft_weights
            with np.errstate(invalid="ignore", over="ignore"):
                objectives = F + penalty[:, None]
        total = self.total_violation(hard)
        if self.mode == "penalty":
            with np.errstate(invalid="ignore", over="ignore"):
                objectives = objectives + self.penalty * total[:, None]
        violation = total
        if self.mode == "epsilon":
            level = epsilon_level(self.epsilon or 0.0, used)
            violation = np.where(violation <= level, 0.0, violation)
        elif self.mode in ("penalty", "ignore"):
            violation = np.zeros_like(violation)
        if soft.shape[1]:
            self._rank_undefined_soft(objectives, violation, F, penalty, total)
        return objectives, violation

    def _rank_undefined_soft(self, objectives: np.ndarray, violation: np.ndarray, F: np.ndarray,
                             penalty: np.ndarray, total: np.ndarray) -> None:
        """Give the rows without violation whose soft ``penalty`` is undefined their objectives
        without it (``objectives`` and ``violation`` are changed in place), and the violation
        :data:`UNDEFINED_SOFT`."""
        undefined = (violation == 0) & ~np.isfinite(penalty)
        if not undefined.any():
            return
        rows = undefined.nonzero()[0]
        base = F[rows]
        if self.mode == "penalty":
            with np.errstate(invalid="ignore", over="ignore"):
                base = base + self.penalty * total[rows, None]
        finite = finite_rows(base)
        rows = rows[finite]
        objectives[rows] = base[finite]
        violation[rows] = UNDEFINED_SOFT
