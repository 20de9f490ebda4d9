"""The hand-written parser gives exactly Lark's AST, every span included, or gives up: never an
AST for text Lark refuses, never a different one. Checked on every shipped model, thousands of
mutants of them, hypothesis's programs and the corners of the grammar (keywords as names,
number arrays, nesting)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from model_corpus import CORPUS
from mutants import mutant
from test_fuzz import FUZZ, mutated_program

from mooc.dsl import ast
from mooc.dsl.fast_parser import fast_parse
from mooc.dsl.lark_parser import parse_with_lark
from mooc.errors import MooError

MUTANTS = 3000


def _lark(source: ast.SourceFile) -> ast.Model | MooError:
    try:
        return parse_with_lark(source)
    except MooError as error:
        return error


def _spans(node: object, found: list[ast.Span]) -> list[ast.Span]:
    if isinstance(node, ast.Span):
        found.append(node)
    elif isinstance(node, (tuple, list)):
        for item in node:
            _spans(item, found)
    elif dataclasses.is_dataclass(node) and not isinstance(node, ast.SourceFile):
        for field in dataclasses.fields(node):
            _spans(getattr(node, field.name), found)
    return found


def _agrees(text: str, filename: str = "m.moo") -> bool:
    """Whether the fast parser agrees with Lark on ``text``; True when it parsed it itself."""
    source = ast.SourceFile(filename, text, ())
    fast, lark = fast_parse(source), _lark(source)
    if fast is None:
        return False
    assert not isinstance(lark, MooError), f"the fast parser took text Lark refuses: {lark}"
    assert fast == lark  # spans compare by place
    assert all(span.source is source for span in _spans(fast.statements, []))
    assert [(s.line, s.column, s.end_line, s.end_column) for s in _spans(fast.statements, [])] \
        == [(s.line, s.column, s.end_line, s.end_column) for s in _spans(lark.statements, [])]
    return True


@pytest.mark.parametrize("name, text, filename", CORPUS, ids=[c[0] for c in CORPUS])
def test_every_shipped_model_is_parsed_fast_and_alike(name, text, filename):
    assert _agrees(text, filename)


def test_mutants_are_parsed_alike_or_left_to_lark():
    parsed = sum(_agrees(text, filename) for _, text, filename in map(mutant, range(MUTANTS)))
    assert parsed > MUTANTS // 5  # the fast path is taken for many of them, not just given up


@FUZZ
@given(mutated_program())
def test_fuzzed_programs_are_parsed_alike_or_left_to_lark(text):
    _agrees(text)


CORNERS = [
    # keywords that stand where a name may: names
    "param tol = 1\nparam weight = 2\nvar x in [0, tol + weight]\nminimize f: log(x) + tol * weight\n",
    "var int in [0, 1]\nvar bin in [0, 1]\nvar soft in [0, 1]\nminimize f: int + bin + soft\n",
    "var x in [0, 1]\nminimize f: x\nconstraint c: x <= 1 tol 0.1 weight 2\n",
    "soft constraint c[i in 1..2]: x[i] >= 0 weight 3\n",
    "var x[i in 1..3] in [0, 1] log when i <= 2\n",
    "var c choice {\n red,\n blue\n}\nset s = {a, b}\nset t\ndata \"d.csv\"\n",
    "param p[1..2, 1..2] = [[1, -2.5e3], [.5, +3]]\nparam q = [[1, 2], [x, 3]]\n"
    "param r = {a: 1, b: 2 + 3}\nparam e = []\n",
    "param p = [\n  [1, 2],\n  [3, 4]\n]\nparam q = [1, 2, # a comment\n 3]\n",
    "minimize f: sum(x[i, j] for i in 1..n for j in products)\n"
    "let y = max(a, b, min(c)) + prod(z[k] for k in 1..3) + e.value - - + x ^ - 2 ** y\n",
    "let a = if x < 1 and not y >= 2 or z == 3 then (1) else if w != 0 then 2 else 3\n",
    "extern net(a, b) = python \"m:f\" returns {acc, flops} vectorized timeout 2 * 30 returns {z}\n"
    "extern p() = program \"run {x}\"\n",
    "solver nsga2 {\n  population = 10\n  constraints = \"penalty\"\n\n}\nsolver nsga2 { seed = 1 }\n",
    "problem p \"title\"\ninclude \"zdt1\"\nlet x = \\\n  1 +\\\n  2\r\nlet y = (1 +\n 2)\n",
    "let x = f()\nlet y = g(1, 2,\n 3)\nlet z = a[1, i + 1]\n",
    'let x = c["if"] + use["lathe 2", p] * u[\n  "",\n  "-3"]\n',
    # what Lark refuses, or reads otherwise than a first guess would
    "let x = 1 + if a then b else c\n", "let x = a < b < c\n", "let x = (y for i in 1..2)\n",
    "let x = sum(y for i in if)\n", "var x[i in if] in [0, 1]\n", "let x = 1 +\n",
    "set s = {a\n, b}\n", "let x = x.5\n", "let x = 1..2\n", "let if = 1\n", "let x = not\n",
    "extern e() = python \"m:f\" returns {a\n}\n", "constraint c: x tol 1 tol 2\n",
    "let x = y z\n", "minimize f: x ** ** 2\n", "let x = 2 ^ not y\n", "let x = - not y\n",
    "let x = (" * 70 + "1" + ")" * 70 + "\n", "let x = " + "-" * 130 + "1\n",
    "let x = " + "(1 + " * 50 + "1" + ")" * 50 + "\n", "let é = 1\n", "let x = 1\rlet y = 2\n",
    "", "\n\n# only a comment", "let x = 1", "var x in [0, 1] when\n",
    'let x = "a"\n', 'let x = c["a" + 1]\n', 'let x = f("a")\n', 'let x = c[("a")]\n',
]


@pytest.mark.parametrize("text", CORNERS)
def test_corners_of_the_grammar_are_parsed_alike_or_left_to_lark(text):
    _agrees(text)


@pytest.mark.parametrize("text", CORNERS[:15])
def test_correct_corners_take_the_fast_path(text):
    assert _agrees(text)
