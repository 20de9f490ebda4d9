"""Array literals of plain numbers (``[1, 2.5, -3]``, nested up to three deep), which the
lexer takes as one token: their values as a numpy array, read with a few whole-string
operations rather than one AST node and one sympy number per element.

A literal that does not fit (ragged, of another shape than declared, or with a number beyond
floating point) is expanded into ordinary AST nodes with their spans, so that lowering
reports the mistake exactly where it is.
"""

from __future__ import annotations

import re

import numpy as np

from mooc.dsl import ast

_INNERMOST = re.compile(r"\[[^\[\]]*\]")
_TOKEN = re.compile(r"(?P<skip>#[^\n]*|\\[ \t]*\r?\n|\s+)|(?P<open>\[)|(?P<close>\])|(?P<comma>,)"
                    r"|(?P<number>[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)")


def number_array_values(text: str) -> np.ndarray | None:
    """The values of the literal ``text`` (as lexed: no comments), shaped; None when it is
    ragged."""
    clean = text
    if clean.count("[") == 1:  # one dimension: no structure to find
        shape = [clean.count(",") + 1]
        rest = ""
    else:
        shape, rest = [], clean
    while "[" in rest:
        groups = _INNERMOST.findall(rest)
        counts = {group.count(",") + 1 for group in groups}
        if len(counts) != 1:
            return None
        shape.insert(0, counts.pop())
        rest = _INNERMOST.sub("X", rest)
    numbers = clean.replace("[", " ").replace("]", " ").split(",")
    with np.errstate(over="ignore"):
        values = np.array(numbers, dtype=float)
    return values.reshape(shape)


def expand_number_array(node: ast.NumberArray) -> ast.ArrayLiteral:
    """The literal as ordinary AST nodes, each with its span."""
    stack: list[tuple[int, list[ast.Expr | ast.ArrayLiteral]]] = []
    done: ast.ArrayLiteral | None = None
    for match in _TOKEN.finditer(node.text):
        kind = match.lastgroup
        if kind == "open":
            stack.append((match.start(), []))
        elif kind == "close":
            start, items = stack.pop()
            literal = ast.ArrayLiteral(_span(node, start, match.end()), tuple(items))
            if stack:
                stack[-1][1].append(literal)
            else:
                done = literal
        elif kind == "number":
            text = match.group()
            stack[-1][1].append(ast.Number(_span(node, match.start(), match.end()), float(text),
                                           text))
    assert done is not None, "the lexer only makes balanced literals"
    return done


def _span(node: ast.NumberArray, start: int, end: int) -> ast.Span:
    """The span of ``node.text[start:end]``, which lies on one line unless it is a bracket
    pair spanning several (then it ends where the closing bracket is)."""
    text = node.text
    line = node.span.line + text.count("\n", 0, start)
    before = text.rfind("\n", 0, start)
    column = node.span.column + start if before < 0 else start - before
    end_line = node.span.line + text.count("\n", 0, end)
    last = text.rfind("\n", 0, end)
    end_column = node.span.column + end if last < 0 else end - last
    return ast.Span(node.span.source, line, column, end_line, end_column)
