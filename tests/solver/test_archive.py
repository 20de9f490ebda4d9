"""The front archive: a non-dominated filter of every offer, whose pending offers stay small
for problems with many variables."""

from __future__ import annotations

import numpy as np
import pytest

from mooc.solver import archive as archive_module
from mooc.solver.archive import FrontArchive
from mooc.solver.constraints import ConstraintHandling
from mooc.solver.population import Population
from mooc.solver.sorting import nondominated


def _offers(rng, n_var, batches=12, size=40):
    for _ in range(batches):
        X = rng.random((size, n_var))
        F = np.c_[X[:, 0], 1 - np.sqrt(X[:, 0]) + rng.random(size)]
        yield Population(X, F, np.zeros((size, 0)), np.zeros((size, 0)))


@pytest.mark.parametrize("n_var", [3, 30_000])
def test_the_archive_is_the_non_dominated_set_of_all_offers(n_var):
    rng = np.random.default_rng(n_var)
    archive = FrontArchive(ConstraintHandling("feasibility", np.ones(0)), limit=10_000)
    largest_pending = 0
    offered = []
    for points in _offers(rng, n_var):
        archive.offer(points)
        offered.append(points)
        largest_pending = max(largest_pending, archive.pending_rows * n_var)
    members, objectives = archive.front()
    everything = offered[0].join_all(offered[1:])
    expected = nondominated(everything.F)
    np.testing.assert_array_equal(members.X, everything.X[expected])
    np.testing.assert_array_equal(objectives, everything.F[expected])
    # with many variables the offers are merged before their values pass the bound
    assert largest_pending <= archive_module.PENDING_VALUES
    if n_var > 1000:  # not all twelve batches waited for one merge
        assert largest_pending < 12 * 40 * n_var
