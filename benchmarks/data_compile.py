"""Compile time of large data: a 10^6-entry param from a data file (CSV with an integer index,
JSON, and CSV labelled by a set of 10^6 labels), and a 40,000-number matrix literal written in
the model file; each against the same values given from Python (``params=``, numpy arrays).

    python benchmarks/data_compile.py              # 10^6 entries, 200 x 200 literal, 5 repeats
    python benchmarks/data_compile.py --quick      # 10^5 entries, 3 repeats

Cases take turns repeat by repeat, so a slow spell of the machine falls on all of them; the
best of the repeats is reported, wall-clock and CPU (process) time.
Targets (issue 14): a 10^6-entry param from a data file under 2 s; the literal under 1 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from mooc.dsl.compiler import compile_text

MODEL = ("param n = {n}\nparam w[1..n]\nvar x[1..3] in [0, 1]\n"
         "minimize f: x[1] * sum(w[i] for i in 1..n)\nminimize g: x[2] + x[3]\n")
SET_MODEL = ("set items\nparam w[items]\nvar x[1..3] in [0, 1]\n"
             "minimize f: x[1] * sum(w[p] for p in items)\nminimize g: x[2] + x[3]\n")
LITERAL = ("param m = {m}\nparam A[1..m, 1..m] = {literal}\nvar x[1..m] in [0, 1]\n"
           "minimize f: sum(A[1, i] * x[i] for i in 1..m)\nminimize g: sum(x[i] for i in 1..m)\n")


def write_files(folder: Path, n: int, m: int) -> dict[str, tuple[str, str, object, dict]]:
    """The cases: name -> (model text, its file name, data, params)."""
    rng = np.random.default_rng(0)
    w = rng.random(n)
    values = w.tolist()
    (folder / "w.csv").write_text("i,w\n" + "".join(f"{i},{v!r}\n" for i, v in enumerate(values, 1)))
    (folder / "w.json").write_text(json.dumps({"w": values}))
    (folder / "items.csv").write_text(
        "items,w\n" + "".join(f"item{i},{v!r}\n" for i, v in enumerate(values, 1)))
    A = rng.integers(0, 100, size=(m, m))
    literal = "[" + ",\n  ".join("[" + ", ".join(map(str, row)) + "]" for row in A) + "]"
    model = MODEL.format(n=n)
    literal_model = LITERAL.format(m=m, literal=literal)
    by_params = literal_model.replace(f"= {literal}", "")  # A declared with no value
    return {
        f"{n:,}-entry param from CSV (integer index)": (model, str(folder / "m.moo"),
                                                        [folder / "w.csv"], {}),
        f"{n:,}-entry param from JSON": (model, str(folder / "m.moo"), [folder / "w.json"], {}),
        f"{n:,}-entry param from CSV ({n:,} labels)": (SET_MODEL, str(folder / "s.moo"),
                                                       [folder / "items.csv"], {}),
        f"  the same {n:,} values by params= (numpy)": (model, str(folder / "m.moo"), None,
                                                         {"w": w}),
        f"{m * m:,}-number literal in the model file": (literal_model, str(folder / "l.moo"),
                                                        None, {}),
        f"  the same {m * m:,} numbers by params= (numpy)": (by_params, str(folder / "l.moo"),
                                                             None, {"A": A.astype(float)}),
    }


def timed(text: str, filename: str, params: dict, data: object) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one compile."""
    wall, cpu = time.perf_counter(), time.process_time()
    compile_text(text, filename, params, data)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    repeats = args.repeats or (3 if args.quick else 5)
    with tempfile.TemporaryDirectory() as folder:
        cases = write_files(Path(folder), n, 200)
        compile_text("var x in [0, 1]\nminimize f: x\n")  # imports and the grammar, once
        best = {name: (np.inf, np.inf) for name in cases}
        for _ in range(repeats):
            for name, (text, filename, data, params) in cases.items():
                wall, cpu = timed(text, filename, params, data)
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    print(f"compile time, best of {repeats} (wall-clock / CPU), cases interleaved:")
    width = max(len(name) for name in cases)
    names = list(cases)
    baseline = {name: names[3] if "entry" in name else names[5] for name in names}
    for name, (wall, cpu) in best.items():
        if name.startswith("  "):
            print(f"  {name:<{width}}  {wall:6.3f} s / {cpu:6.3f} s")
            continue
        target = "< 2 s" if "entry" in name else "< 1 s"
        ratio = wall / best[baseline[name]][0]
        print(f"  {name:<{width}}  {wall:6.3f} s / {cpu:6.3f} s  (target {target}; "
              f"{ratio:.1f}x params=)")


if __name__ == "__main__":
    main()
