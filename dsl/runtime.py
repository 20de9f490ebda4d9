"""Helpers the generated numpy code calls. Index work is static: it runs once, at compile time.

Axis convention: a value inside ``L`` nested ranges has shape (k_L, ..., k_1, N); the index
array of level ``L`` has shape (k_L,) + (1,) * L, so levels broadcast against each other and
against the population axis N, which is always last.
"""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

import numpy as np


class StaticIndexError(Exception):
    """An index or range is wrong; ``site`` names the place in the model."""

    def __init__(self, site: int, message: str, *, too_large: bool = False):
        super().__init__(message)
        self.site = site
        self.message = message
        self.too_large = too_large


class Rows(NamedTuple):
    """Which rows of a (rows, N) block an indexed reference takes: a slice or an index array."""

    start: int
    stop: int
    shape: tuple[int, ...] | None
    positions: np.ndarray | None


#: Most elements one reduction may span together with the ranges around it: each is a value
#: per point of the population, so this bounds the memory an evaluation asks for.
MAX_ELEMENTS = 10_000_000


def index_range(lo: object, hi: object, level: int, site: int, nonempty: bool = False,
                outer: tuple[np.ndarray, ...] = ()) -> tuple[np.ndarray, np.ndarray | None]:
    """Index values lo..hi at nesting ``level``, and a mask when the bounds vary (ragged).
    ``outer`` are the index values of the ranges around this one."""
    lo_array, hi_array = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    for bound in (lo_array, hi_array):
        if not np.all(np.isfinite(bound)) or np.any(bound != np.round(bound)):
            raise StaticIndexError(site, "a range bound must be a whole number")
    empty = hi_array < lo_array
    if nonempty and np.any(empty):
        raise StaticIndexError(site, "min() or max() over an empty range")
    live_lo = lo_array[~empty] if lo_array.ndim and np.any(~empty) else lo_array
    live_hi = hi_array[~empty] if hi_array.ndim and np.any(~empty) else hi_array
    first, last = (float(np.min(live_lo)), float(np.max(live_hi))) if np.any(~empty) else (0, -1)
    _check_elements(site, [int(last - first + 1), *(len(values) for values in outer)])
    values = np.arange(first, last + 1, dtype=float).reshape((-1,) + (1,) * level)
    if lo_array.ndim == 0 and hi_array.ndim == 0:
        return values, None
    return values, (values >= lo_array) & (values <= hi_array)


#: Values a population is evaluated in at once, at most, for a model whose sums or families
#: form arrays of many elements per point (each such array then holds about this many).
CHUNK_ELEMENTS = 2_000_000
#: Fewer rows than this in a chunk run slower than one at a time: numpy's innermost loop is
#: the population axis (see the module's axis convention).
FEWEST_ROWS = 32


class BoxSizes:
    """The largest index box (elements per point) a model's evaluation forms whole, recorded
    by its prelude; from it, how many points to evaluate at once (:func:`in_chunks`)."""

    def __init__(self) -> None:
        self.largest = 0

    def add(self, *indices: np.ndarray) -> None:
        """Record the box spanned by these index arrays (one per nesting level)."""
        total = 1
        for values in indices:
            total *= max(int(np.size(values)), 1)
        self.largest = max(self.largest, total)

    def chunk_rows(self, width: int) -> int:
        """Points per call: all of them while no box is larger than ``width`` (the values a
        point has anyway: its variables and results), else as many as keep each box-shaped
        array near CHUNK_ELEMENTS values (one at a time when that is fewer than FEWEST_ROWS)."""
        if self.largest <= width:
            return sys.maxsize
        rows = CHUNK_ELEMENTS // self.largest
        return 1 if rows < FEWEST_ROWS else rows


def in_chunks(function: Any, X: np.ndarray, rows: int) -> tuple[np.ndarray, ...]:
    """``function(X)`` evaluated ``rows`` points at a time, its arrays filled in chunk by
    chunk (each has the points along its first axis): each point's values come from its own
    row, and memory is that of the results and one chunk."""
    first = function(X[:rows])
    whole = tuple(np.empty((X.shape[0], *array.shape[1:]), dtype=array.dtype) for array in first)
    for start in range(0, X.shape[0], rows):
        part = first if start == 0 else function(X[start:start + rows])
        for target, values in zip(whole, part, strict=True):
            target[start:start + rows] = values
    return whole


def _check_elements(site: int, sizes: list[int]) -> None:
    total = 1
    for size in sizes:
        total *= max(size, 1)
    if total > MAX_ELEMENTS:
        spans = " x ".join(f"{size:,}" for size in reversed(sizes))
        raise StaticIndexError(site, f"this range and the ranges around it span {spans} = "
                                     f"{total:,} elements; at most {MAX_ELEMENTS:,} are allowed",
                               too_large=True)


