"""The structure analysis: which models are linear, and their matrices against the model itself.

The matrices are checked the strongest way there is: at random points, ``C @ x + c0`` must be
the model's own objectives (minimization form, plus the soft penalty when the slacks sit at
the violations) and the constraint rows must agree with the model's violations.
"""

from __future__ import annotations

import numpy as np
import pytest

import mooc
from mooc.dsl.structure import LinearModel, NotLinear


def _structure(text: str, params: dict | None = None):
    problem = mooc.compile(text, params)
    return problem, problem.structure


def _random_points(problem, rng, count=40):
    X = rng.uniform(problem.lower, problem.upper, size=(count, problem.n_var))
    whole = np.array([k in ("int", "bin", "choice") for k in problem.kinds])
    X[:, whole] = np.round(X[:, whole])
    return X


def _milp_columns(structure: LinearModel, problem, X):
    """X extended with the choice binaries and the slacks at the soft violations."""
    ev = problem.evaluate(X)
    n = structure.lower.size
    full = np.zeros((len(X), n))
    full[:, :problem.n_var] = X
    column = problem.n_var
    for block in problem._compiled.lowered.variables:
        if block.kind == "choice":
            labels = len(block.labels)
            picked = X[:, block.first_column].astype(int)
            full[np.arange(len(X)), column + picked] = 1.0
            column += labels
    full[:, column:column + problem.n_soft] = ev.soft_violation
    return full


LINEAR = {
    "knapsack": """param n = 4
param w[1..n] = [2, 3, 5, 1]
param v[1..2, 1..n] = [[3, 1, 4, 1], [5, 9, 2, 6]]
var x[1..n] bin
maximize a: sum(v[1, i] * x[i] for i in 1..n)
maximize b: sum(v[2, i] * x[i] for i in 1..n)
constraint cap: sum(w[i] * x[i] for i in 1..n) <= 6
""",
    "families_and_lets": """param n = 3
param c[1..n, 1..n] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
var y[1..n, 1..n] in [0, 1]
var k int in [0, 5]
let row[i in 1..n] = sum(c[i, j] * y[i, j] for j in 1..n)
let total = sum(row[i] for i in 1..n) + 2 * k
minimize cost: total - 3
minimize f[m in 1..2]: m * k - y[m, 1]
minimize r: row[1] - row[2]
minimize upper: sum(y[i, j] for i in 1..n for j in i..n)
constraint assign[j in 1..n]: sum(y[i, j] for i in 1..n) == 1
constraint low: total >= 4 tol 0.5
constraint ratio: (k + row[1]) / 2 <= 3
""",
    "choice_tables": """var m choice {steel, alu, ti}
param price[m] = {steel: 1.0, alu: 1.6, ti: 4.0}
var t in [1, 10]
var u in [1e-3, 1] log
minimize cost: price[m] * 3 + t - price[alu] + u
minimize mass: (if m == alu then 2.7 else 7.8) * 2 - t
""",
    "soft": """var x[1..3] int in [0, 4]
var z in [0, 2]
minimize f: x[1] + 2 * x[2] - z
minimize g: x[3] - x[1]
soft constraint s1: x[1] + x[2] >= 3 weight 2
soft constraint s2[i in 1..2]: x[i] - x[3] == 1 tol 0.5 weight 0.5
soft constraint s3: z <= 1.5
""",
    "constants_everywhere": """param n = 5
param a[1..n] = [1, -2, 3, -4, 5]
var x[1..n] in [-1, 1]
minimize f: sum(a[i]^2 * x[i] / sqrt(4) for i in 1..n) + exp(0) + max(a[i] for i in 1..n)
minimize g: sum((if i > 2 then a[i] else -a[i]) * x[i] for i in 1..n) - prod(i for i in 1..3)
constraint c[i in 2..n]: x[i] - x[i - 1] <= abs(a[i]) / 10
""",
    # an 'if' on a param indexed by the reduction's index involves no variable
    "param_conditions": """set P = {a, b, c}
param c[P] = [1, 0, 2]
var u[p in P] int in [0, 3] when c[p] > 0
var z in [0, 1]
maximize f: sum(if c[p] > 0 then c[p] * u[p] else 0 for p in P) + z
minimize g: sum(if c[p] > 0 and c[p] != 1 then u[p] else -z for p in P)
constraint cap: sum(if c[p] > 0 then u[p] else 0 for p in P) <= 4
""",
    # families of two indices: a row per member (their right-hand sides were once broadcast
    # flat from the family's shape, which failed every compile of such a model)
    "two_index_families": """set P = {a, b}
var x[P, 1..3] int in [0, 4]
var z in [0, 2]
minimize f: sum(x[p, j] for p in P for j in 1..3) - z
maximize g: x[a, 1] + z
constraint up[p in P, j in 1..3]: x[p, j] <= j + 1
constraint down[p in P, j in 1..3]: x[p, j] >= j - 2
constraint fixed[p in P, j in 2..2]: x[p, j] == 2
constraint band[p in P, j in 1..2]: x[p, j] - x[p, j + 1] == 0 tol 1
constraint flat[i in 1..2, j in 1..3]: z <= 1.5
soft constraint near[p in P, j in 1..3]: x[p, j] == 1 tol 0.5 weight 2
soft constraint low[i in 1..2, j in 1..2]: z >= 1
""",
}


