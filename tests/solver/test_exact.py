"""The exact solver on plain matrices: fronts against brute-force enumeration and against an
independent epsilon-constraint written here (with scipy.optimize.milp), limits, infeasibility
and linear programs."""

from __future__ import annotations

import itertools
import re
import warnings

import moocore
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from mooc.solver.exact import exact_front, exact_plan
from mooc.solver.exact_boxes import Boxes
from mooc.solver.highs import HighsModel, Solved
from mooc.solver.linear import LinearProblem, granularity


def _enumerate(problem: LinearProblem) -> np.ndarray:
    """The non-dominated objective vectors of an all-integer problem, by trying every point."""
    ranges = [range(int(lo), int(hi) + 1) for lo, hi in zip(problem.lower, problem.upper,
                                                             strict=True)]
    X = np.array(list(itertools.product(*ranges)), dtype=float)
    ok = np.all(X @ problem.A_ub.T.toarray() <= problem.b_ub + 1e-9, axis=1)
    if problem.A_eq.shape[0]:
        ok &= np.all(np.abs(X @ problem.A_eq.T.toarray() - problem.b_eq) <= 1e-9, axis=1)
    F = np.unique(problem.objectives(X[ok]), axis=0)
    if not len(F):
        return F
    return F[moocore.is_nondominated(F)]


def _same(found: np.ndarray, expected: np.ndarray) -> bool:
    a, b = np.unique(np.round(found, 9), axis=0), np.unique(np.round(expected, 9), axis=0)
    return a.shape == b.shape and bool(np.allclose(a, b))


@st.composite
def integer_programs(draw, n_obj: int, kind: str) -> LinearProblem:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "knapsack":  # binary, one capacity row
        n = int(rng.integers(3, 9))
        C = -rng.integers(1, 30, (n_obj, n)).astype(float)
        w = rng.integers(1, 20, n).astype(float)
        return LinearProblem(C, np.zeros(n_obj), w[None], [np.floor(w.sum() / 2)],
                             lower=np.zeros(n), upper=np.ones(n), integral=np.ones(n, bool))
    if kind == "assignment":  # k tasks to k agents, one each: equality rows
        k = int(rng.integers(2, 4))
        n = k * k
        A_eq = np.zeros((2 * k, n))
        for i in range(k):
            A_eq[i, i * k:(i + 1) * k] = 1
            A_eq[k + i, i::k] = 1
        C = rng.integers(-10, 10, (n_obj, n)).astype(float)
        return LinearProblem(C, rng.integers(-5, 5, n_obj), np.zeros((0, n)), np.zeros(0),
                             A_eq, np.ones(2 * k), lower=np.zeros(n), upper=np.ones(n),
                             integral=np.ones(n, bool))
    n = int(rng.integers(2, 5))  # general integers, mixed-sign objectives, two rows
    upper = rng.integers(1, 4, n).astype(float)
    A = rng.integers(-3, 6, (2, n)).astype(float)
    C = rng.integers(-6, 7, (n_obj, n)).astype(float) * rng.choice([0.5, 1.0, 2.0])
    return LinearProblem(C, np.zeros(n_obj), A, np.floor(0.5 * np.abs(A) @ upper),
                         lower=np.zeros(n), upper=upper, integral=np.ones(n, bool))


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _knapsack_of_seed(seed: int) -> LinearProblem:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    C = -rng.integers(1, 30, (2, n)).astype(float)
    w = rng.integers(1, 20, n).astype(float)
    return LinearProblem(C, np.zeros(2), w[None], [np.floor(w.sum() / 2)],
                         lower=np.zeros(n), upper=np.ones(n), integral=np.ones(n, bool))


@pytest.mark.parametrize("seed", [29, 351])
def test_knapsacks_where_highs_once_stopped_short_of_the_optimum(seed):
    """With restarts allowed, HiGHS 1.16 called a worse point optimal on these two (see
    mooc.solver.highs): the front missed a point and kept a dominated one, 'proven'."""
    problem = _knapsack_of_seed(seed)
    result = exact_front(problem)
    assert result.proven and _same(result.F, _enumerate(problem))


def test_a_sweep_of_random_knapsacks_equals_enumeration():
    for seed in range(300):
        problem = _knapsack_of_seed(seed)
        assert _same(exact_front(problem).F, _enumerate(problem)), seed


@pytest.mark.parametrize("kind", ["knapsack", "assignment", "integer"])
@pytest.mark.parametrize("n_obj", [2, 3])
def test_fronts_of_small_integer_programs_equal_enumeration(kind, n_obj):
    @SETTINGS
    @given(integer_programs(n_obj, kind))
    def check(problem: LinearProblem) -> None:
        result = exact_front(problem)
        expected = _enumerate(problem)
        assert result.proven and result.complete
        assert _same(result.F, expected), (result.F, expected)
        np.testing.assert_allclose(problem.objectives(result.X), result.F)

    check()


