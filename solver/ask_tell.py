"""NSGA-II one generation at a time: ask for the points to evaluate, tell their values.

:class:`Search` holds a run between generations. :meth:`Search.ask` gives the new points of
the next generation (the initial population first); :meth:`Search.tell` takes their values,
and survival makes the generation. :func:`mooc.solver.nsga2` is nothing but a loop of
``search.step()`` (ask, evaluate with the problem, tell), so a run driven from outside with the
same values is the same run, point for point.

Examples
--------
>>> import numpy as np
>>> from mooc.solver import FunctionProblem
>>> problem = FunctionProblem(lambda X: np.c_[X[:, 0], (1 - X[:, 0]) ** 2],
...                           lower=[0.0], upper=[1.0], n_obj=2)
>>> search = Search(problem, population=10, generations=3, seed=4)
>>> while not search.stopped:
...     X = search.ask()
...     search.tell(Evaluation(F=np.c_[X[:, 0], (1 - X[:, 0]) ** 2], hard=np.zeros((len(X), 0)),
...                            soft=np.zeros((len(X), 0))))
>>> search.result().n_evaluations
40
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.archive import FrontArchive
from mooc.solver.checkpoint import CheckpointHook, SolverState, check_settings, restore, snapshot
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.front import select_front
from mooc.solver.population import Population, evaluate_points, population_of
from mooc.solver.problem import Evaluation, Problem, check_problem
from mooc.solver.progress import GenerationStats, ProgressMonitor
from mooc.solver.result import SolverResult
from mooc.solver.run import Generation, Run
from mooc.solver.survival import RankAndCrowding, Survival
from mooc.solver.termination import Budget, is_finite
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import VariationSettings

if TYPE_CHECKING:
    from mooc.solver.memetic import GradientSteps

#: Stop as "exhausted" after this many generations in a row without a single new point.
EXHAUSTED_AFTER = 5

Callback = Callable[[GenerationStats], object]
#: ``on_evaluated(population, generation)``: called with each newly evaluated batch.
EvaluatedHook = Callable[[Population, int], object]

#: How the result's message names each stop reason.
STOPPED_BY = {"generations": "the generation limit", "max_evaluations": "the evaluation limit",
              "timeout": "the time limit", "stall": "a stall", "callback": "the callback",
              "exhausted": "running out of new points", "interrupted": "Ctrl-C or SIGTERM (interrupted)"}


#: The seed of a run given none: the same model and settings always give the same front
#: (independent runs take seeds of their own).
DEFAULT_SEED = 0


def _generator(seed: int | None, rng: np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    if rng is not None:
        if seed is not None:
            raise ValueError("pass 'seed' or 'rng', not both")
        return rng, None
    if seed is None:
        seed = DEFAULT_SEED
    _check_range("seed", seed, 0, whole=True)
    return np.random.default_rng(int(seed)), int(seed)


#: The default front holds this many points per member of the population and dimension of the
#: front, counting at most MAX_FRONT_DIMENSIONS dimensions.
FRONT_PER_POPULATION = 10
MAX_FRONT_DIMENSIONS = 4


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


#: The largest finite float.
_LARGEST = float(np.finfo(float).max)


def _check_range(name: str, value: float, low: float, high: float = np.inf, *,
                 whole: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            (whole and (not is_finite(value) or value != int(value))):
        noun = "a whole number" if whole else "a number"
        raise ValueError(f"'{name}' must be {noun} in [{low}, {high}], but is {value!r}")
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


class Search:
    """One NSGA-II run, advanced a generation per :meth:`tell`; the arguments are those of
    :func:`mooc.solver.nsga2` (which see), plus ``on_evaluated``, called as
    ``on_evaluated(population, generation)`` with every newly evaluated batch (minimization
    form). ``problem.evaluate`` is used only by :meth:`step`."""

    def __init__(self, problem: Problem, /, *, population: int = 100, generations: int | None = None,
                 max_evaluations: int | None = None, timeout: float | None = None,
                 stall_generations: int | None = None, stall_tolerance: float = 1e-4,
                 seed: int | None = None, constraints: str = "feasibility",
                 crossover_eta: float = 15.0, crossover_prob: float = 0.9,
                 mutation_eta: float = 20.0, mutation_prob: float | None = None,
                 penalty: float = 1e6, epsilon: float | None = None,
                 initial: ArrayLike | None = None, callback: Callback | None = None,
                 rng: np.random.Generator | None = None, max_front: int | None = None,
                 checkpoint: CheckpointHook | None = None, resume: SolverState | None = None,
                 on_evaluated: EvaluatedHook | None = None, survival: Survival | None = None,
                 method: dict[str, Any] | None = None, polish: bool = True,
                 project: bool = True):
        check_problem(problem)
        survival = RankAndCrowding() if survival is None else survival
        method = {} if method is None else method
        if resume is not None:
            if rng is not None or (seed is not None and seed != resume.seed):
                raise ValueError("a resumed run goes on with the random stream of its checkpoint: "
                                 "pass neither 'rng' nor another 'seed'")
            generator, seed = _resumed_generator(resume), resume.seed
        else:
            generator, seed = _generator(seed, rng)
        _check_range("population", population, 2, whole=True)
        _check_range("penalty", penalty, 0.0, _LARGEST)  # inf would make 0 * inf = NaN
        if epsilon is not None:
            _check_range("epsilon", epsilon, 0.0)
        if stall_generations is not None:
            _check_range("stall_generations", stall_generations, 1, whole=True)
        if max_front is None:
            max_front = default_max_front(population, problem.n_obj)
        _check_range("max_front", max_front, 1, whole=True)
        variation = _variation(len(problem.kinds), crossover_eta, crossover_prob, mutation_eta,
                               mutation_prob)
        self.settings = {"population": int(population), "constraints": constraints,
                         "penalty": penalty, "epsilon": epsilon, "max_front": int(max_front),
                         "stall_tolerance": stall_tolerance, **dataclasses.asdict(variation),
                         "n_var": len(problem.kinds), "polish": bool(polish),
                         "project": bool(project), **method}
        handling = ConstraintHandling(constraints, np.asarray(problem.soft_weights, dtype=float),
                                      penalty=penalty, epsilon=epsilon)
        self.problem, self.seed, self.initial = problem, seed, initial
        self.checkpoint, self.on_evaluated = checkpoint, on_evaluated
        self.run = Run(problem=problem, space=VariableSpace.of_problem(problem), handling=handling,
                       budget=Budget.of(generations=generations, max_evaluations=max_evaluations,
                                        timeout=timeout),
                       variation=variation, size=int(population), rng=generator,
                       archive=FrontArchive(handling, max_front), survival=survival)
        if getattr(problem, "jacobian", None) is not None:  # else no gradient steps to take
            from mooc.solver.memetic import GradientSteps

            self.run.steps = GradientSteps.of(problem, self.run.space, polish=polish,
                                              project=project, constraints=constraints)
        self.stopping = _Stopping(callback, stall_generations)
        self.state: Generation | None = None
        self.monitor = ProgressMonitor(tolerance=stall_tolerance)
        self.saved: SolverState | None = None
        self.reason: str | None = None
        self.idle = 0
        self._asked: np.ndarray | None = None
        if resume is not None:
            _check_method(resume, method)
            check_settings(resume, self.settings)
            self.state, self.monitor = restore(resume, self.run)
            self.idle = resume.idle
            self.reason = self.stopping.limit_reached(self.run, self.monitor, idle=self.idle)
            self._save()

    @property
    def stopped(self) -> bool:
        """Whether the run has ended (:attr:`reason` says why)."""
        return self.reason is not None

    @property
    def generation(self) -> int:
        """The generation the points of the next :meth:`ask` belong to (0: the initial one)."""
        return 0 if self.state is None else self.run.generation + 1

    def ask(self) -> np.ndarray:
        """The new points of the next generation, read-only, never evaluated before; the same
        array until :meth:`tell` (none once the run has stopped, and maybe none when no new
        point could be bred: tell an empty batch then)."""
        if self.reason is not None:
            return np.empty((0, len(self.problem.kinds)))
        if self._asked is None:
            run = self.run
            if run.steps is not None:
                X = self._bred_with_steps(run.steps)
            elif self.state is None:
                X = run.first_points(self.initial)
            else:
                X = run.offspring(self.state)
            X.flags.writeable = False
            self._asked = X
        return self._asked

    def _bred_with_steps(self, steps: GradientSteps) -> np.ndarray:
        """New points when the problem has derivatives: the polish trials first, then points
        bred (and projected) with what is left of the generation's evaluations; the bred
        points come first in the batch."""
        run, state = self.run, self.state
        steps.start(run.batch_size(), first=state is None)
        trials = np.empty((0, len(self.problem.kinds)))
        if state is not None:
            trials = steps.trial_points(state.population, state.ranking, run.evaluated,
                                        rng=run.rng)
        count, before = steps.breed_count(), steps.gradients.count
        X = run.first_points(self.initial, count) if state is None else run.offspring(state, count)
        steps.bred(X, before)
        run.count_gradients()
        return np.concatenate([X, trials])

    def tell(self, values: Evaluation | Population, /) -> None:
        """The values of every point of the last :meth:`ask`, in its order (minimization form),
        as an :class:`Evaluation` or an evaluated :class:`Population`; makes the generation."""
        X = self.ask()
        if self.reason is not None:
            raise ValueError("the run has stopped: there is nothing to tell")
        if isinstance(values, Evaluation):
            values = population_of(self.problem, X, values)
        elif values.X is not X:
            raise ValueError("tell() takes the values of the points of the last ask()")
        self._advance(values)

    def step(self) -> None:
        """Ask, evaluate with the problem, tell."""
        X = self.ask()
        self.tell(evaluate_points(self.problem, X))

    def _advance(self, evaluated: Population) -> None:
        run, first = self.run, self.state is None
        self._asked = None
        if not first:
            run.generation += 1
        run.absorb(evaluated)
        if self.on_evaluated is not None:
            self.on_evaluated(evaluated, run.generation)
        if first:
            self.state = run.survive(evaluated, newcomers=len(evaluated))
        else:
            assert self.state is not None
            self.idle = 0 if len(evaluated) else self.idle + 1
            self.state = run.survive(self.state.population.join(evaluated),
                                     newcomers=len(evaluated))
        if run.steps is not None:
            run.steps.after_survival(evaluated, self.state.population, run.handling)
        self.reason = self.stopping.after(run, self.state, self.monitor, idle=self.idle)
        self._save()

    def _save(self) -> None:
        assert self.state is not None
        self.saved = snapshot(self.run, self.state, self.monitor, idle=self.idle, seed=self.seed,
                              settings=self.settings)
        if self.checkpoint is not None:
            self.checkpoint(self.saved, self.reason is not None)

    def interrupt(self) -> None:
        """Stop at the last finished generation (after a Ctrl-C); ``KeyboardInterrupt`` again
        when none is finished."""
        if self.saved is None:  # nothing finished to keep
            raise KeyboardInterrupt
        self.state, self.monitor = restore(self.saved, self.run)
        self._asked = None
        self.reason = "interrupted"
        if self.checkpoint is not None:
            self.checkpoint(self.saved, True)

    def result(self) -> SolverResult:
        """The front so far (the run's result once it has stopped)."""
        run, state = self.run, self.state
        if state is None:
            raise ValueError("no generation is finished yet: tell the first batch first")
        reason = self.reason or "running"
        front = select_front(run.archive, state.population, feasible_found=run.feasible_found)
        generations = f"{run.generation} generation{'' if run.generation == 1 else 's'}"
        points = run.evaluations - run.gradient_evaluations
        if run.gradient_evaluations:
            generations += ","
            spent = f"{points} evaluations and {run.gradient_evaluations} gradient evaluations"
        else:
            spent = f"and {points} evaluations"
        message = (f"{front.description}; stopped by {STOPPED_BY.get(reason, reason)} after "
                   f"{generations} {spent}")
        if self.reason is None:
            message = f"{front.description} after {generations} {spent} (still running)"
        chosen = front.points
        return SolverResult(
            X=chosen.X, F=chosen.F, hard=chosen.hard, soft=chosen.soft, feasible=front.feasible,
            feasible_found=front.feasible_found, message=message, population=state.population,
            history=list(self.monitor.history), n_evaluations=points,
            n_gradient_evaluations=run.gradient_evaluations,
            n_generations=run.generation, stop_reason=reason, seed=self.seed,
            elapsed=run.elapsed(), reference_point=self.monitor.reference_point,
            method=run.survival.name,
        )


def drive(search: Search, /) -> SolverResult:
    """Run ``search`` to its end, evaluating with its problem; a Ctrl-C keeps the last
    finished generation. What :func:`~mooc.solver.nsga2` and :func:`~mooc.solver.nsga3` do."""
    try:
        while not search.stopped:
            search.step()
    except KeyboardInterrupt:
        search.interrupt()
    return search.result()
