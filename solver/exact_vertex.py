"""A linear program's optimal vertex confirmed in exact arithmetic, from the basis HiGHS ends
with.

HiGHS solves in floating point with tolerances (1e-7 on a row or a reduced cost, after its own
scaling): with objectives whose coefficients span 1e7, a weighted sum's optimum may be a vertex
that improves on another by less than those tolerances, or a point that breaks a row by 1e-8,
and the dichotomy then missed a vertex of the front, or took a point just outside the feasible
region for one, and still called the front proven.

The basis says which columns and rows are basic and at which bound the others lie. With the
model's numbers read as the decimals they print as (:func:`decimal`), the basic solution and
the duals follow exactly from two square linear systems; the vertex is then feasible and optimal
exactly when the basic columns and rows lie within their bounds and every reduced cost has the
sign its bound allows (nonnegative at a lower bound, nonpositive at an upper one). That is a
proof that needs no tolerance: :meth:`RationalProgram.certify` returns the vertex only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy import sparse

from mooc.solver.linear import LinearProblem
from mooc.solver.rational_systems import solve, whole, whole_row

#: HiGHS's basis statuses (highspy.HighsBasisStatus), as integers.
LOWER, BASIC, UPPER, ZERO = 0, 1, 2, 3

#: Largest model (nonzeros of its constraint and objective rows) whose vertices are confirmed;
#: beyond it the rational systems would take seconds a subproblem.
MAX_NONZEROS = 20_000

Bound = Fraction | None  # None: no bound


@dataclass(frozen=True)
class Face:
    """Columns and constraint rows held at one of their bounds (variable -> value, row ->
    level): the face of the feasible region where a subproblem's optima all lie."""

    columns: dict[int, Fraction] = field(default_factory=dict)
    rows: dict[int, Fraction] = field(default_factory=dict)


@dataclass(frozen=True)
class Vertex:
    """A vertex of the feasible region, its objective values, exactly, and the face where
    every optimum of the weighted sum it was confirmed for lies."""

    x: tuple[Fraction, ...]
    f: tuple[Fraction, ...]
    optima: Face

    def floats(self) -> np.ndarray:
        """The vertex's variables, each the float nearest its exact value."""
        return np.array([float(v) for v in self.x])


def decimal(value: float) -> Fraction:
    """The number a float prints as (its shortest decimal that reads back as it): ``0.1`` is
    1/10, not the float nearest it. A model's numbers are written as decimals, and read this
    way they keep the sums they have there: the slack of ``z >= 1`` with ``z`` in
    ``[0.01, 5]`` has the bound ``1 - 0.01``, the float 0.99, which the vertex ``z = 0.01``,
    ``s = 0.99`` meets in decimals but breaks by 2e-18 in the floats' own fractions (so no
    vertex there could be confirmed)."""
    return Fraction(repr(float(value)))


def _fraction(value: float) -> Bound:
    return None if np.isinf(value) else decimal(value)


