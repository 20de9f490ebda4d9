"""The compiled kernel (solver/_kernel.c) and the numpy code give the same bits, from the same
seeds: operator by operator on awkward inputs, and over whole runs."""

import os
import subprocess
import sys

import numpy as np
import pytest

from mooc.solver import FunctionProblem, kernel, nsga2, nsga3
from mooc.solver.evaluated import EvaluatedRows, row_hashes
from mooc.solver.selection import Ranking, binary_tournament
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import (
    VariationSettings,
    make_offspring,
    polynomial_mutation,
    simulated_binary_crossover,
)

pytestmark = pytest.mark.skipif(not kernel.available(), reason="the kernel is not built")


def both(call):
    """``call()`` with the kernel, then with numpy (the setting restored afterwards)."""
    before = kernel.use_compiled(True)
    try:
        assert kernel.compiled() is not None
        compiled = call()
        kernel.use_compiled(False)
        assert kernel.compiled() is None
        return compiled, call()
    finally:
        kernel.use_compiled(before)


def assert_same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    if a.dtype == np.float64:
        a, b = a.view(np.uint64), b.view(np.uint64)
    different = np.flatnonzero(a.reshape(-1) != b.reshape(-1))
    assert different.size == 0, f"{different.size} values differ, first at {different[:5]}"


BIG = np.finfo(float).max


def bounds_cases():
    """(lower, upper) pairs of 6 variables: unit, wide, equal bounds, the float range."""
    yield np.zeros(6), np.ones(6)
    yield np.array([-5.0, 0, 1, 1e-300, -1e6, 2]), np.array([5.0, 1e-9, 1, 1e-299, 1e6, 2])
    yield np.full(6, -BIG / 2), np.full(6, BIG / 2)  # a halved encoding of the float range
    yield np.full(6, -BIG), np.full(6, BIG)  # rooms overflow to infinity


def parents_in(lower, upper, n, rng):
    """Pairs of rows: at random, at the bounds, equal to each other or a rounding apart."""
    share = rng.random((2 * n, lower.size))
    share[rng.random(share.shape) < 0.1] = 0.0
    share[rng.random(share.shape) < 0.1] = 1.0
    X = np.clip(lower * (1 - share) + upper * share, lower, upper)
    equal = rng.random((n, lower.size)) < 0.1
    X[1::2][equal] = X[0::2][equal]
    close = rng.random((n, lower.size)) < 0.05
    X[1::2][close] = np.nextafter(X[0::2][close], 0.0)
    return X


@pytest.mark.parametrize("eta", [15.0, 20.0, 1.0, 0.5, 3.0, 63.0, 200.0])
@pytest.mark.parametrize("case", range(4))
def test_crossover_is_the_same_in_c_and_numpy(eta, case):
    lower, upper = list(bounds_cases())[case]
    X = np.clip(parents_in(lower, upper, 300, np.random.default_rng(case)), lower, upper)

    def children():
        rng = np.random.default_rng(7)
        crosses = rng.random(300) < 0.9
        return simulated_binary_crossover(X[0::2], X[1::2], lower, upper, crosses, eta=eta,
                                          rng=rng)

    compiled, numpy = both(children)
    assert_same_bits(compiled, numpy)
    assert not np.isnan(compiled).any()
    assert (compiled >= lower).all() and (compiled <= upper).all()
    assert (compiled != np.concatenate([X[0::2], X[1::2]])).any()  # something was crossed


def test_crossover_keeps_nan_where_a_variable_does_not_exist():
    rng = np.random.default_rng(3)
    X = rng.random((200, 5))
    X[rng.random(X.shape) < 0.2] = np.nan

    def children():
        rng = np.random.default_rng(1)
        return simulated_binary_crossover(X[0::2], X[1::2], np.zeros(5), np.ones(5),
                                          np.ones(100, dtype=bool), eta=15.0, rng=rng)

    compiled, numpy = both(children)
    assert_same_bits(compiled, numpy)
    assert np.isnan(compiled).sum() == np.isnan(X).sum()


@pytest.mark.parametrize("eta", [20.0, 15.0, 1.0, 0.3])
@pytest.mark.parametrize("case", range(3))  # spans are finite: VariableSpace halves them
def test_mutation_is_the_same_in_c_and_numpy(eta, case):
    lower, upper = list(bounds_cases())[case]
    X = np.clip(parents_in(lower, upper, 200, np.random.default_rng(case)), lower, upper)

    def mutated():
        return polynomial_mutation(X.copy(), lower, upper, eta=eta, prob=0.3,
                                   rng=np.random.default_rng(5))

    compiled, numpy = both(mutated)
    assert_same_bits(compiled, numpy)
    assert not np.isnan(compiled).any()
    assert (compiled >= lower).all() and (compiled <= upper).all()
    moved = compiled != X
    assert moved.any()
    assert not moved[:, lower == upper].any()  # a variable with equal bounds stays


