"""What a run hands back."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mooc.solver.population import Population
from mooc.solver.progress import GenerationStats


@dataclass(frozen=True)
class SolverResult:
    """The front found, the final population and how the run went.

    ``X``, ``F``, ``hard``, ``soft`` and ``feasible`` describe the front's points, sorted by
    objectives: the non-dominated set of every point evaluated in the run that satisfies all
    hard constraints (see :func:`mooc.solver.nsga2`). ``F`` is in minimization form and
    without the soft penalty the search added; :meth:`flip_objectives` turns maximized
    objectives back. When ``feasible_found`` is False no point evaluated in the run satisfied
    every hard constraint and the front holds the least-violating points of the final
    population instead (``message`` says so). ``method`` names the method that ran ("nsga2"
    or "nsga3").
    """

    X: np.ndarray
    F: np.ndarray
    hard: np.ndarray
    soft: np.ndarray
    feasible: np.ndarray
    feasible_found: bool
    message: str
    population: Population
    history: list[GenerationStats]
    n_evaluations: int
    n_generations: int
    stop_reason: str
    seed: int | None
    elapsed: float
    reference_point: np.ndarray | None = None
    method: str = "nsga2"
    #: Jacobians computed (one per point); each counted toward ``max_evaluations`` with the
    #: ``n_evaluations`` of points
    n_gradient_evaluations: int = 0

    def hypervolume(self) -> float | None:
        """The front's hypervolume against :attr:`reference_point` (the run's fixed point, in
        minimization form, as the history records; so call it before
        :meth:`flip_objectives`), None for more than three objectives, no feasible point or no
        reference point."""
        from mooc.solver.indicators import hypervolume
        from mooc.solver.progress import HYPERVOLUME_MAX_OBJECTIVES

        if self.reference_point is None or self.F.shape[1] > HYPERVOLUME_MAX_OBJECTIVES:
            return None
        usable = np.isfinite(self.F).all(axis=1)
        if not self.feasible_found or not usable.any():
            return None
        return hypervolume(self.F[usable], ref=self.reference_point)

    def flip_objectives(self, maximise: bool | Sequence[bool], /) -> SolverResult:
        """A copy with the objectives marked in ``maximise`` negated (in the front and in the
        final population), e.g. to report maximized objectives in their own sign.

        Examples
        --------
        >>> import numpy as np
        >>> from mooc.solver import FunctionProblem, nsga2
        >>> problem = FunctionProblem(lambda X: np.c_[X[:, 0], -X[:, 0]], lower=[0.0],
        ...                           upper=[1.0], n_obj=2)
        >>> result = nsga2(problem, population=8, generations=2, seed=1)
        >>> bool((result.flip_objectives([False, True]).F[:, 1] == result.X[:, 0]).all())
        True
        """
        n_obj = self.F.shape[1]
        flags = np.asarray(maximise, dtype=bool)
        if flags.ndim and flags.shape != (n_obj,):
            raise ValueError(f"'maximise' must have length {n_obj}, but has length {flags.size}")
        sign = np.where(np.broadcast_to(flags, (n_obj,)), -1.0, 1.0)
        population = dataclasses.replace(self.population, F=self.population.F * sign)
        return dataclasses.replace(self, F=self.F * sign, population=population)