def _independent_epsilon_constraint(problem: LinearProblem) -> np.ndarray:
    """The textbook two-solve epsilon-constraint method with scipy.optimize.milp, stepping f1
    by 1 (integer data)."""
    C = problem.C.toarray()
    front: list[np.ndarray] = []
    bound = np.inf
    while True:
        constraints = [LinearConstraint(problem.A_ub.toarray(), -np.inf, problem.b_ub)]
        if np.isfinite(bound):
            constraints.append(LinearConstraint(C[:1], -np.inf, bound - 1 + 1e-6))
        options = {"mip_rel_gap": 0.0}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = milp(C[1], constraints=constraints, integrality=np.ones(problem.n_var),
                         bounds=Bounds(problem.lower, problem.upper), options=options)
            if first.status != 0:
                return np.array(front)
            constraints.append(LinearConstraint(C[1:2], -np.inf, first.fun + 1e-6))
            second = milp(C[0], constraints=constraints, integrality=np.ones(problem.n_var),
                          bounds=Bounds(problem.lower, problem.upper), options=options)
        f = C @ np.round(second.x)
        front.append(f)
        bound = f[0]


@pytest.mark.parametrize("seed", range(3))
def test_a_20_item_knapsack_front_equals_an_independent_epsilon_constraint(seed):
    rng = np.random.default_rng(seed)
    n = 20
    C = -rng.integers(1, 101, (2, n)).astype(float)
    w = rng.integers(1, 101, n).astype(float)
    problem = LinearProblem(C, np.zeros(2), w[None], [np.floor(w.sum() / 2)],
                            lower=np.zeros(n), upper=np.ones(n), integral=np.ones(n, bool))
    result = exact_front(problem)
    assert result.proven
    assert _same(result.F, _independent_epsilon_constraint(problem))


def test_granularity_reads_fractions_and_refuses_continuous_columns():
    problem = LinearProblem(np.array([[0.5, 1.25, 0.0], [1.0, 0.0, 2.0]]), np.zeros(2),
                            np.zeros((0, 3)), np.zeros(0), lower=np.zeros(3), upper=np.ones(3),
                            integral=np.array([True, True, False]))
    assert granularity(problem, 0) == 0.25
    assert granularity(problem, 1) is None
    assert exact_plan(problem).algorithm == "epsilon-constraint"
    assert exact_plan(problem).order == (0, 1)


def test_the_step_of_coefficients_far_apart_is_read_from_their_ratio_not_its_float():
    # 2e5 / 3e-5 is a float with a denominator of 2^19: read as that fraction, the step came
    # out 2^19 times too fine, the unit lattice's coefficients beyond 1e12, and the front
    # unproven (or, past 1e15, no point at all: HiGHS refused the model)
    problem = LinearProblem(np.array([[1.0, 1.0], [-200000.0, -0.00003]]), np.zeros(2),
                            np.zeros((0, 2)), np.zeros(0), lower=np.zeros(2), upper=np.ones(2),
                            integral=np.ones(2, bool))
    assert granularity(problem, 1) == pytest.approx(1e-5, rel=1e-9)
    result = exact_front(problem)
    assert result.proven
    assert _same(result.F, _enumerate(problem))


def test_a_continuous_objective_with_coefficients_far_apart_keeps_its_small_terms():
    # minimize a + c, maximize 1e7 * a + 3 * c + sqrt(2) * y (a binary, c in 0..2, y real):
    # divided by its largest coefficient, 3 * c and sqrt(2) * y fell below HiGHS's absolute
    # gap of 1e-6, and the proven front was (0, 0) and (1, 1e7): two points, the first
    # dominated by (0, sqrt(2))
    problem = LinearProblem(np.array([[1.0, 1.0, 0.0], [-1e7, -3.0, -np.sqrt(2)]]),
                            np.zeros(2), np.zeros((0, 3)), np.zeros(0), lower=np.zeros(3),
                            upper=np.array([1.0, 2.0, 1.0]),
                            integral=np.array([True, True, False]))
    result = exact_front(problem)
    assert result.proven
    np.testing.assert_allclose(result.F, [[k, -(1e7 * min(k, 1) + 3 * max(k - 1, 0)
                                                 + np.sqrt(2))] for k in range(4)], rtol=1e-12)


def test_a_lattice_too_fine_for_its_coefficients_is_solved_as_continuous_not_refused():
    # maximize 1e7 * a + 1e-9 * b + 3 * c: its lattice step is 1e-9, on which the coefficient
    # of a is 1e16; HiGHS refused that model and the front had no point at all
    problem = LinearProblem(np.array([[1.0, 1.0, 1.0], [-1e7, -1e-9, -3.0]]), np.zeros(2),
                            np.zeros((0, 3)), np.zeros(0), lower=np.zeros(3),
                            upper=np.array([1.0, 1.0, 2.0]), integral=np.ones(3, bool))
    result = exact_front(problem)
    assert not result.proven and result.complete
    assert "span more than 1e+12" in result.message
    np.testing.assert_allclose(result.F[:4], [[0, 0], [1, -1e7], [2, -1e7 - 3], [3, -1e7 - 6]])


