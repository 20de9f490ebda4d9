"""The compiled non-dominated sort of three or more objectives (solver/_sorting.c) against
moocore's ranks: random, tied, repeated, all non-dominated and chained rows, with and without
a cap on the fronts kept, and the survival ranks built on it (solver.sorting.leading_ranks)."""

import moocore
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mooc.solver import kernel, sorting

pytestmark = pytest.mark.skipif(not kernel.available(), reason="the kernel is not built")

#: Values that tie often, with signed zeros and the ends of the float range.
TIED = st.sampled_from([0.0, -0.0, 1.0, 2.0, 3.0, -1e308, 1e308, 5e-324])

matrices = st.integers(2, 6).flatmap(lambda m: arrays(
    np.float64, st.tuples(st.integers(1, 80), st.just(m)),
    elements=TIED | st.integers(0, 5).map(float) | st.floats(-1e6, 1e6)))


def survival_ranks(F, needed):
    """What leading_ranks promises: the ranks of the first fronts holding ``needed`` rows,
    one rank after them for every other row."""
    full = moocore.pareto_rank(F)
    held = np.cumsum(np.bincount(full))
    return np.minimum(full, int(np.searchsorted(held, needed)) + 1)


def dtlz2_like(n, m, rng):
    X = np.abs(rng.normal(size=(n, m)))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X * (1.0 + 0.1 * rng.random((n, 1)))


@settings(max_examples=300, deadline=None)
@given(matrices, st.integers(1, 90))
def test_ranks_are_moocores_and_a_cap_joins_the_fronts_after_it(F, cap):
    full = moocore.pareto_rank(F)
    assert kernel.sorted_ranks(F, len(F)).tolist() == full.tolist()
    assert kernel.sorted_ranks(F, cap).tolist() == np.minimum(full, cap).tolist()


@settings(max_examples=150, deadline=None)
@given(matrices.filter(lambda F: F.shape[1] >= 3), st.integers(1, 80))
def test_survival_ranks_are_the_same_with_and_without_the_kernel(F, needed):
    before = kernel.use_compiled(True)
    try:
        compiled = sorting.leading_ranks(F, needed)
        kernel.use_compiled(False)
        numpy_path = sorting.leading_ranks(F, needed)
    finally:
        kernel.use_compiled(before)
    expected = survival_ranks(F, needed)
    assert compiled.tolist() == expected.tolist()
    assert (numpy_path[expected < expected.max()] == expected[expected < expected.max()]).all()


