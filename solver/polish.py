"""Gradient steps on some of each generation's best points (a memetic NSGA-II).

A few points of the first rank take a common descent step (:mod:`mooc.solver.descent`),
which improves every objective at once and so brings a point nearer the front. A point where
the first rank reaches its best value of an objective takes a step that improves that
objective alone (constraints and bounds respected as for the others): it moves along the
front, past its end, where a common descent step cannot go. A step is tried at three lengths
at once, ``4 s``, ``s`` and ``s / 4``, where ``s`` (the largest move of one variable, in span
units) follows the lengths at which common descent steps improved their point in the previous
generation. (A step on one objective alone improves it at almost any length, so it says
nothing of the right one; learning from it too drove steps so long that on a multimodal
problem such as ZDT4 the front's ends jumped into poor basins and held the search there.) The trials
join the generation's offspring and survival judges them like any offspring, so the search
never depends on the gradient alone.

How many points are polished is learned too: the share of a generation's evaluations (the
Jacobians, at one evaluation per point, included) that goes to polishing follows what each
evaluation buys, for polishing against breeding, between :data:`SHARE_LEAST` and
:data:`SHARE_MOST`: the hypervolume the trials (or the bred points) add to the previous
generation's first rank, per evaluation spent on them (with more than
:data:`GAIN_OBJECTIVES` objectives, how many of them survive). Polishing must also buy at
least :data:`LEAST_GAIN` of that rank's hypervolume per evaluation to keep a large share:
trials that only inch their points forward (near a front, or in the local optima of a
multimodal problem, where each polished point would crowd out the exploring offspring that
could leave them) are worth little, however often they survive.

The final front is polished as it forms, not in an extra round at the end: what a generation
does never depends on the run's limits, so a run stopped and resumed with a larger budget
ends with the front of a run never stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mooc.solver.constraints import ConstraintHandling
from mooc.solver.descent import common_descent, common_descents
from mooc.solver.gradients import Gradients, Linearization
from mooc.solver.population import Population
from mooc.solver.selection import Ranking

#: The trial step lengths, as multiples of the learned step.
TRIALS = (4.0, 1.0, 0.25)
SHARE_START, SHARE_LEAST, SHARE_MOST = 0.2, 0.02, 0.5
#: How fast the share follows what polishing buys (the weight of the latest generation).
SHARE_RATE = 0.3
#: Most objectives for which the share follows hypervolume gains (beyond: survivor counts).
GAIN_OBJECTIVES = 4
#: What polishing must buy per evaluation, as a fraction of the first rank's hypervolume.
LEAST_GAIN = 1e-5
#: Bounds of the learned step (span units).
STEP_START, STEP_LEAST, STEP_MOST = 0.05, 1e-9, 1.0


@dataclass
class PolishState:
    """What polishing has learned (saved with a checkpoint)."""

    share: float = SHARE_START
    credit: float = 0.0
    step: float = STEP_START


@dataclass
class PolishPlan:
    """The trial points of one generation and what judging them needs."""

    base: Population  # the points stepped from
    owner: np.ndarray  # for each trial, its base point's row
    length: np.ndarray  # for each trial, its step length
    spent: int = 0  # gradient evaluations spent on the plan (Jacobians and projections)
    #: the search objectives of the first rank the trials were made from (its feasible points)
    front: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: for each base point, the objective its step improves alone (-1: all of them)
    target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))


@dataclass
class Polish:
    """The gradient steps of one run."""

    gradients: Gradients
    state: PolishState = field(default_factory=PolishState)

    def cost_per_point(self, projection_cost: float) -> float:
        """Evaluations one polished point costs: its Jacobian, the trials and their projection."""
        return 1.0 + len(TRIALS) * (1.0 + projection_cost)

    def points(self, budget: int, projection_cost: float) -> int:
        """How many points to polish in a generation of ``budget`` evaluations."""
        state = self.state
        state.credit = min(state.credit + state.share * budget, float(budget))
        each = self.cost_per_point(projection_cost)
        count = int(state.credit // each)
        state.credit -= count * each
        return count

    def propose(self, population: Population, ranking: Ranking, count: int, *,
                rng: np.random.Generator) -> tuple[np.ndarray, PolishPlan]:
        """Trial points from ``count`` points of the first rank (and the plan to judge them)."""
        g = self.gradients
        chosen, target = self._choose(ranking, count, rng)
        base = population.take(chosen)
        empty = np.empty((0, population.X.shape[1]))
        if not chosen.size:
            return empty, PolishPlan(base, np.zeros(0, dtype=np.intp), np.zeros(0))
        before = g.count
        linear = g.linearize(base.X)
        Z = g.unit(base.X)
        d = self._directions(linear, self._spread(ranking), Z, base.hard, target)
        largest = np.abs(d).max(axis=1, initial=0.0)
        moved = np.flatnonzero(np.isfinite(largest) & (largest > 1e-12))
        length = np.clip(np.array(TRIALS) * self.state.step, STEP_LEAST, STEP_MOST)
        plan = PolishPlan(base, np.repeat(moved, length.size), np.tile(length, moved.size),
                          spent=g.count - before, target=target,
                          front=ranking.objectives[(ranking.rank == 0) & ranking.feasible])
        if not moved.size:
            return empty, plan
        # each moved point's trials in TRIALS order: its step scaled to each length
        steps = length[None, :, None] * d[moved, None, :] / largest[moved, None, None]
        trials = np.clip(Z[moved, None, :] + steps, 0.0, 1.0).reshape(-1, Z.shape[1])
        return g.from_unit(base.X[plan.owner], trials), plan

    def _choose(self, ranking: Ranking, count: int,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Rows to polish (the first rank's best in each objective first, then others at
        random) and the objective each one's step improves alone (-1: all)."""
        pool = np.flatnonzero(ranking.rank == 0)
        objectives = ranking.objectives[pool]
        extremes: dict[int, int] = {}
        if np.isfinite(objectives).all() and pool.size > 1:
            for objective in range(objectives.shape[1]):
                row = int(pool[np.argmin(objectives[:, objective])])
                extremes.setdefault(row, objective)
        rows = list(extremes)[:count]
        taken = np.zeros(ranking.rank.size, dtype=bool)
        taken[rows] = True
        others = pool[~taken[pool]]  # (setdiff1d would import numpy.ma, 15 ms at start-up)
        more = rng.choice(others, size=min(count - len(rows), others.size), replace=False)
        chosen = np.concatenate([np.array(rows, dtype=np.intp), np.sort(more)])
        target = np.array([extremes.get(int(row), -1) if k < len(rows) else -1
                           for k, row in enumerate(chosen)], dtype=np.intp)
        return chosen, target

    def _spread(self, ranking: Ranking) -> np.ndarray:
        """Each objective's spread over the first rank (its unit for the gradients)."""
        first = ranking.objectives[ranking.rank == 0]
        first = first[np.isfinite(first).all(axis=1)]
        if not first.shape[0]:
            return np.ones(ranking.objectives.shape[1])
        spread = np.ptp(first, axis=0)
        floor = 1e-9 * np.maximum(1.0, np.abs(first).max(axis=0))
        return np.maximum(spread, floor)

    def _directions(self, linear: Linearization, spread: np.ndarray, Z: np.ndarray,
                    hard: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Each base point's step direction (span units): a common descent one, or for a
        point with a ``target``, one that improves that objective alone."""
        JF = linear.JF / spread[:, None]
        if not linear.JG.shape[1] and JF.shape[1] <= 2:  # no constraints: all at once
            pairs = JF[:, [0, -1]]
            single = np.flatnonzero(target >= 0)
            pairs[single] = JF[single, target[single]][:, None, :]
            return common_descents(pairs, Z)
        return np.array([self._direction(linear, JF[row], row, Z[row], hard[row], target[row])
                         for row in range(Z.shape[0])]).reshape(Z.shape)

    def _direction(self, linear: Linearization, JF: np.ndarray, row: int, z: np.ndarray,
                   hard: np.ndarray, target: int) -> np.ndarray:
        g = self.gradients
        if target >= 0:
            JF = JF[target:target + 1]
        JG, G = linear.JG[row], linear.G[row]
        if not g.has_residuals:
            active = ~g.equality & (hard > 0)
            return common_descent(JF, JG[active], JG[g.equality], z)
        # an equality with a tolerance is a band: two inequalities, -t <= h <= t
        band = g.equality & (g.tolerance > 0)
        exact = g.equality & ~band
        scale = np.linalg.norm(np.nan_to_num(JG), axis=1)
        near = 1e-8 * (1.0 + scale)
        above = np.nan_to_num(G - np.where(band, g.tolerance, 0.0), nan=-np.inf) >= -near
        below = np.nan_to_num(-G - g.tolerance, nan=-np.inf) >= -near
        active = np.vstack([JG[~g.equality & above], JG[band & above], -JG[band & below]])
        return common_descent(JF, active, JG[exact], z)

    def learn(self, plan: PolishPlan, trials: Population, handling: ConstraintHandling) -> None:
        """Follow the step lengths that improved their point (``trials`` are the plan's trial
        points as evaluated, in its order)."""
        if not plan.owner.size or len(trials) != plan.owner.size:
            return
        both = plan.base.join(trials)
        objectives, violation = handling.search_terms(both.F, both.hard, both.soft, used=0.0)
        size = len(plan.base)
        base_f, base_v = objectives[plan.owner], violation[plan.owner]
        trial_f, trial_v = objectives[size:], violation[size:]
        with np.errstate(invalid="ignore"):
            dominates = (trial_f <= base_f).all(axis=1) & (trial_f < base_f).any(axis=1)
            better = (trial_v < base_v) | ((trial_v == base_v) & dominates)
        best = []
        for row in np.flatnonzero(np.bincount(plan.owner)):  # np.unique imports numpy.ma
            if plan.target[row] >= 0:
                continue  # a step on one objective alone: see the module
            mine = plan.owner == row
            won = plan.length[mine & better]
            best.append(won.max() if won.size else plan.length[mine].min() / 4)
        if best:
            logs = np.sort(np.log(best))  # their median (np.median imports numpy.ma)
            middle = logs.size // 2
            centre = logs[middle] if logs.size % 2 else (logs[middle - 1] + logs[middle]) / 2
            step = float(np.exp(centre))
            self.state.step = float(np.clip(step, STEP_LEAST, STEP_MOST))

    def follow_share(self, polish_gain: float, polish_cost: float, breeding_gain: float,
                     breeding_cost: float, least: float = 0.0) -> None:
        """Move the share toward what polishing buys per evaluation, against breeding (and
        against ``least`` per evaluation)."""
        if polish_cost <= 0:
            return
        polish_rate = polish_gain / polish_cost
        breeding_rate = breeding_gain / breeding_cost if breeding_cost > 0 else 0.0
        rival = max(breeding_rate, least)
        if polish_rate + rival <= 0:
            target = self.state.share
        else:
            target = polish_rate / (polish_rate + rival)
        share = (1 - SHARE_RATE) * self.state.share + SHARE_RATE * target
        self.state.share = float(np.clip(share, SHARE_LEAST, SHARE_MOST))



def hypervolume_gains(front: np.ndarray, bred: np.ndarray,
                      trials: np.ndarray) -> tuple[float, float, float] | None:
    """The hypervolume the ``bred`` points and the ``trials`` (feasible, search objectives)
    each add to ``front``, and the front's own, with the objectives scaled to the front's
    extent and the reference point 1.1 beyond it; None without a front or with more than
    :data:`GAIN_OBJECTIVES` objectives."""
    if not front.shape[0] or front.shape[1] > GAIN_OBJECTIVES:
        return None
    from mooc.solver.indicators import hypervolume

    ideal, nadir = front.min(axis=0), front.max(axis=0)
    scale = np.where(nadir > ideal, nadir - ideal, np.maximum(np.abs(ideal), 1.0))
    ref = np.full(front.shape[1], 1.1)

    def volume(points: np.ndarray) -> float:
        scaled = (points - ideal) / scale
        inside = (scaled < ref).all(axis=1)
        return hypervolume(scaled[inside], ref=ref) if inside.any() else 0.0

    base = volume(front)
    return (volume(np.concatenate([front, bred])) - base,
            volume(np.concatenate([front, trials])) - base, base)