def _ideal(problem: LinearProblem) -> np.ndarray:
    """Each objective's least value, by scipy.optimize.milp."""
    A = sparse.vstack([problem.A_ub, problem.A_eq])
    rows = [LinearConstraint(A, np.r_[np.full(len(problem.b_ub), -np.inf), problem.b_eq],
                             np.r_[problem.b_ub, problem.b_eq])]
    return np.array([milp(problem.C.toarray()[k], constraints=rows,
                          integrality=problem.integral.astype(int),
                          bounds=Bounds(problem.lower, problem.upper)).fun + problem.c0[k]
                     for k in range(problem.n_obj)])


@pytest.mark.parametrize("problem", [
    # two objectives, neither on a lattice: the steps across f0's range passed over its least
    # value (-1.25; the last point found had -1.24)
    LinearProblem(np.array([[1.0, 4.0, -1.0, -2.0], [-2.0, 0.0, 0.0, 1.5]]), [-1.0, 0.0],
                  np.zeros((0, 4)), np.zeros(0), lower=[1.0, 1.0, -3.5, 2.0],
                  upper=[2.0, 3.0, -0.75, 3.0], integral=[False, True, False, True]),
    # three objectives, none on a lattice: the boxes' steps passed over the least f1 and f2
    LinearProblem(np.array([[-2.0, 0.1, -1.25], [-3.0, -1.0, 1.5], [-4.0, 0.0, 3.0]]),
                  [0.0, -4.5, 0.0], np.array([[-2.0, -2.0, -1.0], [3.0, 3.0, 0.3]]),
                  [-3.5, 5.7], lower=[-1.0, 0.0, -1.5], upper=[2.0, 1.0, 0.25],
                  integral=[False, True, False]),
])
def test_a_front_that_is_not_proven_still_holds_each_objectives_best_point(problem):
    result = exact_front(problem)
    assert not result.proven and result.complete
    np.testing.assert_allclose(result.F.min(axis=0), _ideal(problem), rtol=1e-7, atol=1e-7)
    assert moocore.is_nondominated(result.F).all()


def test_an_objective_highs_finds_unbounded_is_named_as_such():
    # a bound of 1e300 is infinite to HiGHS: the message said only that it "could not solve"
    problem = LinearProblem(np.array([[-1.0, 1.0], [0.0, 1.0]]), np.zeros(2), np.zeros((0, 2)),
                            np.zeros(0), lower=np.zeros(2), upper=np.array([1e300, 1.0]),
                            integral=np.array([False, True]))
    result = exact_front(problem)
    assert result.stop_reason == "unbounded" and not result.proven and not result.infeasible
    assert "a subproblem HiGHS found unbounded (it takes a variable's bound beyond 1e20 as " \
           "infinite)" in result.message


def test_a_point_above_a_box_in_one_objective_leaves_the_box_whole():
    # no point of the box is dominated by it: cutting the box only multiplied the boxes (with
    # five objectives, 97,000 boxes after 68 points; 1,906 subproblems took minutes)
    box = Boxes(np.zeros((1, 2)), np.full((1, 2), 4.0))
    whole = box.split(np.array([2.0, 5.0]))
    assert np.array_equal(whole.lower, box.lower) and np.array_equal(whole.upper, box.upper)
    assert len(box.split(np.array([2.0, 3.0]))) == 4


def test_boxes_split_into_their_parts_in_order():
    boxes = Boxes(np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 5.0], [0.0, 0.0, 0.0]]),
                  np.array([[4.0, 4.0, 4.0], [9.0, 9.0, 9.0], [4.0, 2.0, 4.0]]))
    split = boxes.split(np.array([1.0, 3.0, 1.0]))
    # the first box in 8 parts, the first coordinate's cut deciding first; the second (the
    # point is not below its upper corner) as it was, and the third too (the point is above it
    # in the second coordinate)
    assert len(split) == 8 + 1 + 1
    parts = [(lo.tolist(), up.tolist()) for lo, up in zip(split.lower, split.upper, strict=True)]
    assert parts[:8] == [
        ([0, 0, 0], [1, 3, 1]), ([0, 0, 1], [1, 3, 4]), ([0, 3, 0], [1, 4, 1]),
        ([0, 3, 1], [1, 4, 4]), ([1, 0, 0], [4, 3, 1]), ([1, 0, 1], [4, 3, 4]),
        ([1, 3, 0], [4, 4, 1]), ([1, 3, 1], [4, 4, 4])]
    assert parts[8:] == [([5, 5, 5], [9, 9, 9]), ([0, 0, 0], [4, 2, 4])]
    assert len(split.without_inside(np.array([1.0, 3.0, 1.0]), np.full(3, 4.0))) == 9


def test_a_front_of_five_objectives_equals_enumeration():
    C = np.array([[0, 0, 3, 5], [-5, -4, 4, 5], [-3, -2, 4, -1], [-2, 4, -3, -1],
                  [2, 1, -5, -5]], dtype=float)
    problem = LinearProblem(C, np.zeros(5), np.array([[3.0, 3.0, 3.0, 2.0]]), [6.0],
                            lower=np.zeros(4), upper=np.full(4, 3.0), integral=np.ones(4, bool))
    result = exact_front(problem, max_subproblems=1000)
    assert result.proven
    assert _same(result.F, _enumerate(problem))