@pytest.mark.parametrize("m", [3, 4, 5, 8])
def test_points_on_a_plane_are_all_non_dominated(m):
    rng = np.random.default_rng(m)
    F = rng.dirichlet(np.ones(m), size=3_000)
    F[:, -1] = 1.0 - F[:, :-1].sum(axis=1)  # exactly on the plane: no row dominates another
    F = np.vstack([F, F[:50]])  # and some repeated
    expected = moocore.pareto_rank(F)
    assert kernel.sorted_ranks(F, len(F)).tolist() == expected.tolist()
    assert sorting.leading_ranks(F, len(F) // 2).tolist() == expected.tolist()


@pytest.mark.parametrize("m", [3, 5])
def test_a_chain_has_one_row_a_front(m):
    F = np.repeat(np.arange(2_000.0)[::-1, None], m, axis=1)
    assert kernel.sorted_ranks(F, len(F)).tolist() == list(range(1_999, -1, -1))
    assert sorting.leading_ranks(F, 10).tolist() == [min(r, 10) for r in range(1_999, -1, -1)]


@pytest.mark.parametrize("m", [3, 5])
def test_equal_rows_share_a_rank_and_columns_may_be_constant(m):
    rng = np.random.default_rng(m)
    F = rng.integers(0, 2, size=(5_000, m)).astype(float)
    F[:, 1] = 7.0
    assert kernel.sorted_ranks(F, len(F)).tolist() == moocore.pareto_rank(F).tolist()
    same = np.ones((100, m))
    assert kernel.sorted_ranks(same, 100).tolist() == [0] * 100


@pytest.mark.parametrize(("m", "make"), [(3, "uniform"), (3, "dtlz2"), (5, "uniform"),
                                         (5, "dtlz2"), (4, "ties")])
def test_survival_ranks_of_large_populations_from_a_sampled_guess(m, make):
    rng = np.random.default_rng(m)
    n = 12_000
    F = {"uniform": lambda: rng.random((n, m)), "dtlz2": lambda: dtlz2_like(n, m, rng),
         "ties": lambda: rng.integers(0, 6, size=(n, m)).astype(float)}[make]()
    assert n >= sorting.SAMPLED_FROM
    for needed in (1, 100, n // 2, n - 1):
        assert sorting.leading_ranks(F, needed).tolist() == survival_ranks(F, needed).tolist()


def test_a_guess_of_too_few_fronts_ranks_again(monkeypatch):
    rng = np.random.default_rng(0)
    F = rng.random((6_000, 3))
    monkeypatch.setattr(sorting, "_fronts_to_keep", lambda F, needed: [1])
    assert sorting.leading_ranks(F, 3_000).tolist() == survival_ranks(F, 3_000).tolist()


def test_the_kernel_refuses_a_bad_call():
    from mooc.solver import _kernel  # type: ignore[attr-defined]

    F = np.random.default_rng(0).random((5, 3))
    rank, order = np.empty(5, dtype=np.int64), np.argsort(F[:, 0])
    with pytest.raises(ValueError, match="cap"):
        _kernel.sorted_ranks(rank, F, order.copy(), 0)
    with pytest.raises(IndexError, match="order"):
        _kernel.sorted_ranks(rank, F, np.array([0, 1, 2, 3, 5]), 5)
    with pytest.raises(TypeError, match="dtype"):
        _kernel.sorted_ranks(rank, F.astype(np.float32), order.copy(), 5)
    with pytest.raises(ValueError, match="2 values"):
        _kernel.sorted_ranks(rank, F[:, :1].copy(), order.copy(), 5)


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_the_non_dominated_rows_are_moocores(F):
    expected = moocore.is_nondominated(F, keep_weakly=True)
    assert sorting.nondominated(F).tolist() == expected.tolist()
    F = F.copy()
    F[0, 0] = np.nan  # not finite: moocore decides, as before
    before = kernel.use_compiled(False)
    try:
        expected = sorting.nondominated(F)
    finally:
        kernel.use_compiled(before)
    assert sorting.nondominated(F).tolist() == expected.tolist()


def curve(n, m, rng):
    """Points of a front that is a curve (as DTLZ5's is), in random order: all non-dominated,
    and taken by the first objective each comes at one end of those before it."""
    t = rng.permutation(n) / n
    return np.column_stack([t, 1 - t] + [t * (k + 2) for k in range(m - 2)])


@pytest.mark.parametrize("m", [3, 4, 5])
def test_a_front_that_is_a_curve_is_ranked_in_n_log_n_time(m):
    import time

    rng = np.random.default_rng(m)
    F = curve(20_000, m, rng)
    assert kernel.sorted_ranks(F, len(F)).tolist() == moocore.pareto_rank(F).tolist()
    F = curve(300_000, m, rng)
    start = time.perf_counter()
    ranks = kernel.sorted_ranks(F, len(F))
    # n log n: about 0.1 s (3 objectives) and 0.6 s (4, 5) here; a spine walked by every
    # insertion, as before, 11 s at 200,000 rows and four times that each time n doubles
    assert time.perf_counter() - start < 15
    assert not ranks.any()


@pytest.mark.parametrize("m", [4, 6])
def test_ties_that_allow_no_even_split_are_ranked_right(m):
    rng = np.random.default_rng(m)
    F = (rng.random((6_000, m)) < 0.05).astype(float)  # mostly zeros: splits cannot halve
    F[:, 0] = rng.random(len(F))
    assert kernel.sorted_ranks(F, len(F)).tolist() == moocore.pareto_rank(F).tolist()


#: Rows of one front of three objectives whose second objective ranks as the priority each
#: row's step would get in a staircase's treap from a generator seeded as it was, always with
#: 0x9E3779B97F4A7C15 (xorshift64): the treap became a path, 35 s at 50,000 rows, and its
#: recursive split and merge overflowed a thread's stack. Run apart: a crash ends only it.
_TREAP_PATH = """
import sys, threading, time
import numpy as np
from mooc.solver import kernel

n, mask, state, priorities = 30_000, (1 << 64) - 1, 0x9E3779B97F4A7C15, []
for _ in range(n):
    state ^= (state << 13) & mask
    state ^= state >> 7
    state ^= (state << 17) & mask
    priorities.append(state)
x = np.argsort(np.argsort(np.array(priorities, dtype=np.uint64))).astype(float)
F = np.column_stack([np.arange(n, dtype=float), x, -x])
result = []

def run():
    start = time.perf_counter()
    rank = kernel.sorted_ranks(F, n)
    result.append((int(rank.max()), time.perf_counter() - start))

threading.stack_size(256 * 1024)
thread = threading.Thread(target=run)
thread.start()
thread.join()
print(result[0][0], result[0][1])
"""


def test_rows_crafted_against_the_treap_priorities_stay_fast():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _TREAP_PATH], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    top, seconds = done.stdout.split()
    assert top == "0"  # all one front
    assert float(seconds) < 3  # about 0.02 s; the path: 9 s, or a crash


def test_a_front_of_one_row_holds_no_room_for_a_full_leaf():
    import tracemalloc

    n, m = 100_000, 10  # a chain: 100,000 fronts of one row each
    F = np.repeat(np.arange(n, dtype=float)[::-1, None], m, axis=1)
    tracemalloc.start()
    try:
        ranks = kernel.sorted_ranks(F, n)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert ranks.tolist() == list(range(n - 1, -1, -1))
    # about 46 MB (the input is 8 MB); a full leaf's room in each front took 148 MB
    assert peak < 80 * 2**20
