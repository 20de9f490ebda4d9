"""Variation operators and the decision space they work in."""

import numpy as np
import pytest

from mooc.solver.variables import VariableSpace
from mooc.solver.variation import (
    VariationSettings,
    make_offspring,
    polynomial_mutation,
    reset_mutation,
    simulated_binary_crossover,
)

UNIT = (np.zeros(3), np.ones(3))


def sbx(parents, *args, **kwargs):
    """Crossover of consecutive rows of ``parents``."""
    return simulated_binary_crossover(parents[0::2], parents[1::2], *args, **kwargs)


def pairs(n, rng):
    return rng.random((2 * n, 3))


def test_sbx_children_stay_in_bounds_and_keep_the_pair_mean():
    rng = np.random.default_rng(0)
    parents = 0.3 + 0.4 * pairs(2000, rng)  # away from the bounds, so nothing is clipped
    children = sbx(parents, *UNIT, np.ones(2000, dtype=bool), eta=15.0,
                                          rng=rng)
    assert children.shape == parents.shape
    assert (children >= 0).all() and (children <= 1).all()
    first, second = children[:2000], children[2000:]
    assert np.allclose(first + second, parents[0::2] + parents[1::2])
    changed = (first != parents[0::2]) & (first != parents[1::2])
    assert 0.45 < changed.mean() < 0.55  # each variable is crossed with probability 0.5


def test_sbx_spread_matches_the_distribution_index():
    rng = np.random.default_rng(1)
    parents = np.tile([[0.4], [0.6]], (20000, 1))
    children = sbx(parents, np.zeros(1), np.ones(1),
                                          np.ones(20000, dtype=bool), eta=2.0, rng=rng)
    crossed = children[(children != 0.4) & (children != 0.6)]
    assert crossed.size == pytest.approx(20000, rel=0.05)  # half of the 40000 children
    beta = np.abs(crossed - 0.5) / 0.1  # spread factor of each child
    # P(beta <= 1) = 1 / alpha = 1 / (2 - 5 ** -3) for bounds 0.4 away from parents 0.2 apart.
    assert np.mean(beta <= 1) == pytest.approx(0.502, abs=0.01)
    # SBX's density of beta for eta = 2: P(beta <= 0.5) = 0.5 ** 3 / alpha.
    assert np.mean(beta <= 0.5) == pytest.approx(0.0628, abs=0.008)


def test_offspring_with_bounds_near_the_float_range_s_ends_come_without_a_warning():
    lower, upper = np.array([0.0, -1e308]), np.array([1e308, 1e308])
    space = VariableSpace.of(lower, upper, ("real", "real"))
    rng = np.random.default_rng(3)
    parents = rng.uniform(0.9, 1.0, (400, 2)) * 1e308  # pairs whose sum overflows
    children = make_offspring(parents[0::2], parents[1::2], space=space,
                              settings=VariationSettings(), rng=rng)
    assert np.isfinite(children).all()
    assert (children >= lower).all() and (children <= upper).all()


def test_sbx_of_parents_farther_apart_than_the_float_range_gives_finite_children():
    # the parents' difference overflows: it was computed whole, with a warning, and a child
    # could be inf - inf
    lower, upper = np.array([-1.7e308]), np.array([1.7e308])
    first, second = np.full((200, 1), -1.5e308), np.full((200, 1), 1.5e308)
    children = simulated_binary_crossover(first, second, lower, upper, np.ones(200, dtype=bool),
                                          eta=15.0, rng=np.random.default_rng(0))
    assert np.isfinite(children).all()
    assert (children >= lower).all() and (children <= upper).all()
    assert 0.4 < np.mean(children != np.concatenate([first, second])) < 0.6


def test_sbx_copies_pairs_that_do_not_cross():
    rng = np.random.default_rng(2)
    parents = pairs(10, rng)
    children = sbx(parents, *UNIT, np.zeros(10, dtype=bool), eta=15.0,
                                          rng=rng)
    assert np.array_equal(children, np.concatenate([parents[0::2], parents[1::2]]))


def test_polynomial_mutation_hits_about_prob_and_stays_in_bounds():
    rng = np.random.default_rng(3)
    Z = rng.random((5000, 3))
    mutated = polynomial_mutation(Z.copy(), *UNIT, eta=20.0, prob=0.2, rng=rng)
    assert (mutated >= 0).all() and (mutated <= 1).all()
    assert np.mean(mutated != Z) == pytest.approx(0.2, abs=0.02)


def test_polynomial_mutation_leaves_fixed_variables_alone():
    Z = np.full((100, 2), 0.5)
    mutated = polynomial_mutation(Z.copy(), np.array([0.5, 0.0]), np.array([0.5, 1.0]), eta=20.0,
                                  prob=1.0, rng=np.random.default_rng(4))
    assert (mutated[:, 0] == 0.5).all() and (mutated[:, 1] != 0.5).all()