def test_one_objective_gives_the_proven_optimum():
    problem = LinearProblem(np.array([[-1.0, -1.0]]), [0.0], np.array([[2.0, 3.0]]), [12.0],
                            lower=np.zeros(2), upper=np.full(2, 10.0), integral=[True, True])
    result = exact_front(problem)
    assert result.algorithm == "single" and result.proven
    assert result.F.tolist() == [[-6.0]]


def test_an_infeasible_problem_is_proven_infeasible():
    problem = LinearProblem(np.eye(2), np.zeros(2), np.array([[1.0, 1.0]]), [-1.0],
                            lower=np.zeros(2), upper=np.ones(2), integral=[True, True])
    result = exact_front(problem)
    assert result.infeasible and result.stop_reason == "infeasible"
    assert len(result.F) == 0 and result.message.startswith("infeasible")


def _knapsack(*, seed: int, n: int, n_obj: int, most: int, capacity: float) -> LinearProblem:
    """A random 0/1 knapsack: ``n_obj`` values to maximize and one weight, each item's drawn
    from 1..``most``."""
    rng = np.random.default_rng(seed)
    return LinearProblem(-rng.integers(1, most + 1, (n_obj, n)).astype(float), np.zeros(n_obj),
                         rng.integers(1, most + 1, (1, n)).astype(float), [capacity],
                         lower=np.zeros(n), upper=np.ones(n), integral=np.ones(n, bool))


def test_the_subproblem_limit_cuts_the_front_short_and_says_how_far():
    problem = _knapsack(seed=5, n=25, n_obj=2, most=100, capacity=600.0)
    full = exact_front(problem)
    cut = exact_front(problem, max_subproblems=5)
    assert cut.stop_reason == "max_subproblems" and not cut.proven and not cut.complete
    assert cut.subproblems == 5 and 0 < len(cut.F) < len(full.F)
    assert "cut short by the subproblem limit after 5 subproblems" in cut.message
    assert "complete where objective 1 is at least" in cut.message
    assert all(any(np.allclose(f, g) for g in full.F) for f in cut.F)  # each point is exact


def test_the_time_limit_cuts_the_front_short():
    problem = _knapsack(seed=6, n=60, n_obj=2, most=100, capacity=1500.0)
    result = exact_front(problem, timeout=0.3)
    assert result.stop_reason == "timeout" and not result.proven
    assert result.elapsed < 3.0


def test_three_objectives_cut_short_say_how_many_boxes_are_left():
    problem = _knapsack(seed=8, n=12, n_obj=3, most=29, capacity=80.0)
    result = exact_front(problem, max_subproblems=12)
    assert result.algorithm == "box decomposition" and not result.proven
    assert "boxes of the search region were left unexplored" in result.message


def _lp_front_value(problem: LinearProblem, weights: np.ndarray) -> float:
    """min weights @ f over the LP, by scipy's linprog: an independent check."""
    cost = weights @ problem.C.toarray()
    out = linprog(cost, A_ub=problem.A_ub.toarray(), b_ub=problem.b_ub,
                  bounds=list(zip(problem.lower, problem.upper, strict=True)))
    return float(out.fun + weights @ problem.c0)


@pytest.mark.parametrize("seed", range(6))
def test_linear_program_fronts_are_the_polyline_of_supported_vertices(seed):
    rng = np.random.default_rng(seed)
    n = 4
    A = -rng.uniform(0.5, 3.0, (4, n))
    problem = LinearProblem(rng.uniform(0.2, 3.0, (2, n)), np.zeros(2), A, -rng.uniform(2, 6, 4),
                            lower=np.zeros(n), upper=np.full(n, 10.0))
    result = exact_front(problem)
    assert result.algorithm == "dichotomy" and result.proven and result.segments
    F = result.F
    assert np.all(np.diff(F[:, 0]) > 0) and np.all(np.diff(F[:, 1]) < 0)
    # every weighted sum's optimum (linprog) is attained on the polyline's vertices
    for angle in np.linspace(0.01, np.pi / 2 - 0.01, 15):
        weights = np.array([np.cos(angle), np.sin(angle)])
        assert np.min(F @ weights) == pytest.approx(_lp_front_value(problem, weights),
                                                    rel=1e-6, abs=1e-6)
    # the polyline is convex: each vertex lies strictly below the chord of its neighbours
    for k in range(1, len(F) - 1):
        t = (F[k, 0] - F[k - 1, 0]) / (F[k + 1, 0] - F[k - 1, 0])
        assert F[k, 1] < F[k - 1, 1] + t * (F[k + 1, 1] - F[k - 1, 1]) - 1e-9


def test_mixed_integer_objectives_without_a_lattice_are_not_proven():
    problem = LinearProblem(np.array([[1.0, 0.3], [-1.0, 0.7]]), np.zeros(2),
                            np.array([[1.0, 1.0]]), [5.0], lower=np.zeros(2),
                            upper=np.array([3.0, 4.0]), integral=np.array([True, False]))
    plan = exact_plan(problem)
    assert not plan.proven and "lattice" in plan.reason
    result = exact_front(problem)
    assert not result.proven and result.complete and "not proven complete" in result.message
    assert np.all(moocore.is_nondominated(result.F))


