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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.solver.exact_search import Search

#: Without a lattice, a projected objective's step is its range divided by this.
APPROXIMATE_STEPS = 20


@dataclass(frozen=True)
class Box:
    """``[lower, upper]`` in the space of the projected objectives."""

    lower: np.ndarray
    upper: np.ndarray

    def inside(self, lower: np.ndarray, upper: np.ndarray) -> bool:
        return bool(np.all(self.lower >= lower) and np.all(self.upper <= upper))


def _split(boxes: list[Box], point: np.ndarray) -> list[Box]:
    """Every box below whose upper corner ``point`` lies cut along each coordinate of it that
    lies strictly inside the box; the others as they are (their points are all below
    ``point`` in some objective: none is dominated by it, and cutting them only multiplies
    the boxes: with five objectives, 97,000 of them after 68 points)."""
    out = []
    for box in boxes:
        if not np.all(point < box.upper):
            out.append(box)
            continue
        parts = [box]
        for j, value in enumerate(point):
            if box.lower[j] < value < box.upper[j]:
                cut = []
                for part in parts:
                    upper, lower = part.upper.copy(), part.lower.copy()
                    upper[j], lower[j] = value, value
                    cut += [Box(part.lower, upper), Box(lower, part.upper)]
                parts = cut
        out += parts
    return out


def box_decomposition(search: Search, first: int) -> list[Box] | None:
    """Fill ``search`` with the front (see the module); returns the boxes left, [] when done
    (the caller catches Stop and reads ``search.boxes``), None when infeasible."""
    problem = search.problem
    others = [k for k in range(problem.n_obj) if k != first]
    ideal, _ = search.objective_box
    ideal = np.where(np.isfinite(ideal), ideal, 0.0)
    steps = search.steps.copy()
    upper = np.full(problem.n_obj, np.inf)
    top = np.empty(len(others))
    for position, k in enumerate(others):  # the largest value of each projected objective
        solved = search.solve(-np.eye(problem.n_obj)[k], upper)
        if solved.x is None:
            return None
        top[position] = -solved.value
        if not np.isfinite(steps[k]):
            width = top[position] - ideal[k]
            steps[k] = max(width / APPROXIMATE_STEPS,
                           search.margin(np.eye(problem.n_obj)[k], top[position]))
    step = steps[others]
    lattice = np.isfinite(search.steps[others])
    cut = np.where(lattice, step / 2, step)
    # steps a fraction of a range may pass over an objective's best point: each is found first
    ends = [_lexicographic_end(search, k) for k, on in zip(others, lattice, strict=True)
            if not on]
    search.boxes = [Box(ideal[others] - step, top + step)]
    found: list[np.ndarray] = []
    while search.boxes:
        volumes = [np.prod(b.upper - ideal[others]) for b in search.boxes]
        box = search.boxes[int(np.argmax(volumes))]
        upper = np.full(problem.n_obj, np.inf)
        upper[others] = box.upper - cut
        first_solve = search.solve(np.eye(problem.n_obj)[first], upper)
        if first_solve.x is None:
            search.boxes = [b for b in search.boxes if not b.inside(ideal[others] - step,
                                                                    box.upper)]
            continue
        lattice_first = np.isfinite(steps[first])
        slack = steps[first] / 2 if lattice_first else \
            search.margin(np.eye(problem.n_obj)[first], first_solve.value)
        second = search.solve_within(np.ones(problem.n_obj), upper, first, first_solve.value,
                                     slack, exactly=not lattice_first)
        x = first_solve.x if second.x is None else second.x
        y = problem.objectives(x[None])[0]
        projected = y[others]
        if not any(np.allclose(y, seen, rtol=1e-9, atol=1e-9) for seen in found):
            found.append(y)
            if not any(np.allclose(y, end, rtol=1e-9, atol=1e-9) for end in ends):
                search.add(x)
            search.boxes = _split(search.boxes, projected)
        search.boxes = [b for b in search.boxes if not b.inside(projected, box.upper)]
    return []


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
