"""Data next to the model, stage by stage: 'set', 'data' and params without a value parse and
check; data files, dicts and '@FILE' overrides become the params' numpy arrays in lowering,
with every value checked; array literals of plain numbers take the fast path and agree with the
expression path."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import mooc
from mooc.dsl import ast
from mooc.dsl.check import check
from mooc.dsl.compiler import compile_text
from mooc.dsl.literals import expand_number_array, number_array_values
from mooc.dsl.parser import parse
from mooc.errors import DataError, ModelCheckError, MooError, ParameterError

PLAN = """set products
set resources
param profit[products]
param capacity[resources]
param use[resources, products]
var make[p in products] int in [0, 10]
maximize total: sum(profit[p] * make[p] for p in products)
constraint hours[r in resources]: sum(use[r, p] * make[p] for p in products) <= capacity[r]
"""
SMALL = ("set products\nparam profit[products]\nvar x in [0, 1]\n"
         "minimize f: x * sum(profit[p] for p in products)\n")
RESOURCES = {"resources": ["lathe", "press"], "capacity": {"lathe": 10, "press": 8},
             "use": {"lathe": {"bolt": 1, "nut": 2, "gear": 3},
                     "press": {"bolt": 4, "nut": 5, "gear": 6}}}


@pytest.fixture
def plan_files(tmp_path):
    (tmp_path / "products.csv").write_text("products,profit\nbolt,3\nnut,2\ngear,5\n")
    (tmp_path / "resources.json").write_text(json.dumps(RESOURCES))
    return tmp_path


# parsing -----------------------------------------------------------------------------


def test_set_data_and_valueless_param_parse_to_their_nodes():
    model = parse('set products = {bolt, nut}\nset resources\ndata "r.json"\n'
                  "param cost[products]\nvar q[p in products] in [0, 1]\n"
                  "minimize f: sum(q[p] for p in products)\n")
    products, resources, data, cost, q, f = model.statements
    assert isinstance(products, ast.SetDecl) and products.labels == ("bolt", "nut")
    assert isinstance(resources, ast.SetDecl) and resources.labels is None
    assert isinstance(data, ast.DataFile) and data.path == "r.json"
    assert isinstance(cost, ast.Param) and cost.value is None
    assert isinstance(q.dims[0], ast.SetDim) and q.dims[0].set_name == "products"
    generator = f.expr.generators[0]
    assert (generator.set_name, generator.lo, generator.hi) == ("products", None, None)


def test_when_parses_after_every_domain():
    model = parse("var a int in [1, 3]\nvar b in [0, 1] when a > 1\nvar c in [1, 2] log when a > 2\n"
                  "var d bin when a == 1\nvar e choice {x, y} when a != 1\nminimize f: a\n")
    assert [type(s.condition).__name__ for s in model.statements[1:5]] == ["Compare"] * 4


def test_plain_number_arrays_are_one_token_and_others_are_expressions():
    model = parse("param a[1..3] = [1, -2.5, +3e2]\nparam b[1..2] = [1, 2 * pi]\n"
                  "param c[1..2, 1..2] = [[1, 2],\n  [3, 4]]\nvar x in [0, 1]\nminimize f: x\n")
    a, b, c = model.statements[:3]
    assert isinstance(a.value, ast.NumberArray) and isinstance(c.value, ast.NumberArray)
    assert isinstance(b.value, ast.ArrayLiteral)
    assert number_array_values(a.value.text).tolist() == [1.0, -2.5, 300.0]
    assert number_array_values(c.value.text).tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_a_ragged_literal_has_no_fast_value_and_expands_with_spans():
    node = parse("param a[1..2, 1..2] = [[1, 2],\n [3]]\nvar x in [0, 1]\nminimize f: x\n"
                 ).statements[0].value
    assert number_array_values(node.text) is None
    expanded = expand_number_array(node)
    inner = expanded.items[1]
    assert (inner.span.line, inner.span.column, inner.span.end_column) == (2, 2, 5)
    assert inner.items[0].value == 3.0


@pytest.mark.parametrize("rows", [1, 7, 40])
def test_fast_literal_values_equal_the_expression_path(rows):
    rng = np.random.default_rng(rows)
    values = rng.integers(-99, 99, size=(rows, 3)) / 4
    literal = "[" + ", ".join("[" + ", ".join(repr(float(v)) for v in row) + "]" for row in values) + "]"
    spelled = literal.replace("[[", "[[0 + ", 1)  # not plain numbers: the expression path
    fast = mooc.compile(f"param a[1..{rows}, 1..3] = {literal}\nvar x in [0, 1]\nminimize f: x\n")
    slow = mooc.compile(f"param a[1..{rows}, 1..3] = {spelled}\nvar x in [0, 1]\nminimize f: x\n")
    np.testing.assert_array_equal(fast.params["a"], values)
    np.testing.assert_array_equal(slow.params["a"], values)


# checking ----------------------------------------------------------------------------


def test_declarations_record_the_sets_their_dimensions_run_over():
    checker = check(parse(PLAN))
    assert checker.scope["use"].dim_sets == ("resources", "products")
    assert checker.scope["make"].dim_sets == ("products",)
    assert checker.scope["products"].kind == "set"


@pytest.mark.parametrize("text,message", [
    ("set s = {a}\nvar x[p in s] in [0, 1]\nminimize f: sum(x[p] for p in 1..2)",
     "'p' runs over an integer range, but the index of 'x' is an element of the set 's'"),
    ("set s = {a}\nvar x[1..2] in [0, 1]\nminimize f: sum(x[p] for p in s)",
     "'p' is an element of the set 's', not a number"),
    ("var x in [0, 1]\nvar y in [0, 1] when z > 1\nminimize f: x", "unknown name 'z'"),
    ("var x in [0, 1]\nminimize g: x\nvar y in [0, 1] when g > 1\nminimize f: x",
     "'g' is an objective"),
    ("set s = {sum}\nvar x in [0, 1]\nminimize f: x", "'sum' is a built-in name"),
    ("set s = {a}\nparam p[s] = 3\nvar x in [0, 1]\nminimize f: x", "has dimensions"),
])
def test_checking_errors(text, message):
    with pytest.raises(ModelCheckError, match=re.escape(message)):
        compile_text(text)


# lowering from data ---------------------------------------------------------------------


def test_data_files_give_sets_and_params(plan_files):
    problem = mooc.compile(PLAN, data=[plan_files / "products.csv", plan_files / "resources.json"])
    assert problem.sets == {"products": ("bolt", "nut", "gear"), "resources": ("lathe", "press")}
    assert problem.params["profit"].tolist() == [3.0, 2.0, 5.0]
    assert problem.params["use"].tolist() == [[1, 2, 3], [4, 5, 6]]
    assert problem.variable_names == ("make[bolt]", "make[nut]", "make[gear]")
    assert problem.constraint_names == ("hours[lathe]", "hours[press]")
    evaluation = problem.evaluate([[1, 1, 1]])
    assert evaluation.F.tolist() == [[10.0]]
    assert evaluation.violation.tolist() == [[0.0, 7.0]]


def test_rows_and_keys_in_any_order_map_by_label(plan_files):
    (plan_files / "shuffled.csv").write_text("item,profit\ngear,5\nbolt,3\nnut,2\n")
    resources = {**RESOURCES, "use": {"press": {"gear": 6, "nut": 5, "bolt": 4},
                                      "lathe": {"nut": 2, "bolt": 1, "gear": 3}}}
    problem = mooc.compile(PLAN.replace("set products", "set products = {bolt, nut, gear}"),
                           data=[plan_files / "shuffled.csv", resources])
    assert problem.params["profit"].tolist() == [3.0, 2.0, 5.0]
    assert problem.params["use"].tolist() == [[1, 2, 3], [4, 5, 6]]


def test_a_matrix_table_gives_a_two_index_param(plan_files):
    (plan_files / "use.csv").write_text("use,gear,bolt,nut\npress,6,4,5\nlathe,3,1,2\n")
    data = {"resources": ["lathe", "press"], "capacity": [10, 8]}
    problem = mooc.compile(PLAN, data=[plan_files / "products.csv", data, plan_files / "use.csv"])
    assert problem.params["use"].tolist() == [[1, 2, 3], [4, 5, 6]]


def test_integer_indexed_params_from_csv_json_and_npy(tmp_path):
    (tmp_path / "w.csv").write_text("i,w,v\n3,30,0.3\n1,10,0.1\n2,20,0.2\n")
    np.save(tmp_path / "m.npy", np.arange(6.0).reshape(2, 3))
    text = ("param n = 3\nparam w[1..n]\nparam v[1..n]\nparam m[0..1, 1..n]\nparam k\n"
            "var x in [0, 1]\nminimize f: x * sum(w[i] + v[i] + m[0, i] for i in 1..n) + k\n")
    problem = mooc.compile(text, params={"m": f"@{tmp_path / 'm.npy'}"},
                           data=[tmp_path / "w.csv", {"k": 7}])
    assert problem.params["w"].tolist() == [10.0, 20.0, 30.0]
    assert problem.params["m"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert problem.params["k"] == 7.0


@pytest.mark.parametrize("content", [b"", b"\x93NUMPY\x01\x00"])
def test_an_empty_or_cut_short_npy_file_is_refused_in_words(tmp_path, content):
    # numpy raises EOFError for these, which escaped as a traceback
    (tmp_path / "w.npy").write_bytes(content)
    text = "param w[1..3]\nvar x in [0, 1]\nminimize f: x * sum(w[i] for i in 1..3)\n"
    with pytest.raises(DataError, match=r"cannot read the \.npy file '.*w\.npy'"):
        mooc.compile(text, params={"w": f"@{tmp_path / 'w.npy'}"}, cache=False)


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"])
def test_csv_lines_may_end_in_lf_cr_lf_or_cr_alone(tmp_path, end):
    (tmp_path / "w.csv").write_bytes(end.join(["i,w", "3,30", "1,10", "2,20", ""]).encode())
    text = "param w[1..3]\nvar x in [0, 1]\nminimize f: x * sum(w[i] for i in 1..3)\n"
    problem = mooc.compile(text, data=[tmp_path / "w.csv"], cache=False)
    assert problem.params["w"].tolist() == [10.0, 20.0, 30.0]
    (tmp_path / "w.csv").write_bytes(end.join(["i,w", "1,10", "2,oops", "3,1", ""]).encode())
    with pytest.raises(MooError) as caught:
        mooc.compile(text, data=[tmp_path / "w.csv"], cache=False)
    assert str(caught.value).splitlines()[1:] == ["    2,oops", "      ^^^^"]


def test_override_beats_data_which_beats_the_model(plan_files):
    text = PLAN.replace("param profit[products]", "param profit[products] = [1, 1, 1]")
    files = [plan_files / "products.csv", plan_files / "resources.json"]
    assert mooc.compile(text, data=files[1:] + [{"products": ["bolt", "nut", "gear"]}]
                        ).params["profit"].tolist() == [1, 1, 1]
    assert mooc.compile(text, data=files).params["profit"].tolist() == [3, 2, 5]
    overridden = mooc.compile(text, data=files, params={"profit": {"bolt": 9, "nut": 8, "gear": 7}})
    assert overridden.params["profit"].tolist() == [9, 8, 7]


def test_set_param_file_as_override(plan_files):
    (plan_files / "profit.csv").write_text("products,profit\nnut,20\ngear,50\nbolt,30\n")
    problem = mooc.compile(PLAN, data=[plan_files / "products.csv", plan_files / "resources.json"],
                           params={"profit": f"@{plan_files / 'profit.csv'}"})
    assert problem.params["profit"].tolist() == [30, 20, 50]


def test_parquet_tables_read_like_csv(plan_files):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pandas.DataFrame({"products": ["bolt", "nut", "gear"], "profit": [3, 2, 5]})
    frame.to_parquet(plan_files / "products.parquet")
    problem = mooc.compile(PLAN, data=[plan_files / "products.parquet",
                                       plan_files / "resources.json"])
    assert problem.params["profit"].tolist() == [3.0, 2.0, 5.0]
    frame.assign(profit=[3.0, None, 5.0]).to_parquet(plan_files / "holes.parquet")
    with pytest.raises(DataError, match="holes.parquet, row 2, column 'profit': expected a number, "
                                        "but found an empty cell"):
        mooc.compile(PLAN, data=[plan_files / "holes.parquet", plan_files / "resources.json"])


def test_data_statements_read_files_next_to_the_model(plan_files):
    (plan_files / "plan.moo").write_text('data "products.csv"\ndata "resources.json"\n' + PLAN)
    problem = mooc.load(plan_files / "plan.moo")
    assert problem.sets["products"] == ("bolt", "nut", "gear")


@pytest.mark.parametrize("data,error,message", [
    ({"prices": [1]}, DataError, "'prices' is not a param or set of the model"),
    ({"x": [1]}, DataError, "'x' is not a param or set of the model (it is a variable)"),
    ({"products": "bolt"}, DataError, "'products' is a set: give its labels as a list"),
    ({"products": ["a", True]}, DataError, "a label of 'products' is a name or a whole number"),
    ({"products": ["a", "a"]}, DataError, "'a' appears twice among the labels of 'products'"),
    ({"products": ["a"], "profit": [1, 2]}, DataError,
     "'profit' has 1 element along its first index (products), but this list gives 2"),
    ({"products": ["a"], "profit": {"a": True}}, DataError, "'profit' takes a finite number"),
    ({"products": ["a"], "profit": np.array(["x"])}, DataError, "'profit' takes numbers"),
    (3, MooError, "'data' takes a data file's path, a dict"),
    ("nowhere.csv", DataError, "cannot read the data file 'nowhere.csv'"),
    ("model.txt", DataError, "'model.txt' is not a data file mooc reads"),
])
def test_bad_data_values(data, error, message):
    with pytest.raises(error) as caught:
        mooc.compile(SMALL, data=data)
    assert message in str(caught.value)


def test_a_data_file_or_a_name_given_twice(plan_files):
    with pytest.raises(DataError, match="the data file '.*products.csv' is given twice"):
        mooc.compile(PLAN, data=[plan_files / "products.csv", plan_files / "products.csv"])
    with pytest.raises(DataError, match="'profit' is given twice: in .*products.csv and in data"):
        mooc.compile(PLAN, data=[plan_files / "products.csv", {"profit": [1, 2, 3]}])


def test_old_override_messages_stay_and_a_table_takes_a_dict():
    text = ("var material choice {steel, alu}\nparam density[material] = {steel: 7.8, alu: 2.7}\n"
            "minimize f: density[material]\n")
    with pytest.raises(ParameterError, match="param 'density' is a table"):
        mooc.compile(text, params={"density": 3})
    problem = mooc.compile(text, params={"density": {"alu": 1, "steel": 2}})
    assert problem.params["density"].tolist() == [2.0, 1.0]
    with pytest.raises(ParameterError, match="is not a finite number"):
        mooc.compile("param w[1..2] = [1, 2]\nvar x in [0, 1]\nminimize f: x * w[1]",
                     params={"w": [1, float("nan")]})


def test_two_keys_for_one_element_of_a_dict_are_an_error():
    text = "param p[1..2]\nvar x in [0, 1]\nminimize f: x * p[1]\n"
    with pytest.raises(DataError, match=re.escape("data['p']['1']: \"1\" and 1 are the same "
                                                  "element '1' of the range 1..2")):
        mooc.compile(text, data={"p": {1: 5, "1": 6, 2: 1}})


def test_parquet_booleans_are_not_numbers(plan_files):
    pandas = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pandas.DataFrame({"products": ["bolt", "nut", "gear"], "profit": [True, False, True]})
    frame.to_parquet(plan_files / "flags.parquet")
    with pytest.raises(DataError, match="flags.parquet, row 1, column 'profit': expected a "
                                        "number, but found 'True'"):
        mooc.compile(PLAN, data=[plan_files / "flags.parquet", plan_files / "resources.json"])


def test_a_label_read_as_a_whole_number_is_written_as_that_number(tmp_path):
    (tmp_path / "d.csv").write_text("years,demand\n2021,5\n2022,7\n")
    text = ("set years\nparam demand[years]\nvar x[y in years] in [0, 10]\n"
            "minimize f: 3 * x[2022] + demand[2021] * x[2021]\nminimize g: -x[2021] - x[2022]\n")
    problem = mooc.compile(text, data=[tmp_path / "d.csv"], cache=False)
    X = np.random.default_rng(0).random((4, 2)) * 10
    F = problem.evaluate(X).F
    assert np.allclose(F[:, 0], 3 * X[:, 1] + 5 * X[:, 0])
    for written, message in (("2023", "'2023' is not a label of the set 'years'; did you mean "
                                      "'2022'?"),
                             ("2021.0", "the index of 'x' is an element of the set 'years'")):
        with pytest.raises(ModelCheckError, match=re.escape(message)):
            mooc.compile(text.replace("x[2021]", f"x[{written}]"), data=[tmp_path / "d.csv"],
                         cache=False)


def test_numpy_arrays_in_a_dict_zero_dimensional_and_masked():
    # a 0-d array was refused for a number ('takes a finite number, but this is array(3.)'),
    # though a .npy file of one is taken; a masked element was read as its hidden value
    text = "param n\nparam c[1..2]\nvar x in [0, 1]\nminimize f: x * n + c[1] + c[2]\n"
    unmasked = np.ma.masked_array([1.0, 2.0], mask=[False, False])
    problem = mooc.compile(text, data={"n": np.array(3.0), "c": unmasked}, cache=False)
    assert problem.params["n"] == 3.0
    assert type(problem.params["c"]) is np.ndarray and problem.params["c"].tolist() == [1, 2]
    masked = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    with pytest.raises(DataError, match=r"'c' takes numbers, but the element at \[1\] of the "
                                        r"masked array is masked"):
        mooc.compile(text, data={"n": 3, "c": masked}, cache=False)


@pytest.mark.parametrize("name,text,message", [
    ("p.csv", "", "this file is empty: a CSV file starts with a header row that names its "
                  "columns, as in 'products,profit'"),
    ("p.csv", "\n  \r\n\n", "this file holds only blank lines: a CSV file starts with a header "
                            "row that names its columns, as in 'products,profit'"),
    ("p.tsv", "", "this file is empty: a TSV file starts with a header row that names its "
                  "columns"),
    ("p.json", "", 'this file is empty: a JSON data file holds an object of values by name, '
                   'as in {"profit": {"bolt": 3}}'),
    ("p.json", " \n\t\n", 'this file holds only blank lines: a JSON data file holds an object '
                          'of values by name, as in {"profit": {"bolt": 3}}'),
])
@pytest.mark.parametrize("how", ["--data", "--set"])
def test_an_empty_data_file_is_located(tmp_path, capsys, name, text, message, how):
    # given with --data (or --set NAME=@FILE), an empty CSV file's error named neither where
    # it was nor the line ("error: the data file 'p.csv' is empty ..."); JSON said
    # "Expecting value"
    from mooc.cli import main

    (tmp_path / "m.moo").write_text(SMALL.replace("set products", "set products = {a, b}"))
    (tmp_path / name).write_bytes(text.encode())
    given = str(tmp_path / name) if how == "--data" else "profit=@" + str(tmp_path / name)
    assert main(["check", str(tmp_path / "m.moo"), how, given]) == 2
    head, quoted, caret = capsys.readouterr().err.rstrip("\n").split("\n")
    assert head == f"{tmp_path / name}:1:1: error: {message}"
    assert quoted == "    " + text.split("\n")[0].rstrip("\r") and caret == "    ^"


@pytest.mark.parametrize("text,column,message", [
    ('{"products": ["a",\r "b\rc"]}', 23, "a string holds a carriage return here: write it as \\r"),
    ('{"products": ["a", "b\x01c"]}', 22, "a string holds a control character here: write it "
                                          "as \\u0001"),
    ('{"products": ["a", "b\tc"]}', 22, "a string holds a tab here: write it as \\t"),
    ('{"products": ["a", "b\\qc"]}', 22, "'\\q' is no escape JSON knows (\\\\, \\\", \\/, \\b, "
                                         "\\f, \\n, \\r, \\t or \\u and four hex digits)"),
    ('{"products": ["a", "b\\u12"]}', 23, "\\u takes four hex digits, as in \\u00e9"),
    ('{"products": ["a", "b]}', 20, "a string starts here and has no closing '\"'"),
    ('{"products": ["a"]} ["b"]', 21, "the file goes on after its value has ended; a data file "
                                      "holds one object"),
])
def test_a_json_syntax_error_is_in_words_with_its_line_shown_as_it_is(tmp_path, text, column,
                                                                      message):
    # a raw carriage return in a string gave "this is not valid JSON: Invalid control
    # character at", Python's words cut before their place
    (tmp_path / "d.json").write_bytes(text.encode())
    with pytest.raises(DataError) as raised:
        mooc.compile(SMALL, data=tmp_path / "d.json")
    head, shown, caret = str(raised.value).split("\n")
    assert head == f"{tmp_path / 'd.json'}:1:{column}: error: this is not valid JSON: {message}"
    assert shown == "    " + text.replace("\r", "␍").replace("\x01", "␁").replace("\t", " ")
    assert caret == "    " + " " * (column - 1) + "^"


def test_an_index_in_scope_is_the_index_even_where_the_data_has_a_label_of_its_name():
    # the rule language.md states; a label 'i' from data cannot turn the sum into one term
    model = ("set S\nparam cost[S]\nvar x in [1, 1]\n"
             "minimize f: x * sum(cost[i] for i in S)\nminimize g: x * cost[i]\n")
    problem = mooc.compile(model, data={"S": ["h", "i", "j"], "cost": [1, 10, 100]})
    assert problem.evaluate(np.array([[1.0]])).F.tolist() == [[111.0, 10.0]]


@pytest.mark.parametrize("label,what", [("a, b", "','"), ("b]", "']'"), ("x[1]", "'['"),
                                        ('12" pipe', "'\"'"), ("a\tb", "a control character")])
def test_a_label_that_would_garble_element_names_is_refused(label, what):
    # with labels 'a' and 'a, b' of S and 'b, c' and 'c' of T, two elements of x[S, T] were
    # both named 'x[a, b, c]' (in the table, the CSV header read back, 'mooc pick')
    model = ("set S\nset T\nvar x[S, T] in [0, 1]\n"
             "minimize f: sum(x[s, t] for s in S for t in T)\nmaximize g: x[a, c]\n")
    with pytest.raises(DataError) as raised:
        mooc.compile(model, data={"S": ["a", "b"], "T": ["c", label]})
    shown = label.replace("\t", "␉")
    assert str(raised.value).startswith(
        f"error: data['T'][1]: the label '{shown}' holds {what}: labels name elements as in "
        "make[bolt] (in tables, CSV headers and 'mooc pick'), so they hold no ',', '[', ']', "
        "'\"' or control characters; rename it")


@pytest.mark.parametrize("text,where,message", [
    ("\n\nproducts,profit,profit\nbolt,3,4\n", "3:17",
     "the column 'profit' appears twice in the header row"),
    ("\n \nproducts,profit\n", "3:1", "the set 'products' has no labels: this file has no rows"),
])
def test_a_header_after_blank_lines_is_located_on_its_line(tmp_path, text, where, message):
    # the error pointed at line 1, and showed it blank
    (tmp_path / "p.csv").write_text(text)
    with pytest.raises(DataError) as raised:
        mooc.compile(SMALL, data=tmp_path / "p.csv")
    head, shown = str(raised.value).split("\n")[:2]
    assert head == f"{tmp_path / 'p.csv'}:{where}: error: {message}"
    assert shown == "    " + text.split("\n")[2]