def _shifted(problem: LinearProblem, offsets: np.ndarray) -> LinearProblem:
    return LinearProblem(problem.C, offsets, problem.A_ub, problem.b_ub, lower=problem.lower,
                         upper=problem.upper, integral=problem.integral)


def _mixed(seed: int, n_obj: int) -> LinearProblem:
    """Integer columns in every objective; two continuous columns in objective 0 only (so its
    front is proven: the others are on a lattice), coupled to the integers by two rows."""
    rng = np.random.default_rng(seed)
    C = np.hstack([rng.integers(-3, 4, (n_obj, 3)), np.zeros((n_obj, 2))]).astype(float)
    C[0, 3:] = rng.uniform(-2, 2, 2)
    A = np.hstack([rng.integers(-2, 3, (2, 3)), rng.uniform(-2, 2, (2, 2))])
    return LinearProblem(C, np.zeros(n_obj), A, rng.integers(0, 4, 2), lower=np.full(5, -2.0),
                         upper=np.full(5, 2.0), integral=np.array([True] * 3 + [False] * 2))


@pytest.mark.parametrize("problem", [
    LinearProblem(np.array([[1.0, 0.0], [-1.0, 1.0]]), np.zeros(2), np.array([[-1.0, -1.0]]),
                  [-1.0], lower=np.zeros(2), upper=np.array([2.0, 3.0])),
    *[_mixed(seed, 2) for seed in range(3)], *[_mixed(seed, 3) for seed in range(6)]])
def test_a_constant_added_to_the_objectives_only_shifts_the_front(problem):
    # a fixed cost of a million is common; the search's margins must not grow with it
    plain = exact_front(problem)
    offsets = np.array([1e6, -3e5, 2e5])[:problem.n_obj]
    shifted = exact_front(_shifted(problem, offsets))
    assert plain.proven and shifted.proven
    np.testing.assert_allclose(shifted.F - offsets, plain.F, atol=1e-7)


@pytest.mark.parametrize(("seed", "n_obj"), [(0, 2), (1, 2), (2, 3), (3, 3)])
@pytest.mark.parametrize("scale", [1e-6, 1e3])
def test_objectives_on_a_fine_or_coarse_lattice_give_the_same_front_scaled(seed, n_obj, scale):
    # steps of 1e-6 are at HiGHS's absolute tolerances (1e-6 gap, 1e-7 feasibility): the
    # search works on each lattice divided by its step, so the scale does not matter
    problem = _knapsack(seed=seed, n=9, n_obj=n_obj, most=99, capacity=120.0)
    scaled = LinearProblem(problem.C * scale, problem.c0, problem.A_ub, problem.b_ub,
                           lower=problem.lower, upper=problem.upper, integral=problem.integral)
    plain, found = exact_front(problem), exact_front(scaled, max_subproblems=400)
    assert found.proven and np.allclose(exact_plan(scaled).steps, scale)
    assert _same(found.F / scale, plain.F)


def test_objectives_whose_constant_cancels_a_large_term_keep_small_margins():
    # f = x - 1e6 and g = 1e6 + 2 - x + y with x near a million: values near 0, C @ x near a
    # million; the front has three vertices, (0, 3), (1, 1) and (2, 0)
    problem = LinearProblem(np.array([[1.0, 0.0], [-1.0, 1.0]]), [-1e6, 1e6 + 2],
                            np.array([[-1.0, -1.0]]), [-1e6 - 1], lower=[1e6, 0.0],
                            upper=[1e6 + 2, 3.0])
    result = exact_front(problem)
    assert result.proven
    np.testing.assert_allclose(result.F, [[0.0, 3.0], [1.0, 1.0], [2.0, 0.0]], atol=1e-7)


@pytest.mark.parametrize("shift", [0.0, 1e3, 1e6, 1e9])
def test_variables_far_from_zero_keep_every_vertex(shift):
    # f = x, g = shift + 2 - x + y with x in [shift, shift + 2] and x + y >= shift + 1: the
    # vertices (shift, 3), (shift + 1, 1) and (shift + 2, 0). Margins relative to the values
    # (a million) missed the middle one and still called the front proven.
    problem = LinearProblem(np.array([[1.0, 0.0], [-1.0, 1.0]]), [0.0, shift + 2],
                            np.array([[-1.0, -1.0]]), [-shift - 1], lower=[shift, 0.0],
                            upper=[shift + 2, 3.0])
    result = exact_front(problem)
    assert result.proven
    # (the ends within the floats' rounding of the values: 2e-5 at a billion)
    np.testing.assert_allclose(result.F - [shift, 0.0], [[0.0, 3.0], [1.0, 1.0], [2.0, 0.0]],
                               atol=1e-6 + 1e-13 * shift)