class RationalProgram:
    """A linear program's rows and bounds, exactly, in the order of HiGHS's model (the
    inequality rows, the equality rows, then one row per objective, unbounded). Each row is
    kept in whole numbers with the scale it was multiplied by (row ``i``'s coefficient of
    column ``j`` is ``rows[i][j] / scales[i]``): sums of whole numbers are many times faster
    than of fractions."""

    def __init__(self, problem: LinearProblem):
        A = sparse.vstack([problem.A_ub, problem.A_eq, problem.C]).tocsr()
        self.rows: list[dict[int, int]] = []
        self.scales: list[int] = []
        for i in range(A.shape[0]):
            span = slice(A.indptr[i], A.indptr[i + 1])
            row, scale = whole_row({int(j): decimal(a) for j, a in
                                    zip(A.indices[span], A.data[span], strict=True) if a != 0})
            self.rows.append(row)
            self.scales.append(scale)
        self.lower = [_fraction(v) for v in problem.lower]  # type: ignore[union-attr]
        self.upper = [_fraction(v) for v in problem.upper]  # type: ignore[union-attr]
        b_ub: list[Bound] = [decimal(v) for v in problem.b_ub]
        b_eq: list[Bound] = [decimal(v) for v in problem.b_eq]  # type: ignore[union-attr]
        none: list[Bound] = [None] * problem.n_obj
        self.row_lower: list[Bound] = [None] * len(b_ub) + b_eq + none
        self.row_upper: list[Bound] = b_ub + b_eq + none
        self.c0 = [decimal(v) for v in problem.c0]
        self.first_objective_row = len(b_ub) + len(b_eq)
        self.n_obj = problem.n_obj

    def certify(self, col_status: Sequence[int], row_status: Sequence[int],
                weights: Sequence[Fraction], face: Face | None = None) -> Vertex | None:
        """The basis's vertex when it minimizes ``weights @ f`` over ``face`` (the whole
        region: None) exactly; None when it does not (or the basis is singular)."""
        face = face or Face()
        bounds = _Bounds(*_held(self.lower, self.upper, face.columns),
                         *_held(self.row_lower, self.row_upper, face.rows))
        basic_cols = [j for j, s in enumerate(col_status) if s == BASIC]
        active = [i for i, s in enumerate(row_status) if s != BASIC]
        if len(active) != len(basic_cols):
            return None
        x = self._vertex(col_status, row_status, basic_cols, active, bounds)
        if x is None:
            return None
        numerators, denominator = whole(x)
        if not self._feasible(x, numerators, denominator, row_status, bounds):
            return None
        duals = self._duals(weights, basic_cols, active)
        if duals is None:
            return None
        reduced, y = duals
        if not all(_sign_allowed(reduced.get(j, Fraction(0)), s, bounds.lower[j],
                                 bounds.upper[j]) for j, s in enumerate(col_status) if s != BASIC):
            return None
        if not all(_sign_allowed(y[i], row_status[i], bounds.row_lower[i], bounds.row_upper[i])
                   for i in active):
            return None
        # complementary slackness: every optimum keeps each column and row whose reduced cost
        # or dual is not 0 where this vertex has it
        optima = Face({**face.columns, **{j: x[j] for j, s in enumerate(col_status)
                                          if s != BASIC and reduced.get(j, Fraction(0))}},
                      {**face.rows, **{i: level for i in active if y[i] and (
                          level := _at(row_status[i], bounds.row_lower[i],
                                       bounds.row_upper[i])) is not None}})
        first = self.first_objective_row
        f = tuple(self._activity(first + k, numerators, denominator) + self.c0[k]
                  for k in range(self.n_obj))
        return Vertex(tuple(x), f, optima)

    def _activity(self, i: int, numerators: list[int], denominator: int) -> Fraction:
        """Row ``i``'s value at the point ``numerators / denominator``."""
        total = sum(a * numerators[j] for j, a in self.rows[i].items())
        return Fraction(total, self.scales[i] * denominator)

    def _vertex(self, col_status: Sequence[int], row_status: Sequence[int],
                basic_cols: list[int], active: list[int], bounds: _Bounds
                ) -> list[Fraction] | None:
        """The basic solution: each nonbasic column at its bound, the basic ones solving the
        active rows at theirs."""
        x: list[Fraction] = []
        for j, status in enumerate(col_status):
            value = _at(status, bounds.lower[j], bounds.upper[j])
            if value is None:
                return None
            x.append(value)
        basic = set(basic_cols)
        nonbasic, scale = whole([v for j, v in enumerate(x) if j not in basic])
        at = dict(zip((j for j in range(len(x)) if j not in basic), nonbasic, strict=True))
        equations, rhs = [], []
        for i in active:
            level = _at(row_status[i], bounds.row_lower[i], bounds.row_upper[i])
            if level is None:
                return None
            row = self.rows[i]
            equations.append({j: a for j, a in row.items() if j in basic})
            rest = sum(a * at[j] for j, a in row.items() if j not in basic)
            rhs.append(level * self.scales[i] - Fraction(rest, scale))
        solution = solve(equations, rhs, basic_cols)
        if solution is None:
            return None
        for j, value in solution.items():
            x[j] = value
        return x

    def _feasible(self, x: list[Fraction], numerators: list[int], denominator: int,
                  row_status: Sequence[int], bounds: _Bounds) -> bool:
        """Whether ``x`` (``numerators / denominator``) lies within every column's and every
        basic row's bounds."""
        if not all(_within(v, low, high) for v, low, high in
                   zip(x, bounds.lower, bounds.upper, strict=True)):
            return False
        return all(_within(self._activity(i, numerators, denominator), bounds.row_lower[i],
                           bounds.row_upper[i])
                   for i, s in enumerate(row_status) if s == BASIC)

    def _duals(self, weights: Sequence[Fraction], basic_cols: list[int], active: list[int]
               ) -> tuple[dict[int, Fraction], dict[int, Fraction]] | None:
        """The reduced costs of ``weights @ f`` (column -> value, 0 where absent) and the
        active rows' duals that make every basic column's 0 (each in the units of the row's
        whole numbers: its sign is the dual's); None when singular."""
        first = self.first_objective_row
        cost: dict[int, Fraction] = {}
        for k, w in enumerate(weights):
            if w:
                share = w / self.scales[first + k]
                for j, a in self.rows[first + k].items():
                    cost[j] = cost.get(j, Fraction(0)) + share * a
        basic = set(basic_cols)
        columns: dict[int, dict[int, int]] = {j: {} for j in basic_cols}
        for i in active:
            for j, a in self.rows[i].items():
                if j in basic:
                    columns[j][i] = a
        y = solve([columns[j] for j in basic_cols],
                  [cost.get(j, Fraction(0)) for j in basic_cols], active)
        if y is None:
            return None
        numerators, denominator = whole([y[i] for i in active])
        sums: dict[int, int] = {}
        for i, value in zip(active, numerators, strict=True):
            if value:
                for j, a in self.rows[i].items():
                    if j not in basic:
                        sums[j] = sums.get(j, 0) + value * a
        reduced = {j: cost.get(j, Fraction(0)) - Fraction(sums.get(j, 0), denominator)
                   for j in cost.keys() | sums.keys() if j not in basic}
        return reduced, y


