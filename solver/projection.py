"""Moving new points onto the problem's equality constraints before they are evaluated.

A stochastic search almost never lands on ``h(x) = 0``; so every offspring is moved onto it:

* Linear equalities only (``sum(w) == 1``): the exact Euclidean projection (in span units)
  onto ``{x : A x = b, lower <= x <= upper}``, by a semismooth Newton method on its dual
  (Cominetti, Mascarenhas and Silva's method for one equality, "A Newton's method for the
  continuous quadratic knapsack problem", Math. Prog. Comp. 2014, with an m x m system for m
  equalities and a backtracking line search on the dual). It costs no evaluation: ``A`` and
  ``b`` are read from the model once.
* Any nonlinear equality: Gauss-Newton steps ``x <- x - J^+ h(x)`` (the least move, in span
  units, that zeroes the linearized equalities, linear ones included), variables pushed
  against a bound held there, until the step is tiny (the next residual is then about its
  square). Each step costs one gradient evaluation per point.

An equality with a tolerance (``h == 0 tol t``) holds on the band ``|h| <= t``: a point inside it
stays where it is, and one outside is moved onto the band's nearer edge (``h = t`` or
``h = -t``), not onto ``h = 0``, so the band's other points stay within the search's reach.

Integer, binary and choice columns never move (:mod:`mooc.solver.gradients`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mooc.solver.gradients import Gradients

#: Most Newton iterations of the affine projection (it usually needs two or three).
AFFINE_ITERATIONS = 60
#: Up to this many equalities the Newton systems are summed by one ``einsum``; with more, it
#: would take N m^2 n multiplications in a plain loop (2 s an iteration for 80 equalities over
#: 2,025 variables at 100 points), so they are summed over the nonzeros of A that share a
#: column, or by matrix products where A is dense.
EINSUM_MOST_EQUALITIES = 8
#: Floats per block of the dense matrix products (rows x equalities x variables).
_BLOCK = 1 << 22
#: Most Gauss-Newton steps per point.
NEWTON_STEPS = 6
#: A Gauss-Newton step below this (span units, largest component) ends the steps: the
#: residual after it is of the order of its square.
NEWTON_SMALL = 1e-5
#: A Gauss-Newton step is cut to at most this (span units), to stay where the linearization
#: means something.
NEWTON_LARGEST = 0.5
#: A point is moved this fraction of an equality's tolerance inside the band's edge.
BAND_MARGIN = 1e-6


def beyond_band(h: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """How far each residual ``h`` lies beyond its band ``[-tolerance, tolerance]``, narrowed
    by :data:`BAND_MARGIN` so that a point moved to its edge does not end a rounding error
    outside (signed; 0 inside): the part a projection has to remove.

    Examples
    --------
    >>> beyond_band(np.array([[0.5, -3.0, 1.0]]), np.array([1.0, 1.0, 0.0])).round(3).tolist()
    [[0.0, -2.0, 1.0]]
    """
    edge = tolerance * (1.0 - BAND_MARGIN)
    return h - np.clip(h, -edge, edge)  # type: ignore[no-any-return]


def _solve(H: np.ndarray, r: np.ndarray) -> np.ndarray:
    """H^-1 r for each of a stack of small systems, regularized against singular ones."""
    m = H.shape[-1]
    scale = np.trace(H, axis1=-2, axis2=-1)[..., None, None] / m
    regular = H + (1e-12 * (1.0 + scale)) * np.eye(m)
    sound = np.isfinite(regular).all(axis=(-2, -1)) & np.isfinite(r).all(axis=-1)
    out = np.full(r.shape, np.nan)
    if sound.any():
        try:
            out[sound] = np.linalg.solve(regular[sound], r[sound][..., None])[..., 0]
        except np.linalg.LinAlgError:  # singular beyond the regularization: no step
            pass
    return out


def project_affine_box(Y: np.ndarray, A: np.ndarray, b: np.ndarray, lower: np.ndarray,
                       upper: np.ndarray) -> np.ndarray:
    """The closest point to each row of ``Y`` (N, n) in ``{x : A x = b, lower <= x <= upper}``
    (``b`` (N, m), bounds (N, n) or (n,)); where that set is empty, a point of the box near it.

    Examples
    --------
    >>> Y = np.array([[0.5, 0.5, 0.5], [2.0, 0.0, 0.0]])
    >>> X = project_affine_box(Y, np.ones((1, 3)), np.ones((2, 1)), np.zeros(3), np.ones(3))
    >>> np.round(X, 6).tolist()
    [[0.333333, 0.333333, 0.333333], [1.0, 0.0, 0.0]]
    """
    lam = np.zeros((Y.shape[0], A.shape[0]))
    weighted_grams = _weighted_grams(A)
    damping = 1e-6 * (A @ A.T)  # a little of A A^T (see the Newton step below)

    def primal(multipliers: np.ndarray) -> np.ndarray:
        return np.clip(Y + multipliers @ A, lower, upper)

    def dual(multipliers: np.ndarray, X: np.ndarray) -> np.ndarray:
        return 0.5 * ((X - Y) ** 2).sum(axis=1) - (multipliers * (X @ A.T - b)).sum(axis=1)

    X = primal(lam)
    residual = X @ A.T - b
    tolerance = 1e-13 * (1.0 + np.abs(b).max(axis=1) + np.abs(X).sum(axis=1) * np.abs(A).max())
    stuck = np.zeros(Y.shape[0], dtype=bool)  # rows no step moves any more: the set is empty
    for _ in range(AFFINE_ITERATIONS):
        live = (np.abs(residual).max(axis=1) > tolerance) & ~stuck
        if not live.any():
            break
        inner = Y + lam @ A
        free = ((inner > lower) & (inner < upper)).astype(float)
        # the generalized Hessian A D A^T, plus a little of A A^T: a damped Newton step, an
        # ascent direction of the dual even where D leaves A D A^T singular
        hessian = weighted_grams(free) + damping
        step = _solve(hessian, residual)
        value, size = dual(lam, X), np.ones(Y.shape[0])
        rise = (residual * step).sum(axis=1)  # the dual's slope along the step
        for _ in range(80):  # backtrack: Armijo on the dual (or, at roundoff, a lesser residual)
            trial = lam - size[:, None] * step
            X_trial = primal(trial)
            trial_residual = X_trial @ A.T - b
            trial_value = dual(trial, X_trial)
            better = (trial_value >= value + 1e-4 * size * rise) | \
                ((np.abs(trial_residual).max(axis=1) < np.abs(residual).max(axis=1)) &
                 (trial_value >= value - 1e-12 * (1.0 + np.abs(value))))
            if (better | ~live).all():
                break
            size = np.where(better | ~live, size, size / 2)
        take = live & better
        stuck |= take & _saturated(Y + trial @ A, trial_residual, A, damping, lower,
                                           upper)
        lam[take], X[take], residual[take] = trial[take], X_trial[take], trial_residual[take]
        if not take.any():
            break
    return X


def _weighted_grams(A: np.ndarray) -> Any:
    """The function of ``W`` (N, n) that gives ``A diag(W[k]) A^T`` for each row k (N, m, m):
    the Newton systems of :func:`project_affine_box`."""
    m, n = A.shape
    if m <= EINSUM_MOST_EQUALITIES:
        return lambda W: np.einsum("in,pn,jn->pij", A, W, A)
    counts = np.count_nonzero(A, axis=0)
    if 4 * int((counts ** 2).sum()) <= m * m * n:  # few equalities share each variable
        products = _column_products(A, counts)
        return lambda W: np.asarray(W @ products).reshape(-1, m, m)

    def blocked(W: np.ndarray) -> np.ndarray:
        out = np.empty((W.shape[0], m, m))
        step = max(1, _BLOCK // (m * n))
        for start in range(0, W.shape[0], step):
            out[start:start + step] = (A[None] * W[start:start + step, None, :]) @ A.T
        return out

    return blocked


def _column_products(A: np.ndarray, counts: np.ndarray) -> Any:
    """The sparse (n, m*m) matrix holding ``A[i, c] * A[j, c]`` at ``(c, i * m + j)``, for
    each pair of nonzeros ``A[i, c]``, ``A[j, c]`` of a column (``counts``: its nonzeros)."""
    import scipy.sparse

    m, n = A.shape
    column, row = np.nonzero(A.T)  # by column, then row
    values = A[row, column]
    first = np.cumsum(counts) - counts  # each column's first nonzero
    pairs = counts ** 2
    owner = np.repeat(np.arange(n), pairs)
    within = np.arange(int(pairs.sum())) - np.repeat(np.cumsum(pairs) - pairs, pairs)
    size = counts[owner]
    a, b = first[owner] + within // size, first[owner] + within % size
    return scipy.sparse.csr_matrix((values[a] * values[b], (owner, row[a] * m + row[b])),
                                   shape=(n, m * m))


def _saturated(inner: np.ndarray, residual: np.ndarray, A: np.ndarray, damping: np.ndarray,
               lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Rows no further step can move (the set is empty there): every variable in the
    equalities is clipped at a bound (``inner``, the unclipped point), so the next Newton
    system is the damping alone, and its step for ``residual`` pushes each further beyond its
    bound. The point then stays, the residual too, and every later step is the same one."""
    used = (A != 0).any(axis=0)
    clipped = (inner >= upper) | (inner <= lower)
    rows = (clipped | ~used).all(axis=1)
    if not rows.any():
        return rows
    back = _solve(np.broadcast_to(damping, (int(rows.sum()),) + (A.shape[0],) * 2),
                  residual[rows]) @ A  # the step moves the point by -back (times its size)
    part = (slice(None),) if np.ndim(upper) == 1 else (rows,)
    outward = ((inner[rows] >= upper[part]) & (back <= 0)) | \
        ((inner[rows] <= lower[part]) & (back >= 0)) | ~used
    rows[rows] = outward.all(axis=1)
    return rows


