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

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.archive import FrontArchive
from mooc.solver.checkpoint import CheckpointHook, SolverState, check_settings, restore, snapshot
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.front import select_front
from mooc.solver.problem import Problem, check_problem
from mooc.solver.progress import GenerationStats, ProgressMonitor
from mooc.solver.result import SolverResult
from mooc.solver.run import Generation, Run
from mooc.solver.survival import RankAndCrowding, Survival
from mooc.solver.termination import Budget
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import VariationSettings

#: Stop as "exhausted" after this many generations in a row without a single new point.
EXHAUSTED_AFTER = 5
#: The default front holds this many points per member of the population and dimension of the
#: front, counting at most MAX_FRONT_DIMENSIONS dimensions.
FRONT_PER_POPULATION = 10
MAX_FRONT_DIMENSIONS = 4

Callback = Callable[[GenerationStats], object]

#: How the result's message names each stop reason.
STOPPED_BY = {"generations": "the generation limit", "max_evaluations": "the evaluation limit",
               "timeout": "the time limit", "stall": "a stall", "callback": "the callback",
               "exhausted": "running out of new points", "interrupted": "Ctrl-C (interrupted)"}


def _generator(seed: int | None, rng: np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    if rng is not None:
        if seed is not None:
            raise ValueError("pass 'seed' or 'rng', not both")
        return rng, None
    if seed is None:
        seed = fresh_seed()  # recorded, so the run can be repeated
    return np.random.default_rng(seed), seed


def fresh_seed() -> int:
    """A seed drawn from the operating system's entropy."""
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)  # drawn fresh, so a single int
    return entropy


def _check_range(name: str, value: float, low: float, high: float = np.inf) -> None:
    if not low <= value <= high:
        raise ValueError(f"'{name}' must be in [{low}, {high}], but is {value}")


def _variation(n_var: int, crossover_eta: float, crossover_prob: float, mutation_eta: float,
               mutation_prob: float | None) -> VariationSettings:
    mutation_prob = 1.0 / max(n_var, 1) if mutation_prob is None else mutation_prob
    _check_range("crossover_eta", crossover_eta, 0.0)
    _check_range("mutation_eta", mutation_eta, 0.0)
    _check_range("crossover_prob", crossover_prob, 0.0, 1.0)
    _check_range("mutation_prob", mutation_prob, 0.0, 1.0)
    return VariationSettings(crossover_eta, crossover_prob, mutation_eta, mutation_prob)


def default_max_front(population: int, n_obj: int, /) -> int:
    """The default most points of a front: ``10 * population`` per dimension of the front
    (``n_obj - 1``), at most four dimensions' worth.

    A front of ``n_obj`` objectives is a surface of ``n_obj - 1`` dimensions: as many points
    cover it more coarsely the more objectives there are (with ``10 * population`` points,
    DTLZ2's front of three objectives keeps at most about 97.9% of its hypervolume).

    Examples
    --------
    >>> default_max_front(100, 2), default_max_front(100, 3), default_max_front(100, 8)
    (1000, 2000, 4000)
    """
    return FRONT_PER_POPULATION * population * min(max(n_obj - 1, 1), MAX_FRONT_DIMENSIONS)


def _check_method(state: SolverState, method: dict[str, Any]) -> None:
    """Refuse to go on with a checkpoint of another method's run."""
    was, now = state.settings.get("method", "nsga2"), method.get("method", "nsga2")
    if was != now:
        raise ValueError(f"the checkpoint is of a run of {was}: it can go on with {was} only, "
                         f"not {now}")


def _resumed_generator(state: SolverState) -> np.random.Generator:
    bit_generator = getattr(np.random, state.rng["bit_generator"])()
    bit_generator.state = state.rng
    return np.random.Generator(bit_generator)


@dataclass
class _Stopping:
    """Records each generation and tells why to stop, if so."""

    callback: Callback | None
    stall_generations: int | None

    def after(self, run: Run, state: Generation, monitor: ProgressMonitor, *, idle: int) -> str | None:
        """Record the generation just made and return why to stop, if so."""
        stats = monitor.record(state.population, state.ranking, run.handling,
                               generation=run.generation, evaluations=run.evaluations,
                               elapsed=run.elapsed())
        if self.callback is not None and self.callback(stats) is False:
            return "callback"
        return self.limit_reached(run, monitor, idle=idle)

    def limit_reached(self, run: Run, monitor: ProgressMonitor, *, idle: int) -> str | None:
        """Why to stop given the limits alone (a resumed run may have reached them already)."""
        reason = run.budget.stop_reason(generation=run.generation, evaluations=run.evaluations,
                                        elapsed=run.elapsed())
        if reason is None and self.stall_generations and \
                monitor.since_improvement >= self.stall_generations:
            reason = "stall"
        if reason is None and idle >= EXHAUSTED_AFTER:
            reason = "exhausted"
        return reason


