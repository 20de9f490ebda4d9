"""Exact fronts of three or more objectives by box decomposition (Kirlik and Sayın, 2014).

Objective ``first`` is minimized; the others are projected: the search keeps a list of boxes
``[l, u]`` in the space of the other objectives that may still hold non-dominated points.
Each round takes the box of largest volume (measured from the ideal corner) and solves

1. ``min f_first`` with every other objective ``f_i <= u_i - step_i / 2`` (strictly below the
   box's upper corner, on the lattice of step ``step_i``);
2. ``min sum(f)`` with ``f_first`` at that optimum: a non-dominated point ``y``.

A new point splits every box it cuts; then the boxes inside ``[y, u]`` hold nothing new and
go. When the first solve is infeasible, the boxes inside ``[ideal, u]`` go. The search ends
when no box is left: every non-dominated point has been found, provided the projected
objectives take values on lattices (integral columns); otherwise the steps are a fraction of
each objective's range and the front is not proven complete (the best point of each
projected objective not on a lattice is found first, so none is passed over).

Such an approximate front is searched on steps of 1/2 of each range, then 1/4, and so on to
1/32, each a search of its own that keeps the points found before: every search that runs to
its end covers the whole front at its resolution, so a front cut short is as well spread as
the last complete search made it. The boxes grow much faster than the points found (a single
search on steps of 1/20, on a five-objective linear program, had 1.5 million boxes for 438
points after 900 subproblems and had spent two minutes on them), so an approximate search
stops when they outnumber :data:`MAX_BOXES`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.exact_search import Search, Stop

#: Without a lattice, a projected objective's step is its range divided by each of these in
#: turn, a search of its own each, coarse to fine (see box_decomposition).
APPROXIMATE_DIVISIONS = (2, 4, 8, 16, 32)
#: A search of an approximate front stops when its boxes outnumber this (see the module).
MAX_BOXES = 100_000


@dataclass(frozen=True)
class Boxes:
    """Boxes ``[lower[i], upper[i]]`` in the space of the projected objectives, one per row, in
    the order the search made them (the first of the largest is searched first)."""

    lower: np.ndarray
    upper: np.ndarray

    def __len__(self) -> int:
        return int(self.lower.shape[0])

    def without_inside(self, lower: np.ndarray, upper: np.ndarray, /) -> Boxes:
        """These boxes but those inside ``[lower, upper]``."""
        inside = np.all(self.lower >= lower, axis=1) & np.all(self.upper <= upper, axis=1)
        return Boxes(self.lower[~inside], self.upper[~inside])

    def split(self, point: np.ndarray, /) -> Boxes:
        """Every box below whose upper corner ``point`` lies cut along each coordinate of it
        that lies strictly inside the box, into its ``2**cuts`` parts (in place of the box, the
        first coordinate's cut deciding their order first); the others as they are (their
        points are all below ``point`` in some objective: none is dominated by it, and cutting
        them only multiplies the boxes: with five objectives, 97,000 of them after 68
        points)."""
        below = np.all(point < self.upper, axis=1)
        cuts = below[:, None] & (self.lower < point) & (point < self.upper)
        counts = cuts.sum(axis=1)
        parts = np.left_shift(1, counts)
        box = np.repeat(np.arange(len(self)), parts)
        # the part's number within its box; its bits, the first cut coordinate's highest,
        # say which side of each cut it is on (0: below the point, 1: above it)
        number = np.arange(box.shape[0]) - np.repeat(np.cumsum(parts) - parts, parts)
        later_cuts = np.cumsum(cuts[:, ::-1], axis=1)[:, ::-1] - cuts
        above = (number[:, None] >> later_cuts[box]) & 1 == 1
        cut = cuts[box]
        lower = np.where(cut & above, point, self.lower[box])
        upper = np.where(cut & ~above, point, self.upper[box])
        return Boxes(lower, upper)


#: Points of the front this close (relative and absolute) count as one.
_ROUNDING = 1e-9


def _known(found: list[np.ndarray], y: np.ndarray) -> np.ndarray | None:
    """The one of ``found`` that ``y`` is (to :data:`_ROUNDING`), or None."""
    if not found:
        return None
    known = np.array(found)
    same = np.flatnonzero(np.all(np.abs(y - known) <= _ROUNDING * (1 + np.abs(known)), axis=1))
    return known[same[0]] if same.size else None


def _seen(found: list[np.ndarray], y: np.ndarray) -> bool:
    """Whether ``y`` is one of ``found`` (to :data:`_ROUNDING`)."""
    return _known(found, y) is not None


def box_decomposition(search: Search, first: int) -> Boxes | None:
    """Fill ``search`` with the front (see the module); returns the boxes left, none when done
    (the caller catches Stop and reads ``search.boxes``), None when infeasible."""
    problem = search.problem
    others = [k for k in range(problem.n_obj) if k != first]
    ideal, _ = search.objective_box
    ideal = np.where(np.isfinite(ideal), ideal, 0.0)
    upper = np.full(problem.n_obj, np.inf)
    top = np.empty(len(others))
    for position, k in enumerate(others):  # the largest value of each projected objective
        solved = search.solve(-np.eye(problem.n_obj)[k], upper)
        if solved.x is None:
            return None
        top[position] = -solved.value
    lattice = np.isfinite(search.steps[others])
    # steps a fraction of a range may pass over an objective's best point: each is found first
    ends = [_lexicographic_end(search, k) for k, on in zip(others, lattice, strict=True)
            if not on]
    found: list[np.ndarray] = []
    if lattice.all():
        return _search(search, first, ideal, top, search.steps[others], found, ends)
    for division in APPROXIMATE_DIVISIONS:  # coarse to fine: a well spread front early
        search.grid = division
        steps = search.steps.copy()
        for position, k in enumerate(others):
            if not lattice[position]:
                steps[k] = max((top[position] - ideal[k]) / division,
                               search.margin(np.eye(problem.n_obj)[k], top[position]))
        _search(search, first, ideal, top, steps[others], found, ends)
        search.grid_done = division
    return search.boxes


def _search(search: Search, first: int, ideal: np.ndarray, top: np.ndarray, step: np.ndarray,
            found: list[np.ndarray], ends: list[np.ndarray]) -> Boxes:
    """One search of the boxes, each projected objective on its ``step`` (see the module):
    the points found are added to ``search`` and ``found`` (those already in ``found`` or
    ``ends`` not again)."""
    problem = search.problem
    others = [k for k in range(problem.n_obj) if k != first]
    steps = search.steps.copy()
    steps[others] = step
    lattice = np.isfinite(search.steps[others])
    cut = np.where(lattice, step / 2, step)
    search.boxes = Boxes((ideal[others] - step)[None], (top + step)[None])
    while len(search.boxes):
        if not lattice.all() and len(search.boxes) > MAX_BOXES:
            raise Stop("max_boxes")
        boxes = search.boxes
        largest = int(np.argmax(np.prod(boxes.upper - ideal[others], axis=1)))
        box_upper = boxes.upper[largest].copy()
        upper = np.full(problem.n_obj, np.inf)
        upper[others] = box_upper - cut
        first_solve = search.solve(np.eye(problem.n_obj)[first], upper)
        if first_solve.x is None:
            search.boxes = boxes.without_inside(ideal[others] - step, box_upper)
            continue
        lattice_first = np.isfinite(steps[first])
        slack = steps[first] / 2 if lattice_first else \
            search.margin(np.eye(problem.n_obj)[first], first_solve.value)
        second = search.solve_within(np.ones(problem.n_obj), upper, first, first_solve.value,
                                     slack, exactly=not lattice_first)
        x = first_solve.x if second.x is None else second.x
        y = problem.objectives(x[None])[0]
        known = _known(found, y)
        if known is None:
            found.append(y)
            if not _seen(ends, y):
                search.add(x)
        else:
            # Found before, perhaps a rounding apart (1.5333333333333385 against
            # 1.533333333333335): the boxes are cut at the point as first found, so the box
            # searched, cut there, goes (cut at the new one, it stayed a rounding above it and
            # gave the same point 19,000 times over); and an earlier, coarser search's point
            # cuts this search's boxes too
            y = known
        projected = y[others]
        boxes = boxes.split(projected)
        search.boxes = boxes.without_inside(projected, box_upper)
    return search.boxes


def _lexicographic_end(search: Search, k: int) -> np.ndarray:
    """Add the point best in objective ``k`` and, among those, in the sum of all (so no point
    dominates it); return its objectives."""
    n_obj = search.problem.n_obj
    upper = np.full(n_obj, np.inf)
    best = search.solve(np.eye(n_obj)[k], upper)
    assert best.x is not None  # the problem is feasible: its largest values were found
    slack = search.margin(np.eye(n_obj)[k], best.value)
    second = search.solve_within(np.ones(n_obj), upper, k, best.value, slack, exactly=True)
    return search.add(best.x if second.x is None else second.x)
