"""The exact solver's problem protocol: plain matrices, minimization form.

``minimize (C @ x + c0)`` (each row one objective) subject to ``A_ub @ x <= b_ub``,
``A_eq @ x == b_eq``, ``lower <= x <= upper`` and ``x[j]`` whole where ``integral[j]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import sparse

#: Largest denominator accepted when reading a coefficient as a fraction.
_DENOMINATOR = 10**6


@dataclass(frozen=True)
class LinearProblem:
    """A multi-objective (mixed-integer) linear program; see the module's docstring.

    Examples
    --------
    >>> import numpy as np
    >>> problem = LinearProblem(np.array([[-3.0, -2.0], [1.0, 1.0]]), np.zeros(2),
    ...                         np.array([[1.0, 1.0]]), np.array([1.5]), lower=np.zeros(2),
    ...                         upper=np.ones(2), integral=np.array([True, True]))
    >>> problem.n_obj, problem.n_var, granularity(problem, 0), granularity(problem, 1)
    (2, 2, 1.0, 1.0)
    """

    C: sparse.csr_array | np.ndarray
    c0: np.ndarray
    A_ub: sparse.csr_array | np.ndarray
    b_ub: np.ndarray
    A_eq: sparse.csr_array | np.ndarray | None = None
    b_eq: np.ndarray | None = None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    integral: np.ndarray | None = None

    def __post_init__(self) -> None:
        C = sparse.csr_array(self.C, dtype=float)
        n = C.shape[1]
        set_ = object.__setattr__
        set_(self, "C", C)
        set_(self, "c0", np.asarray(self.c0, dtype=float).reshape(-1))
        set_(self, "A_ub", sparse.csr_array(self.A_ub, dtype=float) if self.A_ub is not None
             else sparse.csr_array((0, n)))
        set_(self, "b_ub", np.asarray(self.b_ub, dtype=float).reshape(-1))
        set_(self, "A_eq", sparse.csr_array(self.A_eq, dtype=float) if self.A_eq is not None
             else sparse.csr_array((0, n)))
        set_(self, "b_eq", np.zeros(0) if self.b_eq is None
             else np.asarray(self.b_eq, dtype=float).reshape(-1))
        set_(self, "lower", np.zeros(n) if self.lower is None else np.asarray(self.lower, float))
        set_(self, "upper", np.full(n, np.inf) if self.upper is None
             else np.asarray(self.upper, float))
        set_(self, "integral", np.zeros(n, dtype=bool) if self.integral is None
             else np.asarray(self.integral, dtype=bool))
        self._check(n)

    def _check(self, n: int) -> None:
        shapes = {"c0": (self.c0.shape, (self.C.shape[0],)),
                  "A_ub": (self.A_ub.shape, (self.b_ub.shape[0], n)),
                  "A_eq": (self.A_eq.shape, (self.b_eq.shape[0], n)),  # type: ignore[union-attr]
                  "lower": (self.lower.shape, (n,)), "upper": (self.upper.shape, (n,)),  # type: ignore[union-attr]
                  "integral": (self.integral.shape, (n,))}  # type: ignore[union-attr]
        for name, (actual, expected) in shapes.items():
            if actual != expected:
                raise ValueError(f"'{name}' must have shape {expected}, but has shape {actual}")
        if self.C.shape[0] < 1:
            raise ValueError("'C' must have at least one objective row")
        if np.any(self.lower > self.upper):  # type: ignore[operator]
            raise ValueError("'lower' must not exceed 'upper'")

    n_obj = property(lambda self: int(self.C.shape[0]))
    n_var = property(lambda self: int(self.C.shape[1]))

    def objectives(self, X: np.ndarray, /) -> np.ndarray:
        """The objective vectors of points X (N, n_var)."""
        # the sparse matrix times the points: several times cheaper than the points times its
        # transpose, which scipy builds anew on every call
        return np.asarray((self.C @ X.T).T, dtype=float) + self.c0

    def box(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounds on each objective over the variables' box (possibly infinite)."""
        dense = self.C.toarray()  # type: ignore[union-attr]
        with np.errstate(invalid="ignore"):
            low = np.where(dense > 0, dense * self.lower, dense * self.upper)
            high = np.where(dense > 0, dense * self.upper, dense * self.lower)
        low = np.where(dense == 0, 0.0, low).sum(axis=1) + self.c0
        high = np.where(dense == 0, 0.0, high).sum(axis=1) + self.c0
        return low, high


def _fraction(value: float) -> Fraction | None:
    """The fraction with the smallest denominator (up to a million) among the continued
    fraction's convergents of ``value`` that lie within 1e-12 of its size, or None.

    Not the closest fraction with a denominator up to a million: a float above a million or
    so is itself such a fraction (``2e5 / 3e-5`` is ``3495253333333333 / 524288``), and
    taking it for ``2e10 / 3`` would make the objective's step hundreds of thousands of
    times finer than it is."""
    tolerance = 1e-12 * max(1.0, abs(value))
    exact = Fraction(value)
    h, h_before, k, k_before = exact.numerator // exact.denominator, 1, 1, 0
    rest = exact - h
    while k <= _DENOMINATOR:
        if abs(Fraction(h, k) - exact) <= tolerance:
            return Fraction(h, k)
        rest = 1 / rest  # not zero: the convergent h / k would have been exact
        term = rest.numerator // rest.denominator
        rest -= term
        h, h_before, k, k_before = term * h + h_before, h, term * k + k_before, k
    return None


def granularity(problem: LinearProblem, k: int, /) -> float | None:
    """The step between values objective ``k`` can take: the greatest common divisor of its
    coefficients when every column it uses is integral and every coefficient, over the
    smallest, a fraction with a denominator up to a million (so the answer does not depend
    on the objective's units: coefficients 1e-9 and 3e-9 have the step 1e-9); None when its
    values are not on such a lattice."""
    row = sparse.csr_array(problem.C[[k]])
    columns, values = row.indices[row.data != 0], row.data[row.data != 0]
    if not values.size:
        return 1.0
    if not np.all(problem.integral[columns]):  # type: ignore[index]
        return None
    smallest = float(np.abs(values).min())
    fractions = [_fraction(float(v) / smallest) for v in values]
    if any(f is None for f in fractions):
        return None
    numerators = [abs(f.numerator) for f in fractions if f is not None]
    denominators = [f.denominator for f in fractions if f is not None]
    common = math.lcm(*denominators)
    step = math.gcd(*(n * (common // d) for n, d in zip(numerators, denominators, strict=True)))
    return smallest * step / common
