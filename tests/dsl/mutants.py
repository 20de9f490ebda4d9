"""Mutants of the shipped models, for the fuzz tests: the k-th mutant is always the same text.

A mutant is a model from :data:`model_corpus.CORPUS` with a few tokens deleted, duplicated,
swapped or replaced, random characters put in or taken out, or the text cut short. Compiling it
twice must give the same outcome — the same error, or the same code and values — and nothing but
a MooError may escape.

Run many of them with ``python tests/dsl/mutants.py --count 100000 --workers 2``: each mutant is
compiled in a worker process that is killed and counted as a hang when it runs over the limit.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from model_corpus import CORPUS, data_for, points_within_bounds  # noqa: E402

TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\.|\*\*|[<>=!]=|.",
                   re.S)
#: Words put into mutants besides the corpus's own tokens: edge values and odd characters.
EXTRA = ["(", ")", "[", "]", "{", "}", ",", "..", "if", "then", "else", "not", "and", "or",
         "sum", "prod", "min", "max", "for", "in", "1e308", "1e-320", "0", "-1", "10^10^10",
         "9^9^9", "nan", "inf", "\n", "\t", "\\\n", "\"", "#", "é", "\x00", "\ufeff", "\x0c",
         "1..1000000", "^", "**", "/0", "include", "extern", "solver", "when", "soft", "tol",
         "weight", "choice", "int", "bin", "log", "@", "'", ";", "==", "<=", ">="]
VOCABULARY = sorted({t for _, text, _ in CORPUS for t in TOKEN.findall(text) if not t.isspace()}
                    | set(EXTRA))
CHARACTERS = "()[]{},.:;=<>+-*/^#\"'\\\n\t 0123456789eExyz_é\x00\x0c\r\ufeff\u2028𝑥"
SEED = 20261130


def mutant(k: int) -> tuple[str, str, str]:
    """The ``k``-th mutant: (what it was made from and how, its text, its filename)."""
    rng = np.random.default_rng([SEED, k])
    name, text, filename = CORPUS[int(rng.integers(len(CORPUS)))]
    kind = ("tokens", "characters", "truncate")[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
    if kind == "tokens":
        text = _token_mutation(text, rng)
    elif kind == "characters":
        text = _character_mutation(text, rng)
    else:
        text = text[: int(rng.integers(len(text) + 1))]
    return f"{name} ({kind}, #{k})", text, filename


def _token_mutation(text: str, rng: np.random.Generator) -> str:
    tokens = TOKEN.findall(text)
    for _ in range(int(rng.integers(1, 5))):
        if not tokens:
            break
        where = int(rng.integers(len(tokens)))
        action = int(rng.integers(5))
        if action == 0:
            del tokens[where]
        elif action == 1:
            tokens.insert(where, tokens[where])
        elif action == 2:
            other = int(rng.integers(len(tokens)))
            tokens[where], tokens[other] = tokens[other], tokens[where]
        elif action == 3:
            tokens.insert(where, VOCABULARY[int(rng.integers(len(VOCABULARY)))])
        else:
            tokens[where] = VOCABULARY[int(rng.integers(len(VOCABULARY)))]
    return "".join(tokens)


def _character_mutation(text: str, rng: np.random.Generator) -> str:
    for _ in range(int(rng.integers(1, 4))):
        where = int(rng.integers(len(text) + 1))
        action = int(rng.integers(4))
        if action == 0:
            text = text[:where] + text[where + 1:]
        elif action == 1:
            text = text[:where] + CHARACTERS[int(rng.integers(len(CHARACTERS)))] + text[where:]
        elif action == 2:
            text = text[:where] + text[where:where + 1] * 2 + text[where + 1:]
        elif where + 1 < len(text):
            text = text[:where] + text[where + 1] + text[where] + text[where + 2:]
    return text


def outcome(text: str, filename: str) -> tuple:
    """What compiling ``text`` gives: ("error", message) for a MooError, or ("code", source,
    values at fixed points). Any other exception propagates."""
    from mooc.dsl.compiler import add_derivatives_to, compile_text
    from mooc.errors import MooError

    try:
        compiled = compile_text(text, filename, data=data_for(filename))
    except MooError as error:
        return ("error", str(error))
    with np.errstate(all="ignore"):
        X = points_within_bounds(compiled, n=3)
    F, G, S = compiled.evaluate(X)
    values = (F.tobytes(), G.tobytes(), S.tobytes())
    if compiled.layout.externs:
        return ("code", compiled.code.source, *values)
    info = add_derivatives_to(compiled, guard=False)  # their failures escape, to be seen
    if info.available:
        from mooc.dsl.runtime import StaticIndexError

        try:  # its static index work, as mooc.Problem runs it: refused, the model has none
            derivatives = compiled.evaluate.__globals__["_make_derivatives"]()
        except StaticIndexError as error:
            return ("code", compiled.code.source, repr(info), *values, error.message)
        _, R, JF, JR = derivatives(X)
        values += (R.tobytes(), JF.tobytes(), JR.tobytes())
    return ("code", compiled.code.source, repr(info), *values)


def check_mutant(k: int) -> str | None:
    """None when mutant ``k`` behaves; otherwise what went wrong."""
    label, text, filename = mutant(k)
    try:
        first = outcome(text, filename)
        second = outcome(text, filename)
    except Exception as error:  # noqa: BLE001 - the point is to catch anything that escapes
        return f"{label}: escaped {type(error).__name__}: {error}"[:500]
    if first != second:
        return f"{label}: two compiles disagree"
    return None


def _run(start: int, count: int, workers: int, limit: float) -> int:
    """Check mutants start..start+count-1 in worker processes; print and count failures."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    failures = hangs = 0
    started = time.perf_counter()
    with context.Pool(workers, maxtasksperchild=2000) as pool:
        pending = [(k, pool.apply_async(check_mutant, (k,))) for k in range(start, start + count)]
        for k, job in pending:
            try:
                problem = job.get(timeout=limit)
            except multiprocessing.TimeoutError:
                hangs += 1
                print(f"mutant #{k}: no answer within {limit} s: {mutant(k)[0]}", flush=True)
                pool.terminate()
                return _summary(k - start + 1, failures, hangs, started) or 1
            if problem is not None:
                failures += 1
                print(problem, flush=True)
    return _summary(count, failures, hangs, started)


def _summary(count: int, failures: int, hangs: int, started: float) -> int:
    print(f"{count:,} mutants, each compiled twice: {failures} escapes or disagreements, "
          f"{hangs} hangs ({time.perf_counter() - started:.0f} s)", flush=True)
    return 1 if failures or hangs else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per mutant")
    args = parser.parse_args()
    return _run(args.start, args.count, args.workers, args.limit)


if __name__ == "__main__":
    sys.exit(main())
