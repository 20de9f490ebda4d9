"""Non-dominated sorting, constrained ranking and crowding distance against simple oracles."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mooc.solver.rowwise import all_in_row, any_in_row, finite_rows, row_min_max
from mooc.solver.selection import Ranking, binary_tournament
from mooc.solver.sorting import (
    constrained_rank,
    crowding_distance,
    front_crowding,
    leading_ranks,
    nondominated,
    pareto_rank,
)


def peeled_ranks(F):
    """Pareto ranks by repeatedly removing the non-dominated rows (quadratic, obviously right)."""
    rank = np.full(len(F), -1)
    level = 0
    while (rank < 0).any():
        left = np.flatnonzero(rank < 0)
        G = F[left]
        dominated = [((G <= g).all(axis=1) & (G < g).any(axis=1)).any() for g in G]
        rank[left[~np.array(dominated)]] = level
        level += 1
    return rank


def looped_crowding(F, groups):
    """Deb's crowding distance, one group and one objective at a time."""
    distance = np.zeros(len(F))
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        for column in F[rows].T:
            order = rows[np.argsort(column, kind="stable")]
            values = np.sort(column)
            distance[order[[0, -1]]] = np.inf
            span = values[-1] - values[0]
            for i in range(1, len(order) - 1):
                if span > 0:
                    distance[order[i]] += (values[i + 1] - values[i - 1]) / span
    return distance


small_matrices = st.integers(1, 4).flatmap(lambda m: arrays(
    np.float64, st.tuples(st.integers(1, 40), st.just(m)),
    elements=st.integers(0, 6).map(float)))


@settings(max_examples=60, deadline=None)
@given(small_matrices)
def test_pareto_rank_matches_peeling(F):
    assert pareto_rank(F).tolist() == peeled_ranks(F).tolist()


@pytest.mark.parametrize("n_obj", [2, 3])
def test_pareto_rank_on_random_points(n_obj):
    F = np.random.default_rng(n_obj).random((300, n_obj))
    assert np.array_equal(pareto_rank(F), peeled_ranks(F))


def test_non_finite_rows_rank_after_all_finite_ones():
    F = np.array([[np.nan, 0.0], [5.0, 5.0], [-np.inf, -np.inf], [0.0, 1.0], [np.inf, 0.0]])
    assert pareto_rank(F).tolist() == [2, 1, 2, 0, 2]


def test_constrained_rank_puts_feasible_first_then_less_violation():
    F = np.array([[9.0, 9.0], [0.0, 0.0], [1.0, 1.0], [0.0, 5.0], [np.nan, 0.0], [8.0, 8.0]])
    violation = np.array([0.0, 2.0, 1.0, 0.0, 0.0, np.inf])
    assert constrained_rank(F, violation).tolist() == [1, 3, 2, 0, 4, 4]


def test_constrained_rank_with_nothing_feasible():
    F = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, 2.0]])
    assert constrained_rank(F, np.array([0.5, 0.5, 0.1])).tolist() == [1, 1, 0]


@settings(max_examples=60, deadline=None)
@given(small_matrices, st.integers(1, 4))
def test_crowding_distance_matches_the_loop(F, n_groups):
    groups = np.arange(len(F)) % n_groups
    assert np.allclose(crowding_distance(F, groups), looped_crowding(F, groups))


two_objectives = arrays(np.float64, st.tuples(st.integers(1, 40), st.just(2)),
                        elements=st.integers(0, 6).map(float))


@settings(max_examples=80, deadline=None)
@given(two_objectives)
def test_crowding_of_pareto_fronts_in_two_objectives_matches_the_loop(F):
    """The one-sort path for fronts; exact duplicate rows may share their distances out the
    other way round, so the test keeps one row of each."""
    F = np.unique(F, axis=0)[np.random.default_rng(len(F)).permutation(len(np.unique(F, axis=0)))]
    ranks = peeled_ranks(F)
    assert np.allclose(crowding_distance(F, ranks, fronts=True), looped_crowding(F, ranks))


def test_crowding_distance_of_a_regular_front():
    f1 = np.linspace(0, 1, 5)
    F = np.stack([f1, 1 - f1], axis=1)
    assert crowding_distance(F, np.zeros(5, dtype=int)).tolist() == [np.inf, 1, 1, 1, np.inf]


def test_non_finite_rows_are_not_crowded_nor_spoil_the_others():
    F = np.array([[0.0, 1.0], [np.nan, 0.5], [0.5, 0.5], [1.0, 0.0]])
    assert crowding_distance(F, np.zeros(4, dtype=int)).tolist() == [np.inf, 0.0, 2.0, np.inf]


def test_survivors_are_whole_fronts_then_the_least_crowded():
    f1 = np.linspace(0, 1, 5)
    front = np.stack([f1, 1 - f1], axis=1)
    F = np.concatenate([front + 1, front])  # the second copy dominates the first
    ranking = Ranking.of(F, np.zeros(10))
    best = ranking.best(7)
    assert set(best[:5]) == {5, 6, 7, 8, 9}
    assert set(best[5:]) == {0, 4}  # the extremes of the dominated front


