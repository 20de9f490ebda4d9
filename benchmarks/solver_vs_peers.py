"""mooc's NSGA-II against pymoo's and pygmo's on ZDT1 (30 variables), same seeds.

Three parts:

(a) population 100, 200 generations: wall time (the fastest of five runs of each seed, the
    solvers taking turns run by run; the median over seeds) and hypervolume;
(b) population 10,000, 20 generations: wall time and hypervolume;
(c) peak memory (maximum resident set size of a fresh process) of mooc at population 100,000.

mooc solves ZDT1 three ways: from the model file examples/zdt1.moo (timed from ``mooc.load``,
so compiling the model counts; the modules are imported beforehand) with its defaults, which
take gradient steps from the model's derivatives (``mooc .moo``), and without them (``mooc
-d``: NSGA-II alone, the peers' algorithm), and as a numpy function through
``FunctionProblem`` (no derivatives); pymoo solves the same numpy function as a
vectorized ``Problem``; pygmo solves its built-in C++ ``zdt(1, 30)`` (its fastest case: pygmo
would call a Python problem once per individual). ``bare numpy`` is the least a numpy NSGA-II
generation can do (``bare_nsga2.py``: mooc's operators, none of its bookkeeping), the floor of
mooc's time at small populations in pure numpy. "Generations" means offspring generations
after the initial population for all three (pymoo's ``n_gen`` counts the initial one, so it is
given ``generations + 1``). Hypervolume is of each run's returned non-dominated set, relative to
the true front's, with the reference point (1.1, 1.1); for mooc the front is its archive of all
non-dominated points evaluated, and the final population's front is shown too, which compares
with the others like for like.

mooc runs its compiled kernel (``mooc.solver.kernel``) when it was built at install, else its
numpy code; the first line printed says which, and ``MOOC_PURE_NUMPY=1`` times the numpy code
with the kernel built.

Run ``python benchmarks/solver_vs_peers.py`` (several minutes: the peers take most of (b)),
``--quick`` for a smaller version, ``--parts a`` for part (a) only. Wall times: run it on an
otherwise idle machine.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import moocore
import numpy as np
from bare_nsga2 import bare_nsga2

from mooc.solver import FunctionProblem, kernel, nsga2

N_VAR = 30
#: Reference point of the hypervolumes: 1.1 times the true front's nadir for (a); (b) runs too
#: few generations to come near the front, so its reference point also counts points far off.
REFERENCES = {"(a)": np.array([1.1, 1.1]), "(b)": np.array([1.1, 11.0])}


def zdt1(X: np.ndarray) -> np.ndarray:
    f1 = X[:, 0]
    g = 1.0 + 9.0 * X[:, 1:].mean(axis=1)
    return np.stack([f1, g * (1.0 - np.sqrt(f1 / g))], axis=1)


def relative_hypervolume(F: np.ndarray, ref: np.ndarray) -> float:
    """Hypervolume of the non-dominated points of ``F`` over that of ZDT1's true front."""
    f1 = np.linspace(0.0, 1.0, 100001)
    true = moocore.hypervolume(np.stack([f1, 1 - np.sqrt(f1)], axis=1), ref=ref)
    return float(moocore.hypervolume(moocore.filter_dominated(F), ref=ref) / true)


def run_mooc(population: int, generations: int, seed: int) -> dict[str, object]:
    problem = FunctionProblem(zdt1, lower=np.zeros(N_VAR), upper=np.ones(N_VAR), n_obj=2)
    started = time.perf_counter()
    result = nsga2(problem, population=population, generations=generations, seed=seed)
    elapsed = time.perf_counter() - started
    return {"time": elapsed, "F": result.F, "population F": result.population.F}


MODEL = Path(__file__).resolve().parent.parent / "examples" / "zdt1.moo"


def run_mooc_model(population: int, generations: int, seed: int,
                   derivatives: bool = True) -> dict[str, object]:
    """The model file with the defaults (gradient steps from its derivatives), or without
    them (``derivatives=False``: NSGA-II alone, the peers' algorithm)."""
    import mooc

    started = time.perf_counter()
    problem = mooc.load(MODEL)
    result = problem.solve(population=population, generations=generations, seed=seed,
                           polish=derivatives, project=derivatives)
    elapsed = time.perf_counter() - started
    return {"time": elapsed, "F": result.F}


def run_bare(population: int, generations: int, seed: int) -> dict[str, object]:
    """The floor of a numpy NSGA-II generation (``bare_nsga2.py``): no archive, no bookkeeping;
    numpy's operators even when mooc runs its compiled kernel."""
    before = kernel.use_compiled(False)
    try:
        started = time.perf_counter()
        F = bare_nsga2(zdt1, N_VAR, population=population, generations=generations, seed=seed)
        return {"time": time.perf_counter() - started, "F": F}
    finally:
        kernel.use_compiled(before)


def run_pymoo(population: int, generations: int, seed: int) -> dict[str, float]:
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.optimize import minimize

    class ZDT1(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=N_VAR, n_obj=2, xl=0.0, xu=1.0)

        def _evaluate(self, X, out, *args, **kwargs):  # type: ignore[no-untyped-def]
            out["F"] = zdt1(X)

    started = time.perf_counter()
    result = minimize(ZDT1(), NSGA2(pop_size=population), ("n_gen", generations + 1), seed=seed,
                      verbose=False)
    elapsed = time.perf_counter() - started
    return {"time": elapsed, "F": result.F}


