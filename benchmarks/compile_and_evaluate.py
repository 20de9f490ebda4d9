"""Compile time of ZDT1 at n = 1000 and the evaluation time of the generated code against a
hand-written numpy ZDT1, on the same population.

    python benchmarks/compile_and_evaluate.py            # 100,000 x 1000 points (0.8 GB)
    python benchmarks/compile_and_evaluate.py --quick    # 10,000 x 1000

Target (issue 2): compile in under 1 s; evaluation at most 3x the hand-written time.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import mooc

ZDT1 = Path(__file__).resolve().parent.parent / "examples" / "zdt1.moo"


def zdt1_by_hand(X: np.ndarray) -> np.ndarray:
    g = 1.0 + 9.0 / (X.shape[1] - 1) * X[:, 1:].sum(axis=1)
    return np.column_stack([X[:, 0], g * (1.0 - np.sqrt(X[:, 0] / g))])


def best_time(function, X: np.ndarray, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(X)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    points = 10_000 if args.quick else 100_000

    started = time.perf_counter()  # cold: imports sympy too; never from the compile cache
    problem = mooc.load(ZDT1, params={"n": args.n}, cache=False)
    cold_seconds = time.perf_counter() - started
    started = time.perf_counter()
    problem = mooc.load(ZDT1, params={"n": args.n}, cache=False)
    compile_seconds = time.perf_counter() - started
    X = np.random.default_rng(1).random((points, args.n))
    F_model = problem.evaluate(X).F
    assert np.allclose(F_model, zdt1_by_hand(X), rtol=1e-12, atol=1e-12)

    model_time = best_time(problem.evaluate, X, args.repeats)
    code_time = best_time(problem._compiled.evaluate, X, args.repeats)
    hand_time = best_time(zdt1_by_hand, X, args.repeats)
    print(f"ZDT1, n = {args.n}")
    print(f"  first compile in a fresh process, imports included: {cold_seconds:.3f} s "
          "(target < 1 s)")
    print(f"  compile again (parse, check, lower, generate, load): {compile_seconds:.3f} s")
    print(f"  evaluate {points:,} x {args.n}: mooc {model_time:.3f} s, "
          f"hand-written numpy {hand_time:.3f} s, ratio {model_time / hand_time:.2f}x "
          f"(target <= 3x); the generated code alone {code_time:.3f} s, ratio "
          f"{code_time / hand_time:.2f}x (evaluate also checks that every value lies in its "
          "variable's domain)")


if __name__ == "__main__":
    main()
