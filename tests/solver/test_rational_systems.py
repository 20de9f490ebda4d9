"""Square sparse systems solved exactly in whole numbers (mooc.solver.rational_systems)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from mooc.solver.rational_systems import solve


def test_whole_number_elimination_agrees_with_fractions():
    rng = np.random.default_rng(0)
    for size in (1, 2, 5, 12):
        M = rng.integers(-4, 5, (size, size)) * (rng.random((size, size)) < 0.5)
        M[np.arange(size), np.arange(size)] = rng.integers(1, 4, size)  # rarely singular
        rhs = [Fraction(int(v), int(d)) for v, d in zip(rng.integers(-9, 9, size),
                                                       rng.integers(1, 7, size), strict=True)]
        rows = [{j: int(a) for j, a in enumerate(row) if a} for row in M]
        x = solve(rows, rhs, list(range(size)))
        if x is None:
            assert abs(np.linalg.det(M)) < 1e-9
            continue
        for row, value in zip(rows, rhs, strict=True):
            assert sum(a * x[j] for j, a in row.items()) == value


def test_a_singular_system_has_no_solution():
    assert solve([{0: 1, 1: 2}, {0: 2, 1: 4}], [Fraction(1), Fraction(2)], [0, 1]) is None
