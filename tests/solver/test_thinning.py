"""Thinning a front keeps the points whose loss would cost the most hypervolume; moocore's
hypervolume, computed afresh for every candidate, is the oracle."""

import itertools

import moocore
import numpy as np
import pytest

from mooc.solver.sorting import crowding_distance
from mooc.solver.thinning import (
    EXACT_MAX_POINTS,
    ONE_AT_A_TIME,
    REFERENCE,
    extremes,
    normalized_front,
    thin_front,
    uses_hypervolume,
)


def random_front(n, n_obj, seed):
    """``n`` mutually non-dominated points: random points on a concave or linear surface."""
    rng = np.random.default_rng(seed)
    X = np.abs(rng.normal(size=(n, n_obj)))
    power = [1.0, 2.0][seed % 2]
    return X / (X**power).sum(axis=1, keepdims=True) ** (1 / power) * rng.uniform(1, 3, n_obj)


def loss_without(points, row):
    """The hypervolume (normalized frame, reference 1.1) lost without ``row``."""
    normalized = normalized_front(points)  # the frame of the whole set, as the rule uses
    ref = np.full(points.shape[1], REFERENCE)
    others = np.delete(normalized, row, axis=0)
    return moocore.hypervolume(normalized, ref=ref) - moocore.hypervolume(others, ref=ref)


@pytest.mark.parametrize("n_obj", [2, 3, 4, 5])
@pytest.mark.parametrize("seed", range(8))
def test_thinning_by_one_drops_a_point_whose_loss_is_least(n_obj, seed):
    """Of the points other than the extremes (least in an objective), which always stay."""
    points = random_front(9, n_obj, seed)
    kept = thin_front(points, 8)
    dropped = np.setdiff1d(np.arange(9), kept)
    assert len(kept) == 8 and len(dropped) == 1
    extreme = extremes(normalized_front(points))
    assert not extreme[dropped[0]]
    losses = np.array([loss_without(points, row) for row in range(9)])
    assert losses[dropped[0]] <= losses[kept[~extreme[kept]]].min() + 1e-12


@pytest.mark.parametrize("n_obj", [2, 3, 4, 5])
@pytest.mark.parametrize("seed", range(4))
def test_thinning_a_small_front_is_the_exact_greedy_rule(n_obj, seed):
    """n -> k in steps, each dropping the point (not an extreme) the then current front loses
    least without, in the frame of the whole front; the oracle recomputes every loss with
    moocore."""
    n, limit = 14, 6
    points = random_front(n, n_obj, 100 + seed)
    normalized = normalized_front(points)
    extreme = extremes(normalized)
    ref = np.full(n_obj, REFERENCE)
    alive = list(range(n))
    while len(alive) > limit:
        whole = moocore.hypervolume(normalized[alive], ref=ref)
        candidates = [row for row in alive if not extreme[row]]
        losses = [whole - moocore.hypervolume(normalized[[r for r in alive if r != row]], ref=ref)
                  for row in candidates]
        alive.remove(candidates[int(np.argmin(losses))])
    assert thin_front(points, limit).tolist() == alive


@pytest.mark.parametrize("n_obj", [2, 3])
def test_thinning_a_tiny_front_comes_near_its_best_subset(n_obj):
    """Against every subset holding the extremes: dropping the least contributor one at a time
    comes within 0.1% of the best on these small fronts (greedy is not optimal in general)."""
    for seed in range(5):
        points = random_front(10, n_obj, 200 + seed)
        normalized = normalized_front(points)
        extreme = set(extremes(normalized).nonzero()[0].tolist())
        ref = np.full(n_obj, REFERENCE)
        best = max((rows for rows in itertools.combinations(range(10), 7) if extreme <= set(rows)),
                   key=lambda rows: moocore.hypervolume(normalized[list(rows)], ref=ref))
        kept = thin_front(points, 7)
        assert moocore.hypervolume(normalized[kept], ref=ref) >= \
            moocore.hypervolume(normalized[list(best)], ref=ref) * (1 - 1e-3)


@pytest.mark.parametrize("n_obj", [2, 3])
def test_thinning_in_rounds_loses_about_what_the_greedy_rule_loses(n_obj):
    n, limit = 3 * ONE_AT_A_TIME, ONE_AT_A_TIME  # rounds until 100 points are left
    points = random_front(n, n_obj, 7)
    normalized = normalized_front(points)
    ref = np.full(n_obj, REFERENCE)
    extreme = extremes(normalized)
    alive = np.arange(n)
    while len(alive) > limit:  # the greedy rule, one point at a time
        contribution = moocore.hv_contributions(normalized[alive], ref=ref)
        contribution[extreme[alive]] = np.inf
        alive = np.delete(alive, contribution.argmin())
    whole = moocore.hypervolume(normalized, ref=ref)
    greedy_loss = whole - moocore.hypervolume(normalized[alive], ref=ref)
    loss = whole - moocore.hypervolume(normalized[thin_front(points, limit)], ref=ref)
    crowding = crowding_distance(points, np.zeros(n, dtype=np.intp), fronts=True)
    crowding_loss = whole - moocore.hypervolume(normalized[np.argsort(-crowding)[:limit]], ref=ref)
    assert loss <= 1.1 * greedy_loss
    assert loss < 0.7 * crowding_loss


def test_duplicates_are_dropped_first_but_never_all_copies():
    points = random_front(150, 3, 11)
    doubled = np.concatenate([points, points])  # 300 points, each twice: rounds
    kept = thin_front(doubled, 150)
    assert sorted(kept % 150) == list(range(150))  # one copy of every point
    small = np.concatenate([points[:20], points[:20]])  # one at a time
    assert sorted(thin_front(small, 20) % 20) == list(range(20))


def test_many_objectives_beyond_the_exact_size_drop_the_most_crowded():
    n_obj, n = 5, 400
    assert not uses_hypervolume(n, n_obj) and uses_hypervolume(EXACT_MAX_POINTS, n_obj)
    points = random_front(n, n_obj, 4)
    points[0] = points[1] + 1e-9 * np.arange(n_obj)  # a near twin: one of them goes first
    kept = thin_front(points, 200)
    assert len(kept) == 200 and not {0, 1} <= set(kept.tolist())
    assert set(points.argmin(axis=0).tolist()) <= set(kept.tolist())  # the extremes stay
    # it loses less hypervolume than crowding distance (hypervolume in 5 objectives: 0.1 s)
    normalized = normalized_front(points)
    ref = np.full(n_obj, REFERENCE)
    crowding = crowding_distance(points, np.zeros(n, dtype=np.intp), fronts=True)
    by_crowding = np.argsort(-crowding, kind="stable")[:200]
    whole = moocore.hypervolume(normalized, ref=ref)
    assert whole - moocore.hypervolume(normalized[kept], ref=ref) < \
        0.8 * (whole - moocore.hypervolume(normalized[by_crowding], ref=ref))


def test_a_limit_below_the_number_of_objectives_is_kept():
    points = random_front(60, 6, 5)
    assert len(thin_front(points, 2)) == 2
    assert len(thin_front(points, 60)) == 60


def test_flat_objectives_and_a_single_point():
    points = np.c_[np.linspace(0, 1, 30), np.linspace(1, 0, 30), np.full(30, 4.0)]
    kept = thin_front(points, 10)
    assert len(kept) == 10 and {0, 29} <= set(kept.tolist())
    assert thin_front(points[:1], 1).tolist() == [0]
