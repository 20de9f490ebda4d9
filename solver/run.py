"""The state of one run and its steps: breeding new points, evaluating them, survival.

:func:`mooc.solver.nsga2` drives a :class:`Run` generation by generation; a
:mod:`checkpoint <mooc.solver.checkpoint>` snapshots one between generations and restores it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from mooc.solver.archive import FrontArchive
from mooc.solver.conditional import active_of, fill_missing, settle
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.evaluated import EvaluatedRows
from mooc.solver.population import Population, evaluate_points
from mooc.solver.problem import Problem
from mooc.solver.rowwise import finite_rows
from mooc.solver.selection import Ranking, binary_tournament
from mooc.solver.survival import RankAndCrowding, Survival
from mooc.solver.termination import Budget
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import VariationSettings, make_offspring

if TYPE_CHECKING:  # the gradient modules are imported only for problems with a jacobian
    from mooc.solver.memetic import GradientSteps

#: New points are drawn in at most this many rounds per generation (duplicates are redrawn).
BREEDING_ROUNDS = 5
#: Each round draws this fraction more than it needs, to make up for duplicates at once.
OVERDRAW = 0.125
@dataclass
class Generation:
    """The survivors of a generation and how selection sees them."""

    population: Population
    ranking: Ranking


@dataclass
class Run:
    """The state of one run: what it works on, what it has spent, what it has evaluated."""

    problem: Problem
    space: VariableSpace
    handling: ConstraintHandling
    budget: Budget
    variation: VariationSettings
    size: int
    rng: np.random.Generator
    archive: FrontArchive
    survival: Survival = field(default_factory=RankAndCrowding)
    start: float = field(default_factory=time.perf_counter)
    evaluated: EvaluatedRows = field(default_factory=EvaluatedRows)
    evaluations: int = 0  # every evaluation, gradient evaluations included
    generation: int = 0
    feasible_found: bool = False
    #: projection onto equality constraints and polishing, when the problem has derivatives
    steps: GradientSteps | None = None
    gradient_evaluations: int = 0

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def batch_size(self) -> int:
        """How many points the next generation may evaluate."""
        remaining = self.budget.remaining_evaluations(self.evaluations)
        return self.size if remaining is None else max(0, min(self.size, remaining))

    def settled(self, X: np.ndarray, /) -> np.ndarray:
        """New points with their conditional variables settled (see :mod:`.conditional`)."""
        active = active_of(self.problem)
        return X if active is None else settle(X, active, self.space, rng=self.rng)

    def take_new(self, candidates: np.ndarray, need: int, /) -> np.ndarray:
        """The first ``need`` rows of ``candidates`` never evaluated before and all different
        (moved onto the equality constraints first, when there are gradient steps); they are
        recorded as evaluated (the caller evaluates them)."""
        if self.steps is not None and self.steps.projection is not None:  # else no repair
            keep, _ = self.evaluated.new_rows(candidates)
            candidates = self.steps.repair(candidates.take(keep.nonzero()[0][:need], axis=0))
        keep, hashes = self.evaluated.new_rows(candidates)
        self.evaluated.add(hashes[:need])
        taken = candidates.take(keep.nonzero()[0][:need], axis=0)
        if self.steps is not None:
            self.steps.taken(taken.shape[0])
        return taken

    def count_gradients(self) -> None:
        """Add the gradient evaluations spent since the last call to the run's count."""
        if self.steps is not None:
            new = self.steps.newly_counted()
            self.evaluations += new
            self.gradient_evaluations += new

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

    def first_points(self, initial: ArrayLike | None, /, n: int | None = None) -> np.ndarray:
        """The user's points (repaired into the domain) followed by random ones (``n`` in all,
        default :meth:`batch_size`)."""
        n = self.batch_size() if n is None else n
        user = np.empty((0, self.space.n_var))
        if initial is not None:
            given = np.asarray(initial)
            if active_of(self.problem) is not None:
                given = fill_missing(given, self.space, rng=self.rng)
            user = self.take_new(self.settled(self.space.repair(given)), n)
        random = self.fresh_rows(lambda k: self.settled(self.space.sample(k, rng=self.rng)),
                                 n - user.shape[0])
        return np.concatenate([user, random])

    def offspring(self, parents: Generation, /, n: int | None = None) -> np.ndarray:
        """``n`` new points (default :meth:`batch_size`) bred from ``parents``."""

        def draw(k: int) -> np.ndarray:
            winners = binary_tournament(parents.ranking, k + k % 2, rng=self.rng)
            X = parents.population.X
            return self.settled(make_offspring(
                X.take(winners[0::2], axis=0), X.take(winners[1::2], axis=0),
                space=self.space, settings=self.variation, rng=self.rng)[:k])

        return self.fresh_rows(draw, self.batch_size() if n is None else n)

    def evaluate(self, X: np.ndarray, /) -> Population:
        X.flags.writeable = False
        return self.absorb(evaluate_points(self.problem, X))

    def absorb(self, population: Population, /) -> Population:
        """Count newly evaluated points and let constraint handling see them."""
        self.handling.observe(population.hard)
        self.evaluations += len(population)
        if not self.feasible_found:  # with finite objectives: one that failed is not found
            self.feasible_found = bool((population.feasible & finite_rows(population.F)).any())
        return population

    def survive(self, population: Population, /, *, newcomers: int) -> Generation:
        """The best ``size`` points of ``population``, whose last ``newcomers`` rows were just
        evaluated; those that may belong to the front are offered to the archive."""
        used = 0.0
        if self.handling.uses_budget:
            used = self.budget.used(generation=self.generation, evaluations=self.evaluations,
                                    elapsed=self.elapsed())
        objectives, violation = self.handling.search_terms(
            population.F, population.hard, population.soft, used=used)
        ranking = self.survival.rank(objectives, violation, needed=self.size)
        candidates = self._front_candidates(population, ranking, newcomers)
        if candidates.size:
            self.archive.offer(population.take(candidates))
        best = self.survival.best(ranking, self.size, rng=self.rng)
        return Generation(population.take(best), ranking.take(best))

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