@pytest.mark.parametrize("prob", [0.002, 0.05, 0.2])
@pytest.mark.parametrize("case", range(3))
def test_sparse_mutation_is_the_same_in_c_and_numpy(prob, case):
    # below 0.25 the positions come from geometric gaps, less those of equal bounds
    lower, upper = list(bounds_cases())[case]
    X = np.clip(parents_in(lower, upper, 300, np.random.default_rng(case)), lower, upper)

    def mutated():
        return polynomial_mutation(X.copy(), lower, upper, eta=20.0, prob=prob,
                                   rng=np.random.default_rng(2))

    compiled, numpy = both(mutated)
    assert_same_bits(compiled, numpy)
    assert (compiled != X).any() and not (compiled != X)[:, lower == upper].any()


def ranking_of(rng, n, *, infeasible, ties):
    F = rng.integers(0, 5, (n, 2)).astype(float) if ties else rng.random((n, 3))
    violation = np.where(rng.random(n) < infeasible, rng.integers(1, 3, n).astype(float), 0.0)
    F[rng.random(n) < 0.05, 0] = np.nan if infeasible else F[0, 0]
    return Ranking.of(F, violation)


@pytest.mark.parametrize("infeasible", [0.0, 0.3])
@pytest.mark.parametrize("ties", [False, True])
def test_tournament_is_the_same_in_c_and_numpy(infeasible, ties):
    ranking = ranking_of(np.random.default_rng(2), 150, infeasible=infeasible, ties=ties)
    compiled, numpy = both(lambda: binary_tournament(ranking, 400,
                                                     rng=np.random.default_rng(4)))
    assert compiled.dtype == numpy.dtype
    assert_same_bits(compiled, numpy)
    assert len(set(compiled.tolist())) > 50


