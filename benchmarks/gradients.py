"""mooc with and without the model's derivatives, and pymoo's NSGA-II, at equal evaluations.

Problems and budgets (evaluations: a Jacobian at a point counts as one):

    ZDT1, 30 variables          10,100   (population 100, 100 generations: the defaults)
    ZDT1, 1,000 variables       100,000
    DTLZ2, 3 objectives         10,100
    welded beam (4 constraints) 10,100
    portfolio, 8 assets         10,100   (sum(w) == 1; examples/portfolio.moo)
    circle                      10,100   (x^2 + y^2 == 1; examples/circle.moo)
    cantilever beam             10,100   (h == 3 * b; examples/beam.moo)

Solvers: ``mooc`` (the defaults: gradient steps and projection on), ``mooc -d`` (``polish`` and
``project`` off: the NSGA-II of before), ``pymoo`` (NSGA2(pop_size=100) on
``problem.to_pymoo()``, stopped at the same number of evaluations; equalities reach it as
mooc's violations, so feasible means the same for all).

Each run's feasible points (mooc's definition: every hard violation 0) are measured against the
exact front: ZDT1's and DTLZ2's analytic ones, the welded beam's stored one, the circle's
quarter arc, the cantilever beam's along h = 3 b, and the portfolio's by a sweep of quadratic
programs (scipy's SLSQP, minimum variance at each target return). Objectives are normalized
by the exact front's ideal and nadir points; the hypervolume (reference point 1.1 in each
objective) is given as a share of the exact front's, and IGD+ in the same normalized units.
Wall time is the fastest of ``--repeats`` runs of each seed, the solvers taking turns run by
run; the median over seeds is printed, and mooc's ratio to pymoo's.

Run ``python benchmarks/gradients.py`` (about 15 minutes, most of it ZDT1 with 1,000 variables),
``--quick`` for one seed and no repeats, ``--problems zdt1,circle`` for some only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

import mooc
from mooc.indicators import true_front
from mooc.solver.indicators import hypervolume, igd_plus

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
POPULATION = 100


def portfolio_front(problem: Any, points: int = 400) -> np.ndarray:
    """The efficient frontier (variance, -return), by minimum variance at each target return."""
    mu, cov = np.asarray(problem.params["mu"]), np.asarray(problem.params["cov"])
    n = mu.size

    def least_variance(target: float, start: np.ndarray) -> np.ndarray:
        constraints = [{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(n)},
                       {"type": "ineq", "fun": lambda w: mu @ w - target, "jac": lambda w: mu}]
        return minimize(lambda w: w @ cov @ w, start, jac=lambda w: 2 * cov @ w,
                        bounds=[(0, 1)] * n, constraints=constraints, method="SLSQP",
                        options={"ftol": 1e-15, "maxiter": 1000}).x

    weights = least_variance(-np.inf, np.full(n, 1 / n))  # the least variance of all
    front = []
    for target in np.linspace(mu @ weights, mu.max(), points):
        weights = least_variance(target, weights)
        front.append([weights @ cov @ weights, -(mu @ weights)])
    return np.array(front)


def circle_front(points: int = 5000) -> np.ndarray:
    angle = np.linspace(np.pi, 1.5 * np.pi, points)
    return np.c_[np.cos(angle), np.sin(angle)]


def beam_front(problem: Any, points: int = 5000) -> np.ndarray:
    """(mass, deflection) along h = 3 b, from the least width the stress allows to the widest
    the height's bound allows."""
    p = {k: float(np.asarray(problem.params[k])) for k in ("L", "P", "E", "rho", "sigma_max")}
    least = max(0.005, 0.015 / 3, (6 * p["P"] * p["L"] / (9 * p["sigma_max"])) ** (1 / 3))
    b = np.linspace(least, min(0.05, 0.15 / 3), points)
    h = 3 * b
    return np.c_[p["rho"] * b * h * p["L"], 1000 * 4 * p["P"] * p["L"] ** 3 / (p["E"] * b * h**3)]


def zdt1_front(points: int = 5000) -> np.ndarray:
    f1 = np.linspace(0, 1, points)
    return np.c_[f1, 1 - np.sqrt(f1)]


#: name -> (how to load the model, its budget in evaluations, its exact front in minimization form)
PROBLEMS: dict[str, tuple[Callable[[], Any], int, Callable[[Any], np.ndarray]]] = {
    "zdt1": (lambda: mooc.load("zdt1"), 10_100, lambda p: zdt1_front()),
    "zdt1-1000": (lambda: mooc.load("zdt1", params={"n": 1000}), 100_000,
                  lambda p: zdt1_front()),
    "dtlz2": (lambda: mooc.load("dtlz2"), 10_100, lambda p: true_front("dtlz2", n_points=5000)),
    "welded_beam": (lambda: mooc.load("welded_beam"), 10_100,
                    lambda p: true_front("welded_beam")),
    "portfolio": (lambda: mooc.load(EXAMPLES / "portfolio.moo"), 10_100, portfolio_front),
    "circle": (lambda: mooc.load(EXAMPLES / "circle.moo"), 10_100, lambda p: circle_front()),
    "beam": (lambda: mooc.load(EXAMPLES / "beam.moo"), 10_100, beam_front),
}


