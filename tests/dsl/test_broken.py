"""The broken-file corpus: each tests/dsl/broken/NAME.moo fails with exactly NAME.expected."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.dsl.compiler import compile_text
from mooc.dsl.parser import MAX_DEPTH
from mooc.dsl.source import read_model
from mooc.errors import ModelLimitError, MooError, ParameterError

BROKEN = Path(__file__).with_name("broken")
CASES = sorted(p.stem for p in BROKEN.glob("*.moo"))
EXAMPLES = Path(__file__).parents[2] / "examples"
HEAD = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+)$")


def _error_text(text: str, filename: str) -> str:
    with pytest.raises(MooError) as caught:
        compile_text(text, filename=filename)
    return str(caught.value)


def test_every_case_has_an_expected_message():
    expected = sorted(p.stem for p in BROKEN.glob("*.expected"))
    assert CASES == expected
    assert len(CASES) >= 25


def _broken_text(name: str) -> str:
    """The case's error: reading it (a case may not be UTF-8) or compiling it."""
    path = BROKEN / f"{name}.moo"
    with pytest.raises(MooError) as caught:
        compile_text(read_model(path, f"broken/{name}.moo"), filename=f"broken/{name}.moo")
    return str(caught.value)


@pytest.mark.parametrize("name", CASES)
def test_broken_file_gives_exact_message(name):
    expected = (BROKEN / f"{name}.expected").read_text(encoding="utf-8").rstrip("\n")
    assert _broken_text(name) == expected


@pytest.mark.parametrize("name", CASES)
def test_broken_message_is_well_formed(name):
    """Head names this file, the quoted line is the file's line (or, for a long line, a part
    of it), the caret is under it."""
    text = (BROKEN / f"{name}.moo").read_bytes().decode("utf-8", errors="replace")
    head, quoted, caret, *_ = _broken_text(name).split("\n")
    match = HEAD.match(head)
    assert match, head
    assert match["file"] == f"broken/{name}.moo"
    line, col = int(match["line"]), int(match["col"])
    source_line = text.splitlines()[line - 1]
    if len(source_line) <= 100:
        assert quoted == "    " + source_line
    else:  # the part shown starts where the caret's place in it says
        assert quoted.startswith("    ...")
        shown = quoted[7:].removesuffix("...")
        start = (col - 1) - (caret.index("^") - 7)
        assert source_line[start:start + len(shown)] == shown
        col = caret.index("^") - 3
    assert caret.startswith("    " + " " * (col - 1) + "^")
    assert set(caret.strip()) == {"^"}
    assert len(caret) <= len(quoted) + 1
    # messages are in the user's words, never grammar token names
    assert not re.search(r"(\b_NL|\$END|\bCOMPARE|ADDOP|MULOP|RPAR|LSQB|__ANON)",
                         match["message"])


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 1000, 3000])
@pytest.mark.parametrize("opener,closer", [("(", ")"), ("-(", ")"), ("sqrt(", ")")])
def test_deep_nesting_is_a_limit_error_not_a_crash(depth, opener, closer):
    text = f"var x in [0, 1]\nminimize f: {opener * depth}x{closer * depth}\n"
    with pytest.raises(ModelLimitError) as caught:
        compile_text(text, filename="broken/deep.moo")
    message = str(caught.value)
    assert message.startswith("broken/deep.moo:2:")
    assert "nested too deeply" in message and "let" in message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 3000])
def test_deep_chain_of_powers_and_nots_is_a_limit_error(depth):
    powers = "var x in [0, 1]\nminimize f: x" + "^x" * depth + "\n"
    nots = ("var x in [0, 1]\nminimize f: if " + "not " * depth + "x < 1 then 1 else 0\n")
    for text in (powers, nots):
        with pytest.raises(MooError, match="nested too deeply"):
            compile_text(text)


def test_nesting_at_the_limit_compiles():
    depth = MAX_DEPTH // 3
    text = f"var x in [0, 1]\nminimize f: {'(' * depth}x{')' * depth}\n"
    compile_text(text)


@pytest.mark.parametrize("params,message", [
    ({"nn": 5}, "there is no param 'nn'; did you mean 'n'?"),
    ({"m": 5}, "there is no param 'm'"),
    ({"n": "abc"}, "param 'n' takes a number, but was given 'abc'"),
    ({"n": [1, 2]}, "param 'n' takes a number, but was given [1, 2]"),
    ({"n": True}, "param 'n' takes a number"),
    ({"n": 2.5}, "a range bound must be a whole number, but is 2.5"),
    ({"n": 0}, "the range 1..0 is empty"),
    ({"n": float("nan")}, "not a finite number"),
    ({"n": 10**9}, "at most 10,000,000 are allowed"),
])
def test_load_with_bad_param_override(params, message):
    with pytest.raises(MooError) as caught:
        mooc.load(EXAMPLES / "zdt1.moo", params=params)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize("params,message", [
    ({"w": [1, 2]}, "param 'w' has shape (6,), but the value given has shape (2,)"),
    ({"w": [1, 2, 3, 4, 5, "a"]}, "param 'w' takes an array of numbers"),
    ({"density": 3}, "param 'density' is a table"),
    ({"m": 7}, "'w' has 7 elements in this dimension"),
])
def test_load_kit_with_bad_param_override(params, message):
    with pytest.raises(MooError) as caught:
        mooc.load(EXAMPLES / "kit.moo", params=params)
    assert message in str(caught.value)


def test_unknown_param_is_a_parameter_error():
    with pytest.raises(ParameterError, match="did you mean 'n'"):
        mooc.load(EXAMPLES / "zdt1.moo", params={"nn": 5})