def _result(run: Run, state: Generation, monitor: ProgressMonitor, reason: str,
            seed: int | None) -> SolverResult:
    front = select_front(run.archive, state.population, feasible_found=run.feasible_found)
    generations = f"{run.generation} generation{'' if run.generation == 1 else 's'}"
    message = (f"{front.description}; stopped by {STOPPED_BY.get(reason, reason)} after "
               f"{generations} and {run.evaluations} evaluations")
    points = front.points
    return SolverResult(
        X=points.X, F=points.F, hard=points.hard, soft=points.soft, feasible=points.feasible,
        feasible_found=front.feasible_found, message=message, population=state.population,
        history=monitor.history, n_evaluations=run.evaluations, n_generations=run.generation,
        stop_reason=reason, seed=seed, elapsed=run.elapsed(), method=run.survival.name,
    )


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
        result. Without ``seed`` or ``rng`` a fresh seed is drawn and reported in the result.
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
        of the front (``n_obj - 1``), at most four (see :func:`default_max_front`).
    checkpoint : callable, optional
        Called as ``checkpoint(state, final)`` after every generation with a
        :class:`~mooc.solver.checkpoint.SolverState` (``final`` on the last); for instance a
        :class:`~mooc.solver.checkpoint.CheckpointFile`.
    resume : SolverState, optional
        Go on from this state (say, loaded with :func:`~mooc.solver.checkpoint.load_checkpoint`)
        instead of starting afresh. The other arguments must be those the run started with,
        except the limits, callback and checkpoint; the run then ends with exactly the front
        of a run never stopped.

    A Ctrl-C (KeyboardInterrupt) during a run stops it at the last finished generation: the
    result holds that generation's front, ``stop_reason`` is ``"interrupted"``, and
    ``checkpoint`` gets that state as final.

    Returns
    -------
    SolverResult
        The front: the non-dominated set of all points evaluated in the run that satisfy every
        hard constraint (all points when constraints are ignored), thinned to ``max_front``
        points losing as little hypervolume as possible (:mod:`mooc.solver.thinning`); when
        no such point was found, the least-violating points of
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
    return evolve(problem, RankAndCrowding(), {},
                  population=population, generations=generations, max_evaluations=max_evaluations,
                  timeout=timeout, stall_generations=stall_generations, stall_tolerance=stall_tolerance,
                  seed=seed, constraints=constraints, crossover_eta=crossover_eta,
                  crossover_prob=crossover_prob, mutation_eta=mutation_eta, mutation_prob=mutation_prob,
                  penalty=penalty, epsilon=epsilon, initial=initial, callback=callback, rng=rng,
                  max_front=max_front, checkpoint=checkpoint, resume=resume)


def evolve(
    problem: Problem, survival: Survival, method: dict[str, Any], /, *,
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
) -> SolverResult:
    """The run shared by :func:`nsga2` and :func:`~mooc.solver.nsga3.nsga3`, which differ in
    ``survival`` (how each next population is picked); ``method`` holds the settings that say
    which method ran (recorded in checkpoints, which only the same method can resume). The
    other arguments are :func:`nsga2`'s."""
    check_problem(problem)
    if resume is not None:
        if rng is not None or (seed is not None and seed != resume.seed):
            raise ValueError("a resumed run goes on with the random stream of its checkpoint: "
                             "pass neither 'rng' nor another 'seed'")
        generator, seed = _resumed_generator(resume), resume.seed
    else:
        generator, seed = _generator(seed, rng)
    _check_range("population", population, 2)
    _check_range("penalty", penalty, 0.0)
    if stall_generations is not None:
        _check_range("stall_generations", stall_generations, 1)
    if max_front is None:
        max_front = default_max_front(population, problem.n_obj)
    _check_range("max_front", max_front, 1)
    variation = _variation(len(problem.kinds), crossover_eta, crossover_prob, mutation_eta,
                           mutation_prob)
    fixed = {"population": int(population), "constraints": constraints, "penalty": penalty,
             "epsilon": epsilon, "max_front": int(max_front), "stall_tolerance": stall_tolerance,
             **dataclasses.asdict(variation), "n_var": len(problem.kinds), **method}
    handling = ConstraintHandling(constraints, np.asarray(problem.soft_weights, dtype=float),
                                  penalty=penalty, epsilon=epsilon)
    run = Run(
        problem=problem,
        space=VariableSpace.of_problem(problem),
        handling=handling,
        budget=Budget.of(generations=generations, max_evaluations=max_evaluations, timeout=timeout),
        variation=variation,
        size=int(population),
        rng=generator,
        archive=FrontArchive(handling, max_front),
        survival=survival,
    )
    stop = _Stopping(callback, stall_generations)
    saved: SolverState | None = None
    try:
        if resume is None:
            monitor = ProgressMonitor(tolerance=stall_tolerance)
            first = run.evaluate(run.first_points(initial))
            state = run.survive(first, newcomers=len(first))
            reason, idle = stop.after(run, state, monitor, idle=0), 0
        else:
            _check_method(resume, method)
            check_settings(resume, fixed)
            state, monitor = restore(resume, run)
            reason, idle = stop.limit_reached(run, monitor, idle=resume.idle), resume.idle
        saved = snapshot(run, state, monitor, idle=idle, seed=seed, settings=fixed)
        if checkpoint is not None:
            checkpoint(saved, reason is not None)
        while reason is None:
            offspring = run.evaluate(run.offspring(state))
            idle = 0 if len(offspring) else idle + 1
            run.generation += 1
            state = run.survive(state.population.join(offspring), newcomers=len(offspring))
            reason = stop.after(run, state, monitor, idle=idle)
            saved = snapshot(run, state, monitor, idle=idle, seed=seed, settings=fixed)
            if checkpoint is not None:
                checkpoint(saved, reason is not None)
    except KeyboardInterrupt:
        if saved is None:  # nothing finished to keep
            raise
        state, monitor = restore(saved, run)  # the last finished generation
        reason = "interrupted"
        if checkpoint is not None:
            checkpoint(saved, True)
    return _result(run, state, monitor, reason, seed)
