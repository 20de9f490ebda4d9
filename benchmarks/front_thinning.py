"""The cost and the loss of thinning a front: mooc's rule (mooc.solver.thinning) against
crowding distance, which mooc used before.

Part (a): one thinning of a front of mutually non-dominated points (on the positive orthant
of the unit sphere, as DTLZ2's front, randomly placed) to half its size, at 2, 3 and 5
objectives and fronts of 2,000 to 20,000 points: wall time (the fastest of three) and the
hypervolume lost, in the front's normalized frame with reference point 1.1, as a share of the
whole front's. The archive of a run thins when its pending offers outgrow it, from at most
about twice its limit (the default limit is 1,000 points at 2 objectives, 2,000 at 3, 4,000
at 5 for population 100), so 20,000 points are a front limited to 10,000.

Part (b): what thinning adds to a whole run of NSGA-III on DTLZ2 with the default settings (3
objectives: 25,000 evaluations; 5: 30,000), with mooc's rule and with crowding distance in its
place, runs taking turns, the fastest of three; and the hypervolume share of the reported
front against the exact front's.

Run ``python benchmarks/front_thinning.py`` (a few minutes; the 5-objective hypervolumes of
20,000 points take most of it). Timings: run on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import moocore
import numpy as np
from timing import fastest

import mooc.solver.archive as archive_module
from mooc.solver import FunctionProblem, nsga3
from mooc.solver.sorting import crowding_distance
from mooc.solver.thinning import REFERENCE, normalized_front, thin_front


def sphere_front(n: int, n_obj: int, seed: int = 0) -> np.ndarray:
    X = np.abs(np.random.default_rng(seed).normal(size=(n, n_obj)))
    return X / np.sqrt((X**2).sum(axis=1, keepdims=True))


def by_crowding(objectives: np.ndarray, limit: int, /) -> np.ndarray:
    crowding = crowding_distance(objectives, np.zeros(len(objectives), dtype=np.intp), fronts=True)
    return np.sort(np.argsort(-crowding, kind="stable")[:limit])


RULES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "mooc": thin_front, "crowding": by_crowding}


def part_a(sizes: list[int]) -> None:
    print("(a) one thinning to half the points: time (fastest of 3) and hypervolume lost")
    print(f"  {'objectives':>10s} {'points':>7s} {'rule':>9s} {'time':>9s} {'lost':>9s}")
    for n_obj in (2, 3, 5):
        for n in sizes:
            front = sphere_front(n, n_obj)
            normalized = normalized_front(front)
            ref = np.full(n_obj, REFERENCE)
            whole = moocore.hypervolume(normalized, ref=ref)
            for name, rule in RULES.items():
                seconds = fastest(lambda rule=rule, front=front, n=n: rule(front, n // 2))
                kept = rule(front, n // 2)
                lost = 1 - moocore.hypervolume(normalized[kept], ref=ref) / whole
                print(f"  {n_obj:10d} {n:7d} {name:>9s} {seconds * 1e3:7.1f}ms {lost:9.2e}")


def dtlz2(n_obj: int) -> FunctionProblem:
    n_var = n_obj + 9

    def function(X: np.ndarray) -> np.ndarray:
        g = ((X[:, n_obj - 1:] - 0.5) ** 2).sum(axis=1)
        angle = X[:, : n_obj - 1] * np.pi / 2
        F = np.empty((len(X), n_obj))
        for m in range(n_obj):
            F[:, m] = np.prod(np.cos(angle[:, : n_obj - 1 - m]), axis=1)
            if m:
                F[:, m] *= np.sin(angle[:, n_obj - 1 - m])
        return (1 + g)[:, None] * F

    return FunctionProblem(function, lower=np.zeros(n_var), upper=np.ones(n_var), n_obj=n_obj)


def exact_share(F: np.ndarray, n_obj: int) -> float:
    ball = math.pi ** (n_obj / 2) / math.gamma(n_obj / 2 + 1)
    inside = F[(F < REFERENCE).all(axis=1)]
    hypervolume = moocore.hypervolume(inside, ref=np.full(n_obj, REFERENCE))
    return float(hypervolume / (REFERENCE**n_obj - ball / 2**n_obj))


def part_b() -> None:
    print("\n(b) a whole NSGA-III run on DTLZ2 (defaults, seed 1) with each rule in the archive")
    print(f"  {'objectives':>10s} {'rule':>9s} {'run time':>9s} {'share':>7s} {'points':>7s}")
    original = archive_module.thin_front
    for n_obj, evaluations in ((3, 25_000), (5, 30_000)):
        times: dict[str, float] = {name: math.inf for name in RULES}
        results = {}
        for _ in range(3):  # taking turns
            for name, rule in RULES.items():
                archive_module.thin_front = rule  # type: ignore[assignment]
                try:
                    started = time.perf_counter()
                    results[name] = nsga3(dtlz2(n_obj), max_evaluations=evaluations, seed=1)
                    times[name] = min(times[name], time.perf_counter() - started)
                finally:
                    archive_module.thin_front = original
        for name in RULES:
            F = results[name].F
            print(f"  {n_obj:10d} {name:>9s} {times[name]:8.2f}s {exact_share(F, n_obj):7.4f} "
                  f"{len(F):7d}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fronts of 2,000 and 8,000 only")
    args = parser.parse_args(argv)
    part_a([2_000, 8_000] if args.quick else [2_000, 8_000, 20_000])
    part_b()


if __name__ == "__main__":
    main()
