"""HiGHS through scipy.optimize.milp or through highspy: which one the exact method should use.

Both run the same two-solve epsilon-constraint loop (stepping on the first objective by 1) over
the matrices mooc extracts from examples/knapsack50.moo and examples/production.moo, taking
turns, several repeats; the script prints total time, subproblems and per-subproblem median.

- ``scipy.milp``: ``scipy.optimize.milp`` with ``mip_rel_gap=0``; it builds the model on
  every call, and takes only a few of HiGHS's options (others pass with a warning).
- ``highspy``: :class:`mooc.solver.highs.HighsModel`, one model kept across solves (only the
  cost and the objective rows' bounds change), with ``threads=1`` and HiGHS's
  feasibility-jump heuristic off.

    python benchmarks/highs_interfaces.py [--repeats 3]

Output on this project's 2-core machine, shared with other work (load average about 5), on
2026-11-30 (scipy 1.17.1 with its own HiGHS, highspy 1.16.0), 3 repeats, medians:

    knapsack50   scipy.milp  total   9.49 s    75 subproblems  median  105.8 ms
    knapsack50   highspy     total   6.46 s    75 subproblems  median   63.4 ms   (1.5x faster)
    production   scipy.milp  total  27.48 s   441 subproblems  median   17.2 ms
    production   highspy     total  15.44 s   441 subproblems  median    5.6 ms   (1.8x faster)

(scipy's HiGHS also printed a debugging line to standard output a few times during the run.)
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _problem(name: str):  # type: ignore[no-untyped-def]
    import mooc
    from mooc.method_exact import linear_problem_of

    return linear_problem_of(mooc.load(ROOT / "examples" / f"{name}.moo"))


def _scipy_solver(problem):  # type: ignore[no-untyped-def]
    from scipy.optimize import Bounds, LinearConstraint, milp

    C = problem.C.toarray()
    base = [LinearConstraint(problem.A_ub, -np.inf, problem.b_ub)]
    if problem.A_eq.shape[0]:
        base.append(LinearConstraint(problem.A_eq, problem.b_eq, problem.b_eq))
    times: list[float] = []

    def solve(k: int, upper: np.ndarray) -> tuple[np.ndarray, float] | None:
        rows = np.isfinite(upper)
        constraints = base + ([LinearConstraint(C[rows], -np.inf, upper[rows] - problem.c0[rows])]
                              if rows.any() else [])
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = milp(C[k], constraints=constraints, integrality=problem.integral.astype(int),
                       bounds=Bounds(problem.lower, problem.upper),
                       options={"mip_rel_gap": 0.0, "disp": False})
        times.append(time.perf_counter() - started)
        if out.status != 0:
            return None
        x = np.where(problem.integral, np.round(out.x), out.x)
        return x, float(C[k] @ x + problem.c0[k])

    return solve, times


def _highspy_solver(problem):  # type: ignore[no-untyped-def]
    from mooc.solver.highs import HighsModel

    model = HighsModel(problem)
    times: list[float] = []

    def solve(k: int, upper: np.ndarray) -> tuple[np.ndarray, float] | None:
        model.set_bounds(np.full(problem.n_obj, -np.inf), upper)
        started = time.perf_counter()
        out = model.minimize(np.eye(problem.n_obj)[k])
        times.append(time.perf_counter() - started)
        return None if out.x is None else (out.x, out.value)

    return solve, times


def _epsilon_constraint(problem, solve) -> int:  # type: ignore[no-untyped-def]
    """The two-solve epsilon-constraint loop; returns the number of points."""
    points, upper = 0, np.full(2, np.inf)
    while True:
        first = solve(1, upper)
        if first is None:
            return points
        second = solve(0, np.array([upper[0], first[1] + 0.5]))
        x = first[0] if second is None else second[0]
        points += 1
        upper = np.array([float(problem.objectives(x[None])[0][0]) - 0.5, np.inf])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name in ("knapsack50", "production"):
        problem = _problem(name)
        totals: dict[str, list[float]] = {"scipy.milp": [], "highspy": []}
        medians: dict[str, list[float]] = {"scipy.milp": [], "highspy": []}
        counts: dict[str, int] = {}
        for _ in range(args.repeats):  # taking turns, so a slow spell falls on both
            for label, make in (("scipy.milp", _scipy_solver), ("highspy", _highspy_solver)):
                solve, times = make(problem)
                started = time.perf_counter()
                _epsilon_constraint(problem, solve)
                totals[label].append(time.perf_counter() - started)
                medians[label].append(float(np.median(times)))
                counts[label] = len(times)
        for label in totals:
            total = float(np.median(totals[label]))
            ratio = np.median(totals["scipy.milp"]) / total if label == "highspy" else None
            print(f"{name:<12} {label:<11} total {total:6.2f} s  {counts[label]:4d} subproblems  "
                  f"median {1e3 * np.median(medians[label]):6.1f} ms"
                  + (f"   ({ratio:.1f}x faster)" if ratio else ""), flush=True)


if __name__ == "__main__":
    main()
