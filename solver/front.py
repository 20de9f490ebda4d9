"""The front reported to the user: the archive's points, or the least-violating points of the
population when no point satisfying the hard constraints was ever found."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.archive import FrontArchive, soft_penalized
from mooc.solver.population import Population
from mooc.solver.rowwise import finite_rows
from mooc.solver.sorting import nondominated


@dataclass(frozen=True)
class Front:
    """Points of the front sorted by objectives, and what they are."""

    points: Population
    objectives: np.ndarray  # with the soft penalty
    feasible_found: bool
    description: str

    @property
    def feasible(self) -> np.ndarray:
        """Mask of the points satisfying every hard constraint with finite objectives (a
        point that could not be evaluated is never called feasible)."""
        return self.points.feasible & finite_rows(self.points.F)


def _feasible_undefined_soft(population: Population, archive: FrontArchive) -> np.ndarray:
    """Rows of the non-dominated points (by their objectives alone) that satisfy every hard
    constraint with finite objectives: while the archive is empty, their soft penalties are
    undefined."""
    rows = (finite_rows(population.F)
            & (archive.handling.total_violation(population.hard) == 0)).nonzero()[0]
    return rows[nondominated(population.F[rows])]


def _least_violating(population: Population, archive: FrontArchive) -> np.ndarray:
    """Rows of the non-dominated least-violating points, preferring finite objectives."""
    objectives = soft_penalized(population, archive.handling.soft_weights)
    finite = finite_rows(objectives)
    if not finite.any():  # the soft violations are undefined everywhere: judge by F alone
        objectives = population.F
        finite = finite_rows(objectives)
    candidates = finite if finite.any() else np.ones(len(population), dtype=bool)
    violation = archive.handling.total_violation(population.hard)
    least = violation[candidates].min()
    rows = (candidates & (violation == least)).nonzero()[0]
    if finite.any():
        rows = rows[nondominated(objectives[rows])]
    return rows


def select_front(archive: FrontArchive, population: Population, /, *,
                 feasible_found: bool) -> Front:
    """The archive's points sorted by objectives; while the archive is empty, the feasible
    points of ``population`` whose soft penalties are undefined, judged by their objectives
    alone, or else its non-dominated least-violating points (so a front is never empty).
    ``feasible_found`` tells whether any point evaluated satisfied every hard constraint."""
    ignore = archive.handling.mode == "ignore"
    archived = archive.front()
    rows = np.zeros(0, dtype=np.intp) if archived is not None or not feasible_found else \
        _feasible_undefined_soft(population, archive)
    if archived is not None:
        points, objectives = archived
        what = "constraints ignored" if ignore else "feasible"
    elif rows.size:
        points = population.take(rows)
        objectives = points.F
        what = ("every feasible point found has an undefined (NaN or infinite) soft "
                "constraint; judged by their objectives alone")
    else:
        rows = _least_violating(population, archive)
        points = population.take(rows)
        objectives = soft_penalized(points, archive.handling.soft_weights)
        what = "no feasible point with finite objectives was found; least-violating"
        if feasible_found:  # only points whose soft violations were NaN or infinite
            what = ("every feasible point found has an undefined (NaN or infinite) soft "
                    "constraint, and none is left in the population; least-violating")
    order = np.lexsort(objectives.T[::-1])
    description = f"{what}: {len(points)} non-dominated point{'' if len(points) == 1 else 's'}"
    if ignore and points.hard.shape[1]:
        description += f", {int(points.feasible.sum())} of them feasible"
    return Front(points.take(order), objectives[order], feasible_found, description)
