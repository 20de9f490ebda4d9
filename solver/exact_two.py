"""Exact fronts of two objectives: the epsilon-constraint method and dichotomy.

**Epsilon-constraint** (Haimes, Lasdon and Wismer, 1971; as in JuMP's
MultiObjectiveAlgorithms.jl): start from the point that is best in objective ``b`` (and best in
``a`` among those); then, again and again, require ``f_a`` to be at least one step better
than the last point's, minimize ``f_b``, and among those minimizers minimize ``f_a`` (the
second, lexicographic solve makes every point non-dominated, not only weakly). It stops when
no point is one step better. When ``f_a`` only takes values on a lattice (integral columns,
coefficients with a common divisor ``g``), stepping by ``g`` visits every non-dominated point:
the front is complete and proven. Otherwise the step is a fraction of ``f_a``'s range and each
point found is non-dominated, but points between steps may be missed (not the end best in
``f_a``: it is found first).

**Dichotomy** (Aneja and Nair, 1979; NISE, Cohon et al., 1979) for linear programs without
integers: the two lexicographic ends, then, for two neighbouring points, the weighted sum
whose weights are normal to the segment joining them. A point below the segment is a new
vertex of the front; none means the segment is part of the front. The front of a linear
program is the chain of these segments, so it is exact: its vertices, joined by segments.
Each weighted sum's optimum is confirmed in exact arithmetic (:meth:`Search.solve_confirmed`)
and compared with the segment exactly. A margin for HiGHS's tolerances (1e-6 of the sum of the
weighted sum's coefficients) hid vertices 4e-6 below a segment in a model of 20 columns, and
0.2 below one where the coefficients were 4e6; and those tolerances let HiGHS take a point
2e-8 outside a row for a vertex.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from mooc.solver.exact_search import Search, Stop
from mooc.solver.exact_vertex import Vertex

#: Without a lattice, the epsilon-constraint method takes at most this many steps across the
#: range of the stepped objective.
APPROXIMATE_STEPS = 100


def epsilon_constraint(search: Search, a: int, b: int, step: float | None) -> float | None:
    """Fill ``search`` with the front (see the module); returns the last bound reached on
    ``f_a`` when stopped early (via Stop), None when the model is infeasible."""
    inf = np.full(2, np.inf)
    x = search.lexmin(b, a, inf)
    if x is None:
        return None
    f = search.add(x)
    end: np.ndarray | None = None  # the other end, kept when steps may pass over it
    if step is None:
        end = search.lexmin(a, b, inf)
        assert end is not None
        f_end = search.problem.objectives(end[None])[0]
        cut = max((f[a] - f_end[a]) / APPROXIMATE_STEPS, search.margin(np.eye(2)[a], f[a]))
        if f_end[a] < f[a] - cut:
            search.add(end)
    else:
        cut = step / 2  # values lie on a lattice of this step: half of it is a safe bound
    b_step = search.steps[b]
    while True:
        upper, lower = inf.copy(), -inf
        upper[a] = f[a] - cut
        # the next point is worse in f_b than this one (else this one was not lexicographically
        # best): on a lattice, a bound that lets HiGHS stop as soon as it meets it. Off one, the
        # bound would be the last point's value itself, and HiGHS 1.16's presolve, given
        # f_b >= -30864198.75 with coefficients of 3e7 and 0.75 in f_b, called a point
        # 2.5e6 worse than the optimum optimal
        if np.isfinite(b_step):
            lower[b] = f[b] + b_step / 2
        search.reached = float(f[a])
        x = search.lexmin(b, a, upper, lower)
        if x is None:
            return float(f[a])
        last = f
        f = search.problem.objectives(x[None])[0]
        if f[a] > last[a] - cut / 2:  # no step taken: the same point would come back forever
            raise Stop("broken")
        if end is None or f[a] >= f_end[a] + cut:
            search.add(x)
        else:  # at the end already found, or a rounding away from it: nothing lies beyond
            return float(f[a])


@dataclass(frozen=True)
class _Point:
    """A point the dichotomy found: its objectives exactly when HiGHS's answer was confirmed
    (:meth:`Search.confirm`), else the fractions of its floats."""

    x: np.ndarray
    f: tuple[Fraction, ...]
    exact: bool


def _of_vertex(vertex: Vertex) -> _Point:
    return _Point(vertex.floats(), vertex.f, True)


def _of_floats(search: Search, x: np.ndarray) -> _Point:
    f = search.problem.objectives(x[None])[0]
    return _Point(x, tuple(Fraction(float(v)) for v in f), False)


def dichotomy(search: Search) -> bool:
    """Fill ``search`` with the vertices of a linear program's front; returns False when the
    model is infeasible. Each subproblem's optimum is confirmed in exact arithmetic and its
    objectives compared exactly (a vertex may improve on a segment by 0.2 where the weighted
    sum's coefficients are 4e6); one that cannot be confirmed is compared within a rounding
    margin and counted in ``search.unconfirmed``, and the front is then not proven."""
    left = _lexicographic_end(search, 0, 1)
    if left is None:
        return False
    right = _lexicographic_end(search, 1, 0)
    assert right is not None
    search.add(left.x)
    if _same(search, left, right):
        return True
    search.add(right.x)
    pending = [(left, right)]
    while pending:
        p, q = pending.pop()
        point = _below(search, p, q)
        if point is not None:
            search.add(point.x)
            pending += [(p, point), (point, q)]
    return True


def _below(search: Search, p: _Point, q: _Point) -> _Point | None:
    """The optimum of the weighted sum normal to the segment from ``p`` to ``q`` when it lies
    below the segment (a vertex of the front between them), else None."""
    w = (p.f[1] - q.f[1], q.f[0] - p.f[0])
    if w[0] <= 0 or w[1] <= 0:  # neighbours a rounding apart, from unconfirmed answers
        return None
    solved, vertex = search.solve_confirmed(w)
    assert solved.x is not None
    if vertex is not None:
        point = _of_vertex(vertex)
        below = w[0] * point.f[0] + w[1] * point.f[1] < w[0] * p.f[0] + w[1] * p.f[1]
    else:
        point = _of_floats(search, solved.x)
        weights = np.array([float(w[0] / (w[0] + w[1])), float(w[1] / (w[0] + w[1]))])
        level = float(weights @ np.array([float(v) for v in p.f]))
        below = solved.value < level - search.margin(weights, level)
    between = p.f[0] < point.f[0] < q.f[0] and p.f[1] > point.f[1] > q.f[1]
    return point if below and between else None


def _lexicographic_end(search: Search, first: int, then: int) -> _Point | None:
    """The point best in objective ``first`` and, among those, in ``then``; None when the
    model is infeasible. Where HiGHS's answers are confirmed the second solve is over the face
    the first's optima lie on, exactly (the columns and rows its reduced costs and duals hold
    at a bound), not under a bound on ``f[first]``: its optimum is rarely a float, and rounded
    down it left HiGHS a point 4e-9 outside a row to take."""
    solved, best = search.solve_confirmed([Fraction(k == first) for k in range(2)])
    if solved.x is None:
        return None
    if best is not None:
        again, end = search.solve_confirmed([Fraction(k == then) for k in range(2)],
                                            best.optima)
        if end is not None:
            return _of_vertex(end)
        if again.x is None:  # the face holds the first optimum: HiGHS erred
            search.unconfirmed += 1
    x = search.lexmin(first, then, np.full(2, np.inf))
    assert x is not None
    return _of_floats(search, x)


def _same(search: Search, left: _Point, right: _Point) -> bool:
    """Whether the two ends are one point (the front is a single point)."""
    if left.exact and right.exact:
        return left.f == right.f
    offsets = search.problem.c0  # not part of the comparison: a constant is no difference
    f_left, f_right = (np.array([float(v) for v in point.f]) for point in (left, right))
    return bool(np.allclose(f_left - offsets, f_right - offsets, rtol=1e-9, atol=1e-9))
