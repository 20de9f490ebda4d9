"""Numbers at the edges: no numpy warning ever escapes a solve (pytest turns every warning into
an error), NaN and infinity rank worst, huge bounds and values solve, and any number of
objectives works."""

from __future__ import annotations

from pathlib import Path

import moocore
import numpy as np
import pytest

import mooc
from mooc.solver import FunctionProblem, nsga2
from mooc.solver.selection import Ranking, _decided, binary_tournament
from mooc.solver.sorting import (
    MOOCORE_MAX_OBJECTIVES,
    _dominated,
    _peeled_ranks,
    crowding_distance,
    finite_pareto_rank,
    nondominated,
)
from mooc.solver.variables import VariableSpace
from mooc.solver.variation import simulated_binary_crossover

ROOT = Path(__file__).parents[2]
MODELS = sorted([*ROOT.glob("stdlib/*.moo"), *ROOT.glob("examples/*.moo")])
MODES = ("feasibility", "penalty", "epsilon", "ignore")


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_library_and_example_model_solves_without_a_warning(path):
    problem = mooc.load(path)
    for mode in MODES if problem.n_hard else MODES[:1]:
        for seed in (1, 2):
            result = problem.solve(population=30, generations=25, seed=seed, constraints=mode)
            assert len(result) > 0


#: Models whose numbers leave the float range: sqrt and log of negatives, 1/0, exp overflow,
#: values near the largest float, bounds spanning it, and a constraint that is never met.
EDGES = {
    "sqrt_negative": """var x in [-1, 1]
var y in [-1, 1]
minimize f1: sqrt(x) + y
minimize f2: 1 / x - y
constraint c: sqrt(y) <= 0.5""",
    "exp_overflow": """var x in [0, 1000]
var y in [0, 1]
minimize f1: exp(x) * y
minimize f2: exp(1000 - x) + y
constraint c: exp(x) <= 1e300
soft constraint s: exp(x) * y <= 1""",
    "huge_values": """var x in [0, 1]
var y in [0, 1]
var z in [0, 1]
minimize f1: 1e308 * x - 1e308 * y
minimize f2: -1e308 * x + 1e308 * z
minimize f3: 1e308 * (1 - x)
constraint c: 1e308 * y - 1e308 * z <= 1e307""",
    "infinities": """var k int in [0, 3]
var x in [0, 1]
minimize f1: 1 / k + x
minimize f2: log(k) - x
maximize f3: 1 / (k - 1) * x""",
    "huge_spans": """var n int in [-1000000000000000000, 1000000000000000000]
var x in [-1e300, 1e300]
minimize f1: n * 1e290 + x
minimize f2: -n * 1e290 - x""",
    "log_range": """var a in [1e-300, 1e300] log
var b in [1e-300, 1e300] log
minimize f1: a * b
minimize f2: 1 / a + 1 / b
constraint c: a / b <= 1e299""",
    "six_objectives_overflowing": """var x[1..4] in [0, 1]
minimize f[m in 1..6]: exp(800 * x[1] * m / 6) - x[2] + (m / 6) * x[3] / x[4]""",
    "never_feasible": """var x in [0, 1]
minimize f1: x
minimize f2: 1 - x
constraint c: x >= 2 + 1e308 * x""",
}


@pytest.mark.parametrize("name", EDGES)
@pytest.mark.parametrize("mode", MODES)
def test_a_model_at_the_edges_of_the_float_range_solves_without_a_warning(name, mode):
    problem = mooc.compile(EDGES[name], filename=f"{name}.moo")
    for seed in (1, 2):
        result = problem.solve(population=30, generations=25, seed=seed, constraints=mode)
        assert len(result) > 0
        assert result.history[-1].generation == 25


def test_bounds_spanning_the_float_range_solve_and_stay_in_bounds():
    problem = mooc.compile("var x in [-1e308, 1e308]\nvar y in [0, 1]\n"
                           "minimize f1: x\nminimize f2: -x + y")
    result = problem.solve(population=40, generations=30, seed=3)
    assert np.isfinite(result.X).all()
    assert (result.X[:, 0] >= -1e308).all() and (result.X[:, 0] <= 1e308).all()
    # the search reaches both ends of the range
    assert result.X[:, 0].min() < -9e307 and result.X[:, 0].max() > 9e307


def test_a_space_spanning_the_float_range_samples_encodes_and_decodes_exactly():
    space = VariableSpace.of(np.array([-1.7e308, 0.0, -1e308]), np.array([1.7e308, 1.0, 1e308]),
                             ("real", "real", "int"))
    assert space.halved.tolist() == [0, 2]
    assert np.isfinite(space.encoded_upper - space.encoded_lower).all()
    X = space.sample(1000, rng=np.random.default_rng(0))
    assert np.isfinite(X).all() and (X >= space.lower).all() and (X <= space.upper).all()
    np.testing.assert_array_equal(space.decode(space.encode(X).copy()), X)
    ordinary = VariableSpace.of(np.zeros(2), np.ones(2), ("real", "real"))
    assert ordinary.halved.size == 0  # ordinary spaces are encoded as before


def test_crossover_of_close_parents_with_huge_room_gives_no_warning():
    lower, upper = np.array([-8e307]), np.array([8e307])
    first, second = np.full((50, 1), 1.0), np.full((50, 1), 1.0 + 1e-10)
    children = simulated_binary_crossover(first, second, lower, upper, np.ones(50, dtype=bool),
                                          eta=15.0, rng=np.random.default_rng(0))
    assert np.isfinite(children).all()


