"""NSGA-III's normalization, association and niche selection against hand-computed cases."""

import numpy as np
import pytest

from mooc.solver.niching import (
    associate,
    extreme_points,
    intercepts,
    niche_selection,
    normalization_frame,
)


def test_two_objective_frame_by_hand():
    F = np.array([[1.0, 5.0], [3.0, 3.0], [5.0, 1.0], [2.0, 6.0]])
    first = np.array([True, True, True, False])
    # ideal (1, 1); translated front (0, 4), (2, 2), (4, 0): extremes (4, 0) and (0, 4),
    # the line through them cuts both axes at 4
    assert extreme_points(F[first] - 1.0).tolist() == [2, 0]
    frame = normalization_frame(F, first)
    assert frame.ideal.tolist() == [1.0, 1.0] and frame.scale.tolist() == [4.0, 4.0]
    np.testing.assert_allclose(frame.normalized(F), [[0, 1], [0.5, 0.5], [1, 0], [0.25, 1.25]])


def test_three_objective_intercepts_of_a_tilted_plane():
    # the plane x/2 + y/3 + z/6 = 1 through its three axis points and one inside
    front = np.array([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 6.0], [1.0, 1.0, 1.5]])
    F = front + np.array([10.0, 20.0, 30.0])  # the ideal point is (10, 20, 30)
    assert extreme_points(front).tolist() == [0, 1, 2]
    np.testing.assert_allclose(intercepts(front[:3]), [2.0, 3.0, 6.0])
    frame = normalization_frame(F, np.ones(4, dtype=bool))
    np.testing.assert_allclose(frame.ideal, [10, 20, 30])
    np.testing.assert_allclose(frame.scale, [2.0, 3.0, 6.0])
    np.testing.assert_allclose(frame.normalized(F)[3], [0.5, 1 / 3, 0.25])


def test_the_achievement_function_picks_the_point_nearest_the_axis():
    # along axis 0 the extreme is the point with the smallest other objectives, whatever its f0
    translated = np.array([[5.0, 0.01, 0.0], [9.0, 0.001, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 3.0]])
    assert extreme_points(translated).tolist() == [1, 2, 3]


def test_degenerate_extremes_fall_back_to_the_worst_of_the_front():
    # one point is extreme for both objectives: no line through two points; scales are the
    # front's ranges (3 and 2)
    F = np.array([[0.0, 0.0], [3.0, 1.0], [1.0, 2.0]])
    assert intercepts(np.array([[1.0, 1.0], [1.0, 1.0]])) is None
    frame = normalization_frame(F, np.array([True, False, False]) | True)
    assert extreme_points(F).tolist() == [0, 0]
    np.testing.assert_allclose(frame.scale, [3.0, 2.0])


def test_a_negative_intercept_falls_back_to_the_worst_of_the_front():
    # the line through (1, 0) and (2, 1) is x - y = 1: it cuts axis 1 at -1
    assert intercepts(np.array([[1.0, 0.0], [2.0, 1.0]])) is None
    # three objectives, ideal (0.5, 0, 0); translated extremes (1.5, 0.5, 0), (1, 1.5, 1) and
    # (0, 0, 2) lie on the plane x/1.4 - y/7 + z/2 = 1, which cuts axis 1 at -7
    F = np.array([[0.5, 0.0, 2.0], [2.0, 0.5, 0.0], [1.5, 1.5, 1.0], [0.5, 0.5, 1.5]])
    assert extreme_points(F - [0.5, 0.0, 0.0]).tolist() == [1, 2, 0]
    np.testing.assert_allclose(1 / np.linalg.solve((F - [0.5, 0, 0])[[1, 2, 0]], np.ones(3)),
                               [1.4, -7.0, 2.0])
    frame = normalization_frame(F, np.ones(4, dtype=bool))
    np.testing.assert_allclose(frame.scale, [1.5, 1.5, 2.0])  # the front's worst minus ideal


def test_an_intercept_beyond_every_point_is_cut_back_to_the_worst():
    # extremes (1, 0.1) and (0.1, 1): the line x + y = 1.1 cuts both axes at 1.1, beyond the
    # worst value 1.0 of each objective; the ideal point is (0.1, 0.1), so the scales are 0.9
    F = np.array([[1.0, 0.1], [0.1, 1.0]])
    cut = intercepts(F)
    assert cut is not None and (cut > 1.0).all()
    np.testing.assert_allclose(normalization_frame(F, np.ones(2, dtype=bool)).scale, [0.9, 0.9])


def test_a_flat_objective_gets_scale_one():
    F = np.array([[0.0, 2.0], [1.0, 2.0], [2.0, 2.0]])
    assert normalization_frame(F, np.ones(3, dtype=bool)).scale[1] == 1.0


def test_association_by_hand():
    directions = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    points = np.array([[1.0, 0.2], [0.3, 0.3], [0.6, 0.2], [0.0, 0.0], [0.0, 2.0]])
    niche, distance = associate(points, directions)
    # (0.6, 0.2): 0.2 from the first axis, |(0.2, -0.2)| = 0.283 from the diagonal
    assert niche.tolist() == [0, 2, 0, 0, 1]
    np.testing.assert_allclose(distance, [0.2, 0.0, 0.2, 0.0, 0.0], atol=1e-12)


def test_association_is_the_nearest_line_by_brute_force():
    rng = np.random.default_rng(3)
    directions = rng.random((40, 4))
    points = rng.random((300, 4)) * 2
    units = directions / np.linalg.norm(directions, axis=1, keepdims=True)
    along = points @ units.T
    perpendicular = np.sqrt(np.maximum((points**2).sum(axis=1)[:, None] - along**2, 0))
    niche, distance = associate(points, directions)
    np.testing.assert_array_equal(niche, perpendicular.argmin(axis=1))
    np.testing.assert_allclose(distance, perpendicular.min(axis=1), atol=1e-12)


def test_an_empty_niche_takes_its_nearest_candidate_first():
    niche = np.array([0, 0, 0, 1, 1])
    distance = np.array([0.3, 0.1, 0.2, 0.5, 0.4])
    counts = np.array([0, 3])  # direction 1 holds three points already
    for seed in range(20):
        picked = niche_selection(niche, distance, counts, 1, rng=np.random.default_rng(seed))
        assert picked.tolist() == [1]  # direction 0, nearest
        picked = niche_selection(niche, distance, counts, 3, rng=np.random.default_rng(seed))
        assert sorted(picked.tolist()) == [0, 1, 2]  # direction 0 reaches 3 before 1 gets a 4th


@pytest.mark.parametrize("seed", range(10))
def test_niches_are_filled_evenly(seed):
    rng = np.random.default_rng(seed)
    n_directions = 12
    niche = rng.integers(0, n_directions, 80)
    distance = rng.random(80)
    counts = rng.integers(0, 3, n_directions)
    picked = niche_selection(niche, distance, counts.copy(), 30, rng=rng)
    assert len(np.unique(picked)) == 30
    final = counts + np.bincount(niche[picked], minlength=n_directions)
    open_after = np.bincount(niche, minlength=n_directions) > np.bincount(niche[picked],
                                                                          minlength=n_directions)
    grown = np.bincount(niche[picked], minlength=n_directions) > 0
    # a direction that still has candidates never ends two below one that got a pick
    if grown.any() and open_after.any():
        assert final[open_after].min() >= final[grown].max() - 1
    for j in np.unique(niche[picked]):  # an empty direction took its nearest first
        if counts[j] == 0:
            members = (niche == j).nonzero()[0]
            assert members[distance[members].argmin()] in picked