@dataclass
class EqualityProjection:
    """Moves points onto the equality constraints of a problem with derivatives."""

    gradients: Gradients
    rows: np.ndarray  # the equality constraints' rows
    nonlinear: bool
    A: np.ndarray | None = None  # linear equalities: A x = b, read once
    b: np.ndarray | None = None
    #: gradient evaluations per projected point so far (for planning a generation)
    cost: float = 0.0
    #: whether the nonlinear rows were checked for continuous variables to move
    checked: bool = False

    @classmethod
    def of(cls, gradients: Gradients | None) -> EqualityProjection | None:
        """The projection for ``gradients``'s problem, or None when it has no equality (or
        cannot tell the residuals)."""
        if gradients is None or not gradients.has_residuals or not gradients.equality.any():
            return None
        rows = np.flatnonzero(gradients.equality)
        nonlinear = bool((~gradients.linear[rows]).any())
        return cls(gradients, rows, nonlinear, cost=3.0 if nonlinear else 0.0)

    def project(self, X: np.ndarray, /, *, limit: int | None = None) -> np.ndarray:
        """``X`` moved onto the equalities; a nonlinear projection spends at most ``limit``
        gradient evaluations (None: no limit)."""
        if X.shape[0] == 0 or not self.rows.size:
            return X
        if self.nonlinear:
            before = self.gradients.count
            out = self.newton(X, limit)
            spent = (self.gradients.count - before) / X.shape[0]
            self.cost = 0.7 * self.cost + 0.3 * spent
            return out
        return self.affine(X)

    def state_dict(self) -> dict[str, Any]:
        """What the projection has learned (JSON-able): a resumed run must project exactly as
        the run it goes on with, and ``b`` read at another point may differ in its last bits."""
        return {"rows": self.rows.tolist(), "nonlinear": self.nonlinear,
                "checked": self.checked, "cost": self.cost,
                "A": None if self.A is None else [list(self.A.shape), self.A.ravel().tolist()],
                "b": None if self.b is None else self.b.tolist()}

    def load_state(self, saved: dict[str, Any]) -> None:
        """Go on with what :meth:`state_dict` saved."""
        self.rows = np.asarray(saved["rows"], dtype=np.intp)
        self.nonlinear, self.checked = bool(saved["nonlinear"]), bool(saved["checked"])
        self.cost = float(saved["cost"])
        if saved["A"] is not None:
            shape, values = saved["A"]
            self.A = np.asarray(values, dtype=float).reshape(shape)
            self.b = np.asarray(saved["b"], dtype=float)

    # linear ------------------------------------------------------------------------------
    def read_linear(self, X: np.ndarray) -> None:
        """``A`` and ``b`` of the linear equalities, from the model at one point (the
        model's constants: not counted as an evaluation)."""
        g = self.gradients
        point = np.nan_to_num(X[:1], nan=0.0)
        problem = g.problem
        _, JG = problem.jacobian(point)  # type: ignore[attr-defined]
        G = problem.constraint_residuals(point)  # type: ignore[attr-defined]
        A = np.asarray(JG, dtype=float).reshape(1, problem.n_hard, -1)[0, self.rows]
        self.A = A
        self.b = A @ point[0] - np.asarray(G, dtype=float).reshape(-1)[self.rows]

    def affine(self, X: np.ndarray) -> np.ndarray:
        if self.A is None:
            self.read_linear(X)
        assert self.A is not None and self.b is not None
        g = self.gradients
        cols = g.columns
        fixed = np.ones(X.shape[1], dtype=bool)
        fixed[cols] = False
        known = np.nan_to_num(X, nan=0.0)
        # the target of each point: the nearer edge of its equalities' bands (itself inside)
        residual = known @ self.A.T - self.b
        target = self.b + (residual - beyond_band(residual, g.tolerance[self.rows]))
        # A x = target with x = lower + span * z on the moving columns, the others as they are
        b = target - known[:, fixed] @ self.A[:, fixed].T - self.A[:, cols] @ g.lower
        Y = (known[:, cols] - g.lower) / g.span
        stuck = ~np.isfinite(X[:, cols])  # a variable that does not exist stays as it is
        lower = np.where(stuck, Y, 0.0)
        upper = np.where(stuck, Y, 1.0)
        Z = project_affine_box(Y, self.A[:, cols] * g.span, b, lower, upper)
        out = g.from_unit(X, Z)
        out[:, cols] = np.where(stuck, X[:, cols], out[:, cols])
        return out

    # nonlinear ---------------------------------------------------------------------------
    def newton(self, X: np.ndarray, limit: int | None) -> np.ndarray:
        g = self.gradients
        X = np.array(X, dtype=float)
        live = np.arange(X.shape[0])
        spent = 0
        for _ in range(NEWTON_STEPS):
            if limit is not None:
                live = live[:max(0, limit - spent)]
            if not live.size:
                break
            spent += live.size
            linear = g.linearize(X[live])
            if not self.checked:
                self._keep_movable_rows(linear.JG)
                if not self.rows.size:
                    break
            h = beyond_band(linear.G[:, self.rows], g.tolerance[self.rows])
            Z = g.unit(X[live])
            step = _least_step(h, linear.JG[:, self.rows], Z)
            ok = np.isfinite(step).all(axis=1) & np.isfinite(h).all(axis=1)
            step = np.where(ok[:, None], step, 0.0)
            moved = g.from_unit(X[live], Z + step)
            X[live] = np.where(np.isfinite(X[live]), moved, X[live])
            settled = ~ok | (np.abs(step).max(axis=1) < NEWTON_SMALL)
            live = live[~settled]
        return X


    def _keep_movable_rows(self, JG: np.ndarray) -> None:
        """Keep only the equalities some continuous variable moves, judged at the first points
        projected: one on integer, binary or choice variables alone is the search's to meet,
        and projecting it would spend gradient evaluations on steps of zero."""
        J = JG[:, self.rows]
        moves = (np.isfinite(J) & (J != 0)).any(axis=(0, 2))
        self.rows = self.rows[moves]
        self.nonlinear = bool((~self.gradients.linear[self.rows]).any())
        self.checked = True


def _least_step(h: np.ndarray, J: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """For each point, the least step (span units) that zeroes ``h + J step`` with the
    variables pushed against a bound held there, cut to :data:`NEWTON_LARGEST`."""
    usable = np.isfinite(J) & np.isfinite(Z)[:, None, :]
    J = np.where(usable, J, 0.0)
    h = np.nan_to_num(h)
    free = np.isfinite(Z)
    step = np.zeros(Z.shape)
    for _ in range(3):
        Jf = J * free[:, None, :]
        y = _solve(Jf @ Jf.transpose(0, 2, 1), h)
        step = -(Jf.transpose(0, 2, 1) @ y[..., None])[..., 0]
        blocked = free & (((Z <= 0) & (step < 0)) | ((Z >= 1) & (step > 0)))
        if not blocked.any():
            break
        free &= ~blocked
    largest = np.abs(step).max(axis=1, keepdims=True)
    return np.where(largest > NEWTON_LARGEST, step * (NEWTON_LARGEST / np.maximum(largest, 1e-300)),
                    step)
