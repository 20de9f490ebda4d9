"""Reference directions: Das-Dennis lattices and evenly spread sets of any count."""

import math

import numpy as np
import pytest
from scipy.spatial import cKDTree

from mooc.solver.reference_directions import (
    _cached_directions,
    das_dennis,
    das_dennis_count,
    reference_directions,
)


@pytest.mark.parametrize(("n_obj", "partitions"), [(2, 1), (2, 99), (3, 12), (3, 13), (4, 7),
                                                    (5, 4), (5, 6), (8, 3), (10, 2), (15, 1)])
def test_das_dennis_has_every_point_of_the_lattice_on_the_simplex(n_obj, partitions):
    D = das_dennis(n_obj, partitions)
    assert D.shape == (math.comb(partitions + n_obj - 1, n_obj - 1), n_obj)
    assert das_dennis_count(n_obj, partitions) == D.shape[0]
    np.testing.assert_allclose(D.sum(axis=1), 1.0)
    steps = D * partitions
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)  # multiples of 1 / H
    assert (steps >= -1e-9).all()
    assert len(np.unique(np.round(steps).astype(int), axis=0)) == D.shape[0]  # all different


def test_known_counts():
    # Deb and Jain (2014), Table I: 91 points for 3 objectives (p = 12), 210 for 5 (p = 6)
    assert das_dennis_count(3, 12) == 91 and das_dennis_count(5, 6) == 210
    assert das_dennis_count(8, 3) == 120 and das_dennis_count(10, 3) == 220


def test_a_count_a_lattice_has_is_that_lattice():
    np.testing.assert_array_equal(reference_directions(3, 91), das_dennis(3, 12))
    np.testing.assert_array_equal(reference_directions(2, 100), das_dennis(2, 99))


@pytest.mark.parametrize(("n_obj", "n_points"), [(3, 100), (4, 50), (5, 100), (8, 100), (3, 7)])
def test_any_count_is_spread_evenly_with_the_corners(n_obj, n_points):
    D = reference_directions(n_obj, n_points)
    assert D.shape == (n_points, n_obj)
    np.testing.assert_allclose(D.sum(axis=1), 1.0)
    assert (D >= 0).all()
    for i in range(n_obj):  # every corner is a direction
        assert any(np.array_equal(row, np.eye(n_obj)[i]) for row in D)
    nearest = cKDTree(D).query(D, k=2)[0][:, 1]
    assert nearest.min() > 0.75 * nearest.mean()  # no two directions close together
    # about as close as in a lattice of about as many points
    lattice = das_dennis(n_obj, next(h for h in range(1, 50)
                                    if das_dennis_count(n_obj, h) >= n_points))
    assert nearest.mean() > 0.9 * cKDTree(lattice).query(lattice, k=2)[0][:, 1].mean()


def test_directions_are_the_same_every_time_and_read_only():
    first = reference_directions(4, 60).copy()
    _cached_directions.cache_clear()  # made again
    np.testing.assert_array_equal(first, reference_directions(4, 60))
    with pytest.raises(ValueError):
        reference_directions(4, 60)[0, 0] = 1.0


def test_too_few_directions_for_the_corners_are_refused():
    with pytest.raises(ValueError, match="cannot hold the 5 corners of 5 objectives"):
        reference_directions(5, 4)


def test_too_many_directions_are_refused_before_any_is_made():
    with pytest.raises(ValueError, match="1,000,000,000 reference directions are too many"):
        reference_directions(7, 10**9)


def test_partitions_for_a_count_are_the_fewest_whose_lattice_holds_it():
    from mooc.solver.reference_directions import _partitions_for

    for n_obj in range(2, 9):
        for n_points in (1, 2, n_obj, n_obj + 1, 91, 92, 1000, 123_457):
            partitions = _partitions_for(n_obj, n_points)
            assert das_dennis_count(n_obj, partitions) >= n_points
            assert partitions == 1 or das_dennis_count(n_obj, partitions - 1) < n_points
    assert _partitions_for(2, 10_000_000) == 9_999_999  # at once, not step by step


def test_many_objectives_spread_without_overflow():
    D = reference_directions(20, 60)  # Riesz power 40: weights stay below 1 (warnings are errors)
    assert D.shape == (60, 20) and np.isfinite(D).all()
    assert (cKDTree(D).query(D, k=2)[0][:, 1] > 0.3).all()


def test_one_objective_has_one_direction():
    assert reference_directions(1, 50).tolist() == [[1.0]]
