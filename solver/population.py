"""A set of evaluated points: decision values, objectives and violations, row by row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.constraints import clean_violations
from mooc.solver.problem import Evaluation, Problem
from mooc.solver.rowwise import all_in_row


@dataclass  # not frozen: made a few times a generation, and frozen costs on each
class Population:
    """Evaluated points: ``X`` (N, n_var), ``F`` (N, n_obj) in minimization form, ``hard``
    (N, n_hard) and ``soft`` (N, n_soft) violations (NaN made infinite, negatives zero).
    Treat as read-only: arrays are shared between populations."""

    X: np.ndarray
    F: np.ndarray
    hard: np.ndarray
    soft: np.ndarray

    def __len__(self) -> int:
        return int(self.X.shape[0])

    def take(self, rows: np.ndarray, /) -> Population:
        """The points at ``rows`` (indices or a mask)."""
        return Population(_picked(self.X, rows), _picked(self.F, rows),
                          _picked(self.hard, rows), _picked(self.soft, rows))

    def join(self, other: Population, /) -> Population:
        """This population's points followed by ``other``'s."""
        return self.join_all([other])

    def join_all(self, others: list[Population], /) -> Population:
        """This population's points followed by those of each of ``others``."""
        parts = [self, *others]
        return Population(_joined([part.X for part in parts]), _joined([part.F for part in parts]),
                          _joined([part.hard for part in parts]),
                          _joined([part.soft for part in parts]))

    @property
    def feasible(self) -> np.ndarray:
        """Mask of the points violating no hard constraint at all."""
        if not self.hard.shape[1]:
            return np.ones(len(self), dtype=bool)
        return all_in_row(self.hard == 0)


def _picked(block: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The rows of ``block`` at ``rows`` (indices or a mask): ndarray.take and compress are
    several times faster than indexing with an array, and a block without columns (no
    constraints of a kind) is made afresh, cheaper still."""
    if not block.shape[1]:
        return np.empty((np.count_nonzero(rows) if rows.dtype == bool else rows.shape[0], 0))
    return block.compress(rows, axis=0) if rows.dtype == bool else block.take(rows, axis=0)


def _joined(blocks: list[np.ndarray]) -> np.ndarray:
    """The blocks one under the other (without columns: made afresh, as in :func:`_picked`)."""
    if not blocks[0].shape[1]:
        return np.empty((sum(block.shape[0] for block in blocks), 0))
    return np.concatenate(blocks)


def _checked(values: object, shape: tuple[int, int], name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 1 and shape[1] == 1 and array.shape[0] == shape[0]:
        array = array[:, None]
    if array.shape != shape:
        raise ValueError(f"evaluate() returned '{name}' of shape {array.shape}; expected {shape}")
    return array


def evaluate_points(problem: Problem, X: np.ndarray, /) -> Population:
    """Evaluate ``X`` on ``problem`` and check the shapes of what comes back."""
    if X.shape[0] == 0:
        return population_of(problem, X, None)
    return population_of(problem, X, problem.evaluate(X))


def population_of(problem: Problem, X: np.ndarray, values: Evaluation | None, /) -> Population:
    """The points ``X`` with their ``values`` (None when there are no points), shapes checked
    against ``problem`` and violations cleaned."""
    n = X.shape[0]
    if values is None or n == 0:
        return Population(X, *(np.zeros((0, k)) for k in (problem.n_obj, problem.n_hard, problem.n_soft)))
    if not all(hasattr(values, name) for name in ("F", "hard", "soft")):
        given = "a model's problem" if hasattr(problem, "as_solver_problem") else "the problem"
        raise TypeError(f"evaluate() of {given} returned {type(values).__name__}, not an "
                        "Evaluation(F, hard, soft) in minimization form; a model's problem is "
                        "solved with problem.solve(...), or given to the solver as "
                        "problem.as_solver_problem()")
    return Population(
        X,
        _checked(values.F, (n, problem.n_obj), "F"),
        clean_violations(_checked(values.hard, (n, problem.n_hard), "hard")),
        clean_violations(_checked(values.soft, (n, problem.n_soft), "soft")),
    )