def _valid(shape: tuple[int, ...], masks: tuple[np.ndarray | None, ...]) -> np.ndarray:
    valid = np.ones(shape, dtype=bool)
    for mask in masks:
        if mask is not None:
            valid = valid & mask
    return valid


def _used(shape: tuple[int, ...], masks: tuple[np.ndarray | None, ...]) -> np.ndarray:
    """Which positions of index arrays of ``shape`` some element of the ranges around them
    uses: the ranges' masks, reduced by 'any' over the axes the indices do not vary along. (A
    reference such as ``x[i]`` inside ``for j in i+1..n`` so takes its rows once per ``i``, not
    once per ``(i, j)``: the masks decide only which of them are checked.)"""
    live = [mask for mask in masks if mask is not None]
    if not live:
        return np.ones(shape, dtype=bool)
    full = _valid(np.broadcast_shapes(shape, *(mask.shape for mask in live)), masks)
    extra = full.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + axis for axis, size in enumerate(shape)
                                       if size == 1 and full.shape[extra + axis] != 1)
    return full.any(axis=axes, keepdims=True).reshape(shape) if axes else full


def _offsets(indices: tuple, starts: tuple[int, ...], sizes: tuple[int, ...],
             masks: tuple, site: int, name: str) -> tuple[np.ndarray, ...]:
    arrays = np.broadcast_arrays(*(np.asarray(i, dtype=float) for i in indices))
    valid = _used(arrays[0].shape, masks)
    offsets = []
    for array, start, size in zip(arrays, starts, sizes, strict=True):
        live = array[valid]
        if np.any(live != np.round(live)):
            raise StaticIndexError(site, f"an index of '{name}' is not a whole number")
        outside = (live < start) | (live > start + size - 1)
        if np.any(outside):
            bad = live[outside][0]
            raise StaticIndexError(site, f"index {bad:g} is outside the range {start}.."
                                         f"{start + size - 1} of '{name}'")
        clipped = np.clip(np.where(valid, array, start), start, start + size - 1)
        offsets.append((clipped - start).astype(np.intp))
    return tuple(offsets)


def rows(table: np.ndarray, starts: tuple[int, ...], indices: tuple, masks: tuple, site: int,
         name: str) -> Rows:
    """Rows of a block taken by index arrays; a slice when they are consecutive."""
    offsets = _offsets(indices, starts, table.shape, masks, site, name)
    picked = table[offsets][..., 0]
    flat = picked.ravel()
    if picked.ndim and picked.shape[0] == flat.size and flat.size and np.all(np.diff(flat) == 1):
        return Rows(int(flat[0]), int(flat[-1]) + 1, picked.shape, None)
    return Rows(0, 0, None, picked)


def take(block: np.ndarray, where: Rows) -> np.ndarray:
    """The rows of a (rows, N) block that ``where`` names, shaped for broadcasting."""
    if where.positions is not None:
        return block.take(where.positions, axis=0)
    part = block[where.start: where.stop]
    assert where.shape is not None
    return part.reshape(where.shape + part.shape[1:])


def param_pick(values: np.ndarray, starts: tuple[int, ...], indices: tuple, masks: tuple,
               site: int, name: str) -> np.ndarray:
    """Elements of a param array at static index arrays (keeps the trailing N axis of 1)."""
    return values[_offsets(indices, starts, values.shape, masks, site, name)]


def labels(values: np.ndarray, count: int) -> np.ndarray:
    """A choice variable's column as label indices, clipped into 0..count-1."""
    with np.errstate(invalid="ignore"):
        return np.clip(np.nan_to_num(np.rint(values)), 0, count - 1).astype(np.intp)


_IDENTITY = {"sum": 0.0, "prod": 1.0, "min": np.inf, "max": -np.inf}
_REDUCE = {"sum": np.add.reduce, "prod": np.multiply.reduce, "min": np.minimum.reduce,
           "max": np.maximum.reduce}


def _reduced(kind: str, array: np.ndarray, axis: int) -> np.ndarray:
    """``array`` reduced along ``axis``. A min or max over a range left empty by an empty
    range around it (j..n for j in 1..k - 1, at k = 1) is never used, but numpy refuses to
    reduce it: it starts from its identity there."""
    reducer: Any = _REDUCE[kind]
    if kind in ("min", "max") and array.shape[axis] == 0:
        return reducer(array.astype(float), axis=axis, initial=_IDENTITY[kind])  # type: ignore[no-any-return]
    return reducer(array, axis=axis)  # type: ignore[no-any-return]


