"""The front archive: the non-dominated set of every point evaluated in a run that may be
reported.

Only points with finite objectives that satisfy every hard constraint exactly are offered (any
point with finite objectives when constraints are ignored); dominance is judged on the
objectives plus the weighted soft violations. Offers wait in a pending list and are merged into
the archive (a non-dominated filter) only when there are many of them, and when the front is
asked for, so a generation costs no more than appending its offers; the pending list holds at
most :data:`PENDING_VALUES` decision values (or one limit's worth of rows, whichever is less), so
that a problem with many variables does not keep a large buffer. The merge filters the
objectives and copies only the decision values of the points kept, one of each group whose
objectives are a rounding apart (:func:`distinct_rows`). When the archive outgrows
its limit it is thinned so as to lose as little hypervolume as possible
(:mod:`mooc.solver.thinning`). The objectives of the points thinned away are kept (the
``shadow``: those no point seen since dominates, at most :data:`SHADOW_PER_LIMIT` times the
limit of them or :data:`SHADOW_LEAST`, the latest kept beyond) so that a point one of them
dominates does not enter the front later: without them, a thinned front of DTLZ2 with four
objectives held a point that one evaluated before dominated by a quarter of the front's range.
The latest are kept rather than a thinned selection: thinning the shadow on every merge made a
five-objective run ten times slower.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mooc.solver.constraints import ConstraintHandling
from mooc.solver.population import Population
from mooc.solver.sorting import nondominated
from mooc.solver.thinning import thin_front

#: The most decision values (rows times variables) offers wait with before a merge: 32 MB.
PENDING_VALUES = 1 << 22
#: The shadow holds the objectives of at most this many times the limit of points, and of at
#: least SHADOW_LEAST (each merge filters them with the front: a few milliseconds).
SHADOW_PER_LIMIT = 2
SHADOW_LEAST = 2_000


def soft_penalized(population: Population, soft_weights: np.ndarray, /) -> np.ndarray:
    """The objectives with the weighted soft violations added to each."""
    if population.soft.shape[1] == 0:
        return population.F
    with np.errstate(invalid="ignore", over="ignore"):
        return population.F + (population.soft @ soft_weights)[:, None]


#: Points whose objectives differ by less than this share of the front's span in each are one
#: point of the front (the first found is kept): an equality's tolerance band or variables the
#: objectives do not depend on would otherwise fill the front with copies.
RESOLUTION = 1e-9


def distinct_rows(F: np.ndarray, /) -> np.ndarray:
    """Positions of the rows of ``F`` to keep, in order: of rows that differ by at most
    :data:`RESOLUTION` of each column's span from their neighbour in lexicographic order (a
    chain of them: at most as long as ``F`` has rows times that resolution), only the first.

    Examples
    --------
    >>> distinct_rows(np.array([[0.0, 1.0], [1.0, 0.0], [1e-12, 1.0], [0.5, 0.5]])).tolist()
    [0, 1, 3]
    """
    if len(F) < 2:
        return np.arange(len(F))
    half_span = F.max(axis=0) * 0.5 - F.min(axis=0) * 0.5  # halved: no overflow
    order = np.lexsort(F.T[::-1])
    with np.errstate(over="ignore", invalid="ignore"):  # a gap beyond the float range: inf
        gaps = np.abs(np.diff(F[order], axis=0))
    starts = np.ones(len(F), dtype=bool)
    starts[1:] = ~np.all(gaps <= half_span * (2 * RESOLUTION), axis=1)
    group = np.cumsum(starts) - 1
    first = np.full(group[-1] + 1, len(F))
    np.minimum.at(first, group, order)
    return np.sort(first)


@dataclass
class FrontArchive:
    """Non-dominated reportable points seen so far; :meth:`front` has at most ``limit``."""

    handling: ConstraintHandling
    limit: int
    members: Population | None = None
    objectives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    pending: list[Population] = field(default_factory=list)
    pending_rows: int = 0
    #: objectives of points thinned away that no point seen since dominates (see the module)
    shadow: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def offer(self, points: Population, /) -> None:
        """Consider ``points`` (all reportable) for the front."""
        if not len(points):
            return
        self.pending.append(points)
        self.pending_rows += len(points)
        if self.pending_rows > max(self.limit, len(self)) or \
                self.pending_rows * points.X.shape[1] > PENDING_VALUES:
            self._merge()

    def __len__(self) -> int:
        return 0 if self.members is None else len(self.members)

    def _merge(self) -> None:
        if not self.pending:
            return
        weights = self.handling.soft_weights
        parts = self.pending if self.members is None else [self.members, *self.pending]
        scored = [soft_penalized(part, weights) for part in self.pending]
        objectives = np.concatenate(scored if self.members is None else [self.objectives, *scored])
        keep, shadow = self._undominated(objectives)
        keep = keep[distinct_rows(objectives[keep])]
        if keep.size > self.limit:
            chosen = thin_front(objectives[keep], self.limit)
            dropped = np.delete(keep, chosen)
            shadow = objectives[dropped] if not len(shadow) else \
                np.concatenate([shadow, objectives[dropped]])
            keep = keep[chosen]
        most = max(SHADOW_PER_LIMIT * self.limit, SHADOW_LEAST)
        self.shadow = shadow[-most:]  # the latest: the older are the likelier dominated
        # the kept rows of each part, in order: the decision values of the others are never copied
        ends = np.cumsum([len(part) for part in parts])
        cuts = np.searchsorted(keep, ends)
        pieces = [part.take(rows - (end - len(part))) for part, rows, end in
                  zip(parts, np.split(keep, cuts[:-1]), ends, strict=True)]
        self.members, self.objectives = pieces[0].join_all(pieces[1:]), objectives[keep]
        self.pending, self.pending_rows = [], 0

    def _undominated(self, objectives: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of ``objectives`` that neither another row nor a shadow point dominates, and
        the shadow points that no row dominates."""
        if not len(self.shadow):
            return nondominated(objectives).nonzero()[0], self.shadow
        mask = nondominated(np.concatenate([self.shadow, objectives]))
        n_shadow = len(self.shadow)
        return mask[n_shadow:].nonzero()[0], self.shadow[mask[:n_shadow]]

    def front(self) -> tuple[Population, np.ndarray] | None:
        """The archived points and their objectives, at most ``limit`` (None if empty)."""
        self._merge()
        if self.members is None:
            return None
        return self.members, self.objectives
