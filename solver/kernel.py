"""The optional compiled kernel of NSGA-II's generation (``solver/_kernel.c``).

At a population of 100 a generation is a few hundred whole-array numpy calls of a few
microseconds each; the kernel does the busiest of them (simulated binary crossover, polynomial
mutation, the crowded tournament, the rows' hashes and their lookup, and Pareto ranks with
crowding distance for two objectives) in one C loop each. It also ranks three or more
objectives (``solver/_sorting.c``, used by :mod:`~.sorting`). It is built when
mooc is installed on a machine with a C compiler, and skipped otherwise: then
:func:`compiled` is None and the numpy code runs, as it does with the environment variable
``MOOC_PURE_NUMPY=1`` or after ``use_compiled(False)``.

Both paths take the same random draws (numpy's Generator, in the same order) and the kernel
repeats the numpy code's arithmetic operation by operation, so they give the same bits: a
seeded run is the same with or without a compiler (tests/solver/test_kernel.py compares them).

The functions here check and convert their arrays (C-contiguous, of the kernel's dtypes) and
allocate the results; the kernel checks every buffer's type and length again.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np

try:
    from mooc.solver import _kernel as _built  # type: ignore[attr-defined]
except ImportError:  # installed without a C compiler
    _built = None

#: The environment variable that makes mooc run its numpy code even with the kernel built.
PURE_NUMPY = "MOOC_PURE_NUMPY"

_active: ModuleType | None = None if os.environ.get(PURE_NUMPY, "") not in ("", "0") else _built


def compiled() -> ModuleType | None:
    """The kernel module when it is built and in use, else None (use numpy)."""
    return _active


def available() -> bool:
    """Whether the kernel was built (whether or not it is in use)."""
    return _built is not None


def use_compiled(on: bool, /) -> bool:
    """Use the kernel (when built) or the numpy code from now on; returns whether the kernel
    was in use before."""
    global _active
    before = _active is not None
    _active = _built if on else None
    return before


def _doubles(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float64)


def sbx(first: np.ndarray, second: np.ndarray, lower: np.ndarray, upper: np.ndarray,
        crosses: np.ndarray, u: np.ndarray, /, *, exponent: tuple[float, int],
        inverse: tuple[float, int]) -> np.ndarray:
    """The children of :func:`~.variation.simulated_binary_crossover` from its draws ``u``;
    ``exponent`` and ``inverse`` are -(eta + 1) and 1 / (eta + 1) with their power steps."""
    assert _active is not None
    children = np.empty((2 * first.shape[0], first.shape[1]))
    _active.sbx(children, _doubles(first), _doubles(second), _doubles(lower), _doubles(upper),
                np.ascontiguousarray(u, dtype=np.float32),
                np.ascontiguousarray(crosses, dtype=bool), *exponent, *inverse)
    return children


def mutate(Z: np.ndarray, lower: np.ndarray, upper: np.ndarray, positions: np.ndarray,
           t: np.ndarray, /, *, exponent: tuple[float, int], inverse: tuple[float, int]) -> None:
    """:func:`~.variation.polynomial_mutation` of the C-contiguous ``Z`` in place at the flat
    ``positions`` (of variables with a positive span) with the draws ``t``; ``exponent`` and
    ``inverse`` are eta + 1 and 1 / (eta + 1) with their power steps."""
    assert _active is not None
    _active.mutate(Z, _doubles(lower), _doubles(upper),
                   np.ascontiguousarray(positions, dtype=np.int64), _doubles(t),
                   *exponent, *inverse)


def tournament(pairs: np.ndarray, objectives: np.ndarray, crowding: np.ndarray,
               rank: np.ndarray, feasible: np.ndarray, all_feasible: bool, coins: np.ndarray,
               /) -> np.ndarray:
    """The winners of :func:`~.selection.binary_tournament` for the ``pairs`` (w x 2 row
    indices) and its ``coins``."""
    assert _active is not None
    winners = np.empty(pairs.shape[0], dtype=np.int64)
    _active.tournament(winners, np.ascontiguousarray(pairs, dtype=np.int64), _doubles(objectives),
                       _doubles(crowding), np.ascontiguousarray(rank, dtype=np.int64),
                       np.ascontiguousarray(feasible, dtype=bool), all_feasible, _doubles(coins))
    return winners


def row_hashes(X: np.ndarray, salts: np.ndarray, /) -> np.ndarray:
    """:func:`~.evaluated.row_hashes` of the 2-d ``X`` with its columns' ``salts``."""
    assert _active is not None
    hashes = np.empty(X.shape[0], dtype=np.uint64)
    _active.row_hashes(hashes, _doubles(X), np.ascontiguousarray(salts, dtype=np.uint64))
    return hashes


def found_in(hashes: np.ndarray, runs: list[np.ndarray], /) -> np.ndarray:
    """Mask of the ``hashes`` (uint64) found in any of the sorted uint64 ``runs``."""
    assert _active is not None
    found = np.zeros(hashes.shape[0], dtype=bool)
    _active.found_in(found, np.ascontiguousarray(hashes, dtype=np.uint64), runs)
    return found


def fronts(objectives: np.ndarray, needed: int, /) -> tuple[np.ndarray, np.ndarray]:
    """Pareto ranks and crowding distances of finite rows of two objectives, as
    :meth:`~.selection.Ranking.of` gives them when every row is feasible (crowding measured
    in the first fronts holding ``needed`` rows, 0 beyond)."""
    assert _active is not None
    n = objectives.shape[0]
    rank, crowding = np.empty(n, dtype=np.int64), np.empty(n)
    _active.fronts(rank, crowding, _doubles(objectives), needed)
    return rank, crowding


def sorted_ranks(objectives: np.ndarray, cap: int, /) -> np.ndarray:
    """Pareto ranks of finite rows of two or more objectives (``solver/_sorting.c``), ``cap``
    for every rank from ``cap`` on (cap >= 1): rows after the first ``cap`` fronts are not
    told apart, which saves keeping their fronts."""
    assert _active is not None
    F = _doubles(objectives)
    order = np.argsort(F[:, 0]).astype(np.int64, copy=False)
    rank = np.empty(F.shape[0], dtype=np.int64)
    _active.sorted_ranks(rank, F, order, cap)
    return rank.astype(np.intp, copy=False)