@pytest.mark.parametrize("name", sorted(LINEAR))
def test_linear_models_have_matrices_that_agree_with_the_model(name):
    problem, structure = _structure(LINEAR[name])
    assert isinstance(structure, LinearModel), structure
    rng = np.random.default_rng(7)
    X = _random_points(problem, rng)
    full = _milp_columns(structure, problem, X)
    F, G, S = problem._compiled.evaluate(np.ascontiguousarray(X))
    penalized = F + (S @ problem.soft_weights)[:, None] if problem.n_soft else F
    np.testing.assert_allclose(full @ structure.objectives.T.toarray() + structure.offsets,
                               penalized, atol=1e-9)
    # a point satisfies every row exactly when the model calls it feasible
    rows_hold = np.all(full @ structure.A_ub.T.toarray() <= structure.b_ub + 1e-9, axis=1)
    if structure.A_eq.shape[0]:
        rows_hold &= np.all(np.abs(full @ structure.A_eq.T.toarray() - structure.b_eq) <= 1e-9,
                            axis=1)
    np.testing.assert_array_equal(rows_hold, np.all(G == 0, axis=1))


def test_columns_kinds_are_counted_and_described():
    _, structure = _structure(LINEAR["choice_tables"])
    assert structure.describe() == ("linear, 0 binary, 0 integer and 2 continuous variables, "
                                    "1 choice variable as binaries")
    assert structure.integral.tolist() == [True, False, False, True, True, True]
    _, soft = _structure(LINEAR["soft"])
    assert soft.n_soft == 4
    # a soft row over integers with whole data keeps an integral slack; with a tolerance of
    # 0.5, or on the continuous z, it does not
    assert soft.integral[-4:].tolist() == [True, False, False, False]


def test_params_are_folded_and_follow_overrides():
    text = "param w[1..3] = [1, 2, 3]\nparam k = 2\nvar x[1..3] in [0, 1]\n" \
           "minimize f: k * sum(w[i] * x[i] for i in 1..3)\nminimize g: -x[1]"
    _, structure = _structure(text)
    assert structure.objectives.toarray()[0].tolist() == [2, 4, 6]
    _, overridden = _structure(text, {"w": [5, 0, 1], "k": 3})
    assert overridden.objectives.toarray()[0].tolist() == [15, 0, 3]


def test_a_long_sum_becomes_one_row_without_a_term_per_element():
    text = "param n = 100000\nvar x[1..n] in [0, 1]\n" \
           "minimize f: sum((i % 7 + 1) * x[i] for i in 1..n)\nminimize g: sum(x[i] for i in 1..n)"
    text = text.replace("(i % 7 + 1)", "(i + 1)")
    _, structure = _structure(text)
    assert structure.objectives.shape == (2, 100000)
    assert structure.objectives.toarray()[0, :3].tolist() == [2, 3, 4]


