"""The problem protocol the solver works on: bounds, variable kinds and a vectorized evaluate.

The solver never imports the language; anything with these attributes can be solved,
including a plain numpy function wrapped in :class:`FunctionProblem`.

A problem may also have ``active(X)``, giving a bool array (N, n_var) of the variables that
exist at each point (conditional variables; see :mod:`mooc.solver.conditional`); the solver
then gives the others NaN and leaves them out of the search.

A problem may offer derivatives (see :class:`Differentiable`): ``jacobian(X)`` returns
``(JF, JG)``, the Jacobians (N, n_obj, n_var) of the objectives (minimization form) and
(N, n_hard, n_var) of the hard constraints' signed residuals ``g``. A residual is at most 0
where an inequality holds and 0 where an equality holds (up to its tolerance), so a
constraint's violation grows with ``g`` (with ``|g|`` for an equality). With
``constraint_residuals(X)`` giving ``g`` itself (N, n_hard) and ``equality`` (n_hard,) marking
the equalities (``linear`` the constraints whose Jacobian is the same everywhere, ``tolerance``
the band ``|g| <= tolerance`` within which an equality holds, 0 if not given), offspring
are moved onto the equalities before they are evaluated (:mod:`mooc.solver.projection`); with
``jacobian`` alone, points take gradient steps (:mod:`mooc.solver.polish`). Derivatives
with respect to integer, binary and choice variables are never used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

#: Variable kinds. ``log`` is a positive real searched on the log scale; ``int``, ``bin`` and
#: ``choice`` take integral values (a choice variable's value is its label index 0..k-1).
KINDS = ("real", "log", "int", "bin", "choice")


@dataclass(frozen=True)
class Evaluation:
    """Objectives and violations of a population, all in minimization form.

    ``F`` is (N, n_obj); ``hard`` is (N, n_hard) and ``soft`` is (N, n_soft), each >= 0 and 0
    where the constraint holds. NaN anywhere means the point could not be evaluated: worst.
    """

    F: np.ndarray
    hard: np.ndarray
    soft: np.ndarray


@runtime_checkable
class Problem(Protocol):
    """What the solver needs to know of a problem."""

    lower: np.ndarray  # (n_var,) float
    upper: np.ndarray  # (n_var,) float
    kinds: tuple[str, ...]  # one of KINDS per variable
    n_obj: int
    n_hard: int
    n_soft: int
    soft_weights: np.ndarray  # (n_soft,) weight of each soft violation in the objectives

    def evaluate(self, X: np.ndarray, /) -> Evaluation: ...


@runtime_checkable
class Differentiable(Protocol):
    """A problem with derivatives (see the module); ``constraint_residuals``, ``equality``
    and ``linear`` are optional."""

    def jacobian(self, X: np.ndarray, /) -> tuple[np.ndarray, np.ndarray]: ...


def _as_2d(values: object, n_rows: int, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 1 and n_rows == array.shape[0]:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] != n_rows:
        raise ValueError(f"'{name}' must have shape (N, k) with N={n_rows}, but has {array.shape}")
    return array


@dataclass
class FunctionProblem:
    """Wrap a vectorized numpy function as a :class:`Problem`.

    ``function(X)`` takes X of shape (N, n_var) and returns F of shape (N, n_obj), or a tuple
    ``(F, hard)`` or ``(F, hard, soft)`` of violation arrays (>= 0, 0 where satisfied).
    ``active(X)``, when given, says which variables exist at each point (see the module).
    ``jacobian(X)`` returning ``(JF, JG)``, ``constraint_residuals(X)``, ``equality``,
    ``linear`` and ``tolerance`` give derivatives and what the constraints are (see the
    module).

    Examples
    --------
    >>> import numpy as np
    >>> problem = FunctionProblem(lambda X: np.c_[X[:, 0], 1 - np.sqrt(X[:, 0])],
    ...                           lower=[0.0], upper=[1.0], n_obj=2)
    >>> problem.evaluate(np.array([[0.25]])).F.tolist()
    [[0.25, 0.5]]
    """

    function: Callable[[np.ndarray], object]
    lower: np.ndarray
    upper: np.ndarray
    n_obj: int
    kinds: tuple[str, ...] = ()
    n_hard: int = 0
    n_soft: int = 0
    soft_weights: np.ndarray = field(default_factory=lambda: np.ones(0))
    active: Callable[[np.ndarray], np.ndarray] | None = None
    jacobian: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
    constraint_residuals: Callable[[np.ndarray], np.ndarray] | None = None
    equality: Sequence[bool] = ()
    linear: Sequence[bool] = ()
    tolerance: Sequence[float] | np.ndarray = ()

    def __post_init__(self) -> None:
        self.lower = np.atleast_1d(np.asarray(self.lower, dtype=float))
        self.upper = np.atleast_1d(np.asarray(self.upper, dtype=float))
        if self.lower.shape != self.upper.shape:
            raise ValueError("'lower' and 'upper' must have the same length")
        if not self.kinds:
            self.kinds = ("real",) * self.lower.shape[0]
        self.kinds = tuple(self.kinds)
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"unknown variable kind(s) {unknown}; expected one of {KINDS}")
        if len(self.kinds) != self.lower.shape[0]:
            raise ValueError("'kinds' must have one entry per variable")
        weights = np.asarray(self.soft_weights, dtype=float)
        self.soft_weights = weights if weights.size == self.n_soft else np.ones(self.n_soft)
        for name in ("equality", "linear"):
            flags = np.asarray(getattr(self, name), dtype=bool)
            if flags.size not in (0, self.n_hard):
                raise ValueError(f"'{name}' must have length {self.n_hard}, but has length "
                                 f"{flags.size}")
            setattr(self, name, flags if flags.size else np.zeros(self.n_hard, dtype=bool))
        tolerance = np.asarray(self.tolerance, dtype=float)
        if tolerance.size not in (0, self.n_hard):
            raise ValueError(f"'tolerance' must have length {self.n_hard}, but has length "
                             f"{tolerance.size}")
        self.tolerance = tolerance if tolerance.size else np.zeros(self.n_hard)

    def evaluate(self, X: np.ndarray, /) -> Evaluation:
        out = self.function(X)
        parts: Sequence[object] = out if isinstance(out, tuple) else (out,)
        n = X.shape[0]
        F = _as_2d(parts[0], n, "F")
        hard = _as_2d(parts[1], n, "hard") if len(parts) > 1 else np.zeros((n, self.n_hard))
        soft = _as_2d(parts[2], n, "soft") if len(parts) > 2 else np.zeros((n, self.n_soft))
        return Evaluation(F=F, hard=hard, soft=soft)


def check_problem(problem: Problem) -> None:
    """Raise ValueError naming the attribute when ``problem`` does not fit the protocol."""
    n_var = np.shape(problem.lower)[0]
    if np.shape(problem.upper) != (n_var,):
        raise ValueError(f"'upper' must have length {n_var}, but has shape {np.shape(problem.upper)}")
    if len(problem.kinds) != n_var:
        raise ValueError(f"'kinds' must have length {n_var}, but has length {len(problem.kinds)}")
    if not (np.isfinite(problem.lower).all() and np.isfinite(problem.upper).all()):
        raise ValueError("'lower' and 'upper' must be finite numbers")
    if np.any(np.asarray(problem.lower) > np.asarray(problem.upper)):
        raise ValueError("'lower' must not exceed 'upper'")
    if problem.n_obj < 1:
        raise ValueError("'n_obj' must be at least 1")
