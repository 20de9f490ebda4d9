"""NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002), vectorized over the population.

Each generation: binary tournaments by the crowded comparison pick parents; SBX and polynomial
mutation (uniform crossover and random reset for discrete variables) make as many new points
as the population holds, none of them evaluated before; parents and offspring are ranked by
constrained non-dominated sorting and crowding distance, and the best survive. Every new point
that may belong to the front goes to the front archive, which the result reports.

A run stops for one of these reasons (``SolverResult.stop_reason``): "generations",
"max_evaluations", "timeout", "stall", "callback", "exhausted" when no new point could be
bred for several generations in a row (a small discrete space fully evaluated), or
"interrupted" by Ctrl-C. A run can be checkpointed after every generation and resumed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.ask_tell import (  # noqa: F401 - re-exported: where they were first defined
    DEFAULT_SEED,
    EXHAUSTED_AFTER,
    STOPPED_BY,
    Callback,
    EvaluatedHook,
    Search,
    drive,
)
from mooc.solver.checkpoint import CheckpointHook, SolverState
from mooc.solver.problem import Problem
from mooc.solver.result import SolverResult


def nsga2(
    problem: Problem, /, *,
    population: int = 100,
    generations: int | None = None,
    max_evaluations: int | None = None,
    timeout: float | None = None,
    stall_generations: int | None = None,
    stall_tolerance: float = 1e-4,
    seed: int | None = None,
    constraints: str = "feasibility",
    crossover_eta: float = 15.0,
    crossover_prob: float = 0.9,
    mutation_eta: float = 20.0,
    mutation_prob: float | None = None,
    penalty: float = 1e6,
    epsilon: float | None = None,
    initial: ArrayLike | None = None,
    callback: Callback | None = None,
    rng: np.random.Generator | None = None,
    max_front: int | None = None,
    checkpoint: CheckpointHook | None = None,
    resume: SolverState | None = None,
    on_evaluated: EvaluatedHook | None = None,
    polish: bool = True,
    project: bool = True,
) -> SolverResult:
    """Minimize ``problem``'s objectives with NSGA-II and return the non-dominated front.

    Parameters
    ----------
    problem : Problem
        Bounds, variable kinds and a vectorized ``evaluate``; see :mod:`mooc.solver.problem`.
        ``evaluate`` is given read-only arrays, each row a point never evaluated before.
    population : int
        Points kept per generation; also the number of offspring per generation.
    generations, max_evaluations, timeout : int, int, float, optional
        Limits on offspring generations, evaluations and wall-clock seconds (checked after
        each generation); the run stops at the first reached. With none given,
        ``generations=100``. Generation 0 is the initial population.
    stall_generations : int, optional
        Also stop after this many generations in a row without improvement (of the recorded
        hypervolume, or of the front's ideal and nadir points beyond three objectives, or of
        the least violation) by more than ``stall_tolerance``.
    stall_tolerance : float
        The relative improvement the stall rule asks for.
    seed : int, optional
        Seed of the one random generator of the run; the same seed and inputs give the same
        result. Without ``seed`` or ``rng`` the seed is :data:`DEFAULT_SEED` (0), so a run
        given no seed is repeated exactly; independent runs take seeds of their own.
    constraints : {"feasibility", "penalty", "epsilon", "ignore"}
        How hard constraints steer the search; see :mod:`mooc.solver.constraints`.
    crossover_eta, crossover_prob, mutation_eta, mutation_prob : float
        SBX and polynomial mutation distribution indices, the probability that a pair is
        crossed and the per-variable mutation probability (default ``1 / n_var``).
    penalty : float
        Factor of the normalized violation added to each objective in ``"penalty"`` mode.
    epsilon : float, optional
        Initial threshold of normalized violation in ``"epsilon"`` mode.
    initial : array_like, optional
        Points (rows) to put into the first population, moved into the domain (clipped to
        the bounds, integral kinds rounded; repeats dropped, at most ``population`` used); the
        rest of it is random.
    callback : callable, optional
        Called with each generation's :class:`GenerationStats`; returning False stops the run.
    rng : numpy.random.Generator, optional
        The generator to use instead of one seeded with ``seed``.
    max_front : int, optional
        Most points in the returned front: by default ``10 * population`` for each dimension
        of the front (``n_obj - 1``), at most four (see
        :func:`~mooc.solver.ask_tell.default_max_front`); a larger front is thinned losing as
        little hypervolume as possible (:mod:`mooc.solver.thinning`).
    checkpoint : callable, optional
        Called as ``checkpoint(state, final)`` after every generation with a
        :class:`~mooc.solver.checkpoint.SolverState` (``final`` on the last); for instance a
        :class:`~mooc.solver.checkpoint.CheckpointFile`.
    resume : SolverState, optional
        Go on from this state (say, loaded with :func:`~mooc.solver.checkpoint.load_checkpoint`)
        instead of starting afresh. The other arguments must be those the run started with,
        except the limits, callback and checkpoint; the run then ends with exactly the front
        of a run never stopped.
    on_evaluated : callable, optional
        Called as ``on_evaluated(population, generation)`` with each newly evaluated batch
        (a :class:`~mooc.solver.population.Population`, minimization form), for instance to
        keep every evaluation.
    polish : bool
        When the problem has derivatives (``jacobian``, see :mod:`mooc.solver.problem`), let
        some of each generation's best points, and the final front, take gradient steps that
        improve every objective at once (:mod:`mooc.solver.polish`).
    project : bool
        When the problem has derivatives and equality constraints, move every new point onto
        them before it is evaluated (:mod:`mooc.solver.projection`; not with
        ``constraints="ignore"``). A Jacobian at one point counts as one evaluation; a
        generation spends ``population`` evaluations in all.

    A Ctrl-C (KeyboardInterrupt) during a run stops it at the last finished generation: the
    result holds that generation's front, ``stop_reason`` is ``"interrupted"``, and
    ``checkpoint`` gets that state as final.

    Returns
    -------
    SolverResult
        The front: the non-dominated set of all points evaluated in the run that satisfy every
        hard constraint (all points when constraints are ignored), thinned by crowding distance
        to ``max_front`` points; when no such point was found, the least-violating points of
        the final population. Also the final population, the history and why the run stopped.

    Examples
    --------
    >>> import numpy as np
    >>> from mooc.solver import FunctionProblem
    >>> def zdt1(X):
    ...     g = 1 + 9 * X[:, 1:].mean(axis=1)
    ...     return np.c_[X[:, 0], g * (1 - np.sqrt(X[:, 0] / g))]
    >>> problem = FunctionProblem(zdt1, lower=np.zeros(5), upper=np.ones(5), n_obj=2)
    >>> result = nsga2(problem, population=40, generations=50, seed=1)
    >>> result.stop_reason, result.n_evaluations, bool(result.feasible.all())
    ('generations', 2040, True)
    """
    search = Search(problem, population=population, generations=generations,
                    max_evaluations=max_evaluations, timeout=timeout,
                    stall_generations=stall_generations, stall_tolerance=stall_tolerance,
                    seed=seed, constraints=constraints, crossover_eta=crossover_eta,
                    crossover_prob=crossover_prob, mutation_eta=mutation_eta,
                    mutation_prob=mutation_prob, penalty=penalty, epsilon=epsilon,
                    initial=initial, callback=callback, rng=rng, max_front=max_front,
                    checkpoint=checkpoint, resume=resume, on_evaluated=on_evaluated,
                    polish=polish, project=project)
    return drive(search)
