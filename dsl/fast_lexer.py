"""Stage 1, the fast path's tokens: the text of a model as tokens, the way the Lark lexer and
its post-lexer (:class:`mooc.dsl.parser._BracketNewlines`) see them for a correct model.

Identifiers are all ``name`` tokens here: whether one is a keyword depends on where it stands,
which the parser (:mod:`mooc.dsl.fast_parser`) decides. Anything the lexer is unsure of -- a
character outside the grammar, nesting the post-lexer would refuse -- gives up
(:class:`GiveUp`), and the model is parsed by Lark, which reports it.
"""

from __future__ import annotations

import re

#: Deepest nesting the post-lexer accepts (:data:`mooc.dsl.parser.MAX_DEPTH`).
MAX_DEPTH = 120

_TOKEN = re.compile(r"""
    (?P<ws>[ \t\f]+)
  | (?P<comment>\#[^\n]*)
  | (?P<cont>\\[ \t]*\r?\n)
  | (?P<nl>\r?\n)
  | (?P<number>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<string>"[^"\n]*")
  | (?P<op>\*\*|<=|>=|==|!=|\.\.|[-+*/^<>()\[\]{},:=.])
""", re.VERBOSE)

#: Every word the grammar uses as a keyword somewhere.
KEYWORDS = frozenset({
    "problem", "include", "param", "var", "let", "minimize", "maximize", "constraint", "soft",
    "solver", "set", "data", "in", "int", "bin", "choice", "log", "when", "tol", "weight",
    "extern", "python", "program", "returns", "vectorized", "timeout", "if", "then", "else",
    "or", "and", "not", "for",
})
_NESTING = frozenset({"^", "**", "not", "if"})

# An array of plain numbers lexed whole: NUMBER_ARRAY of grammar.lark, which Lark tries first
# where a param's value or an array's item may start.
_SIGNED = r"[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
_SPACE = r"[ \t\f\r\n]*"
_ARRAY_1 = rf"\[{_SPACE}{_SIGNED}(?:{_SPACE},{_SPACE}{_SIGNED})*{_SPACE}\]"
_ARRAY_2 = rf"\[{_SPACE}{_ARRAY_1}(?:{_SPACE},{_SPACE}{_ARRAY_1})*{_SPACE}\]"
_ARRAY_3 = rf"\[{_SPACE}{_ARRAY_2}(?:{_SPACE},{_SPACE}{_ARRAY_2})*{_SPACE}\]"
_NUMBER_ARRAY = re.compile(f"{_ARRAY_1}|{_ARRAY_2}|{_ARRAY_3}")


def number_array_end(text: str, start: int) -> int | None:
    """Where an array of plain numbers that starts at ``start`` ends, if one does."""
    match = _NUMBER_ARRAY.match(text, start)
    return match.end() if match else None


class GiveUp(Exception):
    """The fast path is unsure; Lark parses the model instead."""


class Tokens:
    """The tokens of a text: parallel lists of kind (``name``, ``number``, ``string``, ``nl``,
    or the operator itself), text, offset, line, column, end line and end column (Lark's
    conventions: 1-based, end exclusive). Newlines inside ``( )`` and ``[ ]`` are dropped, as
    the post-lexer drops them; an ``end`` token closes the list."""

    def __init__(self, text: str):
        self.text = text
        kinds: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        lines: list[int] = []
        columns: list[int] = []
        end_lines: list[int] = []
        end_columns: list[int] = []
        line, line_start, position, brackets = 1, 0, 0, 0
        for match in _TOKEN.finditer(text):
            start, end = match.span()
            if start != position:
                raise GiveUp("a character outside the grammar")
            position = end
            kind = match.lastgroup
            if kind == "ws" or kind == "comment":
                continue
            if kind == "cont" or kind == "nl":
                if kind == "nl" and not brackets:
                    kinds.append("nl")
                    texts.append("\n")
                    starts.append(start)
                    lines.append(line)
                    columns.append(start - line_start + 1)
                    end_lines.append(line + 1)
                    end_columns.append(1)
                line += 1
                line_start = end
                continue
            value = match.group()
            if kind == "op":
                kind = value
                if value == "(" or value == "[":
                    brackets += 1
                elif (value == ")" or value == "]") and brackets:
                    brackets -= 1
            kinds.append(kind)  # type: ignore[arg-type]
            texts.append(value)
            starts.append(start)
            lines.append(line)
            column = start - line_start + 1
            columns.append(column)
            end_lines.append(line)
            end_columns.append(column + end - start)
        if position != len(text):
            raise GiveUp("a character outside the grammar")
        for items, value in ((kinds, "end"), (texts, ""), (starts, len(text)), (lines, line),
                             (columns, len(text) - line_start + 1), (end_lines, line),
                             (end_columns, len(text) - line_start + 1)):
            items.append(value)  # type: ignore[attr-defined]
        self.kinds, self.texts, self.starts = kinds, texts, starts
        self.lines, self.columns = lines, columns
        self.end_lines, self.end_columns = end_lines, end_columns
        _check_nesting(kinds, texts)


def _check_nesting(kinds: list[str], texts: list[str]) -> None:
    """Give up where the post-lexer might refuse the nesting: brackets open plus unary signs,
    'not', 'if' and '^' in a row. Counted as the post-lexer counts them, erring on the deep side
    where a word might be a keyword (the post-lexer tells keywords from names; this cannot)."""
    brackets, nesting, unary_place = 0, 0, True
    for kind, value in zip(kinds, texts, strict=True):
        if kind == "name":
            if value in KEYWORDS:  # a keyword resets nesting; a name keeps it: keep the larger
                nesting += value in _NESTING
                unary_place = True
            else:
                unary_place = False
        elif kind == "number":
            unary_place = False
        else:
            if kind == "(" or kind == "[":
                brackets += 1
            elif (kind == ")" or kind == "]") and brackets:
                brackets -= 1
            if value in _NESTING or ((value == "-" or value == "+") and unary_place):
                nesting += 1
            elif kind not in ("(", ")", "[", "]"):
                nesting = 0
            unary_place = kind not in (")", "]")
        if brackets + nesting > MAX_DEPTH - 4:
            raise GiveUp("deep nesting")
