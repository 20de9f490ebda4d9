"""Ask/tell: the same NSGA-II as solve. With the values of evaluate, told out of order and in
partial batches, it ends with solve's front; it checkpoints and resumes; mistakes are refused
in words; plain numpy problems drive mooc.solver's Search the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.solver import FunctionProblem, nsga2
from mooc.solver.ask_tell import Search
from mooc.solver.problem import Evaluation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = {
    "kit": ({}, {"population": 20, "generations": 6, "seed": 3}),  # every kind, soft constraints
    "binh_korn": ({}, {"population": 16, "generations": 8, "seed": 1, "constraints": "epsilon"}),
    "zdt1": ({"n": 5}, {"population": 12, "max_evaluations": 101, "seed": 7}),
}


def _drive(problem, opt, rng) -> None:
    while not opt.stopped:
        X = opt.ask(int(rng.integers(1, 9)))  # a part of the batch
        if not len(X):
            X = opt.ask()
        ev = problem.evaluate(X)
        order = rng.permutation(len(X))
        opt.tell(X[order], ev.F[order],
                 violations=ev.violation[order] if problem.n_hard else None,
                 soft_violations=ev.soft_violation[order] if problem.n_soft else None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_ask_tell_reproduces_the_front_of_solve(name) -> None:
    params, settings = CASES[name]
    path = EXAMPLES / f"{name}.moo" if (EXAMPLES / f"{name}.moo").exists() else name
    problem = mooc.load(path, params=params)
    solved = problem.solve(**settings)
    opt = problem.optimizer(**settings)
    _drive(problem, opt, np.random.default_rng(0))
    told = opt.result()
    for field in ("X", "F", "violation", "soft_violation", "feasible"):
        np.testing.assert_array_equal(getattr(told, field), getattr(solved, field), err_msg=field)
    assert (told.n_evaluations, told.n_generations, told.stop_reason) == \
        (solved.n_evaluations, solved.n_generations, solved.stop_reason)
    assert told.hypervolume == solved.hypervolume


def test_choice_variables_come_as_labels() -> None:
    problem = mooc.load(EXAMPLES / "kit.moo")
    opt = problem.optimizer(population=10, generations=1, seed=1)
    X = opt.ask()
    column = problem.variable_names.index("material")
    assert X.dtype == object and set(X[:, column]) <= {"steel", "alu", "ti"}


def test_the_optimizer_checkpoints_and_resumes(tmp_path) -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    settings = {"population": 12, "generations": 6, "seed": 2}
    whole = problem.optimizer(**settings)
    _drive(problem, whole, np.random.default_rng(1))
    path = tmp_path / "run.ckpt"
    first = problem.optimizer(**settings, checkpoint=path)
    for _ in range(3):  # generations 0, 1 and 2, then a "crash" mid-generation
        X = first.ask()
        ev = problem.evaluate(X)
        first.tell(X, ev.F, violations=ev.violation)
    X = first.ask(5)
    first.tell(X, problem.evaluate(X).F, violations=problem.evaluate(X).violation)
    with pytest.raises(mooc.MooError, match="is being written by another run"):
        problem.optimizer(checkpoint=path, resume=True)  # first still holds it
    first.close()  # as the end of a crashed process does
    again = problem.optimizer(checkpoint=path, resume=True)
    assert again.generation == 3
    rest = again.ask()
    assert len(rest) == 12 - 5  # the five told before the stop are not asked for again
    assert not {tuple(r) for r in rest.tolist()} & {tuple(r) for r in X.tolist()}
    ev = problem.evaluate(rest)
    again.tell(rest, ev.F, violations=ev.violation)
    _drive(problem, again, np.random.default_rng(5))
    np.testing.assert_array_equal(again.result().F, whole.result().F)


def test_an_optimizer_result_before_the_end_says_it_is_running() -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    opt = problem.optimizer(population=10, generations=5, seed=1)
    with pytest.raises(mooc.MooError, match="no generation is finished"):
        opt.result()
    X = opt.ask()
    ev = problem.evaluate(X)
    opt.tell(X, ev.F, violations=ev.violation)
    result = opt.result()
    assert "still running" in result.message and len(result) >= 1


@pytest.mark.parametrize("mistake,message", [
    ("unknown", "was not given by ask"),
    ("twice", "was told already"),
    ("no violations", "needs 'violations'"),
    ("shape", "'F' must have shape"),
    ("empty", "tell() was given no point; 10 points are out"),
    ("words", "'F' must hold numbers only, one row per point"),  # was ValueError
    ("complex", "'violations' must hold real numbers, but holds complex ones"),
])
def test_mistakes_are_refused_in_words(mistake, message) -> None:
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    opt = problem.optimizer(population=10, generations=2, seed=1)
    X = opt.ask()
    ev = problem.evaluate(X)
    with pytest.raises(mooc.MooError, match=message.replace("(", r"\(").replace(")", r"\)")):
        if mistake == "unknown":
            opt.tell([[1.0, 1.0]], [[8.0, 32.0]], violations=[[0.0, 0.0]])
        elif mistake == "twice":
            opt.tell(X[:2], ev.F[:2], violations=ev.violation[:2])
            opt.tell(X[1:3], ev.F[1:3], violations=ev.violation[1:3])
        elif mistake == "no violations":
            opt.tell(X, ev.F)
        elif mistake == "shape":
            opt.tell(X, ev.F[:, :1], violations=ev.violation)
        elif mistake == "words":
            opt.tell(X[:1], [["low", "high"]], violations=ev.violation[:1])
        elif mistake == "complex":
            opt.tell(X[:1], ev.F[:1], violations=ev.violation[:1] + 1j)
        else:
            opt.tell(opt.ask(), np.zeros((0, 2)), violations=np.zeros((0, 2)))


@pytest.mark.parametrize("n", [-1, 2.5, "2", float("nan")])
def test_ask_takes_a_whole_number_of_points(n) -> None:
    opt = mooc.load(EXAMPLES / "binh_korn.moo").optimizer(population=10, generations=2, seed=1)
    with pytest.raises(mooc.MooError) as caught:  # nan was ValueError; the rest were taken
        opt.ask(n)
    assert str(caught.value) == ("error: ask(n) takes a whole number of at least 0, but was "
                                 f"given {n!r}")
    assert len(opt.ask(3)) == 3 and len(opt.ask(0)) == 0


def test_a_numpy_problem_asks_and_tells_through_search() -> None:
    def zdt1(X):
        g = 1 + 9 * X[:, 1:].mean(axis=1)
        return np.c_[X[:, 0], g * (1 - np.sqrt(X[:, 0] / g))]

    problem = FunctionProblem(zdt1, lower=np.zeros(4), upper=np.ones(4), n_obj=2)
    solved = nsga2(problem, population=16, generations=7, seed=9)
    search = Search(problem, population=16, generations=7, seed=9)
    while not search.stopped:
        X = search.ask()
        search.tell(Evaluation(F=zdt1(X), hard=np.zeros((len(X), 0)), soft=np.zeros((len(X), 0))))
    np.testing.assert_array_equal(search.result().F, solved.F)
    with pytest.raises(ValueError, match="stopped"):
        search.tell(Evaluation(F=np.zeros((0, 2)), hard=np.zeros((0, 0)), soft=np.zeros((0, 0))))
