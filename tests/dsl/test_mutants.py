"""Fuzzing with mutants of every shipped model (see mutants.py): only MooError escapes the
compiler, each compile ends within a time limit, and compiling a mutant twice gives the same
outcome. CI checks the first few thousand mutants; ``pytest -m long`` checks 100,000 in worker
processes (the figure the README quotes)."""

from __future__ import annotations

import pytest
from mutants import check_mutant, mutant
from mutants import main as run_mutants
from test_limits import within

#: Mutants checked in the default run, in chunks so that a failure names its neighbourhood.
CHUNK, CHUNKS = 100, 20


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_mutants_raise_only_moo_errors_and_compile_the_same_twice(chunk):
    problems = []
    for k in range(chunk * CHUNK, (chunk + 1) * CHUNK):
        with within(30.0):
            problem = check_mutant(k)
        if problem is not None:
            problems.append(problem)
    assert problems == []


def test_mutants_are_the_same_text_every_time_and_differ_from_each_other():
    assert mutant(7) == mutant(7)
    assert len({mutant(k)[1] for k in range(50)}) > 45


@pytest.mark.long
def test_a_hundred_thousand_mutants(monkeypatch):
    monkeypatch.setattr("sys.argv", ["mutants.py", "--count", "100000", "--workers", "2"])
    assert run_mutants() == 0
