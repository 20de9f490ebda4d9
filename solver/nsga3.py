"""NSGA-III (Deb and Jain, 2014): NSGA-II with the last front cut by niching on reference
directions instead of crowding distance, which stops telling points apart from about four
objectives on.

The run is :func:`~mooc.solver.nsga2.nsga2`'s (variation, constraint handling, mixed variables,
the front archive, limits, callbacks, checkpoints); only survival differs (see
:mod:`mooc.solver.survival` and :mod:`mooc.solver.niching`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.ask_tell import Search, drive
from mooc.solver.problem import Problem, check_problem
from mooc.solver.reference_directions import MAX_DIRECTIONS, reference_directions
from mooc.solver.result import SolverResult
from mooc.solver.survival import ReferenceDirections

#: The population when neither it nor the directions are given (as nsga2's).
DEFAULT_POPULATION = 100


def _given_directions(directions: ArrayLike, n_obj: int) -> np.ndarray:
    """The user's directions, checked: rows of ``n_obj`` non-negative numbers, none all zero."""
    array = np.array(directions, dtype=float)
    if array.ndim != 2 or array.shape[1] != n_obj or not len(array):
        raise ValueError(f"'directions' must be a count or rows of {n_obj} numbers (one per "
                         f"objective), not an array of shape {array.shape}")
    if not np.isfinite(array).all() or (array < 0).any() or not (array.sum(axis=1) > 0).all():
        raise ValueError("'directions' must be non-negative and finite, each row with a "
                         "positive entry")
    array.flags.writeable = False
    return array


def _directions(directions: int | ArrayLike | None, population: int | None,
                n_obj: int) -> np.ndarray:
    if directions is None:  # one per corner at least, however small the population
        count = max(DEFAULT_POPULATION if population is None else population, n_obj)
    elif np.ndim(directions) == 0:
        count = directions  # type: ignore[assignment]
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
            raise ValueError(f"'directions' must be a whole number or an array, not {count!r}")
    else:
        return _given_directions(directions, n_obj)  # type: ignore[arg-type]
    if count < max(n_obj, 2):
        raise ValueError(f"'directions' must be at least {max(n_obj, 2)} for {n_obj} objectives "
                         f"(one per corner), but is {count}")
    if count > MAX_DIRECTIONS:
        raise ValueError(f"'directions' must be at most {MAX_DIRECTIONS:,}, but is {count:,}")
    return reference_directions(n_obj, int(count))


def nsga3(problem: Problem, /, *, directions: int | ArrayLike | None = None,
          population: int | None = None, **options: Any) -> SolverResult:
    """Minimize ``problem``'s objectives with NSGA-III and return the non-dominated front.

    Parameters
    ----------
    problem : Problem
        As for :func:`~mooc.solver.nsga2`.
    directions : int or array_like, optional
        The reference directions: a count, spread evenly over the unit simplex (see
        :func:`~mooc.solver.reference_directions.reference_directions`: Das and Dennis's
        lattice when one has that count, else points spread by their Riesz energy), or the
        directions themselves, one row of ``n_obj`` non-negative numbers each. By default as
        many as the population.
    population : int, optional
        Points kept per generation. By default as many as the directions, or 100 when neither
        is given.
    **options
        Every other option of :func:`~mooc.solver.nsga2` (limits, seed, constraint handling,
        variation, ``initial``, ``callback``, ``max_front``, ``checkpoint``, ``resume``...),
        with the same defaults but ``polish``, off unless asked for (see
        :data:`POLISH_DEFAULT`). A checkpoint of an NSGA-III run goes on with the same
        directions only.

    Returns
    -------
    SolverResult
        As :func:`~mooc.solver.nsga2`'s, with ``method`` "nsga3".

    Examples
    --------
    >>> from mooc.solver import FunctionProblem
    >>> def dtlz2(X):
    ...     g = ((X[:, 2:] - 0.5) ** 2).sum(axis=1)
    ...     a, b = X[:, 0] * np.pi / 2, X[:, 1] * np.pi / 2
    ...     return (1 + g)[:, None] * np.c_[np.cos(a) * np.cos(b), np.cos(a) * np.sin(b), np.sin(a)]
    >>> problem = FunctionProblem(dtlz2, lower=np.zeros(7), upper=np.ones(7), n_obj=3)
    >>> result = nsga3(problem, directions=91, generations=50, seed=1)
    >>> result.method, len(result.population)
    ('nsga3', 91)
    """
    return drive(nsga3_search(problem, directions=directions, population=population, **options))


#: Gradient steps are off by default in NSGA-III: on multimodal many-objective problems they
#: pull the population into local fronts (DTLZ1 with 5 objectives at 30,000 evaluations: 0.91,
#: 0.49 and 0.99 of the exact hypervolume with them, 0.98, 0.99 and 0.99 without), and at
#: three objectives they help some problems and hurt others. ``polish=True`` turns them on;
#: equalities are projected either way.
POLISH_DEFAULT = False


def nsga3_search(problem: Problem, /, *, directions: int | ArrayLike | None = None,
                 population: int | None = None, **options: Any) -> Search:
    """The :class:`~mooc.solver.ask_tell.Search` of an NSGA-III run (arguments as
    :func:`nsga3`'s, and ``on_evaluated``), to drive step by step or by ask and tell."""
    check_problem(problem)
    chosen = _directions(directions, population, int(problem.n_obj))
    if population is None:
        population = len(chosen) if directions is not None else DEFAULT_POPULATION
    digest = hashlib.sha256(np.ascontiguousarray(chosen).tobytes()).hexdigest()[:16]
    method = {"method": "nsga3", "directions": f"{len(chosen)} ({digest})"}
    if options.get("polish") is None:
        options["polish"] = POLISH_DEFAULT
    return Search(problem, survival=ReferenceDirections(chosen), method=method,
                  population=population, **options)
