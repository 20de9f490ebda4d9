"""A model whose sums or families form arrays of many elements per point is evaluated a chunk
of points at a time (mooc.dsl.runtime.BoxSizes, in_chunks): the same values as all at once,
with memory bounded by the chunk rather than by the population."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from model_corpus import CORPUS, data_for, points_within_bounds

import mooc
from mooc.dsl import runtime
from mooc.dsl.compiler import add_derivatives_to, compile_text
from mooc.errors import MooError

ROOT = Path(__file__).parents[2]

PAIRS = """
param n
var x[1..n] in [0, 1]
minimize spread: -sum(sum((x[i] - x[j])^2 for j in i+1..n) for i in 1..n)
minimize total: sum(x[i] for i in 1..n)
constraint apart[i in 1..n, j in 1..n]: (x[i] - x[j])^2 <= 0.81 + (if i == j then 9 else 0)
"""


def _pairs_reference(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    differences = X[:, :, None] - X[:, None, :]
    upper = np.triu(np.ones(X.shape[1], dtype=bool), 1)
    spread = -(differences ** 2)[:, upper].sum(axis=1)
    limits = 0.81 + 9 * np.eye(X.shape[1])
    return np.c_[spread, X.sum(axis=1)], np.maximum(differences ** 2 - limits, 0.0)


def _peak(evaluate, X):
    tracemalloc.start()
    try:
        return evaluate(X), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_box_sizes_choose_the_rows_per_call():
    boxes = runtime.BoxSizes()
    assert boxes.chunk_rows(0) == sys.maxsize  # no box: one call for any population
    boxes.add(np.arange(30.0).reshape(-1, 1))
    assert boxes.chunk_rows(30) == sys.maxsize  # no larger than a point's own values
    assert boxes.chunk_rows(29) == runtime.CHUNK_ELEMENTS // 30
    boxes.add(np.arange(200.0).reshape(-1, 1, 1), np.arange(100.0).reshape(-1, 1))
    assert boxes.largest == 20_000
    assert boxes.chunk_rows(50) == runtime.CHUNK_ELEMENTS // 20_000
    boxes.add(np.arange(1000.0).reshape(-1, 1, 1), np.arange(1000.0).reshape(-1, 1))
    assert boxes.chunk_rows(50) == 1  # fewer than FEWEST_ROWS: one point at a time
    boxes.add(np.arange(5.0).reshape(-1, 1))
    assert boxes.largest == 1_000_000  # the largest stays


def test_a_wide_model_is_not_chunked_by_sums_as_wide_as_its_variables():
    """ZDT1 with 30,000 variables: its sum spans 29,999 elements per point, fewer than the
    point's own values, so chunks would save nothing."""
    compiled = compile_text(Path(ROOT / "stdlib" / "zdt1.moo").read_text(), "zdt1.moo",
                            {"n": 30_000}, None)
    assert compiled.evaluate.__globals__["_boxes"].largest == 29_999
    assert compiled.evaluate.__globals__["_CHUNK_ROWS"] == sys.maxsize


def test_a_pairwise_sum_takes_memory_of_a_chunk():
    """n = 200 at 2,000 points: every (x[i] - x[j])^2 of the population at once is 2000 x
    19,900 values (318 MB per array, several at a time); a chunk holds about CHUNK_ELEMENTS
    of them (16 MB)."""
    n, points = 200, 2000
    text = PAIRS.split("constraint")[0]
    compiled = compile_text(text, "pairs.moo", None, {"n": n})
    assert compiled.evaluate.__globals__["_CHUNK_ROWS"] == runtime.CHUNK_ELEMENTS // (n * (n - 1))
    X = np.random.default_rng(1).random((points, n))
    (F, G, S), peak = _peak(compiled.evaluate, X)
    assert np.allclose(F, _pairs_reference(X)[0], rtol=1e-12)
    assert G.shape == S.shape == (points, 0)
    assert peak < 10 * runtime.CHUNK_ELEMENTS * 8  # a few arrays of one chunk


