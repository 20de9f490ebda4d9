"""Make the stored true fronts (stdlib/fronts/NAME.csv) of library problems with no closed form.

Run once, from the repository root: ``python stdlib/fronts/generate.py [NAME ...]``.
Each front is the non-dominated, feasible part of the union of
- a dense grid over the variables, where there are at most three of them, and
- long NSGA-II runs of the library model (population 200, 600 generations, three seeds),
except the two-bar truss, whose front pymoo computes in closed form (Truss2D.pareto_front;
its one dominated point, where the two pieces meet, is dropped).
The result is thinned evenly to at most 2000 points and written with 17 significant digits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import moocore
import numpy as np

import mooc

HERE = Path(__file__).resolve().parent
GRID_SIDE = {1: 100_000, 2: 2000, 3: 200}
MAX_POINTS = 2000


def grid_points(problem: mooc.Problem) -> np.ndarray:
    side = GRID_SIDE[problem.n_var]
    axes = [np.linspace(lo, hi, side) for lo, hi in zip(problem.lower, problem.upper, strict=True)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh])


def feasible_front(problem: mooc.Problem, X: np.ndarray) -> np.ndarray:
    """The feasible, non-dominated objective vectors of X, evaluated in chunks."""
    fronts = []
    for chunk in np.array_split(X, max(1, len(X) // 500_000)):
        ev = problem.evaluate(chunk)
        F = ev.F[ev.feasible & np.all(np.isfinite(ev.F), axis=1)]
        fronts.append(F[moocore.is_nondominated(F, maximise=problem.maximize)])
    F = np.vstack(fronts)
    return F[moocore.is_nondominated(F, maximise=problem.maximize)]


def run_points(problem: mooc.Problem) -> np.ndarray:
    runs = [problem.solve(population=200, generations=600, seed=seed).F for seed in range(3)]
    return np.vstack(runs)


def thin(F: np.ndarray) -> np.ndarray:
    F = np.unique(F, axis=0)
    keep = np.unique(np.linspace(0, len(F) - 1, min(MAX_POINTS, len(F))).astype(int))
    return F[keep]


def front_of(name: str) -> np.ndarray:
    if name == "two_bar_truss":
        from pymoo.problems import get_problem

        F = np.asarray(get_problem("truss2d").pareto_front())
        return F[moocore.is_nondominated(F)]
    problem = mooc.load(name)
    parts = [run_points(problem)]
    if problem.n_var in GRID_SIDE:
        parts.append(feasible_front(problem, grid_points(problem)))
    F = np.vstack(parts)
    return thin(F[moocore.is_nondominated(F, maximise=problem.maximize)])


def main(names: list[str]) -> None:
    from mooc.indicators import CSV_FRONTS

    for name in names or CSV_FRONTS:
        F = front_of(name)
        np.savetxt(HERE / f"{name}.csv", F, delimiter=",", fmt="%.17g")
        print(f"{name}: {len(F)} points")


if __name__ == "__main__":
    main(sys.argv[1:])
