"""Where derivatives meet the generation loop: a generation's evaluations shared between
breeding and gradient steps, new points moved onto the equality constraints, and what the
gradient steps learn from survival.

A generation spends the evaluations it always did (the population size, or what is left of
``max_evaluations``), Jacobians included at one evaluation per point: when offspring cost
gradient evaluations to project, fewer are bred; polishing takes its share first
(:mod:`mooc.solver.polish`). :class:`GradientSteps` is used by the run at three places: how
many points to breed (:meth:`GradientSteps.start`), each batch of new points before it is
evaluated (:meth:`GradientSteps.repair`, the projection), and after survival
(:meth:`GradientSteps.after_survival`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mooc.solver.constraints import ConstraintHandling
from mooc.solver.evaluated import EvaluatedRows
from mooc.solver.gradients import Gradients
from mooc.solver.polish import LEAST_GAIN, Polish, PolishPlan, PolishState, hypervolume_gains
from mooc.solver.population import Population
from mooc.solver.problem import Problem
from mooc.solver.projection import EqualityProjection
from mooc.solver.selection import Ranking
from mooc.solver.variables import VariableSpace


@dataclass
class _Generation:
    """What the current generation has planned and spent."""

    allowance: int = 0  # evaluations it may still spend (points and gradients)
    polish_points: int = 0
    offspring: int = 0  # rows of the batch bred (the rest are polish trials)
    offspring_gradients: int = 0
    plan: PolishPlan | None = None


@dataclass
class GradientSteps:
    """The gradient steps of one run: projection and polishing (either may be off)."""

    gradients: Gradients
    projection: EqualityProjection | None
    polish: Polish | None
    current: _Generation = field(default_factory=_Generation)
    counted: int = 0  # gradient evaluations already added to the run's count

    @classmethod
    def of(cls, problem: Problem, space: VariableSpace, *, polish: bool, project: bool,
           constraints: str) -> GradientSteps | None:
        """The steps for ``problem``, or None when it has no derivatives or both are off (a
        projection only where constraints steer the search)."""
        gradients = Gradients.of(problem, space)
        if gradients is None:
            return None
        projection = EqualityProjection.of(gradients) if project and constraints != "ignore" \
            else None
        polisher = Polish(gradients) if polish else None
        if projection is None and polisher is None:
            return None
        return cls(gradients, projection, polisher)

    @property
    def projection_cost(self) -> float:
        return 0.0 if self.projection is None else self.projection.cost

    def start(self, budget: int, *, first: bool) -> None:
        """Begin a generation that may spend ``budget`` evaluations (the polish trials are
        asked for first, then :meth:`breed_count` says how many points to breed)."""
        polish = 0
        if self.polish is not None and not first:
            polish = self.polish.points(budget, self.projection_cost)
        self.current = _Generation(allowance=budget, polish_points=polish)

    def breed_count(self) -> int:
        """How many points to breed with what the generation has left (at least one, so a
        generation always breeds when it may spend anything)."""
        left = self.current.allowance
        return max(int(left // (1.0 + self.projection_cost)), 1 if left > 0 else 0)

    def repair(self, X: np.ndarray, /) -> np.ndarray:
        """New points moved onto the equality constraints, within the generation's allowance."""
        if self.projection is None or not X.shape[0]:
            return X
        before = self.gradients.count
        limit = max(0, self.current.allowance - X.shape[0])
        with np.errstate(all="ignore"):  # values at the float range's edges are handled
            out = self.projection.project(X, limit=limit)
        self.current.allowance -= self.gradients.count - before
        return out

    def taken(self, count: int, /) -> None:
        """``count`` new points are to be evaluated."""
        self.current.allowance -= count

    def bred(self, X: np.ndarray, gradients_before: int) -> None:
        """The generation's bred points are ``X``, their projection having started at the
        gradient count ``gradients_before``."""
        self.current.offspring = X.shape[0]
        self.current.offspring_gradients = self.gradients.count - gradients_before

    def trial_points(self, population: Population, ranking: Ranking, evaluated: EvaluatedRows,
                     *, rng: np.random.Generator) -> np.ndarray:
        """The polish trials of this generation, projected and never evaluated before."""
        count = min(self.current.polish_points, self._affordable())
        if self.polish is None or count <= 0:
            return np.empty((0, population.X.shape[1]))
        before = self.gradients.count
        with np.errstate(all="ignore"):  # values at the float range's edges are handled
            trials, plan = self.polish.propose(population, ranking, count, rng=rng)
        self.current.allowance -= plan.spent
        trials = self.repair(trials)
        keep, hashes = evaluated.new_rows(trials)
        evaluated.add(hashes)
        trials = trials.compress(keep, axis=0)
        plan.owner, plan.length = plan.owner[keep], plan.length[keep]
        plan.spent = self.gradients.count - before
        self.taken(trials.shape[0])
        self.current.plan = plan
        return trials

    def _affordable(self) -> int:
        if self.polish is None:
            return 0
        return int(self.current.allowance // self.polish.cost_per_point(self.projection_cost))

    def newly_counted(self) -> int:
        """Gradient evaluations spent since the last call (to add to the run's count)."""
        new = self.gradients.count - self.counted
        self.counted = self.gradients.count
        return new

    def after_survival(self, evaluated: Population, survivors: Population,
                       handling: ConstraintHandling) -> None:
        """Learn from a generation: which trials improved their point, and what polishing
        bought against breeding (rows of ``evaluated``: the bred points, then the trials)."""
        plan, current = self.current.plan, self.current
        if self.polish is None or plan is None:
            return
        trials = evaluated.take(np.arange(current.offspring, len(evaluated)))
        with np.errstate(all="ignore"):
            self.polish.learn(plan, trials, handling)
        costs = (len(trials) + plan.spent, current.offspring + current.offspring_gradients)
        objectives, violation = handling.search_terms(evaluated.F, evaluated.hard,
                                                      evaluated.soft, used=0.0)
        usable = np.isfinite(objectives).all(axis=1) & (violation == 0)
        split = current.offspring
        with np.errstate(all="ignore"):
            gains = hypervolume_gains(plan.front, objectives[:split][usable[:split]],
                                      objectives[split:][usable[split:]])
        if gains is not None:
            bred, polished, base = gains
            self.polish.follow_share(polished, costs[0], bred, costs[1], LEAST_GAIN * base)
        else:  # how many of each survive
            kept = {row.tobytes() for row in survivors.X}
            survived = np.array([row.tobytes() in kept for row in evaluated.X], dtype=bool)
            self.polish.follow_share(float(survived[split:].sum()), costs[0],
                                     float(survived[:split].sum()), costs[1])
        self.current.plan = None

    # checkpoints -----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {"count": self.gradients.count, "counted": self.counted,
                "projection_cost": self.projection_cost,
                "projection": None if self.projection is None else self.projection.state_dict(),
                "polish": None if self.polish is None else asdict(self.polish.state)}

    def load_state(self, saved: dict[str, Any]) -> None:
        self.gradients.count = int(saved.get("count", 0))
        self.counted = int(saved.get("counted", 0))
        if self.projection is not None:
            self.projection.cost = float(saved.get("projection_cost", self.projection.cost))
            if saved.get("projection"):  # not in a checkpoint of an older mooc
                self.projection.load_state(saved["projection"])
        if self.polish is not None and saved.get("polish"):
            self.polish.state = PolishState(**saved["polish"])