def run_pygmo(population: int, generations: int, seed: int) -> dict[str, float]:
    import pygmo

    size = max(8, 4 * round(population / 4))  # pygmo's NSGA-II needs a multiple of 4, >= 5
    started = time.perf_counter()
    problem = pygmo.problem(pygmo.zdt(1, N_VAR))
    algorithm = pygmo.algorithm(pygmo.nsga2(gen=generations, seed=seed))
    evolved = algorithm.evolve(pygmo.population(problem, size, seed=seed))
    elapsed = time.perf_counter() - started
    return {"time": elapsed, "F": evolved.get_f()}


RUNNERS: dict[str, Callable[[int, int, int], dict[str, Any]]] = {
    "mooc .moo": run_mooc_model,
    "mooc -d": lambda population, generations, seed: run_mooc_model(population, generations,
                                                                    seed, derivatives=False),
    "mooc numpy": run_mooc, "bare numpy": run_bare, "pymoo": run_pymoo, "pygmo": run_pygmo,
}
MOOC = ("mooc .moo", "mooc -d", "mooc numpy", "bare numpy")


def fastest_runs(population: int, generations: int, seeds: list[int],
                 repeats: int) -> dict[str, list[dict[str, Any]]]:
    """For each solver and seed, the run with the least wall time of ``repeats`` identical ones
    (same seed, same result): the time least disturbed by whatever else the machine does. The
    solvers take turns run by run, so a slow spell of a shared machine falls on all of them."""
    best: dict[str, list[dict[str, Any]]] = {name: [] for name in RUNNERS}
    for seed in seeds:
        for name in RUNNERS:
            best[name].append({"time": np.inf})
        for _ in range(repeats):
            for name, runner in RUNNERS.items():
                run = runner(population, generations, seed)
                if run["time"] < best[name][-1]["time"]:
                    best[name][-1] = run
    return best


def compare(part: str, population: int, generations: int, seeds: list[int], *,
            repeats: int = 1) -> None:
    ref = REFERENCES[part]
    print(f"\n{part} ZDT1 {N_VAR} variables, population {population}, {generations} generations, "
          f"seeds {seeds}, fastest of {repeats} runs each; hypervolume over the true front's, "
          f"reference point {ref.tolist()}")
    for runner in RUNNERS.values():  # warm up: imports and first calls
        runner(min(population, 100), 5, 0)
    runs = fastest_runs(population, generations, seeds, repeats)
    median = {name: statistics.median(run["time"] for run in results)
              for name, results in runs.items()}
    for name, results in runs.items():
        volumes = " ".join(f"{relative_hypervolume(run['F'], ref):.4f}" for run in results)
        line = f"  {name:10s} median {median[name]:8.3f} s   hypervolume {volumes}"
        if "population F" in results[0]:
            line += "   (final population: " + " ".join(
                f"{relative_hypervolume(run['population F'], ref):.4f}" for run in results) + ")"
        print(line)
    for name in MOOC:
        ratios = ", ".join(f"{median[peer] / median[name]:.1f}x faster than {peer}"
                           for peer in ("pymoo", "pygmo"))
        print(f"  {name:10s} is {ratios}")


def measure_memory(population: int, generations: int) -> None:
    print(f"\n(c) peak memory of mooc: ZDT1 {N_VAR} variables, population {population}, "
          f"{generations} generations (fresh process)")
    child = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(population), str(generations)],
        capture_output=True, text=True, check=True)
    print(child.stdout.rstrip())


def peak_resident_mb() -> float:
    """This process's peak resident set size in MB (Linux's VmHWM: unlike ``ru_maxrss`` it
    does not carry over the parent's peak across fork and exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory_child(population: int, generations: int) -> None:
    baseline = peak_resident_mb()
    run = run_mooc(population, generations, seed=0)
    print(f"  peak resident set {peak_resident_mb():.0f} MB (of which python, numpy and moocore "
          f"loaded: {baseline:.0f} MB); {run['time']:.1f} s")


def kernel_path() -> str:
    """Which code runs mooc's generation: the compiled kernel or numpy, and why."""
    if kernel.compiled() is not None:
        return "compiled kernel (mooc.solver._kernel)"
    if kernel.available():
        return f"numpy (the compiled kernel is built but turned off by {kernel.PURE_NUMPY})"
    return "numpy (the compiled kernel is not built)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer seeds and generations in (b) and (c), for a quick look")
    parser.add_argument("--parts", default="abc", help="which of the parts a, b, c to run")
    parser.add_argument("--memory-child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    print(f"mooc's generation: {kernel_path()}")
    if "a" in args.parts:
        compare("(a)", 100, 200, [0] if args.quick else [0, 1, 2], repeats=1 if args.quick else 5)
    if "b" in args.parts:
        compare("(b)", 10_000, 3 if args.quick else 20, [0])
    if "c" in args.parts:
        measure_memory(100_000, 2 if args.quick else 5)


if __name__ == "__main__":
    main()