def test_crowding_of_values_near_the_largest_float_is_that_of_the_same_values_scaled():
    rng = np.random.default_rng(4)
    F = rng.uniform(-1.0, 1.0, (60, 3))
    groups = rng.integers(0, 4, 60)
    huge = crowding_distance(F * 1.7e308, groups)
    np.testing.assert_allclose(huge, crowding_distance(F, groups), rtol=1e-12)
    front = np.column_stack([np.linspace(-1, 1, 30), -np.linspace(-1, 1, 30)]) * 1.7e308
    two = crowding_distance(front, np.zeros(30, dtype=np.intp), fronts=True)
    assert np.isinf(two[[0, -1]]).all() and np.allclose(two[1:-1], 2 * 2 / 29)


def test_tournaments_between_rows_with_nan_and_infinity_give_no_warning_and_rank_them_worst():
    F = np.array([[0.0, 1.0], [np.inf, 0.0], [np.nan, 0.0], [-np.inf, np.inf], [1.0, 0.0],
                  [1.7e308, -1.7e308], [-1.7e308, 1.7e308]])
    ranking = Ranking.of(F, np.zeros(len(F)))
    finite, other = [0, 4, 5, 6], [1, 2, 3]
    assert set(ranking.rank[other]) == {ranking.rank.max()}
    assert ranking.rank[finite].max() < ranking.rank.max()
    pairs = np.array([(f, o) for f in finite for o in other])
    first_better, undecided = _decided(ranking, pairs)  # a finite row always wins
    assert first_better.all() and not undecided.any()
    first_better, undecided = _decided(ranking, pairs[:, ::-1].copy())
    assert not first_better.any() and not undecided.any()
    winners = binary_tournament(ranking, 400, rng=np.random.default_rng(0))
    assert np.isin(winners, finite).mean() > 0.75


def test_when_no_point_has_finite_objectives_no_row_is_called_feasible():
    problem = mooc.compile("var x in [-2, -1]\nminimize f1: sqrt(x)\nminimize f2: x")
    result = problem.solve(population=20, generations=5, seed=1)
    assert np.isnan(result.F[:, 0]).all()
    assert not result.feasible.any()
    assert not result.feasible_found
    assert "no feasible point with finite objectives was found" in result.message


# any number of objectives -----------------------------------------------------------------

def _dominated_loop(F):
    return np.array([((F <= f).all(axis=1) & (F < f).any(axis=1)).any() for f in F])


@pytest.mark.parametrize("n_obj", [2, 5, 40])
def test_the_numpy_dominance_test_agrees_with_a_loop_and_with_moocore(n_obj):
    rng = np.random.default_rng(n_obj)
    F = rng.integers(0, 4, (120, n_obj)).astype(float)  # ties and duplicates
    np.testing.assert_array_equal(_dominated(F, F), _dominated_loop(F))
    np.testing.assert_array_equal(~_dominated(F, F), moocore.is_nondominated(F, keep_weakly=True))
    np.testing.assert_array_equal(_peeled_ranks(F), moocore.pareto_rank(F))


def test_beyond_moocore_s_objectives_ranks_and_fronts_come_from_numpy():
    rng = np.random.default_rng(7)
    F = rng.random((50, MOOCORE_MAX_OBJECTIVES + 1))
    F[:5] = F[:5] * 0.01  # a few rows dominate many
    np.testing.assert_array_equal(nondominated(F), ~_dominated_loop(F))
    ranks = finite_pareto_rank(F)
    assert ranks.min() == 0 and (ranks[nondominated(F)] == 0).all()


def test_a_problem_with_256_objectives_solves_with_its_front_progress_and_stall_rule():
    def many(X):
        m = np.arange(1, 257) / 256
        return (X[:, :1] - m) ** 2 + X[:, 1:2] * m + X[:, 2:3]

    problem = FunctionProblem(many, lower=np.zeros(3), upper=np.ones(3), n_obj=256)
    result = nsga2(problem, population=20, generations=6, seed=1, stall_generations=50)
    assert result.F.shape[1] == 256 and len(result.F) > 0
    assert not _dominated(result.F, result.F).any()
    assert len(result.history) == 7 and all(s.hypervolume is None for s in result.history)
    assert result.history[-1].front_size > 0


def test_the_command_solves_256_objectives_and_skips_the_hypervolume_it_cannot_compute(
        capsys, tmp_path):
    from mooc.cli import main

    model = tmp_path / "many.moo"
    model.write_text("var x[1..3] in [0, 1]\n"
                     "minimize f[m in 1..256]: (x[1] - m / 256)^2 + x[2] * m / 256 + x[3]\n")
    reference = tmp_path / "reference.csv"
    np.savetxt(reference, np.linspace(0, 1, 256)[None, :] ** 2, delimiter=",")
    code = main(["solve", str(model), "--population", "12", "--generations", "3", "--seed", "1",
                 "--rows", "1", "--reference", str(reference), "--out", str(tmp_path / "f.csv")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "hypervolume not computed for 256 objectives (at most 5" in out
    assert "IGD  " in out and "IGD+ " in out
    assert "non-dominated point" in err