NOT_LINEAR = {
    "square": ("var x in [0, 1]\nminimize f: x^2", "x^2 is not linear", 2),
    "product": ("var x in [0, 1]\nvar y in [0, 1]\nminimize f: x\nminimize g: x * y",
                "x*y multiplies variables, which is not linear", 4),
    "division": ("var x in [1, 2]\nminimize f: 1 / x", "1/x is not linear", 2),
    "sqrt": ("var x in [0, 1]\nminimize f: sqrt(x)", "sqrt(x) is not linear", 2),
    "abs": ("var x in [-1, 1]\nminimize f: abs(x)", "abs(x) is not linear", 2),
    "max": ("var x in [0, 1]\nvar y in [0, 1]\nminimize f: max(x, y)", "max(x, y) is not linear",
            3),
    "condition": ("var x in [0, 1]\nminimize f: if x > 0.5 then 1 else 0",
                  "depends on a condition of variables", 2),
    # said in the model's words: ==, != and 'and'/'or', not sympy's Eq(...), Ne(...), &, |
    "condition_words": ("var x in [0, 3]\nvar y int in [0, 3]\nminimize f: if (y == 1 and x "
                        "!= 2) or y == 3 then x else 2*x",
                        "(if (y == 3) or ((y == 1) and (x != 2)) then x else 2*x) depends", 3),
    "choice_times_variable": ("var m choice {a, b}\nparam p[m] = {a: 1, b: 2}\nvar x in [0, 1]\n"
                              "minimize f: p[m] * x", "multiplies variables", 4),
    "choice_branch_with_variable": ("var m choice {a, b}\nvar x in [0, 1]\n"
                                    "minimize f: if m == a then x else 0",
                                    "mixes a choice with variables", 3),
    "constraint": ("var x in [0, 1]\nminimize f: x\nconstraint c: x * x <= 0.5",
                   "x^2 is not linear", 3),
    "let": ("var x in [0, 1]\nlet q = x^3\nminimize f: q", "x^3 is not linear", 2),
    "min_over_range": ("var x[1..3] in [0, 1]\nminimize f: min(x[i] for i in 1..3)",
                       "min and max of variables are not linear", 2),
}


@pytest.mark.parametrize("name", sorted(NOT_LINEAR))
def test_models_that_are_not_linear_say_why_and_where(name):
    text, reason, line = NOT_LINEAR[name]
    _, structure = _structure(text)
    assert isinstance(structure, NotLinear)
    assert reason in structure.reason
    assert structure.span is not None and structure.span.line == line


def test_externs_are_never_linear(tmp_path):
    text = ("var x in [0, 1]\nextern hsv(x) = python \"colorsys:rgb_to_hsv\" returns {h, s, v}\n"
            "minimize f: x\nminimize g: hsv.s")
    _, structure = _structure(text)
    assert isinstance(structure, NotLinear)
    assert "extern 'hsv'" in structure.reason


def test_library_problems_are_not_linear():
    for name in ("zdt1", "binh_korn", "dtlz2", "kursawe"):
        assert isinstance(mooc.load(name).structure, NotLinear), name


def test_a_condition_joining_an_index_and_a_choice_is_analyzed():
    """'i != 2 and c == ca' joins a condition over an index (an array) with one on a choice
    (a scalar): the analysis stacked them into one array, and compiling raised numpy's
    ValueError."""
    problem, structure = _structure("""
var v[1..3] in [0.5, 1.5]
var c choice {ca, cb}
minimize f[i in 1..3]: if i != 2 and c == ca then 1 else v[i]
""")
    assert isinstance(structure, NotLinear)
    np.testing.assert_allclose(problem.evaluate([[1, 1.2, 1.3, 0]]).F, [[1, 1.2, 1]])
