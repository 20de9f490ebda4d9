"""Many objectives: mooc's NSGA-II and NSGA-III against pymoo's at equal evaluations.

Problems: DTLZ1 and DTLZ2 with 3, 5 and 8 objectives (mooc solves the library's dtlz1.moo and
dtlz2.moo with ``M`` set; pymoo its own DTLZ1 and DTLZ2, the same functions: n = M + 4 and
M + 9 variables) and the constrained C2-DTLZ2 (Jain and Deb, 2014) with 3 and 5 objectives
(mooc: benchmarks/c2_dtlz2.moo; pymoo: its C2DTLZ2; checked equal here on random points).
Budgets: 25,000 evaluations at 3 objectives, 30,000 at 5, 40,000 at 8; seeds 1, 2, 3.

Every method runs with its defaults. mooc: population 100, its reference directions spread
over the simplex (100 of them), the reported front (the archive of every feasible point
evaluated, thinned to its default size) and, for comparison, the final population's front.
pymoo: NSGA-II with population 100; NSGA-III with Deb and Jain's Das-Dennis directions (91,
210, and 156 in two layers at 8 objectives) and as large a population; each with its final
front (``res.F``) and the non-dominated feasible set of all the points it evaluated (collected
by a callback). pymoo stops at the generation reaching the budget, so it may evaluate up to a
population more.

Measures, with every objective normalized by the exact front's ideal and nadir points (DTLZ1:
0 and 0.5; DTLZ2 and C2-DTLZ2: 0 and 1):

- hypervolume share: the front's hypervolume to the reference point 1.1 in every objective,
  over the exact front's. Exact fronts: DTLZ1's is the simplex, 1.1^M - 1/M!; DTLZ2's the unit
  sphere's orthant, 1.1^M - V_M / 2^M with V_M the unit ball's volume; C2-DTLZ2's is the union
  of M + 1 spherical caps, measured by 2^22 scrambled Sobol points in the box, each tested
  exactly (a point is dominated by a cap when the box below it meets the cap), with the
  spread of two scramblings as its error. A front's hypervolume is computed exactly with
  moocore up to 5 objectives, and approximated at 8 (moocore.hv_approx, Rphi-FWE+, 200,000
  directions: about 0.1% off there);
- IGD+ to a dense sample of the exact front (about 5,000 to 10,000 points);
- wall time per run, solvers taking turns seed by seed in one process. mooc is timed from the
  compiled model (compiling takes about 0.1 s more once).

Run ``python benchmarks/many_objectives.py`` (about half an hour; the 8-objective
hypervolumes take a good part), ``--quick`` for a small version (one seed, a fifth of the
budgets), ``--cases dtlz2-5,c2_dtlz2-3`` for some cases only.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import moocore
import numpy as np

import mooc
from mooc.solver import nsga2, nsga3
from mooc.solver.reference_directions import das_dennis

BENCH = Path(__file__).resolve().parent
CASES = [("dtlz1", 3, 25_000), ("dtlz1", 5, 30_000), ("dtlz1", 8, 40_000),
         ("dtlz2", 3, 25_000), ("dtlz2", 5, 30_000), ("dtlz2", 8, 40_000),
         ("c2_dtlz2", 3, 25_000), ("c2_dtlz2", 5, 30_000)]
SEEDS = (1, 2, 3)
REFERENCE = 1.1
#: Beyond this many objectives hypervolumes are approximated.
EXACT_MAX_OBJECTIVES = 5
APPROXIMATION_SAMPLES = 200_000


# the exact fronts -------------------------------------------------------------------------

def nadir(name: str) -> float:
    return 0.5 if name == "dtlz1" else 1.0


def c2_radius(n_obj: int) -> float:
    return 0.4 if n_obj == 3 else 0.5


def c2_dominated(Y: np.ndarray) -> np.ndarray:
    """Mask of the points of ``Y`` dominated by C2-DTLZ2's front: the unit sphere's points within
    r of an axis's end (x_i >= a with a = 1 - r^2 / 2) or of the middle c (x . c >= a)."""
    n_obj = Y.shape[1]
    a = 1.0 - c2_radius(n_obj) ** 2 / 2
    outside = (Y**2).sum(axis=1) >= 1.0  # the box below y reaches the sphere
    near_axis = (Y >= a).any(axis=1)  # the box below y meets an axis cap
    # the box below y meets the middle cap when sum(x) >= s is possible within it and its
    # least norm there (x = min(y, t), "water filling") is at most 1
    s = a * math.sqrt(n_obj)
    ordered = np.sort(Y, axis=1)
    below = np.concatenate([np.zeros((len(Y), 1)), np.cumsum(ordered, axis=1)[:, :-1]], axis=1)
    below_squares = np.concatenate([np.zeros((len(Y), 1)),
                                    np.cumsum(ordered**2, axis=1)[:, :-1]], axis=1)
    rest = n_obj - np.arange(n_obj)
    level = (s - below) / rest
    lower = np.concatenate([np.full((len(Y), 1), -np.inf), ordered[:, :-1]], axis=1)
    fits = (level <= ordered) & (level >= lower)
    least = np.where(fits, below_squares + rest * level**2, np.inf).min(axis=1)
    near_middle = (Y.sum(axis=1) >= s) & (least <= 1.0)
    return outside & (near_axis | near_middle)


