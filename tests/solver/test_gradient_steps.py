"""Projection onto equality constraints, the common descent direction and polishing, on plain
numpy problems (the solver never sees the language)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from mooc.solver import FunctionProblem, nsga2
from mooc.solver.checkpoint import load_checkpoint, save_checkpoint
from mooc.solver.descent import common_descent, common_descents, least_norm_in_hull
from mooc.solver.gradients import Gradients
from mooc.solver.indicators import hypervolume
from mooc.solver.projection import EqualityProjection, project_affine_box
from mooc.solver.variables import VariableSpace


# projection ----------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_the_affine_box_projection_is_the_closest_point(seed):
    rng = np.random.default_rng(seed)
    n = 7
    A = np.vstack([np.ones(n), rng.normal(size=n)])
    b = A @ rng.random(n)  # a point of the box satisfies it
    Y = 3 * rng.normal(size=(6, n))
    X = project_affine_box(Y, A, np.tile(b, (6, 1)), np.zeros(n), np.ones(n))
    np.testing.assert_allclose(X @ A.T, np.tile(b, (6, 1)), atol=1e-10)
    assert (X >= 0).all() and (X <= 1).all()
    for y, x in zip(Y, X, strict=True):  # scipy's SLSQP on the same quadratic program
        best = minimize(lambda v, y=y: 0.5 * ((v - y) ** 2).sum(), np.full(n, 1 / n),
                        jac=lambda v, y=y: v - y, bounds=[(0, 1)] * n, method="SLSQP",
                        constraints=[{"type": "eq", "fun": lambda v: A @ v - b,
                                      "jac": lambda v: A}],
                        options={"ftol": 1e-14, "maxiter": 500})
        assert 0.5 * ((x - y) ** 2).sum() <= 0.5 * ((best.x - y) ** 2).sum() + 1e-10


@pytest.mark.parametrize("b", [10.0, -4.0])
def test_an_affine_projection_onto_an_empty_set_stops_at_the_nearest_corner(monkeypatch, b):
    import mooc.solver.projection as projection

    solves = []
    solve = projection._solve
    monkeypatch.setattr(projection, "_solve", lambda H, r: solves.append(1) or solve(H, r))
    Y = np.random.default_rng(1).random((5, 4))
    A = np.array([[1.0, 2.0, -1.0, 0.0]])  # reaches [-1, 3] on the unit box
    X = project_affine_box(Y, A, np.full((5, 1), b), np.zeros(4), np.ones(4))
    corner = [1.0, 1.0, 0.0] if b > 0 else [0.0, 0.0, 1.0]
    np.testing.assert_array_equal(X[:, :3], np.tile(corner, (5, 1)))
    np.testing.assert_array_equal(X[:, 3], Y[:, 3])  # not in the equality: left as it was
    assert len(solves) <= 8  # it took every one of its 60 iterations (and 2 solves each)


def _circle(dim: int = 2, integer_column: bool = False) -> FunctionProblem:
    """Minimize every coordinate on the unit sphere; an integer column is left alone."""
    kinds = ("real",) * dim + (("int",) if integer_column else ())
    n = len(kinds)

    def residual(X):
        return (X[:, :dim] ** 2).sum(axis=1, keepdims=True) - 1

    def jacobian(X):
        JF = np.tile(np.eye(dim, n), (X.shape[0], 1, 1))
        JG = np.zeros((X.shape[0], 1, n))
        JG[:, 0, :dim] = 2 * X[:, :dim]
        return JF, JG

    return FunctionProblem(lambda X: (X[:, :dim], np.abs(residual(X))), lower=[-2.0] * n,
                           upper=[2.0] * n, n_obj=dim, n_hard=1, kinds=kinds,
                           jacobian=jacobian, constraint_residuals=residual,
                           equality=[True], linear=[False])


def test_gauss_newton_puts_points_on_a_sphere_keeping_bounds_and_integer_columns():
    problem = _circle(3, integer_column=True)
    gradients = Gradients.of(problem, VariableSpace.of_problem(problem))
    projection = EqualityProjection.of(gradients)
    X = np.random.default_rng(2).uniform(-2, 2, size=(50, 4))
    X[:, 3] = np.round(X[:, 3])
    X[:, :3] += 0.01  # no point exactly at the origin
    moved = projection.project(X)
    radius = np.linalg.norm(moved[:, :3], axis=1)
    np.testing.assert_allclose(radius, 1.0, atol=1e-9)
    np.testing.assert_array_equal(moved[:, 3], X[:, 3])
    assert gradients.count <= 6 * 50


def test_a_projection_spends_no_more_gradient_evaluations_than_allowed():
    problem = _circle()
    gradients = Gradients.of(problem, VariableSpace.of_problem(problem))
    projection = EqualityProjection.of(gradients)
    X = np.random.default_rng(3).uniform(-2, 2, size=(20, 2))
    projection.project(X, limit=25)
    assert gradients.count == 25


def test_a_linear_equality_is_projected_exactly_without_evaluations():
    n = 5

    def jacobian(X):
        return np.tile(np.eye(2, n), (X.shape[0], 1, 1)), np.ones((X.shape[0], 1, n))

    problem = FunctionProblem(lambda X: (X[:, :2], np.abs(X.sum(axis=1, keepdims=True) - 1)),
                              lower=np.zeros(n), upper=np.ones(n), n_obj=2, n_hard=1,
                              jacobian=jacobian, equality=[True], linear=[True],
                              constraint_residuals=lambda X: X.sum(axis=1, keepdims=True) - 1)
    gradients = Gradients.of(problem, VariableSpace.of_problem(problem))
    projection = EqualityProjection.of(gradients)
    X = np.random.default_rng(4).random((30, n))
    moved = projection.project(X)
    np.testing.assert_allclose(moved.sum(axis=1), 1.0, atol=1e-12)
    assert gradients.count == 0 and (moved >= 0).all()


def _band(linear: bool) -> FunctionProblem:
    """x + y (or x^2 + y^2) == 1 tol 0.25 on [0, 2]^2."""
    power = 1 if linear else 2

    def residual(X):
        return (X ** power).sum(axis=1, keepdims=True) - 1

    def jacobian(X):
        return np.tile(np.eye(2), (X.shape[0], 1, 1)), (power * X ** (power - 1))[:, None, :]

    return FunctionProblem(lambda X: (X, np.maximum(np.abs(residual(X)) - 0.25, 0)),
                           lower=np.zeros(2), upper=np.full(2, 2.0), n_obj=2, n_hard=1,
                           jacobian=jacobian, constraint_residuals=residual, equality=[True],
                           linear=[linear], tolerance=[0.25])


@pytest.mark.parametrize("linear, inside", [(True, [[0.5, 0.6], [0.4, 0.45]]),
                                            (False, [[0.7, 0.6], [0.8, 0.5]])])
def test_an_equality_with_a_tolerance_keeps_points_in_its_band_and_moves_others_to_its_edge(
        linear, inside):
    problem = _band(linear)
    projection = EqualityProjection.of(Gradients.of(problem, VariableSpace.of_problem(problem)))
    X = np.array([*inside, [1.5, 1.5], [0.1, 0.2]])
    moved = projection.project(X)
    h = problem.constraint_residuals(moved)[:, 0]
    np.testing.assert_array_equal(moved[:2], X[:2])  # inside the band: left alone
    np.testing.assert_allclose(np.abs(h[2:]), 0.25, atol=1e-6)  # outside: to an edge
    if linear:
        np.testing.assert_allclose(h[2:], [0.25, -0.25], atol=1e-6)  # the nearer one
    assert (problem.evaluate(moved).hard == 0).all()


def test_a_run_keeps_the_whole_band_of_an_equality_with_a_tolerance():
    result = nsga2(_band(True), population=40, generations=30, seed=1)
    assert result.feasible.all()
    assert result.X.sum(axis=1).min() < 0.751  # the band's lower edge, not only x + y == 1


# descent -------------------------------------------------------------------------------------
def test_the_least_norm_point_of_a_hull_beats_every_other_weighting():
    rng = np.random.default_rng(5)
    V = rng.normal(size=(4, 6))
    w = least_norm_in_hull(V)
    assert w.min() >= 0 and w.sum() == pytest.approx(1)
    best = np.linalg.norm(w @ V)
    others = rng.dirichlet(np.ones(4), size=2000)
    assert best <= np.linalg.norm(others @ V, axis=1).min() + 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_the_common_descent_direction_improves_every_objective_and_active_constraint(seed):
    rng = np.random.default_rng(seed)
    objectives = rng.normal(size=(3, 8)) + 2.0  # far from critical: a common direction exists
    constraints = rng.normal(size=(1, 8))
    d = common_descent(objectives, constraints, np.zeros((0, 8)), np.full(8, 0.5))
    assert (objectives @ d < 0).all() and (constraints @ d < 0).all()


def test_the_direction_keeps_equalities_and_holds_variables_at_their_bounds():
    objectives = np.array([[3.0, 0.2, -0.1, 0.0], [2.0, -0.3, 0.1, 0.4]])
    equality = np.array([[1.0, 1.0, 1.0, 1.0]])
    z = np.array([0.0, 0.5, 0.5, 0.5])
    free = common_descent(objectives, np.zeros((0, 4)), equality, np.full(4, 0.5))
    assert free[0] < 0  # inside the box the first variable would go down
    d = common_descent(objectives, np.zeros((0, 4)), equality, z)
    assert d[0] == 0.0  # at its lower bound it is held
    assert abs(equality[0] @ d) < 1e-12  # along the equality
    assert (objectives @ d < 0).all()


def test_a_pareto_critical_point_has_no_descent_direction():
    d = common_descent(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.zeros((0, 2)),
                       np.zeros((0, 2)), np.array([0.5, 0.5]))
    np.testing.assert_allclose(d, 0.0, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_the_directions_of_many_points_at_once_are_those_of_each_point(seed):
    rng = np.random.default_rng(seed)
    p, k = 300, 6
    pairs = rng.normal(size=(p, 2, k))
    pairs[::5, 1] = pairs[::5, 0]  # points that improve one objective alone
    critical = np.arange(1, p, 7)
    critical = critical[critical % 5 != 0]
    pairs[critical, 1] = -pairs[critical, 0]  # pareto critical
    pairs[3, 0, 2] = np.nan
    pairs[4, 1, 1] = np.inf
    pairs[5] *= 1e300  # products overflow
    z = rng.choice([0.0, 0.3, 1.0], size=(p, k))  # many variables at a bound
    z[6, 0] = np.nan
    many = common_descents(pairs, z)
    empty = np.zeros((0, k))
    for row in range(p):
        single = pairs[row, :1] if row % 5 == 0 else pairs[row]
        with np.errstate(all="ignore"):
            one = common_descent(single, empty, empty, z[row])
        if not np.isfinite(one).all():
            assert not np.isfinite(many[row]).all()
            continue
        scale = np.abs(one).max(initial=0.0)
        np.testing.assert_allclose(many[row], one, rtol=1e-12, atol=1e-12 * scale)
        if row in critical:
            assert scale == 0.0


# polishing within a run ----------------------------------------------------------------------
def _zdt1(n: int, with_jacobian: bool = True) -> FunctionProblem:
    def f(X):
        g = 1 + 9 * X[:, 1:].mean(axis=1)
        return np.c_[X[:, 0], g * (1 - np.sqrt(X[:, 0] / g))]

    def jacobian(X):
        g = 1 + 9 * X[:, 1:].mean(axis=1)
        root = np.sqrt(X[:, 0] / g)
        JF = np.zeros((X.shape[0], 2, n))
        JF[:, 0, 0] = 1
        with np.errstate(divide="ignore"):
            JF[:, 1, 0] = -0.5 / root
        JF[:, 1, 1:] = ((1 - 0.5 * root) * 9 / (n - 1))[:, None]
        return JF, np.zeros((X.shape[0], 0, n))

    return FunctionProblem(f, lower=np.zeros(n), upper=np.ones(n), n_obj=2,
                           jacobian=jacobian if with_jacobian else None)


def _share(result) -> float:
    f1 = np.linspace(0, 1, 2001)
    front = np.c_[f1, 1 - np.sqrt(f1)]
    ref = np.array([1.1, 1.1])
    return hypervolume(result.F, ref=ref) / hypervolume(front, ref=ref)


def test_polishing_reaches_the_front_in_many_dimensions_at_equal_evaluations():
    problem = _zdt1(200)
    polished = nsga2(problem, population=40, max_evaluations=8000, seed=1)
    plain = nsga2(problem, population=40, max_evaluations=8000, seed=1, polish=False)
    assert polished.n_evaluations + polished.n_gradient_evaluations <= 8000
    assert polished.n_gradient_evaluations > 0 and plain.n_gradient_evaluations == 0
    assert _share(polished) > 0.9 > _share(plain)
    assert "gradient evaluations" in polished.message


def test_without_derivatives_or_with_both_switched_off_the_run_is_the_plain_one():
    with_off = nsga2(_zdt1(6), population=12, generations=8, seed=3, polish=False,
                     project=False)
    without = nsga2(_zdt1(6, with_jacobian=False), population=12, generations=8, seed=3)
    np.testing.assert_array_equal(with_off.F, without.F)
    assert with_off.n_evaluations == without.n_evaluations == 12 * 9


def test_equalities_hold_on_the_front_and_a_generation_spends_its_population():
    result = nsga2(_circle(), population=30, generations=20, seed=2)
    assert result.feasible.all() and len(result.F) >= 5
    np.testing.assert_allclose(np.linalg.norm(result.X, axis=1), 1.0, atol=1e-6)
    spent = result.n_evaluations + result.n_gradient_evaluations
    assert spent <= 30 * 21 and result.n_gradient_evaluations > result.n_evaluations


def test_a_run_with_gradient_steps_resumes_to_the_same_front(tmp_path):
    states = []
    whole = nsga2(_circle(), population=16, generations=8, seed=5,
                  checkpoint=lambda state, final: states.append(state))
    save_checkpoint(tmp_path / "run.ckpt", states[3])
    state, _ = load_checkpoint(tmp_path / "run.ckpt")
    assert state.gradients is not None and state.gradients["count"] > 0
    again = nsga2(_circle(), population=16, generations=8, resume=state)
    np.testing.assert_array_equal(whole.F, again.F)
    assert (whole.n_evaluations, whole.n_gradient_evaluations) == \
        (again.n_evaluations, again.n_gradient_evaluations)



@pytest.mark.parametrize(("m", "n", "density"), [(3, 40, 1.0), (12, 200, 0.05), (20, 60, 1.0)])
def test_newton_systems_of_the_affine_projection_match_their_definition(m, n, density):
    # from nine equalities on they are summed over the nonzeros sharing a column (sparse A) or
    # by blocked matrix products (dense A): each must equal A diag(w) A^T
    from mooc.solver.projection import _weighted_grams

    rng = np.random.default_rng(m)
    A = rng.normal(size=(m, n)) * (rng.random((m, n)) < density)
    W = (rng.random((7, n)) < 0.6).astype(float)
    expected = np.stack([A @ np.diag(w) @ A.T for w in W])
    np.testing.assert_allclose(_weighted_grams(A)(W), expected, rtol=1e-12, atol=1e-12)


def test_affine_projection_of_many_sparse_equalities_lands_on_them():
    # 30 customers each served by 5 sites: 30 equalities over 150 flows, each flow in one
    rng = np.random.default_rng(3)
    sites, customers = 5, 30
    A = np.kron(np.eye(customers), np.ones((1, sites)))
    demand = rng.uniform(1, 5, customers)
    Y = rng.uniform(0, 5, (4, sites * customers))
    X = project_affine_box(Y, A, np.tile(demand, (4, 1)), np.zeros(sites * customers),
                           np.full(sites * customers, 5.0))
    np.testing.assert_allclose(X @ A.T, np.tile(demand, (4, 1)), atol=1e-9)
    assert (X >= 0).all() and (X <= 5).all()
    # the projection is separable by customer: each block is the projection of its own part
    for c in range(customers):
        block = slice(c * sites, (c + 1) * sites)
        alone = project_affine_box(Y[:, block], np.ones((1, sites)), demand[c] * np.ones((4, 1)),
                                   np.zeros(sites), np.full(sites, 5.0))
        np.testing.assert_allclose(X[:, block], alone, atol=1e-7)
