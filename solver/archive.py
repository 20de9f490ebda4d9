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


#: The archive may outgrow its limit by this factor before it is thinned back to the limit, so
#: the thinning (a crowding-distance sort of the whole archive) runs only now and then.
SLACK = 1.25


@dataclass
class FrontArchive:
    """Non-dominated reportable points seen so far; :meth:`front` has at most ``limit``.

    Only the members' objectives are filtered generation by generation. Their points are
    appended to a log when they enter, and the log is compacted to the current members when
    it holds many more points than they are, so no generation copies the whole archive.
    """

    handling: ConstraintHandling
    limit: int
    objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    feasible_seen: bool = False
    _members: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    _log: list[Population] = field(default_factory=list)
    _logged: int = 0

    def __len__(self) -> int:
        return int(self._members.shape[0])

    def update(self, batch: Population, /) -> None:
        """Merge newly evaluated points into the archive."""
        objectives = soft_penalized(batch, self.handling.soft_weights)
        enters = np.isfinite(objectives).all(axis=1)
        if batch.hard.shape[1]:
            feasible = batch.feasible
            self.feasible_seen = self.feasible_seen or bool(feasible.any())
            if self.handling.mode != "ignore":
                enters &= feasible
        else:
            self.feasible_seen = self.feasible_seen or bool(len(batch))
        candidates = np.flatnonzero(enters)
        if not candidates.size:
            return
        old = len(self)
        merged = objectives[candidates] if old == 0 else np.concatenate(
            [self.objectives, objectives[candidates]])
        keep = moocore.is_nondominated(merged, keep_weakly=True)
        newcomers = candidates[keep[old:]]
        # No new point non-dominated: then none dominates an archived point either.
        if not newcomers.size:
            return
        newcomers = batch.take(newcomers)
        self._log.append(newcomers)
        logged = np.arange(self._logged, self._logged + len(newcomers))
        self._logged += len(newcomers)
        self._members = np.concatenate([self._members[keep[:old]], logged])
        self.objectives = merged[keep]
        if len(self) > SLACK * self.limit:
            self._thin()
        if self._logged > 4 * len(self) + 1000:
            self._compact()

    def _thin(self) -> None:
        rows = _thinned(self.objectives, self.limit)
        self._members, self.objectives = self._members[rows], self.objectives[rows]

    def _compact(self) -> None:
        members = self.front_points()
        self._log, self._logged = [members], len(members)
        self._members = np.arange(len(members))

    def front_points(self) -> Population:
        """The members' points, in the order of :attr:`objectives`."""
        log = self._log[0] if len(self._log) == 1 else self._log[0].join_all(self._log[1:])
        self._log = [log]
        return log.take(self._members)

    def front(self) -> tuple[Population, np.ndarray] | None:
        """The archived points and their objectives, at most ``limit`` (None if empty)."""
        if not len(self):
            return None
        if len(self) > self.limit:
            self._thin()
        return self.front_points(), self.objectives