def c2_exact_hypervolume(n_obj: int) -> tuple[float, float]:
    """C2-DTLZ2's front hypervolume (normalized, reference 1.1) and its error (the difference of
    two scramblings of 2^22 Sobol points each)."""
    from scipy.stats import qmc

    volumes = []
    for seed in (0, 1):
        points = qmc.Sobol(n_obj, scramble=True, seed=seed).random_base2(22)
        hits = sum(int(c2_dominated(REFERENCE * part).sum()) for part in np.array_split(points, 16))
        volumes.append(REFERENCE**n_obj * hits / len(points))
    return float(np.mean(volumes)), float(abs(volumes[0] - volumes[1]))


def exact_hypervolume(name: str, n_obj: int) -> tuple[float, float]:
    if name == "dtlz1":
        return REFERENCE**n_obj - 1 / math.factorial(n_obj), 0.0
    if name == "dtlz2":
        ball = math.pi ** (n_obj / 2) / math.gamma(n_obj / 2 + 1)
        return REFERENCE**n_obj - ball / 2**n_obj, 0.0
    return c2_exact_hypervolume(n_obj)


def reference_set(name: str, n_obj: int) -> np.ndarray:
    """About 5,000 to 10,000 points of the exact front, normalized."""
    partitions = {3: 99, 5: 14, 8: 8}[n_obj] if name != "c2_dtlz2" else {3: 140, 5: 30}[n_obj]
    D = das_dennis(n_obj, partitions)
    if name == "dtlz1":
        return D
    sphere = D / np.sqrt((D**2).sum(axis=1, keepdims=True))
    if name == "c2_dtlz2":
        from mooc.solver.constraints import clean_violations

        violation = clean_violations(_c2_violation(sphere))
        sphere = sphere[violation == 0]
    return sphere


def _c2_violation(F: np.ndarray) -> np.ndarray:
    r = c2_radius(F.shape[1])
    squares = (F**2).sum(axis=1)
    near_axis = squares + 1 - r**2 - 2 * F.max(axis=1)
    near_middle = ((F - 1 / math.sqrt(F.shape[1])) ** 2).sum(axis=1) - r**2
    return np.minimum(near_axis, near_middle)


# measures ---------------------------------------------------------------------------------

def hypervolume(normalized: np.ndarray) -> float:
    inside = normalized[(normalized < REFERENCE).all(axis=1)]
    if not len(inside):
        return 0.0
    ref = np.full(normalized.shape[1], REFERENCE)
    if normalized.shape[1] <= EXACT_MAX_OBJECTIVES:
        return float(moocore.hypervolume(inside, ref=ref))
    return float(moocore.hv_approx(inside, ref=ref, nsamples=APPROXIMATION_SAMPLES))


def measures(F: np.ndarray, name: str, exact: float, reference: np.ndarray) -> dict[str, float]:
    if not len(F):
        return {"share": 0.0, "igd+": math.inf, "points": 0}
    normalized = moocore.filter_dominated(F) / nadir(name)
    return {"share": hypervolume(normalized) / exact,
            "igd+": float(moocore.igd_plus(normalized, ref=reference)), "points": len(normalized)}


# the solvers ------------------------------------------------------------------------------

def model(name: str, n_obj: int) -> Any:
    path = BENCH / "c2_dtlz2.moo" if name == "c2_dtlz2" else name
    return mooc.load(path, params={"M": n_obj})


def run_mooc(method: Callable[..., Any], name: str, n_obj: int, evaluations: int,
             seed: int) -> dict[str, Any]:
    problem = model(name, n_obj).as_solver_problem()
    started = time.perf_counter()
    result = method(problem, max_evaluations=evaluations, seed=seed)
    elapsed = time.perf_counter() - started
    population = result.population
    feasible = population.feasible
    return {"time": elapsed, "evaluations": result.n_evaluations,
            "reported": result.F[result.feasible] if result.feasible_found else result.F[:0],
            "population": population.F[feasible]}


def pymoo_problem(name: str, n_obj: int) -> Any:
    from pymoo.problems import get_problem

    n_var = n_obj + (4 if name == "dtlz1" else 9)
    return get_problem(name.replace("_", ""), n_var=n_var, n_obj=n_obj)


def pymoo_directions(n_obj: int) -> np.ndarray:
    from pymoo.util.ref_dirs import get_reference_directions

    if n_obj == 8:  # Deb and Jain's two layers, 120 + 36
        return get_reference_directions(
            "multi-layer",
            get_reference_directions("das-dennis", 8, n_partitions=3, scaling=1.0),
            get_reference_directions("das-dennis", 8, n_partitions=2, scaling=0.5))
    return get_reference_directions("das-dennis", n_obj, n_partitions={3: 12, 5: 6}[n_obj])


