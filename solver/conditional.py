"""Conditional variables: a problem may say which variables exist at each point, with an
optional ``active(X) -> bool array (N, n_var)`` (a network's third layer has no width when it
has two layers). A variable that does not exist holds NaN: it takes no part in crossover or
mutation (NaN is never crossed or moved), and two points that differ only there are the same
point, to the duplicate check and so to the front. A problem without ``active`` is solved
exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mooc.solver.variables import VariableSpace

Active = Callable[[np.ndarray], np.ndarray]


def active_of(problem: object) -> Active | None:
    """The problem's ``active`` function, or None when it has none."""
    active = getattr(problem, "active", None)
    return active if callable(active) else None


def existing(active: Active, X: np.ndarray, /) -> np.ndarray:
    """``active(X)`` checked: a bool array of X's shape."""
    mask = np.asarray(active(X))
    if mask.shape != X.shape:
        raise ValueError(f"'active' must return an array of shape {X.shape}, but returned "
                         f"shape {mask.shape}")
    return mask.astype(bool, copy=False)


def settle(X: np.ndarray, active: Active, space: VariableSpace, /, *,
           rng: np.random.Generator) -> np.ndarray:
    """``X`` (in place) with NaN wherever a variable does not exist, and a fresh value drawn
    where one exists but has none (it did not exist in the parents). Repeated while that
    changes what exists (a condition on a conditional variable), at most once per variable."""
    for _ in range(X.shape[1] + 1):
        exists = existing(active, X)
        X[~exists] = np.nan
        missing = exists & np.isnan(X)
        if not missing.any():
            break
        X[missing] = space.sample(X.shape[0], rng=rng)[missing]
    return X


def fill_missing(X: np.ndarray, space: VariableSpace, /, *, rng: np.random.Generator
                 ) -> np.ndarray:
    """User points with NaN where a variable does not exist: those entries drawn, so that
    the points can be repaired into the domain (``settle`` puts NaN back where due)."""
    X = np.array(X, dtype=float, ndmin=2)
    if X.shape[1] == space.n_var and np.isnan(X).any():
        blank = np.isnan(X)
        X[blank] = space.sample(X.shape[0], rng=rng)[blank]
    return X
