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
"""

from __future__ import annotations

import numpy as np

from mooc.solver.exact_search import Search

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
        # best): a bound that lets HiGHS stop as soon as it meets it
        lower[b] = f[b] + b_step / 2 if np.isfinite(b_step) else f[b]
        search.reached = float(f[a])
        x = search.lexmin(b, a, upper, lower)
        if x is None:
            return float(f[a])
        f = search.problem.objectives(x[None])[0]
        if end is None or f[a] >= f_end[a] + cut:
            search.add(x)
        else:  # at the end already found, or a rounding away from it: nothing lies beyond
            return float(f[a])


def dichotomy(search: Search) -> bool:
    """Fill ``search`` with the vertices of a linear program's front, in order of objective
    0; returns False when the model is infeasible."""
    inf = np.full(2, np.inf)
    left = search.lexmin(0, 1, inf)
    if left is None:
        return False
    right = search.lexmin(1, 0, inf)
    assert right is not None
    f_left = search.add(left)
    f_right = search.problem.objectives(right[None])[0]
    offsets = search.problem.c0  # not part of the comparison: a constant is no difference
    if np.allclose(f_left - offsets, f_right - offsets, rtol=1e-9, atol=1e-9):
        return True
    search.add(right)
    pending = [(f_left, f_right)]
    while pending:
        p, q = pending.pop()
        weights = np.array([p[1] - q[1], q[0] - p[0]])
        weights = weights / weights.sum()
        solved = search.solve(weights, inf)
        assert solved.x is not None
        level = float(weights @ p)
        if solved.value < level - search.margin(weights, level):
            f = search.add(solved.x)
            pending += [(p, f), (f, q)]
    return True
