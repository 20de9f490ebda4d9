"""Small inputs that once hung, blew up memory or escaped as a Python error: each now compiles
quickly, or is refused quickly with a located error."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import mooc
from mooc.dsl.compiler import compile_text
from mooc.dsl.source import MAX_MODEL_BYTES
from mooc.errors import ModelLimitError, ModelSyntaxError, MooError

#: Generous: each case takes milliseconds; before the fixes some ran for minutes or forever.
LIMIT = 20.0


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def within(seconds: float = LIMIT) -> Iterator[None]:
    """Fail (rather than hang the suite) when the body runs longer than ``seconds``."""
    def alarm(signum, frame):
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - started < seconds


def _values(text: str, X: list[list[float]]) -> np.ndarray:
    with within():
        problem = mooc.compile(text)
    return problem.evaluate(np.array(X, dtype=float)).F


@pytest.mark.parametrize("value", ["10^10^10", "9^9^9", "(-7)^(3^40)", "2^(10^10 / 3)"])
def test_a_huge_exact_power_in_a_param_is_refused_quickly(value):
    with within(), pytest.raises(MooError, match="the param's value is not a finite number"):
        compile_text(f"param p = {value}\nvar x in [0, 1]\nminimize f: x + p\n", "p.moo")


def test_a_huge_exact_power_in_an_objective_is_infinite():
    F = _values("var x in [0, 1]\nminimize f: x + 10^10^10\n", [[0.0], [0.5]])
    assert np.all(F == np.inf)


def test_a_tiny_power_underflows_to_zero_as_in_floating_point():
    F = _values("var x in [0, 1]\nminimize f: x + 10^(-(10^10))\n", [[0.25]])
    assert F.tolist() == [[0.25]]


@pytest.mark.parametrize("exponent", [20000, 10000001])
def test_a_large_power_of_an_expression_keeps_its_written_form(exponent):
    """(x/2)^n is 0 below x = 2 and 1 at it; spread into x^n / 2^n it was NaN or a
    ValueError about converting a long integer to text."""
    text = f"var x in [0, 2]\nminimize f: (x / 2)^{exponent}\nminimize g: -x\n"
    F = _values(text, [[0.5], [1.9], [2.0]])
    assert F[:, 0].tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("expression, x, expected", [
    ("b + 1e308 * 2 * b", 0.5, np.inf),
    ("b / 1e-320", 0.5, np.inf),
    ("-b / 1e-320", 0.5, -np.inf),
])
def test_constant_folding_that_overflows_gives_infinity(expression, x, expected):
    F = _values(f"var b in [0, 1]\nminimize f: {expression}\n", [[x]])
    assert F.tolist() == [[expected]]


def test_a_cosine_of_an_overflowing_argument_is_nan():
    F = _values("var x in [0, 1]\nminimize f: cos(x * pi / 1e-320)\n", [[0.5]])
    assert np.isnan(F).all()


def test_a_reduction_too_large_for_memory_is_refused_before_allocating():
    text = "var x in [0, 1]\nminimize f[m in 1..1000000]: x * sum(1 for i in 1..m)\n"
    with within(), pytest.raises(ModelLimitError) as caught:
        compile_text(text, "big.moo")
    assert "1,000,000 x 1,000,000 = 1,000,000,000,000 elements" in str(caught.value)
    assert str(caught.value).startswith("big.moo:2:40: error:")


@pytest.mark.parametrize("nest", ["(" * 100_000 + "x" + ")" * 100_000, "-" * 100_000 + "x",
                                  "x^" * 100_000 + "x", "not " * 100_000 + "x > 0"])
def test_a_100000_deep_nest_is_refused_before_it_is_parsed(nest):
    text = f"var x in [0, 1]\nminimize f: {nest}\n"
    with within(5.0), pytest.raises(ModelLimitError, match="nested too deeply"):
        compile_text(text, "deep.moo")


def test_an_include_fan_out_is_capped(tmp_path):
    """17 files, each including the next twice: 2^16 leaves."""
    for k in range(17):
        body = f'include "f{k + 1}.moo"\n' * 2 if k < 16 else "var x in [0, 1]\nminimize f: x\n"
        (tmp_path / f"f{k}.moo").write_text(body, encoding="utf-8")
    with within(), pytest.raises(ModelLimitError) as caught:
        mooc.load(tmp_path / "f0.moo")
    message = str(caught.value)
    assert "the includes add up to more than 1,000 files" in message
    assert f"included from {tmp_path / 'f0.moo'}:1:1" in message or "included from" in message


def test_an_endless_file_is_refused_after_a_bounded_read():
    with within(), pytest.raises(ModelLimitError, match="larger than 64 MB"):
        mooc.load("/dev/zero")
    assert MAX_MODEL_BYTES == 64 * 2**20


def test_a_file_that_is_not_utf8_is_located_at_its_first_bad_byte(tmp_path):
    path = tmp_path / "latin1.moo"
    path.write_bytes("var x in [0, 1]\nminimize f: x # café\n".encode("latin-1"))
    with pytest.raises(ModelSyntaxError) as caught:
        mooc.load(path)
    head, line, caret = str(caught.value).split("\n")[:3]
    assert head == f"{path}:2:20: error: the file is not UTF-8 text: byte 0xe9 cannot start or " \
                   "continue a character here; save the file as UTF-8"
    assert caret == "    " + " " * 19 + "^"


def test_an_included_file_that_is_not_utf8_is_located_in_it(tmp_path):
    (tmp_path / "part.moo").write_bytes(b"var y in [0, 1] # \xff\n")
    (tmp_path / "main.moo").write_text('include "part.moo"\nvar x in [0, 1]\nminimize f: x\n',
                                       encoding="utf-8")
    with pytest.raises(ModelSyntaxError) as caught:
        mooc.load(tmp_path / "main.moo")
    assert str(caught.value).startswith(f"{tmp_path / 'part.moo'}:1:19: error: the file is not UTF-8")
    assert "included from" in str(caught.value)


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.moo"
    path.write_bytes(b"\xef\xbb\xbfvar x in [0, 1]\nminimize f: x\n")
    assert mooc.load(path).variable_names == ("x",)


def test_an_error_after_a_form_feed_quotes_the_line_the_parser_counted():
    text = "var x in [0, 1]\n\fminimize f: x +\n"
    with pytest.raises(MooError) as caught:
        compile_text(text, "ff.moo")
    assert str(caught.value).split("\n")[1] == "    ␌minimize f: x +"  # the form feed shown


def test_a_long_line_is_shown_around_the_caret():
    text = "var x in [0, 1]\nminimize f: " + " + ".join(["x"] * 200) + " + +\n"
    with pytest.raises(MooError) as caught:
        compile_text(text, "long.moo")
    _, quoted, caret = str(caught.value).split("\n")[:3]
    assert len(quoted) <= 4 + 3 + 100 + 3
    assert quoted.endswith("x + +") and caret.strip() == "^"
    assert caret.index("^") == len(quoted)  # just after the last '+', where an operand was due


def test_an_error_on_the_command_line_names_dev_zero(capsys):
    from mooc.cli import main

    assert main(["check", "/dev/zero"]) == 2
    assert "'/dev/zero' is larger than 64 MB" in capsys.readouterr().err


def test_a_model_file_path_that_is_a_folder_is_a_clear_error(tmp_path, capsys):
    from mooc.cli import main

    assert main(["check", str(tmp_path)]) == 2
    assert f"cannot read '{tmp_path}'" in capsys.readouterr().err


def test_paths_of_included_files_stay_relative_to_their_includer(tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "base.moo").write_text("var x in [0, 1]\nminimize f: x\n", encoding="utf-8")
    (tmp_path / "top.moo").write_text('include "sub/base.moo"\n', encoding="utf-8")
    assert mooc.load(Path(tmp_path / "top.moo")).objective_names == ("f",)


#: An integer of more digits than Python converts to an int (4,300), as a user may paste one.
LONG = "7" * 5000
SHOWN = "7" * 37 + "..."  # how a message quotes it
ONE = "param n\nvar x in [0, 1]\nminimize f: x * n\nmaximize g: x\n"
TWO = "param c[i in 1..2]\nvar x in [0, 1]\nminimize f: x * c[1]\nmaximize g: x\n"


@pytest.mark.parametrize("model,name,text,head", [
    (ONE, "d.json", f'{{"n": {LONG}}}',
     f"d.json:1:7: error: 'n' takes a finite number here, but this is {SHOWN}"),
    (TWO, "d.json", f'{{"c": [1, -{LONG}]}}',
     f"d.json:1:11: error: 'c' takes a finite number here, but this is -{SHOWN[:-4]}..."),
    (TWO, "d.json", f'{{"c": {{"1": 1, "{LONG}": 2}}}}',
     f"d.json:1:16: error: '{SHOWN}' is not an index in the range 1..2"),
    (TWO, "d.csv", f"i,c\n1,{LONG}\n2,3\n",
     f"d.csv:2:3: error: expected a finite number, but found '{SHOWN}'"),
    (TWO, "d.tsv", f"i\tc\n1\t{LONG}\n2\t3\n",
     f"d.tsv:2:3: error: expected a finite number, but found '{SHOWN}'"),
    (TWO, "d.csv", f"i,c\n1,3\n{LONG},3\n",
     f"d.csv:3:1: error: expected a finite number, but found '{SHOWN}'"),
    (ONE.replace("param n", f"param n = {LONG}"), None, None,
     f"m.moo:1:11: error: {SHOWN} is not a finite number: the largest is about 1.8e308"),
], ids=["json", "json list", "json key", "csv", "tsv", "csv index", "model"])
def test_an_integer_of_thousands_of_digits_is_located_and_cut_short(tmp_path, monkeypatch,
                                                                     model, name, text, head):
    # JSON showed Python's "Exceeds the limit (4300 digits) for integer string conversion",
    # with no line or column; the others quoted all 5,000 digits in the message
    monkeypatch.chdir(tmp_path)
    Path("m.moo").write_text(model)
    if name is not None:
        Path(name).write_text(text)
    with within(), pytest.raises(MooError) as caught:
        mooc.load("m.moo", data=[name] if name else None)
    first, quoted, caret = str(caught.value).split("\n")
    assert first == head
    assert quoted.endswith("...") and caret.strip().startswith("^")


def test_a_json_label_of_thousands_of_digits_is_a_label(tmp_path):
    (tmp_path / "m.moo").write_text("set S\nvar x in [0, 1]\nminimize f: x\nmaximize g: x\n")
    (tmp_path / "s.json").write_text(f'{{"S": ["a", {LONG}]}}')
    problem = mooc.load(tmp_path / "m.moo", data=[tmp_path / "s.json"])
    assert problem.objective_names == ("f", "g")


def test_a_lower_digit_limit_is_kept_too(tmp_path, capsys):
    # --set took up to 4,000 digits as an int, whatever limit Python was given
    from mooc.cli import main

    (tmp_path / "m.moo").write_text(ONE)
    (tmp_path / "d.json").write_text(f'{{"n": {"7" * 1000}}}')
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)
    try:
        assert main(["check", str(tmp_path / "m.moo"), "--set", "n=" + "7" * 1000]) == 2
        assert main(["check", str(tmp_path / "m.moo"), "--data", str(tmp_path / "d.json")]) == 2
    finally:
        sys.set_int_max_str_digits(limit)
    set_error, data_error = capsys.readouterr().err.split("\n", 1)
    assert set_error == f"error: --set n: '{'7' * 30}...' is beyond the float range: the " \
                        "largest is about 1.8e308; params take finite numbers, as in the model file"
    assert data_error.startswith(f"{tmp_path / 'd.json'}:1:7: error: 'n' takes a finite number")


@pytest.mark.parametrize("depth", [101, 985, 5000])
@pytest.mark.parametrize("how", ["--data", "--set"])
def test_json_nested_too_deep_is_located_in_its_file(tmp_path, capsys, depth, how):
    # about 1,000 deep, a file gave a RecursionError traceback (Python's "maximum recursion
    # depth" while locating an error in it); deeper, an error at the 'data' statement only
    from mooc.cli import main

    (tmp_path / "m.moo").write_text("param w\nvar x in [0, 1]\nminimize f: w * x\nmaximize g: x\n")
    value = "[" * depth + "1" + "]" * depth
    (tmp_path / "d.json").write_text(f'{{"w": {value}}}' if how == "--data" else value)
    given = str(tmp_path / "d.json") if how == "--data" else "w=@" + str(tmp_path / "d.json")
    with within():
        assert main(["check", str(tmp_path / "m.moo"), how, given]) == 2
    error = capsys.readouterr().err
    column = 106 if how == "--data" else 101  # the bracket that opens level 101
    assert error.startswith(f"{tmp_path / 'd.json'}:1:{column}: error: lists and objects are "
                            "nested more than 100 levels deep here")
    assert "recursion" not in error.lower() and "Traceback" not in error


def test_a_large_json_file_of_many_nested_lists_loads(tmp_path):
    # the depth check goes through many brackets without a Python step for each
    rows = 200_000
    matrix = ", ".join(f"[{k}, {k + 0.5}]" for k in range(rows))
    (tmp_path / "d.json").write_text(f'{{"u": [{matrix}]}}')
    (tmp_path / "m.moo").write_text(f"param u[1..{rows}, 1..2]\nvar x in [0, 1]\n"
                                    f"minimize f: u[{rows}, 2] * x\nmaximize g: x\n")
    with within():
        problem = mooc.load(tmp_path / "m.moo", data=tmp_path / "d.json")
    assert problem.evaluate(np.array([[1.0]])).F[0, 0] == rows - 0.5


def test_brackets_inside_a_json_string_are_not_nesting(tmp_path):
    (tmp_path / "d.json").write_text('{"w": "' + "[" * 200 + '\\"' + "{" * 200 + '"}')
    (tmp_path / "m.moo").write_text("param w\nvar x in [0, 1]\nminimize f: w * x\nmaximize g: x\n")
    with pytest.raises(MooError, match=r"d.json:1:7: error: 'w' takes a finite number here"):
        mooc.load(tmp_path / "m.moo", data=tmp_path / "d.json")
