"""How the solver scales: sorting at 3 and 5 objectives, timed externs, wide problems.

Three parts, each against a peer in the same run:

(d) non-dominated sorting as survival needs it (``leading_ranks``: the first fronts holding
    half the points) and moocore's full ``pareto_rank``, on random uniform points and on a
    DTLZ2-like population (points on the unit sphere's positive orthant pushed out by up to
    10%), at 1,000, 10,000 and 100,000 points with 3 and 5 objectives; the growth exponent is
    log(t(100,000) / t(1,000)) / log(100) (1 is linear), from the fastest of a few runs;
(e) the overhead per call of a python extern with a timeout (reused worker processes) over
    the same extern without one, and against a process forked per call (what mooc did before,
    still its way on Dask workers);
(f) peak memory (resident set, fresh processes) of ZDT1 with 30,000 variables, population 100,
    20 generations: mooc, pymoo and pygmo.

Run ``python benchmarks/solver_scaling.py`` (a few minutes), ``--parts d`` for one part.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import moocore
import numpy as np
from timing import fastest

SIZES = (1_000, 10_000, 100_000)


def uniform_points(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    return rng.random((n, m))


def dtlz2_like(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    X = np.abs(rng.normal(size=(n, m)))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X * (1.0 + 0.1 * rng.random((n, 1)))


def sorting() -> None:
    from mooc.solver.sorting import leading_ranks

    print("\n(d) non-dominated sorting, seconds (fastest of 3; 1 run at 100,000 points)")
    print(f"  {'points':36s}" + "".join(f"{n:>10,}" for n in SIZES) + "   exponent")
    rng = np.random.default_rng(1)
    for m in (3, 5):
        for name, make in (("uniform", uniform_points), ("DTLZ2-like", dtlz2_like)):
            sets = [make(n, m, rng) for n in SIZES]
            for method, rank in (("mooc survival", lambda F: leading_ranks(F, len(F) // 2)),
                                 ("moocore pareto_rank", moocore.pareto_rank)):
                times = [fastest(lambda F=F, rank=rank: rank(F), 1 if len(F) >= 100_000 else 3)
                         for F in sets]
                exponent = math.log(times[-1] / times[0]) / math.log(SIZES[-1] / SIZES[0])
                label = f"{m} obj {name} {method}"
                print(f"  {label:36s}" + "".join(f"{t:10.4f}" for t in times)
                      + f"   {exponent:8.2f}")


EXTERN_MODULE = "def evaluate(x):\n    return {'f': x, 'g': 1.0 - x}\n"
EXTERN_MODEL = ('var x in [0, 1]\nextern sim(x) = python "bench_extern:evaluate" returns {{f, g}}'
                ' {options}\nminimize f: sim.f\nminimize g: sim.g\n')


def extern_overhead(calls: int = 2_000, forked_calls: int = 200) -> None:
    import mooc
    from mooc.externs import call_point

    print(f"\n(e) python extern overhead per call ({calls:,} calls; forked: {forked_calls})")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bench_extern.py").write_text(EXTERN_MODULE)
        per_call = {}
        for options in ("", "timeout 10"):
            path = Path(folder, f"m{len(options)}.moo")
            path.write_text(EXTERN_MODEL.format(options=options))
            problem = mooc.load(path, allow_extern=True)
            problem.evaluate(np.full((1, 1), 0.5))  # workers started, module imported
            best = math.inf
            for seed in range(3):  # new points each time: finished calls are answered from memory
                X = np.random.default_rng(seed).random((calls, 1))
                started = time.perf_counter()
                problem.evaluate(X)
                best = min(best, time.perf_counter() - started)
            per_call[options] = best / calls
            spec = next(iter(problem.extern_runner.specs.values()))
            problem.extern_runner.close()
        points = [{"x": float(x)} for x in np.linspace(0, 1, forked_calls)]
        started = time.perf_counter()
        for point in points:
            call_point(spec, point, isolated=True)
        forked = (time.perf_counter() - started) / forked_calls
    plain, timed = per_call[""], per_call["timeout 10"]
    print(f"  without a timeout      {plain * 1e3:8.3f} ms per call")
    print(f"  with a timeout         {timed * 1e3:8.3f} ms per call: overhead "
          f"{(timed - plain) * 1e3:.3f} ms")
    print(f"  a process per call     {forked * 1e3:8.3f} ms per call: overhead "
          f"{(forked - plain) * 1e3:.3f} ms, {(forked - plain) / max(timed - plain, 1e-9):.0f}x "
          "the reused workers'")


WIDE = textwrap.dedent('''
    import sys, time
    import numpy as np
    n, population, generations = 30_000, 100, 20

    def zdt1(X):
        f1 = X[:, 0]
        g = 1.0 + 9.0 * X[:, 1:].mean(axis=1)
        return np.stack([f1, g * (1.0 - np.sqrt(f1 / g))], axis=1)

    def peak():
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmHWM:"))

    who = sys.argv[1]
    if who == "mooc":
        from mooc.solver import FunctionProblem, nsga2
        problem = FunctionProblem(zdt1, lower=np.zeros(n), upper=np.ones(n), n_obj=2)
        run = lambda: nsga2(problem, population=population, generations=generations, seed=0)
    elif who == "pymoo":
        from pymoo.algorithms.moo.nsga2 import NSGA2
        from pymoo.core.problem import Problem
        from pymoo.optimize import minimize

        class Wide(Problem):
            def __init__(self):
                super().__init__(n_var=n, n_obj=2, xl=0.0, xu=1.0)

            def _evaluate(self, X, out, *args, **kwargs):
                out["F"] = zdt1(X)

        run = lambda: minimize(Wide(), NSGA2(pop_size=population), ("n_gen", generations + 1),
                               seed=0, verbose=False)
    else:
        import pygmo

        def run():
            algorithm = pygmo.algorithm(pygmo.nsga2(gen=generations, seed=0))
            algorithm.evolve(pygmo.population(pygmo.problem(pygmo.zdt(1, n)), population, seed=0))
    loaded = peak()
    started = time.perf_counter()
    run()
    print(f"{peak():.0f} {loaded:.0f} {time.perf_counter() - started:.1f}")
''')


def wide_memory() -> None:
    print("\n(f) ZDT1 with 30,000 variables, population 100, 20 generations: peak resident set "
          "(fresh process)")
    peaks = {}
    for who in ("mooc", "pymoo", "pygmo"):
        done = subprocess.run([sys.executable, "-c", WIDE, who], capture_output=True, text=True)
        if done.returncode:
            print(f"  {who:6s} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        peak, loaded, seconds = done.stdout.split()
        peaks[who] = float(peak)
        print(f"  {who:6s} {float(peak):6.0f} MB (of which the imports: {float(loaded):.0f} MB), "
              f"{seconds} s")
    for peer in ("pymoo", "pygmo"):
        if "mooc" in peaks and peer in peaks:
            print(f"  mooc uses {peaks['mooc'] / peaks[peer]:.2f}x the memory of {peer}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="def", help="which of the parts d, e, f to run")
    args = parser.parse_args(argv)
    if "d" in args.parts:
        sorting()
    if "e" in args.parts:
        extern_overhead()
    if "f" in args.parts:
        wide_memory()


if __name__ == "__main__":
    main()