def test_reset_mutation_moves_to_another_label():
    rng = np.random.default_rng(5)
    D = rng.integers(0, 4, size=(4000, 2)).astype(float)
    D[:, 1] = rng.integers(0, 2, size=4000)
    mutated = reset_mutation(D.copy(), np.zeros(2), np.array([3.0, 1.0]), prob=1.0, rng=rng)
    assert (mutated != D).all()
    assert np.array_equal(mutated[:, 1], 1 - D[:, 1])  # a binary variable flips
    assert set(np.unique(mutated[:, 0])) == {0.0, 1.0, 2.0, 3.0}
    moved = (mutated[:, 0] - D[:, 0]) % 4
    assert np.bincount(moved.astype(int), minlength=4)[1:] / 4000 == pytest.approx([1 / 3] * 3,
                                                                                    abs=0.03)


def test_offspring_of_mixed_kinds_stay_in_domain():
    kinds = ("real", "log", "int", "bin", "choice")
    lower, upper = np.array([-1.0, 1e-3, -2, 0, 0]), np.array([1.0, 1e3, 2, 1, 6])
    space = VariableSpace.of(lower, upper, kinds)
    rng = np.random.default_rng(6)
    parents = space.sample(400, rng=rng)
    settings = VariationSettings(mutation_prob=0.5)
    children = make_offspring(parents[0::2], parents[1::2], space=space, settings=settings, rng=rng)
    assert children.shape == parents.shape
    assert (children >= lower).all() and (children <= upper).all()
    assert (children[:, 2:] == np.round(children[:, 2:])).all()
    counts = np.bincount(children[:, 2].astype(int) + 2, minlength=5)
    assert counts.min() > 0.6 * counts.max()  # no pile-up at the integer bounds


def test_space_sample_covers_the_domain():
    space = VariableSpace.of(np.array([1e-2, 0, 0]), np.array([1e2, 3, 1]), ("log", "int", "bin"))
    X = space.sample(4000, rng=np.random.default_rng(7))
    assert np.mean(X[:, 0] < 1) == pytest.approx(0.5, abs=0.03)
    assert np.bincount(X[:, 1].astype(int)).tolist() == pytest.approx([1000] * 4, rel=0.15)
    assert set(np.unique(X[:, 2])) == {0.0, 1.0}


def test_space_repairs_user_points():
    space = VariableSpace.of(np.array([0.0, 0, 0]), np.array([1.0, 5, 2]), ("real", "int", "choice"))
    repaired = space.repair([[1.5, 2.6, -1.0], [0.25, 7.0, 1.2]])
    assert repaired.tolist() == [[1.0, 3.0, 0.0], [0.25, 5.0, 1.0]]
    with pytest.raises(ValueError, match="'initial' must contain only finite values"):
        space.repair([[np.nan, 0, 0]])


def test_space_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="unknown variable kind"):
        VariableSpace.of(np.zeros(1), np.ones(1), ("complex",))


def test_sbx_children_of_parents_on_the_bounds_stay_in_bounds():
    rng = np.random.default_rng(8)
    lower, upper = np.log(np.array([1e-3, 0.1, 2.0])), np.log(np.array([1e3, 10.0, 3.0]))
    parents = np.where(rng.random((4000, 3)) < 0.5, lower, upper)
    parents[::3] = rng.uniform(lower, upper, size=parents[::3].shape)
    children = sbx(parents, lower, upper, np.ones(2000, dtype=bool),
                                          eta=1.0, rng=rng)
    assert (children >= lower).all() and (children <= upper).all()


def test_offspring_of_mixed_kinds_vary_their_continuous_columns():
    """A regression: with a log or discrete column the encoded parents were laid out in
    column order, the children were written into a copy and came out as the parents."""
    kinds = ("log", "int", "real", "bin", "choice")
    lower, upper = np.array([1e-3, 0, 0.0, 0, 0]), np.array([1e3, 100, 1.0, 1, 4])
    space = VariableSpace.of(lower, upper, kinds)
    rng = np.random.default_rng(9)
    parents = space.sample(2000, rng=rng)
    settings = VariationSettings(crossover_prob=1.0, mutation_prob=0.0)
    children = make_offspring(parents[0::2], parents[1::2], space=space, settings=settings, rng=rng)
    first, second = parents[0::2], parents[1::2]
    # crossed with probability 0.5: a new value in about half (rounding an integer often lands
    # on a parent's value again)
    for column, least in ((0, 0.4), (1, 0.15), (2, 0.4)):
        new = ((children[:1000, column] != first[:, column])
               & (children[:1000, column] != second[:, column]))
        assert least < new.mean() < 0.55, (column, new.mean())


def test_sbx_gives_the_same_children_whatever_the_parents_layout():
    rng = np.random.default_rng(10)
    parents = pairs(50, rng)
    kept = [sbx(layout, *UNIT, np.ones(50, dtype=bool), eta=15.0, rng=np.random.default_rng(1))
            for layout in (parents, np.asfortranarray(parents))]
    assert np.array_equal(kept[0], kept[1])
    assert not np.array_equal(kept[0], np.concatenate([parents[0::2], parents[1::2]]))


def test_polynomial_mutation_refuses_an_array_it_cannot_write_in_place():
    with pytest.raises(ValueError, match="C-contiguous"):
        polynomial_mutation(np.asfortranarray(np.full((4, 3), 0.5)), *UNIT, eta=20.0, prob=1.0,
                            rng=np.random.default_rng(11))
