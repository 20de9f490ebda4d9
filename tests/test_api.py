"""The Python API end to end: load, solve, and check fronts with the models' own formulas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import mooc

EXAMPLES = Path(__file__).parent.parent / "examples"
SMALL = {"population": 24, "generations": 8, "seed": 3}


@pytest.mark.parametrize("name", ["zdt1", "binh_korn", "himmelblau", "kit"])
def test_every_example_loads_and_solves(name):
    problem = mooc.load(EXAMPLES / f"{name}.moo")
    result = problem.solve(**SMALL)
    assert len(result) >= 1
    assert result.X.shape == (len(result), problem.n_var)
    assert result.F.shape == (len(result), problem.n_obj)
    assert result.violation.shape == (len(result), problem.n_hard)
    assert ((result.X >= problem.lower) & (result.X <= problem.upper)).all()
    # the reported objectives are the model's own values at the reported points
    np.testing.assert_allclose(result.F, problem.evaluate(result.X).F, rtol=1e-12)


def test_binh_korn_front_satisfies_the_constraint_formulas():
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    result = problem.solve(population=40, generations=30, seed=1)
    assert result.feasible_found
    x, y = result.X[:, 0], result.X[:, 1]
    assert ((x - 5) ** 2 + y**2 <= 25 + 1e-9).all()
    assert ((x - 8) ** 2 + (y + 3) ** 2 >= 7.7 - 1e-9).all()
    np.testing.assert_allclose(result.F[:, 0], 4 * x**2 + 4 * y**2, rtol=1e-12)
    np.testing.assert_allclose(result.F[:, 1], (x - 5) ** 2 + (y - 5) ** 2, rtol=1e-12)
    # non-dominated among themselves
    F = result.F
    dominated = [((F <= f).all(axis=1) & (F < f).any(axis=1)).any() for f in F]
    assert not any(dominated)


def test_himmelblau_finds_the_positive_minimum():
    problem = mooc.load(EXAMPLES / "himmelblau.moo")
    assert problem.settings["generations"] == 10
    result = problem.solve(generations=40)
    x, y = result.X[:, 0], result.X[:, 1]
    assert ((x >= 0) & (y >= 0)).all()
    best = result.X[np.argmin(result.F[:, 0])]
    assert np.hypot(best[0] - 3, best[1] - 2) < 0.1
    assert result.F[:, 0].min() < 0.05


def test_kit_front_respects_variable_domains_and_hard_constraints():
    problem = mooc.load(EXAMPLES / "kit.moo")
    result = problem.solve(population=40, generations=20, seed=2)
    names = problem.variable_names
    column = {name: k for k, name in enumerate(names)}
    take = result.X[:, [column[f"take[{i}]"] for i in range(1, 7)]]
    units, material = result.X[:, column["units"]], result.X[:, column["material"]]
    tol = result.X[:, column["tol"]]
    assert np.isin(take, [0, 1]).all()
    assert (units == np.round(units)).all() and ((units >= 1) & (units <= 5)).all()
    assert np.isin(material, [0, 1, 2]).all()
    assert ((tol >= 1e-4) & (tol <= 1e-1)).all()
    w = np.array([12, 7, 11, 8, 9, 6.0])
    vol = np.array([[3, 2, 4, 2, 3, 1], [1, 3, 1, 2, 2, 3.0]])
    feasible = result.feasible
    assert feasible.any()
    assert (units[feasible] * (take[feasible] @ w) <= 120).all()
    assert (take[feasible] @ vol.T <= [10, 9]).all()
    assert (result.F[:, 0] >= 0).all()  # 'value' is maximized and reported with its own sign
    labels = {row[column["material"]] for row in result.variable_values()}
    assert labels <= {"steel", "alu", "ti"}


def test_same_seed_gives_the_same_front():
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    first, second = problem.solve(**SMALL), problem.solve(**SMALL)
    np.testing.assert_array_equal(first.X, second.X)


def test_compile_from_text_and_maximize_sign():
    problem = mooc.compile("var x in [0, 2]\nminimize f: x^2\nmaximize g: x")
    ev = problem.evaluate([[1.5], [0.5]])
    np.testing.assert_allclose(ev.F, [[2.25, 1.5], [0.25, 0.5]])
    result = problem.solve(**SMALL)
    np.testing.assert_allclose(result.F[:, 1], result.X[:, 0])
    np.testing.assert_allclose(result.F[:, 0], result.X[:, 0] ** 2)


@pytest.mark.parametrize("bad", [[[1.0, 2.0]], [[[1.0]]], np.zeros((2, 3))])
def test_evaluate_rejects_wrong_shapes(bad):
    problem = mooc.compile("var x in [0, 2]\nminimize f: x^2")
    with pytest.raises(mooc.MooError, match="shape"):
        problem.evaluate(bad)


@pytest.mark.parametrize("bad,message", [
    (np.array([[1 + 1j, 0]]), "'X' must hold real numbers, but holds complex ones"),
    ([[np.complex128(1 + 1j), "a"]], "'X' row 0: np.complex128(1+1j) is not a value of x"),
    ([[1.0, "a"], [1.0]], "'X' must hold one row of 2 values per point, but its rows differ "
                          "in length"),
    ([[1.0, 0], [1.0]], "'X' must hold one row of 2 values per point, but its rows differ "
                        "in length"),
])
def test_evaluate_refuses_complex_numbers_and_ragged_rows(bad, message):
    # were: the imaginary part dropped with a ComplexWarning, and "has shape (1, 2)"
    problem = mooc.compile("var x in [0, 2]\nvar c choice {a, b}\n"
                           "minimize f: x^2 + (if c == a then 0 else 1)")
    for method in (problem.evaluate, problem.jacobian, problem.active):
        with pytest.raises(mooc.MooError) as caught:
            method(bad)
        assert str(caught.value) == f"error: {message}"


def test_result_writes_csv_and_json(tmp_path):
    problem = mooc.load(EXAMPLES / "kit.moo")
    result = problem.solve(**SMALL)
    result.to_csv(tmp_path / "front.csv")
    result.to_json(tmp_path / "front.json")
    lines = (tmp_path / "front.csv").read_text().splitlines()
    assert lines[0].split(",") == [*problem.variable_names, *problem.objective_names,
                                   *problem.constraint_names, *problem.soft_constraint_names,
                                   "feasible"]
    assert len(lines) == 1 + len(result)
    record = json.loads((tmp_path / "front.run.json").read_text())
    assert record["metadata"]["model_hash"] == problem.model_hash
    document = json.loads((tmp_path / "front.json").read_text())
    np.testing.assert_allclose(document["F"], result.F)


@pytest.mark.parametrize("model", ["no_such_file.moo", "examples/does_not_exist.moo"])
def test_load_of_a_missing_file_is_a_moo_error(model):
    with pytest.raises(mooc.MooError, match="no model file"):
        mooc.load(model)


@pytest.mark.parametrize("options,message", [
    ({"population": "many"}, "population"),
    ({"constraints": "strict"}, "strict"),
    ({"populaton": 10}, "did you mean 'population'"),
])
def test_solve_with_bad_options_is_a_moo_error(options, message):
    problem = mooc.load(EXAMPLES / "binh_korn.moo")
    with pytest.raises(mooc.MooError, match=message):
        problem.solve(**options)


def test_himmelblau_with_the_files_own_settings():
    problem = mooc.load(EXAMPLES / "himmelblau.moo")
    result = problem.solve()
    assert result.n_generations == problem.settings["generations"] == 10
    best = result.X[np.argmin(result.F[:, 0])]
    assert (best >= 0).all()
    assert np.hypot(best[0] - 3, best[1] - 2) < 0.1


def test_the_subpackages_are_attributes_after_import_mooc():
    # the README's `mooc.solver.nsga2(mooc.solver.FunctionProblem(...))` after `import mooc`;
    # a fresh process, as this one has imported them already
    code = ("import mooc, numpy as np\n"
            "problem = mooc.solver.FunctionProblem(lambda X: np.c_[X[:, 0], 1 - X[:, 0]],\n"
            "                                      lower=[0], upper=[1], n_obj=2)\n"
            "print(len(mooc.solver.nsga2(problem, generations=2, seed=1).F) > 0,\n"
            "      mooc.dsl.__name__, mooc.stdlib.__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.split() == ["True", "mooc.dsl", "mooc.stdlib"], done.stderr


def test_a_model_given_to_the_solver_itself_says_how_to_solve_it():
    problem = mooc.load(EXAMPLES / "zdt1.moo")
    with pytest.raises(TypeError, match=r"problem\.as_solver_problem\(\)"):
        mooc.solver.nsga3(problem, generations=2)
    assert len(mooc.solver.nsga3(problem.as_solver_problem(), generations=2, seed=1).F)


TEXT = "var x in [0, 2]\nminimize f: x^2\nmaximize g: x"
MISTAKES = {  # each was a TypeError, AttributeError, IndexError or OSError from inside
    "compile-int": (lambda p, r, d: mooc.compile(3),
                    "compile() takes the model's text as a str, but was given int"),
    "compile-bytes": (lambda p, r, d: mooc.compile(TEXT.encode()),
                      "compile() takes the model's text as a str, but was given bytes (decode it "
                      "first, or use mooc.load with its file)"),
    "params-list": (lambda p, r, d: mooc.compile(TEXT, [1]),
                    "'params' takes a dict of values by name, but was given [1]"),
    "load-none": (lambda p, r, d: mooc.load(None),
                  "load() takes a model file's path or a library problem's name, but was given None"),
    "to_csv-int": (lambda p, r, d: r.to_csv(3), "to_csv() takes a file's path, but was given 3"),
    "to_csv-folder": (lambda p, r, d: r.to_csv(d), "to_csv() cannot write '{d}': Is a directory"),
    "to_json-gone": (lambda p, r, d: r.to_json(d / "gone" / "f.json"),
                     "to_json() cannot write '{d}/gone/f.json': No such file or directory"),
    "plot-suffix": (lambda p, r, d: r.plot(d / "f.xyz"),
                    "plot() takes a .png, .svg or .pdf file name, but was given '{d}/f.xyz'"),
    "table-rows": (lambda p, r, d: r.table(max_rows="5"),
                   "'max_rows' takes a whole number of at least 0, but was given '5'"),
    "table-indices": (lambda p, r, d: r.table(indices=[len(r)]),
                      "'indices' takes rows of the front (0 to {last}), but was given [{n}]"),
    "checkpoint-int": (lambda p, r, d: p.solve(checkpoint=3, **SMALL),
                       "'checkpoint' takes a file's path, but was given 3"),
    "optimizer-checkpoint-int": (lambda p, r, d: p.optimizer(checkpoint=3),
                                 "'checkpoint' takes a file's path, but was given 3"),
    "evaluations-int": (lambda p, r, d: p.solve(evaluations=3, **SMALL),
                        "'evaluations' takes True (kept in memory) or a .csv or .parquet file's "
                        "path, but was given 3"),
    "resume-int": (lambda p, r, d: mooc.resume(3),  # read file descriptor 3, and closed it
                   "cannot resume: the checkpoint takes a file's path, but was given 3"),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_api_mistakes_are_moo_errors_in_words(name, tmp_path):
    problem = mooc.compile(TEXT)
    result = problem.solve(**SMALL)
    call, message = MISTAKES[name]
    with pytest.raises(mooc.MooError) as caught:
        call(problem, result, tmp_path)
    assert str(caught.value) == "error: " + message.format(d=tmp_path, last=len(result) - 1,
                                                            n=len(result))