@dataclass(frozen=True)
class _Bounds:
    lower: list[Bound]
    upper: list[Bound]
    row_lower: list[Bound]
    row_upper: list[Bound]


def _held(lower: list[Bound], upper: list[Bound], held: dict[int, Fraction]
          ) -> tuple[list[Bound], list[Bound]]:
    """The bounds with each held one at its value."""
    return ([held.get(i, v) for i, v in enumerate(lower)],
            [held.get(i, v) for i, v in enumerate(upper)])


def _at(status: int, low: Bound, high: Bound) -> Fraction | None:
    """A nonbasic column's or row's value at the bound its status names (None: no such bound);
    a basic one's placeholder 0."""
    if status in (BASIC, ZERO):
        return Fraction(0)
    return {LOWER: low, UPPER: high}.get(status)


def _within(value: Fraction, low: Bound, high: Bound) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _sign_allowed(reduced: Fraction, status: int, low: Bound, high: Bound) -> bool:
    """Whether a nonbasic reduced cost (or an active row's dual) proves no move off its bound
    lowers the objective: at the lower bound it must be nonnegative, at the upper
    nonpositive; a fixed one may have any sign, a free one only 0."""
    if low is not None and low == high:
        return True
    if status == LOWER:
        return reduced >= 0
    if status == UPPER:
        return reduced <= 0
    return reduced == 0
