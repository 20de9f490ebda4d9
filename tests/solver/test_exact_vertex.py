"""Fronts of linear programs whose vertices HiGHS's tolerances cannot tell apart (objective
coefficients spanning 1e5 to 1e9), against an exact reference computed here in fractions:
every vertex of the feasible region (every choice of active bounds and rows, solved exactly),
their images, the non-dominated ones and the corners of their convex chain. And the rational
machinery that confirms HiGHS's optima (mooc.solver.exact_vertex)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from scipy.optimize import linprog

import mooc
from mooc.solver import exact_search
from mooc.solver.exact import exact_front
from mooc.solver.exact_vertex import decimal
from mooc.solver.linear import LinearProblem


def _solved(rows: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """The solution of a square system by Gauss-Jordan elimination in fractions, or None."""
    n = len(rows)
    M = [list(row) + [value] for row, value in zip(rows, rhs, strict=True)]
    for c in range(n):
        pivot = next((r for r in range(c, n) if M[r][c] != 0), None)
        if pivot is None:
            return None
        M[c], M[pivot] = M[pivot], M[c]
        for r in range(n):
            if r != c and M[r][c] != 0:
                factor = M[r][c] / M[c][c]
                M[r] = [a - factor * p for a, p in zip(M[r], M[c], strict=True)]
    return [M[i][n] / M[i][i] for i in range(n)]


def _vertices(A: list[list[Fraction]], b: list[Fraction], upper: list[Fraction]
              ) -> list[tuple[Fraction, ...]]:
    """Every vertex of ``{0 <= x <= upper, A x <= b}``, exactly."""
    n = len(upper)
    planes = [([Fraction(-(j == k)) for k in range(n)], Fraction(0)) for j in range(n)]
    planes += [([Fraction(j == k) for k in range(n)], upper[j]) for j in range(n)]
    planes += list(zip(A, b, strict=True))
    found = set()
    for chosen in itertools.combinations(planes, n):
        x = _solved([row for row, _ in chosen], [value for _, value in chosen])
        if x is None:
            continue
        point = tuple(x)
        if all(sum(a * v for a, v in zip(row, point, strict=True)) <= value
               for row, value in planes):
            found.add(point)
    return sorted(found)


def _front_corners(C: list[list[Fraction]], points) -> list[tuple[Fraction, Fraction]]:
    """The corners of the convex chain of the non-dominated images of ``points``."""
    images = sorted({tuple(sum(c * v for c, v in zip(row, x, strict=True)) for row in C)
                     for x in points})
    front: list[tuple[Fraction, ...]] = []
    for p in images:
        if not front or p[1] < front[-1][1]:
            front.append(p)
    chain: list[tuple[Fraction, ...]] = []
    for p in front:
        while len(chain) >= 2:
            (x1, y1), (x2, y2) = chain[-2], chain[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                chain.pop()
            else:
                break
        chain.append(p)
    return chain  # type: ignore[return-value]


# (C, A, b, upper): HiGHS's tolerances once hid a vertex of each, on a front called proven
WIDE = [
    # f = x1 + x2 + x3, g = -(1e7 x1 + 2 x2 + x3): the vertex (2, -1e7 - 2) was missed (its
    # weighted sum was 0.2 below the segment, the margin 4)
    ([[1, 1, 1], [-10**7, -2, -1]], [], [], [1, 1, 1]),
    # the end best in g: HiGHS's x2 = 2.00000001 broke 2 x1 + 2 x2 <= 4 by 2e-8, a point
    # that dominated both true vertices
    ([[10**8, decimal(np.sqrt(2)), 0], [Fraction(-1, 2), Fraction(-1, 2), -10**8]],
     [[0, 2, 2], [1, 1, -1]], [4, 2], [2, 1, 3]),
    # HiGHS failed (status unknown) on the second solve of the end best in f0, under the bound
    # f0 <= its optimum: no point at all
    ([[2, -10**8], [-10**6, Fraction(1, 10)]], [], [], [2, 2]),
    # a vertex 1.5 above the segment in f1 (of 6e8), missed
    ([[-5, -1, -5, -decimal(np.sqrt(2))], [200000007, Fraction(1, 2), -10**8, Fraction(1, 10)]],
     [], [], [3, 3, 2, 3]),
    # the second solve of the end best in f1, under the bound f1 <= its optimum rounded down,
    # took a point 4e-9 outside c1
    ([[0, Fraction(-7, 4), 0, Fraction(-1, 2)],
      [-123456789, 1, Fraction(1, 2), Fraction(1, 10)]],
     [[3, 2, -1, -2], [3, 2, -1, 0]], [2, 5], [2, 1, 1, 3]),
]


@pytest.mark.parametrize(("C", "A", "b", "upper"), WIDE)
def test_fronts_of_objectives_spanning_1e9_are_every_exact_vertex(C, A, b, upper):
    C = [[Fraction(c) for c in row] for row in C]
    A = [[Fraction(a) for a in row] for row in A]
    b, upper = [Fraction(v) for v in b], [Fraction(v) for v in upper]
    expected = np.array(_front_corners(C, _vertices(A, b, upper)), dtype=float)
    n = len(upper)
    problem = LinearProblem(np.array(C, dtype=float), np.zeros(2),
                            np.array(A, dtype=float).reshape(-1, n), np.array(b, dtype=float),
                            lower=np.zeros(n), upper=np.array(upper, dtype=float))
    result = exact_front(problem)
    assert result.algorithm == "dichotomy" and result.proven, result.message
    assert result.F.shape == expected.shape
    np.testing.assert_allclose(result.F, expected, rtol=1e-12, atol=1e-12)
    if A:  # every point holds the rows, to rounding
        assert np.all(result.X @ np.array(A, dtype=float).T <= np.array(b, dtype=float) + 1e-12)


def test_a_wide_front_is_proven_from_a_model_file_too():
    problem = mooc.compile("var x1 in [0, 1]\nvar x2 in [0, 1]\nvar x3 in [0, 1]\n"
                           "minimize f: x1 + x2 + x3\nmaximize g: 10000000 * x1 + 2 * x2 + x3\n")
    result = problem.solve()
    assert result.method == "exact" and result.proven and result.segments
    assert result.F.tolist() == [[0.0, 0.0], [1.0, 1e7], [2.0, 1e7 + 2], [3.0, 1e7 + 3]]


def test_no_vertex_of_a_plain_linear_program_is_passed_over():
    """Coefficients of one decimal, twenty columns: a vertex 4e-6 below a segment (in the
    weighted sum normal to it) was passed over, the margin being 1e-6 times the sum of the
    weighted sum's coefficients (about 20), and the front called proven. scipy's linprog
    checks each segment: no point of the region lies below it."""
    rng = np.random.default_rng(3)
    n, m = 20, 10
    A = np.round(rng.uniform(-1, 3, (m, n)), 1) * (rng.random((m, n)) < 0.3)
    C = np.round(rng.uniform(-3, 3, (2, n)), 2)
    problem = LinearProblem(C, np.zeros(2), A, np.round(rng.uniform(5, 20, m), 1),
                            lower=np.zeros(n), upper=np.full(n, 4.0))
    result = exact_front(problem)
    assert result.proven
    for p, q in zip(result.F[:-1], result.F[1:], strict=True):
        weights = np.array([p[1] - q[1], q[0] - p[0]]) / (p[1] - q[1] + q[0] - p[0])
        best = linprog(weights @ C, A_ub=A, b_ub=problem.b_ub, bounds=[(0, 4)] * n)
        assert best.fun >= weights @ p - 1e-9


def test_a_vertex_that_cannot_be_confirmed_leaves_the_front_unproven(monkeypatch):
    monkeypatch.setattr(exact_search.RationalProgram, "certify", lambda *args: None)
    problem = LinearProblem(np.array([[1.0, 1.0, 1.0], [-1e7, -2.0, -1.0]]), np.zeros(2),
                            np.zeros((0, 3)), np.zeros(0), lower=np.zeros(3), upper=np.ones(3))
    result = exact_front(problem)
    assert result.complete and not result.proven
    assert "subproblems could not be confirmed (its tolerances" in result.message


def test_a_model_too_large_to_confirm_says_so(monkeypatch):
    monkeypatch.setattr(exact_search, "MAX_NONZEROS", 5)
    monkeypatch.setattr("mooc.solver.exact.MAX_NONZEROS", 5)
    problem = LinearProblem(np.array([[1.0, 1.0, 1.0], [-3.0, -2.0, -1.0]]), np.zeros(2),
                            np.zeros((0, 3)), np.zeros(0), lower=np.zeros(3), upper=np.ones(3))
    result = exact_front(problem)
    assert not result.proven and "6 nonzero coefficients, more than the 5" in result.message
    assert len(result.F) == 4  # found all the same, as far as HiGHS's tolerances tell


def test_a_float_is_read_as_the_decimal_it_prints_as():
    assert decimal(0.1) == Fraction(1, 10) and decimal(1 - 0.01) == Fraction(99, 100)
    assert decimal(1e-20) == Fraction(1, 10**20) and float(decimal(np.sqrt(2))) == np.sqrt(2)
