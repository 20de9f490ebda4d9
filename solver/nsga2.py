"""NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002), vectorized over the population.

Each generation: binary tournaments by the crowded comparison pick parents; SBX and polynomial
mutation (uniform crossover and random reset for discrete variables) make as many new points
as the population holds, none of them evaluated before; parents and offspring are ranked by
constrained non-dominated sorting and crowding distance, and the best survive. Every new point
that may belong to the front goes to the front archive, which the result reports.

A run stops for one of these reasons (``SolverResult.stop_reason``): "generations",
"max_evaluations", "timeout", "stall", "callback", or "exhausted" when no new point could be
bred for several generations in a row (a small discrete space fully evaluated).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.archive import FrontArchive
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.evaluated import EvaluatedRows
from mooc.solver.front import select_front
from mooc.solver.population import Population, evaluate_points
from mooc.solver.problem import Problem, check_problem
from mooc.solver.progress import GenerationStats, ProgressMonitor
from mooc.solver.result import SolverResult
from mooc.solver.selection import Ranking, binary_tournament
from mooc.solver.termination import Budget
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import VariationSettings, make_offspring

#: New points are drawn in at most this many rounds per generation (duplicates are redrawn).
BREEDING_ROUNDS = 5
#: Each round draws this fraction more than it needs, to make up for duplicates at once.
OVERDRAW = 0.125
#: Stop as "exhausted" after this many generations in a row without a single new point.
EXHAUSTED_AFTER = 5

Callback = Callable[[GenerationStats], object]


@dataclass
class _Generation:
    """The survivors of a generation and how selection sees them."""

    population: Population
    ranking: Ranking


@dataclass
class _Run:
    """The state of one run: what it works on, what it has spent, what it has evaluated."""

    problem: Problem
    space: VariableSpace
    handling: ConstraintHandling
    budget: Budget
    variation: VariationSettings
    size: int
    rng: np.random.Generator
    archive: FrontArchive
    start: float = field(default_factory=time.perf_counter)
    evaluated: EvaluatedRows = field(default_factory=EvaluatedRows)
    evaluations: int = 0
    generation: int = 0
    feasible_found: bool = False

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def batch_size(self) -> int:
        """How many points the next generation may evaluate."""
        remaining = self.budget.remaining_evaluations(self.evaluations)
        return self.size if remaining is None else max(0, min(self.size, remaining))

    def take_new(self, candidates: np.ndarray, need: int, /) -> np.ndarray:
        """The first ``need`` rows of ``candidates`` never evaluated before and all different;
        they are recorded as evaluated (the caller evaluates them)."""
        keep, hashes = self.evaluated.new_rows(candidates)
        self.evaluated.add(hashes[:need])
        return candidates[keep.nonzero()[0][:need]]

    def fresh_rows(self, draw: Callable[[int], np.ndarray], n: int, /) -> np.ndarray:
        """Up to ``n`` new rows (see :meth:`take_new`) from rounds of ``draw(k)``."""
        batches = []
        found = 0
        for _ in range(BREEDING_ROUNDS):
            need = n - found
            if need <= 0:
                break
            batches.append(self.take_new(draw(need + math.ceil(need * OVERDRAW)), need))
            found += batches[-1].shape[0]
        if len(batches) == 1:
            return batches[0]
        return np.concatenate([np.empty((0, self.space.n_var)), *batches])

    def first_points(self, initial: ArrayLike | None, /) -> np.ndarray:
        """The user's points (repaired into the domain) followed by random ones."""
        n = self.batch_size()
        user = np.empty((0, self.space.n_var))
        if initial is not None:
            user = self.take_new(self.space.repair(np.asarray(initial)), n)
        random = self.fresh_rows(lambda k: self.space.sample(k, rng=self.rng), n - user.shape[0])
        return np.concatenate([user, random])

    def offspring(self, parents: _Generation, /) -> np.ndarray:
        """New points bred from ``parents``."""

        def draw(k: int) -> np.ndarray:
            winners = binary_tournament(parents.ranking, k + k % 2, rng=self.rng)
            return make_offspring(parents.population.X[winners], space=self.space,
                                  settings=self.variation, rng=self.rng)[:k]

        return self.fresh_rows(draw, self.batch_size())

    def evaluate(self, X: np.ndarray, /) -> Population:
        X.flags.writeable = False
        population = evaluate_points(self.problem, X)
        self.handling.observe(population.hard)
        self.evaluations += len(population)
        if not self.feasible_found:
            self.feasible_found = bool(population.feasible.any())
        return population

    def survive(self, population: Population, /, *, newcomers: int) -> _Generation:
        """The best ``size`` points of ``population``, whose last ``newcomers`` rows were just
        evaluated; those that may belong to the front are offered to the archive."""
        used = self.budget.used(generation=self.generation, evaluations=self.evaluations,
                                elapsed=self.elapsed())
        objectives, violation = self.handling.search_terms(
            population.F, population.hard, population.soft, used=used)
        ranking = Ranking.of(objectives, violation)
        candidates = self._front_candidates(population, ranking, newcomers)
        if candidates.size:
            self.archive.offer(population.take(candidates))
        best = ranking.best(self.size)
        return _Generation(population.take(best), ranking.take(best))

    def _front_candidates(self, population: Population, ranking: Ranking, newcomers: int) -> np.ndarray:
        """Rows of the newcomers that may be on the front: finite, satisfying every hard
        constraint (unless ignored) and, where ranking judges exactly that, in the first rank
        (any other is dominated by a point already evaluated)."""
        new = slice(len(population) - newcomers, None)
        candidates = ranking.feasible[new].copy()  # finite, and feasible as the mode sees it
        mode = self.handling.mode
        if mode in ("feasibility", "ignore"):
            candidates &= ranking.rank[new] == 0
        if mode != "ignore" and population.hard.shape[1]:
            candidates &= population.feasible[new]
        return candidates.nonzero()[0] + (len(population) - newcomers)