def _best_continuous_part(problem: LinearProblem, column: int) -> np.ndarray:
    """The non-dominated objective vectors of a problem whose one continuous ``column`` enters
    one objective and the inequality rows only: every integral point with that column at its
    best feasible value (by trying every integral point)."""
    integral = [k for k in range(problem.n_var) if k != column]
    A, C = problem.A_ub.toarray(), problem.C.toarray()
    points = []
    for values in itertools.product(*[range(int(problem.lower[k]), int(problem.upper[k]) + 1)
                                      for k in integral]):
        x = np.zeros(problem.n_var)
        x[integral] = values
        room = problem.b_ub - A @ x  # A[:, column] * y <= room
        a = A[:, column]
        low = max([problem.lower[column], *(room[a < 0] / a[a < 0])])
        high = min([problem.upper[column], *(room[a > 0] / a[a > 0])])
        if low <= high + 1e-12:
            x[column] = low if C[:, column].sum() > 0 else high
            points.append(x)
    F = problem.objectives(np.array(points))
    return np.unique(F[moocore.is_nondominated(F)], axis=0)


@pytest.mark.parametrize(("C", "A_ub", "b_ub", "upper"), [
    # three objectives, the last column continuous and in the third only: HiGHS's second
    # solve gave (4, -3, -0.399999) beside (4, -3, -0.4), found again from another box
    ([[1, 1, 0, 1, 0], [1, 0, 1, -1, 0], [0, -0.5, 0.25, 0, 1]],
     [[-1, 0, 0, -0.3, -1], [1, 1, 1, 0, 0]], [-1, 2], [1, 1, 1, 3, 2]),
    # four objectives: (1.000001, 0, -6, 0) beside (1, 0, -6, 0)
    ([[-3, 2, -1.5], [2, 0, 0], [1, -3, 0], [1, 0, 0]],
     [[-2, 0, -1], [1, 1, -1]], [1.3, 1.3], [1, 2, 2]),
])
def test_box_decomposition_with_a_continuous_objective_reports_no_dominated_point(
        C, A_ub, b_ub, upper):
    C, upper = np.array(C, dtype=float), np.array(upper, dtype=float)
    n = C.shape[1]
    problem = LinearProblem(C, np.zeros(len(C)), np.array(A_ub, dtype=float),
                            np.array(b_ub, dtype=float), lower=np.zeros(n), upper=upper,
                            integral=np.arange(n) < n - 1)
    result = exact_front(problem)
    assert result.proven and result.algorithm == "box decomposition"
    assert np.all(moocore.is_nondominated(result.F, keep_weakly=True))
    assert _same(result.F, _best_continuous_part(problem, n - 1))


def test_a_mixed_integer_point_holds_the_rows_a_mip_tolerance_let_it_break():
    # f1 gains from y, which the second row bounds by 1.3 at the optimum: HiGHS returned
    # y = 1.30000066 (within its MIP feasibility tolerance of 1e-6), a point mooc then
    # reported as infeasible on a front it called proven
    A_ub = np.array([[-1.0, 1.0, 1.0, 0.5], [2.0, -1.0, -2.0, 1.0]])
    b_ub = np.array([1.3, 2.3])
    problem = LinearProblem(np.array([[-3.0, -3.0, 0.0, -1.5], [0.0, -2.0, 2.0, 0.0]]),
                            np.zeros(2), A_ub, b_ub, lower=np.zeros(4),
                            upper=np.array([1.0, 1.0, 2.0, 2.0]),
                            integral=np.array([True, True, True, False]))
    result = exact_front(problem)
    assert result.proven and len(result.F) == 1
    assert np.all(result.X @ A_ub.T <= b_ub + 1e-9)
    np.testing.assert_allclose(result.F, [[-7.95, -2.0]], atol=1e-6)


@pytest.mark.parametrize("C, end", [
    ([[2.0, 1.0], [-1.0, -1.0]], [0.0, 12.0]),  # two objectives: the dichotomy's lexicographic ends
    ([[2.0, 1.0], [-1.0, -1.0], [0.0, -1.0]], [0.0, 12.0, 0.0]),  # three: box decomposition
])
def test_the_end_of_a_continuous_front_is_found_exactly(C, end):
    """The second solve of a lexicographic pair bounds the first objective at its optimum, not
    a rounding margin above it, which the second objective would use (a 3e-09 where 0 is)."""
    C = np.array(C)
    problem = LinearProblem(C, np.array([0.0, 12.0, 0.0][:len(C)]), np.zeros((0, 2)),
                            np.zeros(0), lower=np.zeros(2), upper=np.full(2, 10.0),
                            integral=np.zeros(2, bool))
    F = exact_front(problem).F
    best = F[np.argmin(F[:, 0])]
    assert best.tolist() == end


