"""docs/language.md runs: every ```moo block compiles and evaluates, every ```moo-error fails.

A ```moo block must compile with ``mooc.compile`` and give finite objectives of the right
shape on a random population drawn within its bounds (```moo nonfinite: shapes only;
```moo extern: its externs are allowed to run; ```moo data: its data files are read next to
docs/language.md, and each ```csv FILE or ```json FILE block shows FILE as shipped). A
```moo-error block must raise ``mooc.MooError`` whose message contains its ``# error:`` line.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import mooc

DOC = Path(__file__).parents[2] / "docs" / "language.md"
FENCE = re.compile(r"^```(?P<info>moo(?:-error)?(?: [\w ]+)?)\n(?P<body>.*?)^```$",
                   re.MULTILINE | re.DOTALL)
EXPECTED = re.compile(r"^# error: (?P<message>.+)$", re.MULTILINE)


def _blocks(kind: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(id, text, info words) of the fenced blocks of ``kind`` ("moo" or "moo-error")."""
    text = DOC.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        words = tuple(match["info"].split())
        if words[0] == kind:
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"line{line}", match["body"], words[1:]))
    return found


MODELS = _blocks("moo")
BROKEN = _blocks("moo-error")


def _population(problem: mooc.Problem, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random points within bounds; int, bin and choice columns whole, log ones log-uniform."""
    lower, upper = problem.lower, problem.upper
    X = rng.uniform(lower, upper, size=(n, problem.n_var))
    for column, kind in enumerate(problem.kinds):
        if kind == "log":
            logs = rng.uniform(np.log(lower[column]), np.log(upper[column]), size=n)
            X[:, column] = np.exp(logs)
        elif kind in ("int", "bin", "choice"):
            X[:, column] = rng.integers(np.ceil(lower[column]), np.floor(upper[column]) + 1,
                                        size=n)
    # the corners too, where domain faults live
    return np.vstack([X, lower, upper])


def test_the_doc_has_examples():
    assert len(MODELS) >= 20
    assert len(BROKEN) >= 10
    assert all(EXPECTED.search(text) for _, text, _ in BROKEN)


@pytest.mark.parametrize(("where", "text", "words"), MODELS, ids=[m[0] for m in MODELS])
def test_model_block_compiles_and_evaluates(where: str, text: str, words: tuple[str, ...]):
    filename = str(DOC) if "data" in words else f"language.md:{where}"
    problem = mooc.compile(text, filename=filename, allow_extern="extern" in words)
    X = _population(problem, 16, np.random.default_rng(0))
    evaluation = problem.evaluate(X)
    assert evaluation.F.shape == (len(X), problem.n_obj)
    assert evaluation.violation.shape == (len(X), problem.n_hard)
    assert evaluation.soft_violation.shape == (len(X), problem.n_soft)
    if "nonfinite" not in words:
        assert np.all(np.isfinite(evaluation.F))
        assert np.all(np.isfinite(evaluation.violation))
        assert np.all(np.isfinite(evaluation.soft_violation))
        assert np.all(evaluation.violation >= 0) and np.all(evaluation.soft_violation >= 0)


@pytest.mark.parametrize(("where", "text", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_error_block_fails_with_its_message(where: str, text: str, words: tuple[str, ...]):
    expected = EXPECTED.search(text)
    assert expected is not None, "a moo-error block states its message in a '# error:' line"
    with pytest.raises(mooc.MooError) as caught:
        mooc.compile(text, filename=f"language.md:{where}")
    assert expected["message"] in str(caught.value)


SHOWN_FILE = re.compile(r"^```(?:csv|json) (?P<file>\S+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def test_data_files_shown_are_the_files_read():
    shown = {m["file"]: m["body"] for m in SHOWN_FILE.finditer(DOC.read_text(encoding="utf-8"))}
    assert len(shown) >= 3
    for name, body in shown.items():
        assert (DOC.parent / name).read_text(encoding="utf-8") == body, name


def test_small_solve_of_the_first_model():
    problem = mooc.compile(MODELS[0][1])
    result = problem.solve(population=12, generations=3, seed=1)
    assert result.F.shape[1] == 2 and len(result.F) >= 1


def test_indexed_let_and_objective_with_constant_index():
    problem = mooc.compile("var x[1..3] in [0, 1]\nlet s[j in 1..2] = x[j]\nminimize f: s[1]\n"
                           "minimize g[k in 1..2]: 2 * x[k]\nminimize h: g[2] + x[3]")
    assert problem.evaluate([[0.5, 0.25, 1.0]]).F.tolist() == [[0.5, 1.0, 0.5, 1.5]]


def test_element_of_a_choice_vector_compares_with_a_label():
    problem = mooc.compile("var m[1..2] choice {a, b}\nminimize f: if m[1] == a then 1 else 0\n"
                           "minimize g: if b != m[2] then 3 else 4")
    assert problem.evaluate([[0, 1], [1, 0]]).F.tolist() == [[1.0, 4.0], [0.0, 3.0]]
