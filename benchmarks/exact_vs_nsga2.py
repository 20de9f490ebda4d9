"""The exact method against NSGA-II on linear models: the exact front's time and subproblems,
and the share of it NSGA-II finds when given the same wall time.

Models: examples/knapsack50.moo, examples/production.moo, and bi-objective 0/1 knapsacks with
100 and 200 items made the same way (examples/generate_linear.py, seeds 100 and 200). For each,
in turns: the exact method (``method="exact"``), then NSGA-II with defaults (population 100)
and ``timeout`` set to the exact method's wall time, seeds 1..repeats. The exact method's
process (CPU) time is printed too: on a shared machine it says more than the wall time. NSGA-II's share is the
number of exact front points among its points (same objective vectors), over the front's size.

    python benchmarks/exact_vs_nsga2.py [--repeats 2] [--models knapsack50,production]
        [--exact-timeout 600]

For orientation, published figures (Dowson, Gandibleux and Kof, MultiObjectiveAlgorithms.jl,
Table 2, file papers/Dowson_et_al_2026/final_results.out of jump-dev/MultiObjectiveAlgorithms.jl):
on ten 2KP instances with 200 items (profits and weights 1..100, as here), MOA's
epsilon-constraint with HiGHS found 405.4 points on average with 813.8 subproblems in 351 s
(with Gurobi: 29 s); Tamby-Vanderpooten with HiGHS 366 s; dichotomy (supported points only)
34.9 points in 6 s. Their machine is not this one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

MODELS = ("knapsack50", "production", "knapsack100", "knapsack200")


def _problem(name: str):  # type: ignore[no-untyped-def]
    from generate_linear import knapsack_text

    import mooc

    if name in ("knapsack50", "production"):
        return mooc.load(ROOT / "examples" / f"{name}.moo")
    n = int(name.removeprefix("knapsack"))
    return mooc.compile(knapsack_text(n, seed=n), filename=f"{name}.moo")


def _share(exact_F: np.ndarray, found_F: np.ndarray) -> int:
    exact = {tuple(np.round(f, 6)) for f in exact_F}
    return len(exact & {tuple(np.round(f, 6)) for f in found_F})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--exact-timeout", type=float, default=600.0)
    args = parser.parse_args()
    print(f"{'model':<12} {'exact: time':>11} {'(cpu)':>8} {'subproblems':>11} {'points':>6} "
          f"{'proven':>6}   NSGA-II at the same time: share of the exact front (per seed)")
    for name in args.models.split(","):
        problem = _problem(name)
        times, cpu, shares, exact = [], [], [], None
        for repeat in range(args.repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            exact = problem.solve(method="exact", timeout=args.exact_timeout)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            budget = float(np.median(times))
            approx = problem.solve(method="nsga2", timeout=budget, generations=10**9,
                                   seed=repeat + 1)
            shares.append(_share(exact.F, approx.F))
        assert exact is not None
        count = len(exact)
        share_text = ", ".join(f"{s}/{count} ({s / count:.0%})" for s in shares)
        print(f"{name:<12} {np.median(times):10.2f}s {np.median(cpu):7.2f}s {exact.subproblems:>11} "
              f"{count:>6} {'yes' if exact.proven else 'no':>6}   {share_text}", flush=True)


if __name__ == "__main__":
    main()