def reduce(kind: str, body: object, index: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Reduce ``body`` over the axis of ``index`` (sum, prod, min or max)."""
    if mask is None and isinstance(body, np.ndarray) and body.ndim >= index.ndim and \
            body.shape[body.ndim - index.ndim] == index.shape[0]:
        # the body already spans the range: reduce it as it is (its other axes broadcast later)
        return _reduced(kind, body, body.ndim - index.ndim)
    body_array = np.asarray(body, dtype=float)
    shape = np.broadcast_shapes(body_array.shape, index.shape if mask is None else mask.shape)
    full = np.broadcast_to(body_array, shape)
    if mask is not None:
        full = np.where(mask, full, _IDENTITY[kind])
    return _reduced(kind, full, full.ndim - index.ndim)


#: Axis letters of :func:`contract`'s einsum: one per level, and the population axis.
_AXES = "abcdefghijklmnopqrstuvwxyz"
#: Products of axis sizes above this are contracted along an optimized path (BLAS); below it
#: the path would cost more than it saves.
_LARGE = 200_000
_PATHS: dict[tuple, Any] = {}


def contract(factors: tuple, index: np.ndarray) -> np.ndarray:
    """The sum over the axis of ``index`` of the product of ``factors`` (each shaped for
    broadcasting, as :func:`reduce`'s body), by ``numpy.einsum``: the product is never formed,
    so memory is that of the largest factor and of the result, not of all index axes times the
    population. Values are those of :func:`reduce` up to rounding (the order of additions
    differs). Where the factors do not span the summed axis it is :func:`reduce` itself."""
    width = index.ndim
    sizes = [1] * width
    operands, specs = [], []
    for factor in factors:
        array = np.asarray(factor, dtype=float)
        offset = width - array.ndim
        if offset < 0:
            return reduce("sum", _product(factors), index, None)
        kept = [axis for axis in range(array.ndim) if array.shape[axis] != 1]
        for axis in kept:
            if sizes[offset + axis] not in (1, array.shape[axis]):
                return reduce("sum", _product(factors), index, None)  # numpy names the fault
            sizes[offset + axis] = array.shape[axis]
        operands.append(array.reshape([array.shape[axis] for axis in kept]))
        specs.append("".join(_AXES[offset + axis] for axis in kept))
    if sizes[0] != index.shape[0] or width > len(_AXES):
        return reduce("sum", _product(factors), index, None)
    out = "".join(_AXES[axis] for axis in range(1, width) if sizes[axis] != 1)
    subscripts = ",".join(specs) + "->" + out
    work = int(np.prod(sizes, dtype=float))
    if work <= _LARGE:
        result = np.einsum(subscripts, *operands)
    else:
        key = (subscripts, *(operand.shape for operand in operands))
        if key not in _PATHS:
            if len(_PATHS) > 1000:
                _PATHS.clear()
            _PATHS[key] = np.einsum_path(subscripts, *operands, optimize="greedy")[0]
        result = np.einsum(subscripts, *operands, optimize=_PATHS[key])
    return np.asarray(result).reshape(sizes[1:])


#: Terms outside a ragged range join the contraction as 0 x (their product) only while no
#: such product can overflow: the product of the factors' largest sizes stays below this.
_SAFE_PRODUCT = 1e300


def contract_ragged(factors: tuple, index: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """:func:`contract` over a range whose bounds follow the indices around it (``for j in
    i+1..n``): ``index`` runs over the box of every range and ``mask`` says which of its
    elements each range holds (see :func:`index_range`). The mask joins the einsum as a factor
    of 0s and 1s, so memory stays that of the factors (a triangular quadratic form at n = 300 and
    1,000 points took 1.4 GB and 4.5 s, now 10 MB and 21 ms). That is exact only while the terms outside
    the ranges are finite: when a factor holds a NaN or an infinity, or the factors' sizes could
    overflow a product, the sum is formed and reduced over the mask, as without contraction."""
    if mask is None:
        return contract(factors, index)
    arrays = tuple(np.asarray(factor, dtype=float) for factor in factors)
    bound = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for array in arrays:
            bound *= float(np.max(np.abs(array))) if array.size else 0.0
    if not bound < _SAFE_PRODUCT:  # also NaN
        return reduce("sum", _product(arrays), index, mask)
    return contract((*arrays, mask.astype(float)), index)


def gate(mask: np.ndarray | None, condition: object) -> np.ndarray:
    """A range's mask (None: every element) and an index condition on its terms, as one."""
    taken = np.asarray(condition, dtype=bool)
    return taken if mask is None else mask & taken


def _product(factors: tuple) -> Any:
    product: Any = 1.0
    for factor in factors:
        product = product * factor
    return product


def family_rows(value: object, shape: tuple[int, ...], n: int) -> np.ndarray:
    """A family's value, shape (k_D, ..., k_1, N), as rows in index order: (k_1 * ... * k_D, N)."""
    full = np.broadcast_to(np.asarray(value, dtype=float), tuple(reversed(shape)) + (n,))
    order = tuple(reversed(range(len(shape)))) + (len(shape),)
    return full.transpose(order).reshape(-1, n)


def active_rows(value: object, shape: tuple[int, ...], n: int) -> np.ndarray:
    """A variable's 'when' condition, shape (k_D, ..., k_1, N) or less, as a mask of its
    elements in index order: (k_1 * ... * k_D, N); a scalar variable's as (1, N)."""
    full = np.broadcast_to(np.asarray(value, dtype=bool), tuple(reversed(shape)) + (n,))
    order = tuple(reversed(range(len(shape)))) + (len(shape),)
    return full.transpose(order).reshape(-1, n)


def present(values: np.ndarray, exists: np.ndarray, scalar: bool,
            labels: np.ndarray | None = None, integral: bool = False) -> np.ndarray:
    """A conditional variable as a per-point extern argument: for each of the N points, the
    value (None where it does not exist) of a scalar, or the list of the elements that exist
    (in index order) of a vector. ``values`` and ``exists`` are (N, size)."""
    out = np.empty(values.shape[0], dtype=object)
    for point, (row, mask) in enumerate(zip(values, exists, strict=True)):
        kept = row[mask]
        if labels is not None:
            items: list = labels[np.clip(np.rint(kept).astype(np.intp), 0, len(labels) - 1)].tolist()
        elif integral:
            items = [int(v) for v in np.rint(kept)]
        else:
            items = kept.tolist()
        out[point] = (items[0] if items else None) if scalar else items
    return out


def column(value: object, n: int) -> np.ndarray:
    """A scalar statement's value as a length-N column."""
    if type(value) is np.ndarray and value.shape == (n,) and value.dtype == np.float64:
        return value
    return np.broadcast_to(np.asarray(value, dtype=float), (n,))


#: ``A == B`` written without ``tol`` holds where ``|A - B| <= EQUALITY_TOLERANCE * max(1, |A|,
#: |B|)``: exact up to rounding, relative to the size of the sides.
EQUALITY_TOLERANCE = 1e-6


def violation(op: str, lhs: object, rhs: object, tolerance: float | None) -> np.ndarray:
    """How far ``lhs op rhs`` is from holding: 0 where it holds, NaN where undefined; a
    tolerance of None (an equality without ``tol``) is :data:`EQUALITY_TOLERANCE` relative.

    An infinite side is undefined too (``1/0``, ``log(0)``): ``1/x >= 2`` does not hold at
    ``x = 0``, although ``inf >= 2`` (a condition in an ``if`` compares it as numpy does)."""
    if tolerance is None:
        return _relative_violation(op, lhs, rhs)
    # one new array, worked in place
    gap = np.asarray(np.subtract(lhs, rhs, dtype=float))  # type: ignore[call-overload]
    if op == ">=":
        np.negative(gap, out=gap)
    elif op == "==":
        np.abs(gap, out=gap)
    # NaN, and -inf (an infinite side that would make it hold), are undefined: one pass finds
    # both (neither is above -inf); +inf stays the worst violation
    undefined = np.logical_not(np.greater(gap, -np.inf))
    if tolerance:
        gap -= tolerance
    np.maximum(gap, 0.0, out=gap)
    np.copyto(gap, np.nan, where=undefined)  # one NaN, whatever sign the steps gave it
    return gap


def _relative_violation(op: str, lhs: object, rhs: object) -> np.ndarray:
    """An equality's violation with its relative tolerance, or (``<=``, ``>=``) that of one
    of a pair of constraints that pin ``lhs - rhs`` to 0 (:mod:`mooc.dsl.pinned`): NaN where
    a side is not finite, as the equality's is."""
    lhs, rhs = np.asarray(lhs, dtype=float), np.asarray(rhs, dtype=float)
    tolerance = EQUALITY_TOLERANCE * np.maximum(1.0, np.maximum(np.abs(lhs), np.abs(rhs)))
    gap = (np.abs(lhs - rhs) if op == "==" else lhs - rhs if op == "<=" else rhs - lhs) - \
        tolerance
    defined = np.isfinite(gap) if op != "==" else ~np.isnan(gap)  # '==': inf - inf is NaN
    return np.where(defined, np.maximum(gap, 0.0), np.nan)


class NoExterns:
    """Stands in for the extern runner until one is set: every value is NaN, no code runs."""

    def __init__(self, returns: dict[str, int]):
        self.returns = returns

    def call(self, name: str, arguments: dict[str, Any], n: int) -> np.ndarray:
        return np.full((n, self.returns[name]), np.nan)
