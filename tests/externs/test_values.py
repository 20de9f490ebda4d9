"""What a per-point python extern returns, as its values or as its point's failure: the same
serially and in a timed worker, never an error that ends the run."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import mooc

MODULE = '''
from fractions import Fraction
import numpy as np

RESULTS = {
    "list": lambda x: [x, 1 - x],
    "array": lambda x: np.array([x, 1 - x]),
    "float64s": lambda x: (np.float64(x), np.int64(1)),
    "arrays_0d": lambda x: {"a": np.array(x), "b": np.array(1.0)},
    "fraction": lambda x: [Fraction(1, 4), 1],
    "huge_int": lambda x: [10 ** 400, 1],
    "none": lambda x: None,
    "string": lambda x: "0.5",
    "nested": lambda x: [[x, 1 - x]],
    "bool": lambda x: [True, 1.0],
    "text": lambda x: [x, "1"],
}

def evaluate(x, which):
    return RESULTS[which](x)
'''

WHICH = ["list", "array", "float64s", "arrays_0d", "fraction", "huge_int", "none", "string",
         "nested", "bool", "text"]

EXPECTED = {
    "list": [0.25, 0.75], "array": [0.25, 0.75], "float64s": [0.25, 1.0],
    "arrays_0d": [0.25, 1.0], "fraction": [0.25, 1.0],
    "huge_int": "expected numbers in the float range, got 1000000",
    "none": "expected 2 values (a, b), got None",
    "string": "expected 2 values (a, b), got '0.5'",
    "nested": "expected 2 values (a, b), got 1: [[0.25, 0.75]]",
    "bool": "expected numbers, got True",
    "text": "expected numbers, got '1'",
}


@pytest.mark.parametrize("options", ["", "timeout 5"])
def test_returned_values_or_the_reason_they_fail(tmp_path, options) -> None:
    (tmp_path / "results.py").write_text(textwrap.dedent(MODULE))
    path = tmp_path / "values.moo"
    path.write_text(
        f"var x in [0, 1]\nvar which choice {{{', '.join(WHICH)}}}\n"
        f'extern r(x, which) = python "results:evaluate" returns {{a, b}} {options}\n'
        "minimize a: r.a\nminimize b: r.b\n")
    problem = mooc.load(path, allow_extern=True)
    F = problem.evaluate([[0.25, i] for i in range(len(WHICH))]).F
    reasons = {WHICH[f.row]: f.reason for f in problem.extern_runner.failures}
    for i, which in enumerate(WHICH):
        expected = EXPECTED[which]
        if isinstance(expected, list):
            assert F[i].tolist() == expected, which
            assert which not in reasons
        else:
            assert np.isnan(F[i]).all(), which
            assert reasons[which].startswith(f"ValueError: {expected}"), reasons[which]


BATCH = '''
import numpy as np

def list(x): return [x, 1 - x]  # columns in 'returns' order, not rows
def tuple(x): return (x, 2.0)
def dict(x): return {"b": 1 - x, "a": x}
def rows(x): return np.column_stack([x, 1 - x])
def transposed(x): return np.array([x, 1 - x])
def three(x): return [x, x, x]
def short(x): return {"a": x[:1], "b": x}
def bools(x): return [x > 0, x]
def none(x): return None
'''


@pytest.mark.parametrize(("which", "expected"), [
    ("list", [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]),
    ("tuple", [[0.1, 2.0], [0.2, 2.0], [0.3, 2.0]]),
    ("dict", [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]),
    ("rows", [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]),
    ("transposed", "expected an array of shape (3, 2): a row per point, a column per returned "
                   "value (a, b), got shape (2, 3)"),
    ("three", "a list or tuple holds one column per returned value (a, b): expected 2, got 3"),
    ("short", "expected 3 values of 'a', got shape (1,)"),
    ("bools", "expected numbers, got array([ True,  True,  True])"),
    ("none", "expected an array of shape (3, 2)"),
])
def test_what_a_vectorized_extern_returns(tmp_path, which, expected) -> None:
    (tmp_path / "batch.py").write_text(textwrap.dedent(BATCH))
    path = tmp_path / "batch.moo"
    path.write_text(f'var x in [0, 1]\nextern r(x) = python "batch:{which}" returns {{a, b}} '
                    "vectorized\nminimize a: r.a\nminimize b: r.b\n")
    problem = mooc.load(path, allow_extern=True)
    F = problem.evaluate([[0.1], [0.2], [0.3]]).F
    failures = problem.extern_runner.failures
    if isinstance(expected, list):
        assert np.allclose(F, expected) and not failures
    else:
        assert np.isnan(F).all() and len(failures) == 3
        assert failures[0].reason.startswith(f"ValueError: {expected}"), failures[0].reason
