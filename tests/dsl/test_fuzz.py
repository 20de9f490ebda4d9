"""Property-based fuzzing: nothing but MooError ever escapes compile_text, and what compiles
evaluates to arrays of the right shapes without numpy warnings."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mooc.dsl.compiler import compile_text
from mooc.errors import MooError

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.moo"))
PROGRAMS = [p.read_text(encoding="utf-8") for p in EXAMPLES]
TOKEN = re.compile(r"\s+|[A-Za-z_][A-Za-z_0-9]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\.|\*\*|[<>=!]=|.",
                   re.S)
VOCABULARY = sorted({t for text in PROGRAMS for t in TOKEN.findall(text) if not t.isspace()}
                    | {"(", ")", "[", "]", "{", "}", ",", "..", "if", "then", "else", "not",
                       "and", "or", "min", "max", "sum", "prod", "sqrt", "log", "1/0", "0",
                       "-1", "1e308", "nan", "\n", "\t", "\\\n", "é", "\x00", "\"", "#"})

FUZZ = settings(max_examples=600, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _compile_or_moo_error(text: str) -> None:
    """Compile; a MooError is fine, anything else fails. A model that compiles must evaluate."""
    try:
        compiled = compile_text(text, filename="fuzz.moo")
    except MooError as error:
        assert str(error)
        return
    _evaluate_inside_bounds(compiled)


def _evaluate_inside_bounds(compiled) -> None:
    lowered = compiled.lowered
    lower = np.concatenate([b.lower for b in lowered.variables])
    upper = np.concatenate([b.upper for b in lowered.variables])
    rng = np.random.default_rng(0)
    n = 7
    X = lower + rng.random((n, lower.size)) * (upper - lower)
    kinds = [b.kind for b in lowered.variables for _ in range(b.size)]
    for j, kind in enumerate(kinds):
        if kind in ("int", "bin", "choice"):
            X[:, j] = np.round(X[:, j])
    code = compiled.code
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F, G, S = compiled.evaluate(X)
    assert F.shape == (n, code.n_obj)
    assert G.shape == (n, code.n_hard)
    assert S.shape == (n, code.n_soft)


@st.composite
def mutated_program(draw):
    tokens = _tokens(draw(st.sampled_from(PROGRAMS)))
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        where = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "swap", "replace"]))
        if action == "delete":
            del tokens[where]
        elif action == "insert":
            tokens.insert(where, draw(st.sampled_from(VOCABULARY)))
        elif action == "duplicate":
            tokens.insert(where, tokens[where])
        elif action == "swap":
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[where], tokens[other] = tokens[other], tokens[where]
        else:
            tokens[where] = draw(st.sampled_from(VOCABULARY))
    return "".join(tokens)


@st.composite
def character_mutation(draw):
    text = draw(st.sampled_from(PROGRAMS))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        if action == "delete":
            text = text[:where] + text[where + 1:]
        elif action == "insert":
            text = text[:where] + draw(st.characters()) + text[where:]
        elif action == "duplicate":
            text = text[:where] + text[where:where + 1] * 2 + text[where + 1:]
        elif where + 1 < len(text):
            text = text[:where] + text[where + 1] + text[where] + text[where + 2:]
    return text


EXPRESSION_ATOMS = ["x", "y", "1", "0", "2.5", "-1", "pi", "e", "sum(z[i] for i in 1..3)",
                    "z[2]", "min(x, y)", "max(z[i] for i in 1..3)"]
UNARY = ["sqrt", "log", "exp", "abs", "sin", "cos", "tan", "asin", "acos", "floor", "log10",
         "cosh", "tanh", "ceil", "-", "+"]
BINARY = ["+", "-", "*", "/", "^"]


@st.composite
def random_expression(draw, depth=0):
    if depth > 6 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(EXPRESSION_ATOMS))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        func = draw(st.sampled_from(UNARY))
        return f"{func}({draw(random_expression(depth + 1))})"
    if kind == 1:
        op = draw(st.sampled_from(BINARY))
        return f"({draw(random_expression(depth + 1))} {op} {draw(random_expression(depth + 1))})"
    if kind == 2:
        cond = draw(st.sampled_from(["x < y", "x >= 0.5", "not (y == 1)", "x < 1 and y > 0"]))
        return (f"(if {cond} then {draw(random_expression(depth + 1))} "
                f"else {draw(random_expression(depth + 1))})")
    return "(" * 3 + draw(random_expression(depth + 1)) + ")" * 3


@FUZZ
@given(mutated_program())
def test_token_mutations_raise_only_moo_errors(text):
    _compile_or_moo_error(text)


@FUZZ
@given(character_mutation())
def test_character_mutations_raise_only_moo_errors(text):
    _compile_or_moo_error(text)


@settings(FUZZ, max_examples=600)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=40), st.sampled_from([" ", ""]))
def test_random_token_soup_raises_only_moo_errors(tokens, separator):
    _compile_or_moo_error(separator.join(tokens))


@settings(FUZZ, max_examples=400)
@given(st.text(max_size=80))
def test_random_text_raises_only_moo_errors(text):
    _compile_or_moo_error(text)


@settings(FUZZ, max_examples=200)
@given(random_expression(), st.sampled_from(["minimize", "maximize"]),
       st.booleans())
def test_random_expressions_compile_and_evaluate_without_warnings(expression, sense, as_constraint):
    text = ("var x in [0, 1]\nvar y in [-2, 3]\nvar z[1..3] in [0.5, 2]\n"
            f"{sense} f: {expression}\nminimize g: x\n")
    if as_constraint:
        text += f"constraint c: {expression} <= 1\nsoft constraint s: {expression} >= 0 weight 2\n"
    _compile_or_moo_error(text)


@settings(FUZZ, max_examples=60)
@given(st.integers(1, 400), st.sampled_from(["(", "-(", "sqrt(", "[", "max(1, "]))
def test_random_deep_nesting_raises_only_moo_errors(depth, opener):
    closer = "]" if opener == "[" else ")"
    text = f"var x in [0, 1]\nminimize f: {opener * depth}x{closer * depth}\n"
    _compile_or_moo_error(text)


FAMILY_ATOMS = ["m", "z[m]", "sum(z[i] for i in 1..m)", "prod(z[i] for i in m..3)",
                "min(z[i] * m for i in 1..4-m)", "s[m]", "x", "(if m > 1 then y else -y)",
                "max(z[i] + s[i] for i in m..3)", "sum(z[i] * z[j] for i in 1..m for j in i..3)"]


@st.composite
def family_expression(draw, depth=0):
    if depth > 4 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(FAMILY_ATOMS))
    if draw(st.booleans()):
        return f"{draw(st.sampled_from(UNARY))}({draw(family_expression(depth + 1))})"
    op = draw(st.sampled_from(BINARY))
    return f"({draw(family_expression(depth + 1))} {op} {draw(family_expression(depth + 1))})"


@settings(FUZZ, max_examples=80)
@given(family_expression(), st.booleans())
def test_random_indexed_families_evaluate_with_the_right_shapes(expression, as_constraint):
    text = ("var x in [0, 1]\nvar y in [-2, 3]\nvar z[1..3] in [0.5, 2]\n"
            "let s[k in 1..3] = z[k] * k - x\n"
            f"minimize f[m in 1..3]: {expression}\nminimize g: x\n")
    if as_constraint:
        text += f"constraint c[m in 1..3]: {expression} <= 1\n"
    _compile_or_moo_error(text)