def objectives_cases():
    """Two objectives: random, on few levels (ties and repeated rows), along one line (a front
    per row), one front, near the float range's ends, and tiny populations."""
    rng = np.random.default_rng(6)
    yield rng.random((200, 2))
    yield rng.integers(0, 6, (200, 2)).astype(float)
    yield np.c_[np.arange(50.0), np.arange(50.0)][rng.permutation(50)]
    line = rng.random(80)
    yield np.c_[line, 1 - line]
    yield rng.choice([-BIG, -1e300, 0.0, -0.0, 1e300, BIG], (120, 2))
    yield np.zeros((0, 2))
    yield np.ones((1, 2))
    yield np.array([[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("case", range(8))
@pytest.mark.parametrize("needed", [0, 1, 10, 100, 1000])
def test_fronts_and_crowding_are_the_same_in_c_and_numpy(case, needed):
    F = list(objectives_cases())[case]
    compiled, numpy = both(lambda: Ranking.of(F, np.zeros(F.shape[0]), needed=needed))
    assert_same_bits(compiled.rank, numpy.rank)
    assert_same_bits(compiled.crowding, numpy.crowding)
    assert_same_bits(compiled.best(needed), numpy.best(needed))


def test_row_hashes_are_the_same_in_c_and_numpy():
    rng = np.random.default_rng(0)
    X = rng.random((300, 7))
    X[rng.random(X.shape) < 0.1] = -0.0
    X[rng.random(X.shape) < 0.1] = 0.0
    X[rng.random(X.shape) < 0.05] = np.nan
    X[rng.random(X.shape) < 0.05] = -np.inf
    X[rng.random(X.shape) < 0.05] = 1e300
    compiled, numpy = both(lambda: row_hashes(X))
    assert_same_bits(compiled, numpy)
    compiled, numpy = both(lambda: row_hashes(X[:, ::2]))  # not contiguous
    assert_same_bits(compiled, numpy)
    assert row_hashes(np.zeros((0, 3))).shape == (0,)


def test_lookups_of_evaluated_rows_are_the_same_in_c_and_numpy():
    rng = np.random.default_rng(8)
    top = np.iinfo(np.uint64).max
    store = EvaluatedRows()
    for size in (700, 90, 12, 1):
        store.add(rng.integers(0, top, size, dtype=np.uint64, endpoint=True))
    store.add(np.array([0, top], dtype=np.uint64))
    known = np.concatenate(store.runs)
    queries = np.concatenate([known[::3], rng.integers(0, top, 300, dtype=np.uint64),
                              np.array([0, 1, top - 1, top], dtype=np.uint64)])
    compiled, numpy = both(lambda: store.contains(queries))
    assert_same_bits(compiled, numpy)
    assert compiled[: known[::3].size].all() and compiled[-1] and compiled[-4]
    compiled, numpy = both(lambda: EvaluatedRows().contains(queries))  # no runs
    assert not compiled.any() and not numpy.any()


def test_offspring_of_every_kind_of_variable_are_the_same():
    lower = np.array([0.0, 1e-3, -3, 0, 0, 2.0])
    upper = np.array([1.0, 1e3, 3, 1, 4, 2.0])
    space = VariableSpace.of(lower, upper, ("real", "log", "int", "bin", "choice", "real"))
    X = space.sample(120, rng=np.random.default_rng(1))
    settings = VariationSettings(mutation_prob=0.3)
    compiled, numpy = both(lambda: make_offspring(X[0::2], X[1::2], space=space,
                                                  settings=settings,
                                                  rng=np.random.default_rng(9)))
    assert_same_bits(compiled, numpy)


def zdt1(X):
    g = 1 + 9 * X[:, 1:].mean(axis=1)
    return np.c_[X[:, 0], g * (1 - np.sqrt(X[:, 0] / g))]


@pytest.mark.parametrize("seed", [0, 1])
def test_runs_are_the_same_in_c_and_numpy(seed):
    problem = FunctionProblem(zdt1, lower=np.zeros(10), upper=np.ones(10), n_obj=2)
    compiled, numpy = both(lambda: nsga2(problem, population=40, generations=60, seed=seed))
    assert_same_bits(compiled.X, numpy.X)
    assert_same_bits(compiled.population.X, numpy.population.X)
    assert compiled.n_evaluations == numpy.n_evaluations


def dtlz2(X, n_obj):
    g = ((X[:, n_obj - 1:] - 0.5) ** 2).sum(axis=1)
    angles = X[:, :n_obj - 1] * np.pi / 2
    F = np.tile((1 + g)[:, None], (1, n_obj))
    for i in range(n_obj):
        F[:, i] *= np.prod(np.cos(angles[:, :n_obj - 1 - i]), axis=1)
        if i:
            F[:, i] *= np.sin(angles[:, n_obj - 1 - i])
    return F


@pytest.mark.parametrize("n_obj", [3, 5])
@pytest.mark.parametrize(("population", "generations"), [(60, 30), (2_100, 3)])
def test_many_objective_runs_are_the_same_with_the_compiled_sort(n_obj, population,
                                                                generations):
    # 2 x 2,100 rows: survival's sort guesses its fronts from a sample
    problem = FunctionProblem(lambda X: dtlz2(X, n_obj), lower=np.zeros(n_obj + 5),
                              upper=np.ones(n_obj + 5), n_obj=n_obj)
    for run in (nsga2, nsga3):
        compiled, numpy = both(lambda run=run: run(problem, population=population,
                                                   generations=generations, seed=n_obj))
        assert_same_bits(compiled.X, numpy.X)
        assert_same_bits(compiled.population.X, numpy.population.X)


def test_a_constrained_mixed_run_is_the_same_in_c_and_numpy():
    def evaluate(X):
        F = np.c_[X[:, 0] + X[:, 2], (X[:, 1] - 2) ** 2 + X[:, 3]]
        return F, np.c_[X[:, 0] - X[:, 2] - 1.5]

    problem = FunctionProblem(evaluate, lower=np.array([0.0, 0.1, 0, 0]),
                              upper=np.array([3.0, 10, 5, 2]), n_obj=2, n_hard=1,
                              kinds=("real", "log", "int", "choice"))
    compiled, numpy = both(lambda: nsga2(problem, population=30, generations=40, seed=3))
    assert_same_bits(compiled.X, numpy.X)
    assert_same_bits(compiled.population.X, numpy.population.X)


def test_the_kernel_refuses_wrong_buffers():
    k = kernel._built
    lower, upper = np.zeros(3), np.ones(3)
    Z = np.zeros((4, 3))
    t = np.zeros(2)
    with pytest.raises(TypeError, match="positions"):
        k.mutate(Z, lower, upper, np.zeros(2, dtype=np.int32), t, 21.0, 0, 1 / 21, 0)
    with pytest.raises(ValueError, match="t holds 2"):
        k.mutate(Z, lower, upper, np.zeros(3, dtype=np.int64), t, 21.0, 0, 1 / 21, 0)
    with pytest.raises(IndexError):
        k.mutate(Z, lower, upper, np.array([0, 12]), t, 21.0, 0, 1 / 21, 0)
    with pytest.raises(ValueError, match="whole rows"):
        k.mutate(np.zeros(7), lower, upper, np.array([0, 1]), t, 21.0, 0, 1 / 21, 0)
    with pytest.raises((ValueError, BufferError)):  # not C-contiguous
        k.mutate(np.zeros((3, 8))[:, ::2], np.zeros(4), np.ones(4), np.array([0, 1]), t,
                 21.0, 0, 1 / 21, 0)
    Z.flags.writeable = False
    with pytest.raises((ValueError, BufferError)):
        k.mutate(Z, lower, upper, np.array([0, 1]), t, 21.0, 0, 1 / 21, 0)
    with pytest.raises(IndexError, match="contestant"):
        k.tournament(np.empty(1, dtype=np.int64), np.array([0, 5]), np.zeros((3, 2)),
                     np.zeros(3), np.zeros(3, dtype=np.int64), np.ones(3, dtype=bool), True,
                     np.zeros(1))
    with pytest.raises(ValueError, match="children"):
        k.sbx(np.empty((3, 3)), Z, Z, lower, upper, np.zeros((4, 3), dtype=np.float32),
              np.ones(4, dtype=bool), -16.0, 4, 1 / 16, -4)


def test_the_environment_variable_turns_the_kernel_off():
    code = "from mooc.solver import kernel; print(kernel.compiled() is None, kernel.available())"
    env = dict(os.environ, MOOC_PURE_NUMPY="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "True"]
    env["MOOC_PURE_NUMPY"] = "0"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]