def measured(F: np.ndarray, front: np.ndarray) -> tuple[float, float]:
    """Hypervolume share and IGD+ of the points ``F`` (minimization form), normalized by the
    exact front's ideal and nadir points."""
    ideal, nadir = front.min(axis=0), front.max(axis=0)
    scale = np.where(nadir > ideal, nadir - ideal, 1.0)
    ref = np.full(front.shape[1], 1.1)
    exact = (front - ideal) / scale
    if not len(F):
        return 0.0, float("inf")
    points = (F - ideal) / scale
    share = hypervolume(points, ref=ref) / hypervolume(exact, ref=ref)
    return float(share), float(igd_plus(points, reference_front=exact))


def run_mooc(problem: Any, budget: int, seed: int, derivatives: bool) -> dict[str, Any]:
    started = time.perf_counter()
    result = problem.solve(population=POPULATION, max_evaluations=budget, seed=seed,
                           polish=derivatives, project=derivatives)
    elapsed = time.perf_counter() - started
    F = np.where(problem.maximize, -result.F, result.F)[np.asarray(result.feasible, dtype=bool)]
    return {"time": elapsed, "F": F, "evaluations": result.n_evaluations,
            "gradients": result.n_gradient_evaluations}


def run_pymoo(problem: Any, budget: int, seed: int) -> dict[str, Any]:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.optimize import minimize as pymoo_minimize

    started = time.perf_counter()
    result = pymoo_minimize(problem.to_pymoo(), NSGA2(pop_size=POPULATION),
                            ("n_eval", budget), seed=seed, verbose=False)
    elapsed = time.perf_counter() - started
    X = np.atleast_2d(result.pop.get("X"))
    evaluated = problem.evaluate(X)  # mooc's feasibility: the same for every solver
    F = np.where(problem.maximize, -evaluated.F, evaluated.F)[evaluated.feasible]
    return {"time": elapsed, "F": F, "evaluations": int(result.algorithm.evaluator.n_eval),
            "gradients": 0}


SOLVERS: dict[str, Callable[[Any, int, int], dict[str, Any]]] = {
    "mooc": lambda p, b, s: run_mooc(p, b, s, derivatives=True),
    "mooc -d": lambda p, b, s: run_mooc(p, b, s, derivatives=False),
    "pymoo": run_pymoo,
}


def compare(name: str, seeds: list[int], repeats: int) -> None:
    load, budget, exact = PROBLEMS[name]
    problem = load()
    front = exact(problem)
    for solver in SOLVERS.values():  # warm up: imports and first calls
        solver(problem, 2 * POPULATION, 0)
    best: dict[str, list[dict[str, Any]]] = {solver: [] for solver in SOLVERS}
    for seed in seeds:
        for runs in best.values():
            runs.append({"time": np.inf})
        for _ in range(repeats):
            for solver, run in SOLVERS.items():
                outcome = run(problem, budget, seed)
                if outcome["time"] < best[solver][-1]["time"]:
                    best[solver][-1] = outcome
    print(f"\n{name}: {problem.n_var} variables, {problem.n_obj} objectives, {problem.n_hard} "
          f"hard constraints; {budget:,} evaluations; seeds {seeds}")
    print(f"  {'solver':8s} {'hypervolume share':>26s} {'IGD+':>9s} {'evaluations':>12s} "
          f"{'gradient':>9s} {'seconds':>8s}")
    median_time = {}
    for solver, runs in best.items():
        scores = [measured(run["F"], front) for run in runs]
        shares = " ".join(f"{share:.4f}" for share, _ in scores)
        igd = statistics.median(score[1] for score in scores)
        median_time[solver] = statistics.median(run["time"] for run in runs)
        evaluations = statistics.median(run["evaluations"] for run in runs)
        gradients = statistics.median(run["gradients"] for run in runs)
        print(f"  {solver:8s} {shares:>26s} {igd:9.2e} {evaluations:12,.0f} {gradients:9,.0f} "
              f"{median_time[solver]:8.2f}")
    for solver in ("mooc", "mooc -d"):
        print(f"  {solver} takes {median_time[solver] / median_time['pymoo']:.2f}x pymoo's time")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, no repeats")
    parser.add_argument("--problems", default=",".join(PROBLEMS),
                        help=f"comma-separated, of {', '.join(PROBLEMS)}")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of each seed; the fastest is timed (default 3)")
    args = parser.parse_args(argv)
    seeds = [1] if args.quick else [1, 2, 3]
    for name in args.problems.split(","):
        repeats = 1 if args.quick or name == "zdt1-1000" else args.repeats
        compare(name, seeds, repeats)


if __name__ == "__main__":
    main()