@pytest.mark.parametrize("value", [5, 5.0, np.int64(5), np.int32(5), np.float64(5), np.float32(5)])
def test_param_override_accepts_python_and_numpy_numbers(value):
    problem = mooc.load(EXAMPLES / "zdt1.moo", params={"n": value})
    assert problem.n_var == 5


@pytest.mark.parametrize("value", [None, True, np.bool_(True), "5", {}, 3 + 0j])
def test_param_override_rejects_non_numbers(value):
    with pytest.raises(ParameterError, match="param 'n' takes a number"):
        mooc.load(EXAMPLES / "zdt1.moo", params={"n": value})


@pytest.mark.parametrize("name", [5, None, ("n",)])
def test_param_override_with_a_non_string_name_is_a_parameter_error(name):
    with pytest.raises(ParameterError, match="there is no param"):
        mooc.load(EXAMPLES / "zdt1.moo", params={name: 3})


def test_control_characters_in_the_line_shown_are_made_visible(tmp_path):
    # an escape sequence in a model coloured the terminal, and a carriage return in a JSON
    # string sent the cursor back over the line shown
    with pytest.raises(MooError) as raised:
        mooc.compile("var x in [0, 1]\nminimize f: x \x1b[31m+ y\nminimize g: 1 - x\n")
    shown = str(raised.value).splitlines()
    assert shown[1:] == ["    minimize f: x ␛[31m+ y", "    " + " " * 14 + "^"]
    (tmp_path / "m.moo").write_text("param n\nvar x in [0, 1]\nminimize f: n * x\n"
                                    "minimize g: 1 - x\n", encoding="utf-8")
    (tmp_path / "d.json").write_text('{"n": 1,\n "w": "a\rb"}\n', encoding="utf-8", newline="")
    with pytest.raises(MooError) as raised:
        mooc.load(tmp_path / "m.moo", data=tmp_path / "d.json")
    assert '     "w": "a␍b"}' in str(raised.value).splitlines()
    assert "\r" not in str(raised.value) and "\x1b" not in str(raised.value)


@pytest.mark.parametrize("text,name,label", [
    ("set S = {if, b}\nvar x[S] in [0, 1]\nminimize f: x[if]\nminimize g: 1 - x[b]\n", "if",
     "; a label 'if' is written quoted: [\"if\"]"),
    ("set S = {a, not}\nvar x[S] in [0, 1]\nminimize f: x[a, not]\nminimize g: 1 - x[a]\n",
     "not", "; a label 'not' is written quoted: [\"not\"]"),
    ("param not = 2\nvar x in [0, 1]\nminimize f: not * x\nminimize g: 1 - x\n", "not", ""),
])
def test_a_name_if_or_not_where_an_expression_begins_is_explained(text, name, label):
    # the message said only "expected an expression after 'if', but found ']'"; as an index,
    # it did not say how to write the label
    with pytest.raises(MooError) as raised:
        mooc.compile(text)
    assert f"('{name}' begins a condition where an expression begins: a name '{name}' is " \
           f"read only after an operator{label})" in str(raised.value).splitlines()[0]


@pytest.mark.parametrize("label", ["if", "not", "and", "lathe 2", "-3", "1.5", "café", "p"])
def test_a_label_from_data_that_is_no_name_is_written_quoted(label):
    # 'if', 'not' and labels that are no names (a space, a sign, a letter beyond ASCII) could
    # be summed over but not written in the model at all
    model = ("set S\nparam cost[S]\nvar x in [1, 1]\n"
             f'minimize f: x * sum(cost["{label}"] * cost[p] for p in S)\nmaximize g: x\n')
    problem = mooc.compile(model, data={"S": ["p", label] if label != "p" else ["q", "p"],
                                        "cost": [3, 7]})
    assert problem.evaluate(np.array([[1.0]])).F[0, 0] == 7 * (3 + 7)


@pytest.mark.parametrize("text,message", [
    ('set S = {a, b}\nvar x[S] in [0, 1]\nminimize f: x["c"]\nmaximize g: x[a]\n',
     "3:15: error: 'c' is not a label of the set 'S'"),
    ('param w[1..2] = [1, 2]\nvar x in [0, 1]\nminimize f: x * w["1"]\nmaximize g: x\n',
     '3:19: error: "1" is a label written quoted: it stands only as an index where the '
     'dimension is a named set, as in cost["1"]'),
    ('set S = {a, b}\nvar x[S] in [0, 1]\nminimize f: x[a] * "b"\nmaximize g: x[a]\n',
     "3:20: error: expected an expression after '*', but found '\"b\"' (a label written quoted "
     'stands only as an index, as in x["b"])'),
    ('var m choice {a, b}\nparam p[m] = {a: 1, b: 2}\nvar x in [0, 1]\n'
     'minimize f: x * p["c"]\nmaximize g: x\n',
     "4:19: error: 'p' is indexed by 'm' or one of its labels (a, b)"),
    ('set S\nvar x[S] in [0, 1]\nminimize f: x[-3]\nmaximize g: x[a]\n',
     "3:15: error: the index of 'x' is an element of the set 'S': write one of its labels, or an "
     "index that runs over it ('for p in S'); if \"-3\" is a label, write it quoted: [\"-3\"]"),
    ('set S\nvar x[S] in [0, 1]\nminimize f: x[1.5]\nmaximize g: x[a]\n',
     "3:15: error: the index of 'x' is an element of the set 'S': write one of its labels, or an "
     "index that runs over it ('for p in S'); if \"1.5\" is a label, write it quoted: "
     '["1.5"]'),
])
def test_a_quoted_label_where_it_cannot_stand_is_located(text, message):
    with pytest.raises(MooError) as raised:
        mooc.compile(text)
    assert str(raised.value).splitlines()[0] == "<string>:" + message