def run_pymoo(which: str, name: str, n_obj: int, evaluations: int, seed: int) -> dict[str, Any]:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.algorithms.moo.nsga3 import NSGA3
    from pymoo.core.callback import Callback
    from pymoo.optimize import minimize

    class Everything(Callback):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[np.ndarray] = []

        def notify(self, algorithm: Any) -> None:
            batch = algorithm.pop if algorithm.n_gen == 1 else algorithm.off
            self.parts.append(batch.get("F")[batch.get("CV")[:, 0] <= 0])

    algorithm = NSGA3(ref_dirs=pymoo_directions(n_obj)) if which == "nsga3" else NSGA2(pop_size=100)
    everything = Everything()
    started = time.perf_counter()
    result = minimize(pymoo_problem(name, n_obj), algorithm, ("n_evals", evaluations), seed=seed,
                      callback=everything)
    elapsed = time.perf_counter() - started
    final = result.F if result.F is not None else np.zeros((0, n_obj))
    if result.CV is not None:
        final = final[np.asarray(result.CV).reshape(-1) <= 0]
    return {"time": elapsed, "evaluations": result.algorithm.evaluator.n_eval, "final": final,
            "all evaluated": np.concatenate(everything.parts)}


METHODS: dict[str, Callable[[str, int, int, int], dict[str, Any]]] = {
    "mooc nsga3": lambda *case: run_mooc(nsga3, *case),
    "mooc nsga2": lambda *case: run_mooc(nsga2, *case),
    "pymoo NSGA-III": lambda *case: run_pymoo("nsga3", *case),
    "pymoo NSGA-II": lambda *case: run_pymoo("nsga2", *case),
}


def check_models_agree(name: str, n_obj: int) -> None:
    """mooc's model and pymoo's problem give the same objectives and violations."""
    X = np.random.default_rng(0).random((200, n_obj + (4 if name == "dtlz1" else 9)))
    ours = model(name, n_obj).evaluate(X)
    F, G = pymoo_problem(name, n_obj).evaluate(X, return_values_of=["F", "G"])
    assert np.allclose(ours.F, F, rtol=1e-9, atol=1e-12), name
    if G is not None and G.size:
        assert np.allclose(np.asarray(ours.violation).reshape(-1), np.maximum(G[:, 0], 0.0),
                           atol=1e-12), name


# the table --------------------------------------------------------------------------------

def run_case(name: str, n_obj: int, evaluations: int, seeds: tuple[int, ...]) -> None:
    check_models_agree(name, n_obj)
    exact, error = exact_hypervolume(name, n_obj)
    reference = reference_set(name, n_obj)
    how = "analytic" if error == 0 else f"Sobol estimate, error {error / exact:.1e}"
    print(f"\n{name.upper().replace('_', '-')}, {n_obj} objectives, {evaluations:,} evaluations "
          f"(exact front hypervolume {exact:.6g}, {how}; seeds {', '.join(map(str, seeds))})")
    print(f"  {'method':16s} {'front':14s} {'hypervolume share':>26s} {'median':>7s} "
          f"{'IGD+':>8s} {'points':>7s} {'time':>7s} {'evals':>7s}")
    rows: dict[tuple[str, str], list[dict[str, float]]] = {}
    times: dict[str, list[float]] = {}
    evaluated: dict[str, int] = {}
    for seed in seeds:  # the solvers take turns
        for label, method in METHODS.items():
            run = method(name, n_obj, evaluations, seed)
            times.setdefault(label, []).append(run.pop("time"))
            evaluated[label] = run.pop("evaluations")
            for front, F in run.items():
                rows.setdefault((label, front), []).append(measures(F, name, exact, reference))
    for (label, front), results in rows.items():
        shares = [r["share"] for r in results]
        print(f"  {label:16s} {front:14s} {' '.join(f'{s:.4f}' for s in shares):>26s} "
              f"{statistics.median(shares):7.4f} {statistics.median(r['igd+'] for r in results):8.4f} "
              f"{statistics.median(r['points'] for r in results):7.0f} "
              f"{statistics.median(times[label]):6.1f}s {evaluated[label]:7d}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed, a fifth of the budgets")
    parser.add_argument("--cases", help="e.g. dtlz2-5,c2_dtlz2-3 (default: all)")
    args = parser.parse_args(argv)
    cases = CASES
    if args.cases:
        wanted = set(args.cases.split(","))
        cases = [case for case in CASES if f"{case[0]}-{case[1]}" in wanted]
    seeds = (1,) if args.quick else SEEDS
    print("machine note: timings are wall time in one process; other load on the machine "
          "inflates them all")
    for name, n_obj, evaluations in cases:
        run_case(name, n_obj, evaluations // 5 if args.quick else evaluations, seeds)


if __name__ == "__main__":
    main()
