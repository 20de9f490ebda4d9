"""A set of evaluated points: decision values, objectives and violations, row by row."""

from __future__ import annotations

from collections.abc import Callable
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
        # ndarray.take and compress are several times faster than indexing with an array
        pick = ((lambda block: block.compress(rows, axis=0)) if rows.dtype == bool else
                (lambda block: block.take(rows, axis=0)))
        X = pick(self.X)
        return Population(X, pick(self.F), _rows(self.hard, pick, X.shape[0]),
                          _rows(self.soft, pick, X.shape[0]))

    def join(self, other: Population, /) -> Population:
        """This population's points followed by ``other``'s."""
        return self.join_all([other])

    def join_all(self, others: list[Population], /) -> Population:
        """This population's points followed by those of each of ``others``."""
        parts = [self, *others]
        X = np.concatenate([part.X for part in parts])
        F = np.concatenate([part.F for part in parts])
        hard = (np.concatenate([part.hard for part in parts]) if self.hard.shape[1] else
                np.empty((X.shape[0], 0)))
        soft = (np.concatenate([part.soft for part in parts]) if self.soft.shape[1] else
                np.empty((X.shape[0], 0)))
        return Population(X, F, hard, soft)

    @property
    def feasible(self) -> np.ndarray:
        """Mask of the points violating no hard constraint at all."""
        if not self.hard.shape[1]:
            return np.ones(len(self), dtype=bool)
        return all_in_row(self.hard == 0)


def _rows(block: np.ndarray, pick: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """``pick(block)``; a block without columns is made afresh (cheaper than picking)."""
    return pick(block) if block.shape[1] else np.empty((n, 0))


def _checked(values: object, shape: tuple[int, int], name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 1 and shape[1] == 1 and array.shape[0] == shape[0]:
        array = array[:, None]
    if array.shape != shape:
        raise ValueError(f"evaluate() returned '{name}' of shape {array.shape}; expected {shape}")
    return array


def evaluate_points(problem: Problem, X: np.ndarray, /) -> Population:
    """Evaluate ``X`` on ``problem`` and check the shapes of what comes back."""
    n = X.shape[0]
    if n == 0:
        return Population(X, *(np.zeros((0, k)) for k in (problem.n_obj, problem.n_hard, problem.n_soft)))
    result: Evaluation = problem.evaluate(X)
    return Population(
        X,
        _checked(result.F, (n, problem.n_obj), "F"),
        clean_violations(_checked(result.hard, (n, problem.n_hard), "hard")),
        clean_violations(_checked(result.soft, (n, problem.n_soft), "soft")),
    )
