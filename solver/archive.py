"""The front archive: the non-dominated set of every point evaluated in a run that may be
reported.

Only points with finite objectives that satisfy every hard constraint exactly are offered (any
point with finite objectives when constraints are ignored); dominance is judged on the
objectives plus the weighted soft violations. Offers wait in a pending list and are merged into
the archive (a non-dominated filter) only when there are many of them, and when the front is
asked for, so a generation costs no more than appending its offers. When the archive outgrows
its limit it is thinned so as to lose as little hypervolume as possible
(:mod:`mooc.solver.thinning`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mooc.solver.constraints import ConstraintHandling
from mooc.solver.population import Population
from mooc.solver.sorting import nondominated
from mooc.solver.thinning import thin_front


def soft_penalized(population: Population, soft_weights: np.ndarray, /) -> np.ndarray:
    """The objectives with the weighted soft violations added to each."""
    if population.soft.shape[1] == 0:
        return population.F
    with np.errstate(invalid="ignore", over="ignore"):
        return population.F + (population.soft @ soft_weights)[:, None]


@dataclass
class FrontArchive:
    """Non-dominated reportable points seen so far; :meth:`front` has at most ``limit``."""

    handling: ConstraintHandling
    limit: int
    members: Population | None = None
    objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    pending: list[Population] = field(default_factory=list)
    pending_rows: int = 0

    def offer(self, points: Population, /) -> None:
        """Consider ``points`` (all reportable) for the front."""
        if not len(points):
            return
        self.pending.append(points)
        self.pending_rows += len(points)
        if self.pending_rows > max(self.limit, len(self)):
            self._merge()

    def __len__(self) -> int:
        return 0 if self.members is None else len(self.members)

    def _merge(self) -> None:
        if not self.pending:
            return
        parts = self.pending if self.members is None else [self.members, *self.pending]
        points = parts[0].join_all(parts[1:])
        objectives = soft_penalized(points, self.handling.soft_weights)
        keep = nondominated(objectives).nonzero()[0]
        if keep.size > self.limit:
            keep = keep[thin_front(objectives[keep], self.limit)]
        self.members, self.objectives = points.take(keep), objectives[keep]
        self.pending, self.pending_rows = [], 0

    def front(self) -> tuple[Population, np.ndarray] | None:
        """The archived points and their objectives, at most ``limit`` (None if empty)."""
        self._merge()
        if self.members is None:
            return None
        return self.members, self.objectives
