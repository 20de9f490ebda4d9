"""What each generation achieved, and whether the run has stalled.

A generation's front is the population's first rank, restricted to points with finite
objectives that satisfy every hard constraint (unless constraints are ignored), in the
objectives the search ranks (with the weighted soft violations added: so where soft
constraints are broken its hypervolume is not that of the front's own objectives). Its
hypervolume is computed (for up to three objectives) against one reference point fixed for the
run: the minimum of the finite objectives of the first population plus 1.1 times their range
(:attr:`ProgressMonitor.reference_point`), so the values of successive generations compare and
anyone can compute the same number from the points and that reference point.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mooc.solver.archive import soft_penalized
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.indicators import hypervolume_at
from mooc.solver.population import Population
from mooc.solver.rowwise import finite_rows
from mooc.solver.selection import Ranking

#: Hypervolume is recorded for at most this many objectives (it is cheap up to three).
HYPERVOLUME_MAX_OBJECTIVES = 3
#: The reference point of the recorded hypervolume is this far out, in ranges of the first
#: population's objectives.
HYPERVOLUME_REFERENCE = 1.1
_LARGEST = float(np.finfo(float).max)


def _product(values: np.ndarray) -> float | None:
    """The product of positive ``values``, or None when it leaves the range of normal floats."""
    logs = np.log2(values)
    if not -1000.0 < float(logs.sum()) < 1000.0 or not np.all(np.abs(logs) < 1000.0):
        return None
    return float(np.prod(values))


@dataclass(frozen=True)
class GenerationStats:
    """One generation's summary, as passed to the callback and kept in the history.

    ``front_size`` counts the points of the population's front (see the module; 0 while no
    feasible point is in the population); ``min_violation`` and ``mean_violation`` are over the
    population, of each point's sum of hard violations; ``hypervolume`` is the front's against
    the run's fixed reference point (see the module), None for more than three objectives or
    an empty front.
    """

    generation: int
    evaluations: int
    front_size: int
    min_violation: float
    mean_violation: float
    hypervolume: float | None
    elapsed: float


@dataclass
class ProgressMonitor:
    """Records a :class:`GenerationStats` per generation and counts generations without
    improvement: of the hypervolume, or of the front's ideal and nadir points for more than
    three objectives, or of the least violation, by more than ``tolerance`` (relative)."""

    tolerance: float = 1e-4
    history: list[GenerationStats] = field(default_factory=list)
    since_improvement: int = 0
    _origin: np.ndarray | None = None
    _scale: np.ndarray | None = None
    _best_hypervolume: float = -np.inf
    _best_violation: float = np.inf
    _bounds: np.ndarray | None = None
    _reference: np.ndarray | None = None
    _indicator: Callable[[np.ndarray], float] | None = field(default=None, repr=False)

    def mark(self) -> tuple[Any, ...]:
        """What changes from one generation to the next, to go back to with :meth:`at`
        (cheap: taken every generation)."""
        return (len(self.history), self.since_improvement, self._best_hypervolume,
                self._best_violation, self._bounds)

    def at(self, mark: tuple[Any, ...], /) -> ProgressMonitor:
        """A copy of this monitor as it was when ``mark`` was taken (later records append to
        the history and replace, never write into, the arrays)."""
        length, since, best_hypervolume, best_violation, bounds = mark
        copied = copy.copy(self)
        copied.history = self.history[:length]
        copied.since_improvement, copied._bounds = since, bounds
        copied._best_hypervolume, copied._best_violation = best_hypervolume, best_violation
        return copied

    def record(self, population: Population, ranking: Ranking, handling: ConstraintHandling, *,
               generation: int, evaluations: int, elapsed: float) -> GenerationStats:
        """Summarize a generation from its population and how selection ranked it."""
        if self._origin is None:
            self._set_frame(soft_penalized(population, handling.soft_weights))
        least, mean = 0.0, 0.0
        if population.hard.shape[1]:
            with np.errstate(over="ignore"):  # a total beyond the float range is infinite
                violation = population.hard.sum(axis=1)
                least, mean = float(violation.min()), float(violation.mean())
        front = (ranking.rank == 0) & ranking.feasible
        if handling.mode != "ignore" and population.hard.shape[1]:
            front &= population.feasible
        size = int(np.count_nonzero(front))
        objectives = (ranking.objectives.compress(front, axis=0)
                      if size and self._origin is not None else None)
        stats = GenerationStats(
            generation=generation,
            evaluations=evaluations,
            front_size=size,
            min_violation=least,
            mean_violation=mean,
            hypervolume=self._hypervolume(objectives),
            elapsed=elapsed,
        )
        self._update_stall(stats, objectives)
        self.history.append(stats)
        return stats

    def _set_frame(self, objectives: np.ndarray) -> None:
        finite = objectives[finite_rows(objectives)]
        if not finite.size:
            return
        self._origin = finite.min(axis=0)
        # The span from halves, which cannot overflow; a span beyond the float range is
        # taken as the largest float.
        half_span = finite.max(axis=0) * 0.5 - self._origin * 0.5
        half_scale = np.where(half_span > 0, half_span, 0.5)
        self._scale = np.multiply(half_scale, 2.0, where=half_scale <= _LARGEST / 2,
                                  out=np.full_like(half_scale, _LARGEST))
        # When the reference point or the volume of the frame is beyond the float range, no
        # hypervolume is recorded (the stall rule then watches the ideal and nadir points).
        room = _LARGEST - np.maximum(self._origin, 0.0)  # how far the corner may go
        if np.all(self._scale <= room / HYPERVOLUME_REFERENCE) and \
                _product(self._scale * HYPERVOLUME_REFERENCE) is not None:
            self._reference = self._origin + HYPERVOLUME_REFERENCE * self._scale

    def _hypervolume(self, objectives: np.ndarray | None) -> float | None:
        if objectives is None or objectives.shape[1] > HYPERVOLUME_MAX_OBJECTIVES:
            return None
        if self._reference is None:  # a frame beyond the float range (see _set_frame)
            return None
        if self._indicator is None:  # made once per run (and again after a restore)
            self._indicator = hypervolume_at(self._reference)
        return self._indicator(objectives)

    @property
    def reference_point(self) -> np.ndarray | None:
        """The run's fixed hypervolume reference point (minimization form; None before the
        first population had a finite point)."""
        return self._reference

    def _normalized(self, bounds: np.ndarray) -> np.ndarray:
        """The front's least and greatest objectives (finite) in the frame of the first
        population, from halves (which no difference overflows); a bound beyond the float
        range of frame widths away is infinitely far."""
        assert self._origin is not None and self._scale is not None  # set with the frame
        origin, scale = np.tile(self._origin * 0.5, 2), np.tile(self._scale * 0.5, 2)
        with np.errstate(over="ignore"):  # only that: the inputs are finite
            return (bounds * 0.5 - origin) / scale

    def _update_stall(self, stats: GenerationStats, objectives: np.ndarray | None) -> None:
        improved = False
        if stats.min_violation < self._best_violation * (1.0 - self.tolerance):
            self._best_violation = stats.min_violation
            improved = True
        if stats.hypervolume is not None:
            best = self._best_hypervolume
            if not np.isfinite(best) or stats.hypervolume > best + self.tolerance * abs(best):
                self._best_hypervolume = stats.hypervolume
                improved = True
        elif objectives is not None:
            bounds = self._normalized(np.concatenate([objectives.min(axis=0),
                                                      objectives.max(axis=0)]))
            moved = self._bounds is None or not np.isclose(bounds, self._bounds, rtol=0.0,
                                                           atol=self.tolerance).all()
            self._bounds = bounds
            improved = improved or bool(moved)
        self.since_improvement = 0 if improved else self.since_improvement + 1
