"""Helpers the generated derivative code calls (see :mod:`mooc.dsl.codegen_jacobian`).

Range operations keep the axis of the reduction they sit in: ``values`` is that reduction's
index array (shape (k,) + (1,) * level, as :func:`mooc.dsl.runtime.index_range` makes it), so
the axis is ``-values.ndim``; ``lo`` and ``hi`` are its bounds (which may vary with outer
indices), from which the elements in range are known.
"""

from __future__ import annotations

import numpy as np

from mooc.dsl.runtime import MAX_ELEMENTS, StaticIndexError


def _in_range(body: object, values: np.ndarray, lo: object, hi: object) -> tuple[np.ndarray, np.ndarray]:
    """``body`` broadcast over the range's axis, and the mask of the elements in range."""
    inside = (values >= np.asarray(lo, dtype=float)) & (values <= np.asarray(hi, dtype=float))
    full_body = np.asarray(body, dtype=float)
    shape = np.broadcast_shapes(full_body.shape, inside.shape)
    return np.broadcast_to(full_body, shape), np.broadcast_to(inside, shape)


def prod_except(body: object, values: np.ndarray, lo: object, hi: object) -> np.ndarray:
    """At each element of the range, the product of ``body`` over the other elements (exact
    where an element is 0: prefix and suffix products, no division)."""
    full, inside = _in_range(body, values, lo, hi)
    axis = full.ndim - values.ndim
    factors = np.moveaxis(np.where(inside, full, 1.0), axis, 0)
    before = np.ones_like(factors)
    after = np.ones_like(factors)
    if factors.shape[0] > 1:
        before[1:] = np.cumprod(factors[:-1], axis=0)
        after[:-1] = np.cumprod(factors[::-1][:-1], axis=0)[::-1]
    return np.moveaxis(before * after, 0, axis)  # type: ignore[no-any-return]


def _first_extreme(body: object, values: np.ndarray, lo: object, hi: object,
                   least: bool) -> np.ndarray:
    full, inside = _in_range(body, values, lo, hi)
    axis = full.ndim - values.ndim
    fill = np.inf if least else -np.inf
    masked = np.where(inside & ~np.isnan(full), full, fill)
    picked = np.zeros(full.shape)
    if full.shape[axis] == 0:  # a range left empty by an empty range around it: never used
        return picked
    where = (np.argmin if least else np.argmax)(masked, axis=axis)
    np.put_along_axis(picked, np.expand_dims(where, axis), 1.0, axis=axis)
    return picked


def first_argmin(body: object, values: np.ndarray, lo: object, hi: object) -> np.ndarray:
    """1 at the first element of the range where ``body`` is least, 0 elsewhere."""
    return _first_extreme(body, values, lo, hi, True)


def first_argmax(body: object, values: np.ndarray, lo: object, hi: object) -> np.ndarray:
    """1 at the first element of the range where ``body`` is greatest, 0 elsewhere."""
    return _first_extreme(body, values, lo, hi, False)


def jacobian_put(J: np.ndarray, row: int, count: int, column: int, size: int, value: object,
                 sign: float) -> None:
    """Write a statement's derivative by one block, rows (count * size, N) or a column (N,),
    into the Jacobian J (N, rows, n_var)."""
    n = J.shape[0]
    block = np.broadcast_to(np.asarray(value, dtype=float), (count * size, n))
    J[:, row:row + count, column:column + size] = \
        sign * block.reshape(count, size, n).transpose(2, 0, 1)


def kronecker(a: object, b: object) -> np.ndarray:
    """1.0 where the index values ``a`` and ``b`` are equal, else 0.0 (broadcast); refused
    (StaticIndexError, too large) rather than allocated beyond MAX_ELEMENTS, as a range is:
    a family of 10^7 members over 10^7 variables asked for 10^14."""
    left, right = np.asarray(a), np.asarray(b)
    shape = np.broadcast_shapes(left.shape, right.shape)
    if float(np.prod(shape, dtype=float)) > MAX_ELEMENTS:
        spans = " x ".join(f"{size:,}" for size in shape if size != 1)
        raise StaticIndexError(-1, f"a derivative would span {spans} elements; at most "
                                   f"{MAX_ELEMENTS:,} are allowed", too_large=True)
    return np.asarray(np.equal(left, right), dtype=float)


#: Names the generated derivative code finds in its namespace.
NAMES = {"_prod_except": prod_except, "_first_argmin": first_argmin,
         "_first_argmax": first_argmax, "_jacobian_put": jacobian_put,
         "_kronecker": kronecker}