@pytest.mark.parametrize("scale", [1e-9, 1e-6, 1e6])
@pytest.mark.parametrize("n_obj, integral", [(2, False), (2, True), (3, True)])
def test_a_front_is_the_same_whatever_the_size_of_the_objectives_coefficients(scale, n_obj,
                                                                              integral):
    """HiGHS's tolerances are absolute: objectives whose coefficients are all about 1e-9 were
    solved as if flat (one point, called proven), and a lattice was found only where its step
    was about 1 or more; both now do not depend on the objectives' units. The first objective
    (sqrt 2) is on no lattice, the others are."""
    C = np.array([[1.0, np.sqrt(2)], [-1.0, -0.5], [0.5, -3.0]])[:n_obj]
    c0 = np.array([0.0, 1.5, 3.0])[:n_obj]

    def solved(factor):
        problem = LinearProblem(C * factor, c0 * factor, np.ones((1, 2)), np.array([4.0]),
                                lower=np.zeros(2), upper=np.full(2, 3.0),
                                integral=np.full(2, integral))
        return exact_front(problem)

    reference, scaled = solved(1.0), solved(scale)
    assert reference.proven and scaled.proven
    assert len(reference.F) >= 3
    assert _same(scaled.F / scale, reference.F)


def test_an_approximate_box_search_does_not_search_one_box_again_and_again(monkeypatch):
    """Three objectives of a linear program (none on a lattice): a point found again from
    another box differed by rounding (1.5333333333333385 against 1.533333333333335) from the
    corner of the box cut at it, so that box was neither split nor dropped, and the search
    (one, on steps of 1/20 of each range) solved it again 19,000 times, to the subproblem
    limit."""
    monkeypatch.setattr("mooc.solver.exact_boxes.APPROXIMATE_DIVISIONS", (20,))
    C = np.array([[-5, 2, 3, 1, 3, -1], [5, -3, 2, 3, 4, 4], [5, 0, -4, 2, -1, 0]], float)
    problem = LinearProblem(C, np.zeros(3), np.array([[2, 2, 1, 1, 3, 1], [3, 3, 0, 3, 2, 1]]),
                            [12.0, 14.0], lower=np.zeros(6), upper=np.full(6, 3.0))
    result = exact_front(problem, max_subproblems=3000)
    assert result.complete and not result.proven, result.message
    assert np.all(moocore.is_nondominated(result.F))


def _mixed_front_by_enumeration(problem: LinearProblem, continuous_best: np.ndarray
                                ) -> np.ndarray:
    """The front of a problem whose continuous columns are best at ``continuous_best`` for
    every integral point (they enter one objective and no row that binds): every integral
    point of the box, with those columns there."""
    integral = np.flatnonzero(problem.integral)
    points = []
    for values in itertools.product(*[range(int(problem.lower[k]), int(problem.upper[k]) + 1)
                                      for k in integral]):
        x = continuous_best.copy()
        x[integral] = values
        if np.all(problem.A_ub @ x <= problem.b_ub):
            points.append(x)
    F = problem.objectives(np.array(points))
    return np.unique(F[moocore.is_nondominated(F)], axis=0)


def _wide_mixed() -> LinearProblem:
    """f1's continuous column has the coefficient 1e7 (and enters no binding row)."""
    C = np.array([[3.0, 0.0, 0.0, 5.0], [-2.0, 1e7, 1.0, -2.0]])
    return LinearProblem(C, np.zeros(2), np.array([[-2.0, 2.0, 3.0, -2.0]]), [4.0],
                         lower=np.zeros(4), upper=np.array([3.0, 3.0, 2.0, 3.0]),
                         integral=np.array([True, False, False, True]))


def test_a_mip_point_that_breaks_its_bound_on_an_objective_is_solved_again():
    """HiGHS held the bound x >= 0 of the column with the coefficient 1e7 to its MIP tolerance
    and returned x = -4e-7 (f1 <= -8 then held); clipped to 0, the point had f1 = -4: the
    epsilon-constraint method's lexicographic second solve took it for one with f1 <= -8 and
    passed over two points of the front, calling it proven."""
    model = HighsModel(_wide_mixed())
    model.set_bounds(np.array([-np.inf, -10.0]), np.array([18.5, -8.0]))
    solved = model.minimize(np.array([1.0, 0.0]))
    assert not solved.broken
    assert _wide_mixed().objectives(solved.x[None])[0].tolist() == [14.0, -8.0]


def test_a_mixed_front_with_a_coefficient_of_1e7_equals_enumeration():
    problem = _wide_mixed()
    result = exact_front(problem)
    assert result.proven and result.algorithm == "epsilon-constraint"
    expected = _mixed_front_by_enumeration(problem, np.zeros(4))
    assert _same(result.F, expected) and len(expected) == 7


def test_a_bound_on_a_continuous_objective_gives_highs_no_hint_it_mistakes():
    """Given f1 >= -30864198.75 as a hint (the last point's value; f1's coefficients 3e7 and
    0.75 after scaling), HiGHS 1.16's presolve called a point 2.5e6 worse than the optimum
    optimal: six points of the front were passed over, the front called proven."""
    C = -np.array([[2.0, -1.0, 0.0], [-1e7, 3.0, 123456789.0]])
    problem = LinearProblem(C, np.zeros(2), np.array([[1.0, 0.0, 1.0]]), [4.0],
                            lower=np.zeros(3), upper=np.array([3.0, 3.0, 1.0]),
                            integral=np.array([True, True, False]))
    result = exact_front(problem)
    assert result.proven and result.algorithm == "epsilon-constraint"
    expected = _mixed_front_by_enumeration(problem, np.array([0.0, 0.0, 1.0]))
    assert _same(result.F, expected) and len(expected) == 10


