"""How fast mooc starts and compiles, against its peers, in one run.

(a) Start-up, as whole processes taking turns (interleaved), median and fastest of several
    rounds: ``mooc solve examples/zdt1.moo --generations 10 --quiet`` from the compile cache
    (an entry made beforehand) and without it (``--no-cache``), against
    ``python -c "import pymoo.algorithms.moo.nsga2"`` and ``python -c "import optuna"``. Every
    process runs with its bytecode cached, as an installed package has it (a temporary
    ``PYTHONPYCACHEPREFIX``, filled by a first round that is not counted). Ratio: mooc's
    median over pymoo's import's median.
(b) A quadratic form ``sum(sum(Q[i,j] * x[i] * x[j] for j in 1..n) for i in 1..n)``: the
    model's evaluation against a hand-written ``np.einsum("ij,ki,kj->k", Q, X, X)`` on the same
    points (fastest of several calls each), and the peak memory of the model's evaluation
    (tracemalloc); at n = 200 with 3,000 points and n = 400 with 1,000 points; and the
    triangular form ``... for j in i+1..n ...`` at n = 300 with 1,000 points, against
    ``np.einsum`` of ``np.triu(Q, 1)``; and pairwise terms that are no product,
    ``sum(sum((x[i] - x[j])^2 for j in i+1..n) for i in 1..n)`` at n = 300, formed a chunk of
    points at a time: time and peak memory at 1,000 and 10,000 points.
(c) A family of 1,000 constraints over 20 variables, ``sum(A[r, i] * x[i] for i in 1..n)``,
    against ``X @ A.T`` on 10,000 points.
(d) Compiling many constraint lines (``constraint c17: 3 * x[18] + x[20]^2 - 2 * x[18] *
    x[20] <= 19``, 23 tokens each): 1,000 and 3,000 lines, wall-clock and CPU time of
    ``mooc.compile(..., cache=False)`` after a first compile has imported everything.

``--baseline DIR`` also times (a)'s uncached start and (d) with the mooc checked out in DIR (an
earlier commit, e.g. ``git archive f58268e | tar -x -C DIR``), in the same rounds.
``--quick`` runs fewer rounds. The machine's load average is printed: timings taken while other
work runs are noisy, which taking turns spreads over all the contenders alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from timing import fastest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's mooc, whichever is installed
ZDT1 = ["examples/zdt1.moo", "--generations", "10", "--quiet"]

TRIANGULAR = """param n
param Q[1..n, 1..n]
var x[1..n] in [-1, 1]
minimize f: sum(sum(Q[i,j] * x[i] * x[j] for j in i+1..n) for i in 1..n)
minimize g: sum(x[i] for i in 1..n)
"""
QUADRATIC = """param n
param Q[1..n, 1..n]
var x[1..n] in [-1, 1]
minimize f: sum(sum(Q[i,j] * x[i] * x[j] for j in 1..n) for i in 1..n)
minimize g: sum(x[i] for i in 1..n)
"""
PAIRS = """param n
var x[1..n] in [0, 1]
minimize spread: -sum(sum((x[i] - x[j])^2 for j in i+1..n) for i in 1..n)
minimize total: sum(x[i] for i in 1..n)
"""
FAMILY = """param m
param n
param A[1..m, 1..n]
param b[1..m]
var x[1..n] in [0, 1]
minimize f: sum(x[i] for i in 1..n)
minimize g: sum((1 - x[i])^2 for i in 1..n)
constraint cap[r in 1..m]: sum(A[r, i] * x[i] for i in 1..n) <= b[r]
"""


def constraint_lines(count: int) -> str:
    lines = ["var x[i in 1..20] in [0, 1]", "minimize f: sum(x[i] for i in 1..20)",
             "minimize g: sum((1 - x[i])^2 for i in 1..20)"]
    for k in range(count):
        a, b = k % 20 + 1, (k * 7) % 20 + 1
        lines.append(f"constraint c{k}: {k % 5 + 1} * x[{a}] + x[{b}]^2 - {k % 3} * x[{a}] * "
                     f"x[{b}] <= {k % 11 + 2}")
    return "\n".join(lines) + "\n"


# (a) start-up -------------------------------------------------------------------------


def _environment(cache: str, bytecode: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(PYTHONPYCACHEPREFIX=bytecode, MOOC_CACHE_DIR=cache)
    return env


def start_up(rounds: int, baseline: Path | None) -> None:
    python = sys.executable
    commands: dict[str, tuple[list[str], Path]] = {
        "mooc solve, cached": ([python, "-m", "mooc", "solve", *ZDT1], ROOT),
        "mooc solve, --no-cache": ([python, "-m", "mooc", "solve", *ZDT1, "--no-cache"], ROOT),
        "import pymoo NSGA-II": ([python, "-c", "import pymoo.algorithms.moo.nsga2"], ROOT),
        "import optuna": ([python, "-c", "import optuna"], ROOT),
    }
    if baseline is not None:
        commands["baseline mooc solve (no cache)"] = ([python, "-m", "mooc", "solve", *ZDT1],
                                                      baseline)
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as bytecode:
        env = _environment(cache, bytecode)
        for counted in [False] + [True] * rounds:  # the first round fills both caches
            for name, (command, folder) in commands.items():
                started = time.perf_counter()
                done = subprocess.run(command, cwd=folder, env=env, capture_output=True,
                                      text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"{name} failed: {done.stderr[-2000:]}")
                if counted:
                    times[name].append(time.perf_counter() - started)
    pymoo = statistics.median(times["import pymoo NSGA-II"])
    print(f"(a) start-up, whole processes, {rounds} interleaved rounds (median / fastest)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"    {name:<34} {median:6.3f} s / {min(values):6.3f} s   "
              f"{median / pymoo:5.2f} x pymoo's import")
    print("    target: mooc solve from the cache at most 0.5 x pymoo's import")


# (b), (c) evaluation ----------------------------------------------------------------------


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return int(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def quadratic_form(repeats: int) -> None:
    import mooc

    print("(b) quadratic form sum(sum(Q[i,j] * x[i] * x[j])): model vs np.einsum "
          "(fastest of several calls)")
    cases = ((200, 3000, QUADRATIC, 0), (400, 1000, QUADRATIC, 0),
             (300, 1000, TRIANGULAR, 1))
    for n, points, text, diagonal in cases:
        if diagonal:
            print("    the triangular form sum(sum(Q[i,j] * x[i] * x[j] for j in i+1..n) for i "
                  "in 1..n), against np.einsum of np.triu(Q, 1):")
        rng = np.random.default_rng(n)
        Q = rng.normal(size=(n, n))
        X = rng.uniform(-1, 1, (points, n))
        problem = mooc.compile(text, data={"n": n, "Q": Q}, cache=False)
        evaluate = problem._compiled.evaluate

        def model(evaluate=evaluate, X=X):
            return evaluate(X)

        weights = np.triu(Q, diagonal) if diagonal else Q

        def by_hand(Q=weights, X=X):
            return np.einsum("ij,ki,kj->k", Q, X, X)

        assert np.allclose(model()[0][:, 0], by_hand(), rtol=1e-9)
        model_time, hand_time = fastest(model, repeats), fastest(by_hand, repeats)
        peak = _peak(model)
        print(f"    n = {n}, {points:,} points: model {model_time * 1e3:7.1f} ms, np.einsum "
              f"{hand_time * 1e3:7.1f} ms, ratio {model_time / hand_time:4.2f} (target <= 1.5); "
              f"peak {peak / 2**20:5.1f} MB = {peak / (points * n * 8):.1f} x points x n "
              "doubles")


def pairwise_sum(repeats: int) -> None:
    """A sum of pairwise terms that are no product, formed whole per point (n^2 / 2 values),
    a chunk of points at a time: time and peak memory grow with the points, memory does not."""
    import mooc

    n = 300
    evaluate = mooc.compile(PAIRS, data={"n": n}, cache=False)._compiled.evaluate
    print(f"    pairwise terms sum(sum((x[i] - x[j])^2 for j in i+1..n) for i in 1..n), n = {n} "
          f"(a chunk of {evaluate.__globals__['_CHUNK_ROWS']} point(s) at a time), against the "
          "closed form n * sum(x^2) - sum(x)^2 by hand:")
    for points in (1000, 10_000):
        X = np.random.default_rng(points).random((points, n))

        def model(X=X):
            return evaluate(X)

        def by_hand(X=X):
            return -(n * (X * X).sum(axis=1) - X.sum(axis=1) ** 2)

        assert np.allclose(model()[0][:, 0], by_hand(), rtol=1e-9)
        model_time = fastest(model, max(1, repeats // (points // 1000)))
        hand_time = fastest(by_hand, repeats)
        print(f"    {points:6,} points: model {model_time:6.2f} s ({model_time / points * 1e3:.2f} "
              f"ms a point), closed form {hand_time * 1e3:5.1f} ms; peak "
              f"{_peak(model) / 2**20:5.1f} MB (one array of every term: "
              f"{points * n * (n - 1) / 2 * 8 / 2**20:,.0f} MB)")


def constraint_family(repeats: int) -> None:
    import mooc

    m, n, points = 1000, 20, 10_000
    rng = np.random.default_rng(1)
    A, b = rng.normal(size=(m, n)), rng.normal(size=m)
    X = rng.random((points, n))
    problem = mooc.compile(FAMILY, data={"m": m, "n": n, "A": A, "b": b}, cache=False)
    evaluate = problem._compiled.evaluate

    def model():
        return evaluate(X)

    def by_hand():
        return np.maximum(X @ A.T - b, 0.0)

    assert np.allclose(model()[1], by_hand(), rtol=1e-9, atol=1e-9)
    model_time, hand_time = fastest(model, repeats), fastest(by_hand, repeats)
    print(f"(c) 1,000 x 20 constraint family on {points:,} points: model "
          f"{model_time * 1e3:.1f} ms (whole evaluation), X @ A.T with the violation "
          f"{hand_time * 1e3:.1f} ms, ratio {model_time / hand_time:.2f}; peak "
          f"{_peak(model) / 2**20:.0f} MB (the violations alone: {points * m * 8 / 2**20:.0f} MB)")


# (d) many constraint lines ----------------------------------------------------------------

_COMPILE = """
import inspect, sys, time
sys.path.insert(0, sys.argv[1])
import mooc
text = open(sys.argv[2]).read()
fresh = {"cache": False} if "cache" in inspect.signature(mooc.compile).parameters else {}
mooc.compile("var x in [0, 1]\\nminimize f: x\\nminimize g: 1 - x\\n", **fresh)
wall, cpu = time.perf_counter(), time.process_time()
problem = mooc.compile(text, **fresh)
print(time.perf_counter() - wall, time.process_time() - cpu, problem.n_hard)
"""


def many_lines(rounds: int, baseline: Path | None) -> None:
    checkouts = {"mooc": ROOT} | ({"baseline": baseline} if baseline is not None else {})
    times: dict[tuple[str, int], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for count in (1000, 3000):
            files[count] = Path(folder) / f"lines{count}.moo"
            files[count].write_text(constraint_lines(count))
        env = _environment(folder, str(Path(folder) / "bytecode"))
        for _ in range(rounds):
            for count, path in files.items():
                for name, checkout in checkouts.items():
                    done = subprocess.run([sys.executable, "-c", _COMPILE, str(checkout), str(path)],
                                          cwd=checkout, env=env, capture_output=True, text=True,
                                          check=True)
                    wall, cpu, hard = done.stdout.split()
                    assert int(hard) == count
                    times.setdefault((name, count), []).append((float(wall), float(cpu)))
    print(f"(d) compiling constraint lines (median of {rounds}, wall-clock / CPU)")
    for (name, count), values in times.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"    {name:<9} {count:5,} lines: {wall:6.2f} s / {cpu:6.2f} s "
              f"({cpu / count * 1e3:.2f} ms of CPU a line)")
    print("    target: 3,000 lines in under 2 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="an earlier mooc checkout to compare (a) and (d) with")
    parser.add_argument("--parts", default="abcd", help="which parts to run (default abcd)")
    args = parser.parse_args()
    rounds = 3 if args.quick else 9
    baseline = args.baseline.resolve() if args.baseline else None
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; numpy "
          f"{np.__version__}, Python {sys.version.split()[0]}")
    if "a" in args.parts:
        if _importable("pymoo") and _importable("optuna"):
            start_up(rounds, baseline)
        else:
            print("(a) needs pymoo and optuna: python -m pip install -e '.[bench]'")
    if "b" in args.parts:
        quadratic_form(3 if args.quick else 7)
        pairwise_sum(3 if args.quick else 5)
    if "c" in args.parts:
        constraint_family(3 if args.quick else 7)
    if "d" in args.parts:
        many_lines(1 if args.quick else 3, baseline)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def _importable(name: str) -> bool:
    from importlib.util import find_spec

    return find_spec(name) is not None


if __name__ == "__main__":
    main()
