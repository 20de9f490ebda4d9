"""A common descent direction: a step that improves every objective at once.

Fliege and Svaiter ("Steepest descent methods for multicriteria optimization", Math. Meth.
Oper. Res. 51, 2000) take the step ``d`` that minimizes ``max_i grad f_i . d + |d|^2 / 2``.
Its dual is the least-norm point of the convex hull of the gradients: ``d = -sum_i w_i grad
f_i`` with ``w`` on the simplex minimizing ``|sum_i w_i grad f_i|``; then ``grad f_i . d <=
-|d|^2`` for every ``i``, and ``d = 0`` exactly where the point is Pareto critical.

Constraints join in the same way: the gradient of each hard constraint that is active (or
violated) is put into the hull with the objectives', so the step does not worsen it either
(the feasible-direction idea of Zoutendijk); equality constraints are kept by taking every
gradient's component along their tangent space; a variable at a bound that the step would
push out of the box is held there. Gradients are taken in span units (see
:mod:`mooc.solver.gradients`) with the objectives divided by their spread on the front, and
each constraint's gradient scaled to the objectives' typical length.
"""

from __future__ import annotations

import numpy as np

#: How strongly the hull's weights are held to a sum of 1 in the least-squares form.
_SIMPLEX_WEIGHT = 1e3


def least_norm_in_hull(V: np.ndarray, /) -> np.ndarray:
    """Weights ``w`` (on the simplex) of the point of least norm in the convex hull of the
    rows of ``V``.

    Examples
    --------
    >>> least_norm_in_hull(np.array([[1.0, 0.0], [0.0, 1.0]])).round(6).tolist()
    [0.5, 0.5]
    >>> least_norm_in_hull(np.array([[2.0, 0.0], [1.0, 0.0]])).round(6).tolist()
    [0.0, 1.0]
    """
    r = V.shape[0]
    if r == 1 or not V.shape[1]:
        return np.full(r, 1.0 / r)
    if r == 2:
        difference = V[0] - V[1]
        squared = float(difference @ difference)
        w = 0.5 if squared == 0 else float(np.clip(-(V[1] @ difference) / squared, 0.0, 1.0))
        return np.array([w, 1.0 - w])
    scale = max(float(np.abs(V).max()), 1e-300)
    rows = np.vstack([V.T / scale, np.full((1, r), _SIMPLEX_WEIGHT)])
    target = np.zeros(rows.shape[0])
    target[-1] = _SIMPLEX_WEIGHT
    from scipy.optimize import nnls  # imported when first needed: it takes a second cold

    w, _ = nnls(rows, target)
    total = w.sum()
    return w / total if total > 0 else np.full(r, 1.0 / r)


def _tangent(V: np.ndarray, E: np.ndarray) -> np.ndarray:
    """The rows of ``V`` with their components along the rows of ``E`` removed."""
    if not E.shape[0]:
        return V
    coefficients = np.linalg.lstsq(E.T, V.T, rcond=None)[0]
    return V - (E.T @ coefficients).T


def _normalized(rows: np.ndarray, length: float) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.where(norms > 0, rows * (length / np.maximum(norms, 1e-300)), 0.0)


def common_descent(objectives: np.ndarray, constraints: np.ndarray, equalities: np.ndarray,
                   z: np.ndarray, /) -> np.ndarray:
    """The common descent direction at one point (span units; zeros where none exists).

    Parameters
    ----------
    objectives : (m, k) gradients of the (scaled) objectives
    constraints : (c, k) gradients of the active inequality constraints (at most 0 holds)
    equalities : (e, k) gradients of the equality constraints to keep
    z : (k,) the point's moving variables in span units (0 and 1 are the bounds)

    Examples
    --------
    >>> d = common_descent(np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros((0, 2)),
    ...                    np.zeros((0, 2)), np.array([0.5, 0.5]))
    >>> d.round(6).tolist()
    [-0.5, -0.5]
    """
    k = z.shape[0]
    usable = np.isfinite(z) & np.isfinite(objectives).all(axis=0)
    if constraints.size:
        usable &= np.isfinite(constraints).all(axis=0)
    if equalities.size:
        usable &= np.isfinite(equalities).all(axis=0)
    typical = float(np.mean(np.linalg.norm(np.nan_to_num(objectives), axis=1))) or 1.0
    free = usable.copy()
    d = np.zeros(k)
    for _ in range(4):
        V = np.vstack([objectives[:, free], _normalized(constraints[:, free], typical)])
        V = _tangent(V, equalities[:, free])
        if not np.isfinite(V).all():
            return np.zeros(k)
        w = least_norm_in_hull(V)
        d = np.zeros(k)
        d[free] = -(w @ V)
        blocked = free & (((z <= 0) & (d < 0)) | ((z >= 1) & (d > 0)))
        if not blocked.any():
            break
        free &= ~blocked
    return d


def common_descents(objectives: np.ndarray, z: np.ndarray, /) -> np.ndarray:
    """:func:`common_descent` at many points at once, for problems without constraints and
    with at most two objectives (where the least-norm weights have a closed form).

    Parameters
    ----------
    objectives : (p, 2, k) the two (scaled) objective gradients at each point; a point that
        should improve one objective alone gives that one twice (its weights are then 1/2 and
        1/2, the same step)
    z : (p, k) the points' moving variables in span units

    Examples
    --------
    >>> d = common_descents(np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([[0.5, 0.5]]))
    >>> d.round(6).tolist()
    [[-0.5, -0.5]]
    """
    first, second = objectives[:, 0], objectives[:, 1]
    free = np.isfinite(z) & np.isfinite(first) & np.isfinite(second)
    d = np.zeros(z.shape)
    with np.errstate(all="ignore"):  # overflowing gradients give NaN steps, which are skipped
        for _ in range(4):
            a, b = np.where(free, first, 0.0), np.where(free, second, 0.0)
            difference = a - b
            squared = np.einsum("ij,ij->i", difference, difference)
            w = np.clip(-np.einsum("ij,ij->i", b, difference) / squared, 0.0, 1.0)
            w[squared == 0] = 0.5
            d = -(w[:, None] * a + (1.0 - w)[:, None] * b)
            d[~free] = 0.0
            blocked = free & (((z <= 0) & (d < 0)) | ((z >= 1) & (d > 0)))
            if not blocked.any():
                break
            free &= ~blocked
    return d