@pytest.mark.parametrize(("F", "violation", "winner"), [
    ([[0.0, 0.0], [1.0, 1.0]], [0.0, 0.0], 0),  # dominance
    ([[0.0, 1.0], [0.0, 0.0]], [0.0, 0.0], 1),  # dominance, equal in one objective
    ([[0.0, 1.0, 2.0], [0.0, 1.0, 3.0]], [0.0, 0.0], 0),  # three objectives
    ([[1.0, 1.0], [0.0, 0.0]], [0.0, 0.5], 0),  # feasible beats infeasible
    ([[0.0, 0.0], [1.0, 1.0]], [2.0, 0.5], 1),  # less violation wins
    ([[0.0, 0.0], [np.nan, 1.0]], [0.0, 0.0], 0),  # NaN loses
])
def test_tournament_winner_of_two(F, violation, winner):
    ranking = Ranking.of(np.array(F), np.array(violation))
    winners = binary_tournament(ranking, 50, rng=np.random.default_rng(0))
    assert (winners == winner).all()


def test_tournament_tie_is_a_coin_flip():
    ranking = Ranking.of(np.array([[0.0, 1.0], [1.0, 0.0]]), np.zeros(2))
    winners = binary_tournament(ranking, 2000, rng=np.random.default_rng(0))
    assert 0.45 < winners.mean() < 0.55


def test_tournament_between_non_dominated_rows_goes_by_crowding():
    f1 = np.linspace(0, 1, 4)
    F = np.stack([f1, 1 - f1], axis=1)
    ranking = Ranking.of(F, np.zeros(4))
    winners = binary_tournament(ranking, 4000, rng=np.random.default_rng(1))
    counts = np.bincount(winners, minlength=4)
    assert counts[0] > counts[1] and counts[3] > counts[2]


@pytest.mark.parametrize("n_columns", [0, 1, 2, 5])
def test_row_wise_tests_match_numpy(n_columns):
    rng = np.random.default_rng(n_columns)
    mask = rng.random((50, n_columns)) < 0.7
    values = np.where(rng.random((50, n_columns)) < 0.1, np.nan, 1.0)
    assert np.array_equal(all_in_row(mask), mask.all(axis=1))
    assert np.array_equal(any_in_row(mask), mask.any(axis=1))
    assert np.array_equal(finite_rows(values), np.isfinite(values).all(axis=1))
    if n_columns:
        numbers = rng.normal(size=(50, n_columns))
        least, most = row_min_max(numbers)
        assert np.array_equal(least, numbers.min(axis=1))
        assert np.array_equal(most, numbers.max(axis=1))


@settings(max_examples=60, deadline=None)
@given(two_objectives, st.integers(1, 5))
def test_crowding_of_fronts_with_missing_group_numbers_matches_the_loop(F, stride):
    """Group numbers with gaps (say, ranks 0, 3, 6) give the same distances as without."""
    F = np.unique(F, axis=0)
    ranks = peeled_ranks(F) * stride + stride - 1
    assert np.allclose(crowding_distance(F, ranks, fronts=True), looped_crowding(F, ranks))


many_objective_matrices = st.integers(3, 6).flatmap(lambda m: arrays(
    np.float64, st.tuples(st.integers(1, 60), st.just(m)),
    elements=st.integers(0, 4).map(float)))


@settings(max_examples=80, deadline=None)
@given(many_objective_matrices, st.integers(1, 60))
def test_leading_ranks_are_the_ranks_of_the_fronts_survival_needs(F, needed):
    full = peeled_ranks(F)
    partial = leading_ranks(F, needed)
    ranked = partial < partial.max()
    if np.count_nonzero(ranked) >= min(needed, len(F)):  # fronts left out: one rank after
        assert (full[~ranked] >= partial.max()).all()
        assert np.count_nonzero(ranked) >= needed
    else:
        ranked = np.ones(len(F), dtype=bool)
    assert partial[ranked].tolist() == full[ranked].tolist()


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 5).flatmap(lambda m: arrays(
    np.float64, st.tuples(st.integers(1, 60), st.just(m)),
    elements=st.integers(0, 4).map(float) | st.floats(0, 1))), st.integers(1, 60))
def test_survivors_are_the_same_with_the_fronts_survival_needs_only(F, needed):
    violation = np.zeros(len(F))
    partial, full = Ranking.of(F, violation, needed=needed), Ranking.of(F, violation)
    survivors = partial.best(needed)
    assert survivors.tolist() == full.best(needed).tolist()
    np.testing.assert_array_equal(partial.crowding[survivors], full.crowding[survivors])
    np.testing.assert_array_equal(partial.rank[survivors], full.rank[survivors])


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 40), st.just(2)),
              elements=st.floats(-1e3, 1e3) | st.integers(0, 5).map(float)))
def test_crowding_of_one_front_is_that_of_a_single_group(points):
    F = points[nondominated(points)]
    assert front_crowding(F).tolist() == crowding_distance(F, np.zeros(len(F), dtype=int),
                                                           fronts=True).tolist()