def _five_linear_objectives() -> LinearProblem:
    """Five objectives of six real variables: none on a lattice, so its front is approximate."""
    C = np.array([[-4, 1, 2, -4, -3, 2], [-4, -3, 0, 2, 3, 5], [0, 2, 3, -2, -3, 1],
                  [4, 3, 4, 0, 0, 2], [-4, 3, 3, 0, 1, -4]], dtype=float)
    A = np.array([[3, 2, 0, 3, 1, 0], [1, 3, 2, 1, 3, 3]], dtype=float)
    return LinearProblem(C, np.zeros(5), A, A.sum(axis=1) + 2, lower=np.zeros(6),
                         upper=np.full(6, 3.0))


def test_an_approximate_front_of_five_objectives_stops_at_the_box_limit(monkeypatch):
    """Steps of 1/20 of each range in four projected objectives made 1.5 million boxes after
    900 subproblems (two minutes, most of them spent on the boxes), with no end in sight; the
    searches now go coarse to fine and stop where the boxes outnumber the limit."""
    monkeypatch.setattr("mooc.solver.exact_boxes.MAX_BOXES", 3000)
    result = exact_front(_five_linear_objectives())
    assert not result.proven and not result.complete and result.stop_reason == "max_boxes"
    assert "cut short by the box limit (the search region split into more than 3,000 boxes)" \
        in result.message
    assert re.search(r"the search on steps of 1/(4|8|16) of each objective's range ran to its "
                     r"end, [\d,]+ boxes of the search region were left unexplored in the one "
                     r"on 1/(8|16|32)", result.message)
    assert np.all(moocore.is_nondominated(result.F)) and len(result.F) >= 20


def test_an_approximate_front_cut_short_has_searched_a_coarse_grid_first():
    """Cut short, the points found cover the whole front at some resolution: a search on a
    coarse grid ran to its end first (one on steps of 1/20 of each range, cut short, covered
    only the part of the front it had reached)."""
    result = exact_front(_five_linear_objectives(), max_subproblems=60)
    assert not result.complete and result.stop_reason == "max_subproblems"
    assert re.search(r"the search on steps of 1/\d+ of each objective's range ran to its end",
                     result.message)


def test_a_mip_point_a_step_beyond_its_bound_on_a_large_lattice_objective_is_not_taken():
    """f0's values are multiples of 2 up to 1.2e9: HiGHS returned the last point again, one
    step beyond the bound f0 <= its value - 1 (within 1e-9 of the objective's size, which the
    check called rounding), and the epsilon-constraint method took it again and again to the
    subproblem limit: 6,667 copies of one point, cut short."""
    C = np.array([[-1e9, -2.0, -1e8, 0.0], [5.0, 5.0, 2.0, 1e6]])
    problem = LinearProblem(C, np.zeros(2), np.array([[-1.0, 2.0, 0.0, 0.0]]), [2.0],
                            lower=np.zeros(4), upper=np.array([1.0, 3.0, 2.0, 2.0]),
                            integral=np.array([True, True, True, False]))
    result = exact_front(problem, max_subproblems=500)
    assert result.proven, result.message
    assert _same(result.F, _mixed_front_by_enumeration(problem, np.zeros(4)))


def test_a_mip_point_that_breaks_a_row_the_objectives_magnify_is_solved_again():
    """x0 (f1's coefficient 1e7) came back 1.75e-7 beyond the row x0 - x1 + 2 x2 <= 1: solved
    again as a linear program, it still broke it, f1 was 1.75 better than any point's, and
    that point, called proven, dominated the front's two true points."""
    C = np.array([[0.0, 1.75, 1.0], [-1e7, -1.75, 1.0]])
    problem = LinearProblem(C, np.zeros(2), np.array([[1.0, -1.0, 2.0], [2.0, 3.0, -1.0]]),
                            [1.0, 5.0], lower=np.zeros(3), upper=np.array([3.0, 2.0, 2.0]),
                            integral=np.array([False, True, True]))
    result = exact_front(problem)
    assert result.proven, result.message
    assert _same(result.F, _best_continuous_part(problem, 0))


def test_an_epsilon_constraint_step_that_gets_nowhere_stops_the_search(monkeypatch):
    """Should HiGHS's point break the bound it was solved under even solved strictly, the
    search would get the same point back forever: it stops, cut short, and says why."""
    original = HighsModel._run_once
    first: list[np.ndarray] = []

    def stuck(self, weights, time_limit):
        solved = original(self, weights, time_limit)
        if solved.x is not None and not first:
            first.append(solved.x)
        if solved.x is not None and np.isfinite(self.bounds[0, 1]):  # a step: undo it
            return Solved(solved.status, first[0], solved.value)
        return solved

    monkeypatch.setattr(HighsModel, "_run_once", stuck)
    result = exact_front(_knapsack_of_seed(0), max_subproblems=200)
    assert not result.complete and not result.proven and result.subproblems < 20
    assert "a subproblem whose point broke the bound it was solved under" in result.message