def test_a_constraint_family_is_no_box_of_its_own_but_a_let_family_is():
    """A family of constraints (or objectives) makes the results themselves, as large with
    chunks as without; a let's family is kept for the statements after it."""
    n, points = 60, 700
    compiled = compile_text(PAIRS, "pairs.moo", None, {"n": n})
    # the sum's box, (n - 1) x n (j in i+1..n spans 2..n), not the family's n x n: smaller
    # than a point's results, so no chunks
    assert compiled.evaluate.__globals__["_boxes"].largest == n * (n - 1)
    assert compiled.evaluate.__globals__["_CHUNK_ROWS"] == sys.maxsize
    X = np.random.default_rng(4).random((points, n))
    F, G, S = compiled.evaluate(X)
    expected_F, expected_G = _pairs_reference(X)
    assert np.allclose(F, expected_F, rtol=1e-12)
    assert np.array_equal(G, expected_G.reshape(points, -1))
    kept = ("param n\nvar x[1..n] in [0, 1]\nlet d[i in 1..n, j in 1..n] = (x[i] - x[j])^2\n"
            "minimize spread: -sum(d[i, i + 1] for i in 1..n-1)\nminimize total: x[1]\n")
    compiled = compile_text(kept, "kept.moo", None, {"n": n})
    assert compiled.evaluate.__globals__["_boxes"].largest == n * n


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of about 64 values: every model with a sum over ten elements is chunked."""
    monkeypatch.setattr(runtime, "CHUNK_ELEMENTS", 640)
    monkeypatch.setattr(runtime, "FEWEST_ROWS", 4)
    _any_box_counts(monkeypatch)


def _any_box_counts(monkeypatch):
    """Chunks for boxes as small as a point's own values, too."""
    rows = runtime.BoxSizes.chunk_rows
    monkeypatch.setattr(runtime.BoxSizes, "chunk_rows", lambda self, width: rows(self, 0))


def test_chunks_give_the_values_of_one_call(small_chunks):
    n = 25
    compiled = compile_text(PAIRS, "pairs.moo", None, {"n": n})
    assert compiled.evaluate.__globals__["_CHUNK_ROWS"] == 1  # 640 // 625
    X = np.random.default_rng(2).random((37, n))
    X[3, 4], X[5, 0] = np.nan, np.inf
    F, G, S = compiled.evaluate(X)
    for row in range(X.shape[0]):
        one = compiled.evaluate(X[row:row + 1])
        assert np.array_equal(F[row], one[0][0], equal_nan=True)
        assert np.array_equal(G[row], one[1][0], equal_nan=True)
    assert np.allclose(F[6:], _pairs_reference(X[6:])[0], rtol=1e-12)


def test_derivatives_are_chunked_too(small_chunks, monkeypatch):
    X = np.random.default_rng(3).random((11, 12))
    values = []
    for elements in (640, 10**9):  # chunks of 4 points, then one call
        monkeypatch.setattr(runtime, "CHUNK_ELEMENTS", elements)
        compiled = compile_text(PAIRS, "pairs.moo", None, {"n": 12})
        add_derivatives_to(compiled)
        derivatives = compiled.evaluate.__globals__["_make_derivatives"]()
        assert (compiled.evaluate.__globals__["_boxes"].chunk_rows(0) < 11) == (elements == 640)
        values.append(derivatives(X))
    for chunked, whole in zip(*values, strict=True):
        assert chunked.shape == whole.shape
        assert np.allclose(chunked, whole, rtol=1e-12, atol=1e-12)
    F, R, JF, JR = values[0]
    assert JF.shape == (11, 2, 12) and JR.shape == (11, 144, 12)
    spread_gradient = -2 * (12 * X - X.sum(axis=1, keepdims=True))
    assert np.allclose(JF[:, 0], spread_gradient, rtol=1e-12)


def test_a_model_with_externs_is_called_with_the_whole_batch(small_chunks):
    text = ("var x[1..20] in [0, 1]\n"
            "let s = sum(sum(x[i] * x[j] + x[i] for i in 1..20) for j in 1..20)\n"
            "extern f(s) = python \"math:fabs\" returns {y}\n"
            "minimize a: f.y\nminimize b: x[1]\n")
    compiled = compile_text(text, "externs.moo", None, None)
    assert compiled.evaluate.__globals__["_boxes"].largest == 400
    assert "_in_chunks" not in compiled.code.source


@pytest.mark.parametrize("name, text, filename", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_shipped_model_keeps_its_values_in_chunks(name, text, filename, monkeypatch):
    try:
        whole = mooc.compile(text, data=data_for(filename), cache=False)
    except MooError:
        return  # a doc block showing an error
    if whole.externs:
        return  # called with the whole batch (above)
    X = points_within_bounds(whole._compiled, n=12)
    expected = whole._compiled.evaluate(X)
    monkeypatch.setattr(runtime.BoxSizes, "chunk_rows", lambda self, width: 1)
    chunked = mooc.compile(text, data=data_for(filename), cache=False)
    assert chunked._compiled.evaluate.__globals__["_CHUNK_ROWS"] == 1
    for a, b in zip(chunked._compiled.evaluate(X), expected, strict=True):
        assert np.array_equal(np.isnan(a), np.isnan(b))
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)
