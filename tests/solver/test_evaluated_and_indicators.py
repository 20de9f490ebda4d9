"""The store of evaluated rows, and the indicator wrappers against moocore."""

import moocore
import numpy as np
import pytest

from mooc.solver import hypervolume, igd, igd_plus
from mooc.solver.evaluated import EvaluatedRows, row_hashes


def test_row_hashes_tell_rows_apart():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(5000, 6)).astype(float)
    unique_rows = len(np.unique(X, axis=0))
    assert len(np.unique(row_hashes(X))) == unique_rows
    assert row_hashes(np.array([[1.0, 2.0]]))[0] != row_hashes(np.array([[2.0, 1.0]]))[0]
    assert row_hashes(np.array([[-0.0, 1.0]]))[0] == row_hashes(np.array([[0.0, 1.0]]))[0]


def test_new_rows_keeps_the_first_of_repeated_rows():
    X = np.array([[5.0, 0.0], [1.0, 0.0], [5.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, -0.0]])
    keep, hashes = EvaluatedRows().new_rows(X)
    assert keep.tolist() == [True, True, False, True, False, False]
    assert np.array_equal(hashes, row_hashes(X[[0, 1, 3]]))


def test_store_remembers_every_batch():
    rng = np.random.default_rng(1)
    store = EvaluatedRows()
    batches = [rng.random((n, 4)) for n in (50, 3, 70, 1, 20, 200, 5)]
    for batch in batches:
        keep, hashes = store.new_rows(batch)
        assert keep.all()
        store.add(hashes)
    assert len(store) == sum(len(batch) for batch in batches)
    old = np.concatenate([batch[:2] for batch in batches])
    mixed = np.concatenate([old, rng.random((10, 4)), old[:3]])
    keep, hashes = store.new_rows(mixed)
    assert keep.tolist() == [False] * len(old) + [True] * 10 + [False] * 3
    assert np.array_equal(hashes, row_hashes(mixed[keep]))


def test_hypervolume_matches_moocore():
    points = np.array([[5, 5], [4, 6], [2, 7], [7, 4]])
    assert hypervolume(points, ref=[10, 10]) == 38.0
    assert hypervolume(points, ref=10) == 38.0
    three = np.random.default_rng(2).random((50, 3))
    assert hypervolume(three, ref=[1, 1, 1]) == moocore.hypervolume(three, ref=[1, 1, 1])


@pytest.mark.parametrize(("ours", "theirs"), [(igd, moocore.igd), (igd_plus, moocore.igd_plus)])
def test_igd_wrappers_match_moocore(ours, theirs):
    points = np.array([[3.5, 5.5], [3.6, 4.1], [4.1, 3.2], [5.5, 1.5]])
    reference = np.array([[1, 6], [2, 5], [3, 4], [4, 3], [5, 2], [6, 1]])
    assert ours(points, reference_front=reference) == theirs(points, ref=reference)


def test_indicators_name_a_wrongly_shaped_argument():
    with pytest.raises(ValueError, match="'F' must be a 2-d array"):
        hypervolume([1.0, 2.0], ref=[3.0, 3.0])
    with pytest.raises(ValueError, match="'reference_front' must be a 2-d array"):
        igd([[1.0, 2.0]], reference_front=[1.0, 2.0])
