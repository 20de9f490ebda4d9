"""The front archive: the non-dominated set of every point evaluated in a run that may be
reported, kept up to date generation by generation.

Only points with finite objectives that satisfy every hard constraint exactly enter (any
point with finite objectives when constraints are ignored); dominance is judged on the
objectives plus the weighted soft violations. When the set outgrows its limit it is thinned
by crowding distance, most crowded first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import moocore
import numpy as np

from mooc.solver.constraints import ConstraintHandling
from mooc.solver.population import Population
from mooc.solver.sorting import crowding_distance


def soft_penalized(population: Population, soft_weights: np.ndarray, /) -> np.ndarray:
    """The objectives with the weighted soft violations added to each."""
    if population.soft.shape[1] == 0:
        return population.F
    with np.errstate(invalid="ignore", over="ignore"):
        return population.F + (population.soft @ soft_weights)[:, None]


def _thinned(objectives: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` least crowded of mutually non-dominated ``objectives``."""
    crowding = crowding_distance(objectives, np.zeros(objectives.shape[0], dtype=np.intp))
    return np.sort(np.argsort(-crowding, kind="stable")[:limit])


@dataclass
class FrontArchive:
    """Non-dominated reportable points seen so far, at most ``limit`` of them."""

    handling: ConstraintHandling
    limit: int
    points: Population | None = None
    objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    feasible_seen: bool = False

    def __len__(self) -> int:
        return 0 if self.points is None else len(self.points)

    def update(self, batch: Population, /) -> None:
        """Merge newly evaluated points into the archive."""
        objectives = soft_penalized(batch, self.handling.soft_weights)
        feasible = batch.feasible
        self.feasible_seen = self.feasible_seen or bool(feasible.any())
        enters = np.isfinite(objectives).all(axis=1)
        if self.handling.mode != "ignore":
            enters &= feasible
        if not enters.any():
            return
        merged, objectives = batch.take(enters), objectives[enters]
        if self.points is not None:
            merged = self.points.join(merged)
            objectives = np.concatenate([self.objectives, objectives])
        keep = np.flatnonzero(moocore.is_nondominated(objectives, keep_weakly=True))
        if keep.size > self.limit:
            keep = keep[_thinned(objectives[keep], self.limit)]
        self.points, self.objectives = merged.take(keep), objectives[keep]