def _generator(seed: int | None, rng: np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    if rng is not None:
        if seed is not None:
            raise ValueError("pass 'seed' or 'rng', not both")
        return rng, None
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # drawn fresh, so a single int
        seed = entropy  # recorded, so the run can be repeated
    return np.random.default_rng(seed), seed


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


def _report(run: _Run, state: _Generation, monitor: ProgressMonitor, callback: Callback | None,
            stall_generations: int | None) -> str | None:
    """Record the generation and return why to stop, if so."""
    stats = monitor.record(state.population, state.ranking, run.handling,
                           generation=run.generation, evaluations=run.evaluations,
                           elapsed=run.elapsed())
    if callback is not None and callback(stats) is False:
        return "callback"
    reason = run.budget.stop_reason(generation=run.generation, evaluations=run.evaluations,
                                    elapsed=stats.elapsed)
    if reason is None and stall_generations and monitor.since_improvement >= stall_generations:
        reason = "stall"
    return reason


def _result(run: _Run, state: _Generation, monitor: ProgressMonitor, reason: str,
            seed: int | None) -> SolverResult:
    front = select_front(run.archive, state.population, feasible_found=run.feasible_found)
    message = (f"{front.description}; stopped by {reason} after {run.generation} generations "
               f"and {run.evaluations} evaluations")
    points = front.points
    return SolverResult(
        X=points.X, F=points.F, hard=points.hard, soft=points.soft, feasible=points.feasible,
        feasible_found=front.feasible_found, message=message, population=state.population,
        history=monitor.history, n_evaluations=run.evaluations, n_generations=run.generation,
        stop_reason=reason, seed=seed, elapsed=run.elapsed(),
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
        Most points in the returned front (default ``10 * population``).

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
    check_problem(problem)
    generator, seed = _generator(seed, rng)
    _check_range("population", population, 2)
    _check_range("penalty", penalty, 0.0)
    if stall_generations is not None:
        _check_range("stall_generations", stall_generations, 1)
    max_front = 10 * population if max_front is None else max_front
    _check_range("max_front", max_front, 1)
    handling = ConstraintHandling(constraints, np.asarray(problem.soft_weights, dtype=float),
                                  penalty=penalty, epsilon=epsilon)
    run = _Run(
        problem=problem,
        space=VariableSpace.of_problem(problem),
        handling=handling,
        budget=Budget.of(generations=generations, max_evaluations=max_evaluations, timeout=timeout),
        variation=_variation(len(problem.kinds), crossover_eta, crossover_prob, mutation_eta,
                             mutation_prob),
        size=int(population),
        rng=generator,
        archive=FrontArchive(handling, max_front),
    )
    monitor = ProgressMonitor(tolerance=stall_tolerance)
    first = run.evaluate(run.first_points(initial))
    state = run.survive(first, newcomers=len(first))
    reason = _report(run, state, monitor, callback, stall_generations)
    idle = 0
    while reason is None:
        offspring = run.evaluate(run.offspring(state))
        idle = 0 if len(offspring) else idle + 1
        run.generation += 1
        state = run.survive(state.population.join(offspring), newcomers=len(offspring))
        reason = _report(run, state, monitor, callback, stall_generations)
        if reason is None and idle >= EXHAUSTED_AFTER:
            reason = "exhausted"
    return _result(run, state, monitor, reason, seed)
