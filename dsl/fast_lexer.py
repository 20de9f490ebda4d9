"""Stage 1, the fast path's tokens: the text of a model as tokens, the way the Lark lexer and
its post-lexer (:class:`mooc.dsl.lark_parser._BracketNewlines`) see them for a correct model.

Identifiers are all ``name`` tokens here: whether one is a keyword depends on where it stands,
which the parser (:mod:`mooc.dsl.fast_parser`) decides. Anything the lexer is unsure of -- a
character outside the grammar, nesting the post-lexer would refuse -- gives up
(:class:`GiveUp`), and the model is parsed by Lark, which reports it.
"""

from __future__ import annotations

import re

import numpy as np

#: Deepest nesting of expressions accepted; deeper input gets a clear error (from Lark's
#: parser, :mod:`mooc.dsl.lark_parser`), not a RecursionError.
MAX_DEPTH = 120

#: One piece of text each: a blank, a comment, a line continuation, a newline, a number, a
#: word, a string or an operator (Lark's terminals and ignored patterns).
_PIECE = re.compile(r"""[ \t\f]+|\#[^\n]*|\\[ \t]*\r?\n|\r?\n|(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"""
                    r"""|[A-Za-z_][A-Za-z_0-9]*|"[^"\n]*"|\*\*|<=|>=|==|!=|\.\.|[-+*/^<>()\[\]{},:=.]""")
#: What a piece is, by its first character (a '.' followed by a digit is a number).
_FIRST = {**dict.fromkeys(" \t\f", "blank"), "#": "blank", "\\": "continuation",
          "\n": "newline", "\r": "newline", '"': "string",
          **dict.fromkeys("0123456789", "number"),
          **dict.fromkeys("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", "name")}

#: Every word the grammar uses as a keyword somewhere.
KEYWORDS = frozenset({
    "problem", "include", "param", "var", "let", "minimize", "maximize", "constraint", "soft",
    "solver", "set", "data", "in", "int", "bin", "choice", "log", "when", "tol", "weight",
    "extern", "python", "program", "returns", "vectorized", "timeout", "if", "then", "else",
    "or", "and", "not", "for",
})
#: Tokens that open a level of nesting (see MAX_DEPTH).
NESTING_WORDS = frozenset({"^", "**", "not", "if"})

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
    ``array`` -- an array of plain numbers, Lark's NUMBER_ARRAY --, or the operator itself),
    text and offset; an ``end`` token closes them. Newlines inside ``( )`` and ``[ ]`` are
    dropped, as the post-lexer drops them. Lines and columns (Lark's: 1-based, end exclusive)
    of all tokens are found at once."""

    def __init__(self, text: str):
        self.text = text
        kinds: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        position, brackets = 0, 0
        resume: int | None = 0
        first_kind = _FIRST.get
        while resume is not None:
            pieces, resume = _PIECE.finditer(text, resume), None
            for match in pieces:
                piece = match[0]
                kind = first_kind(piece[0], "op")
                if kind == "op":
                    if piece[0] == "." and len(piece) > 1 and piece[1] != ".":
                        kind = "number"
                    elif piece == "[" and kinds and kinds[-1] in ("=", "[", ","):
                        # where Lark tries NUMBER_ARRAY first (a param's value, an array's
                        # item) or where no "[" may stand at all: an array of numbers is one
                        # token, read by one regex however long it is
                        end = number_array_end(text, position)
                        if end is not None:
                            kinds.append("array")
                            texts.append(text[position:end])
                            starts.append(position)
                            position = resume = end
                            break
                        kind = piece
                        brackets += 1
                    else:
                        kind = piece
                        if piece == "(" or piece == "[":
                            brackets += 1
                        elif (piece == ")" or piece == "]") and brackets:
                            brackets -= 1
                elif kind == "blank" or kind == "continuation":
                    position += len(piece)
                    continue
                elif kind == "newline":
                    if brackets:
                        position += len(piece)
                        continue
                    kind = "nl"
                kinds.append(kind)
                texts.append(piece)
                starts.append(position)
                position += len(piece)
        if position != len(text):  # a character no pattern takes was skipped
            raise GiveUp("a character outside the grammar")
        kinds.append("end")
        texts.append("")
        starts.append(len(text))
        self.kinds: list[str] = kinds
        self.texts: list[str] = texts
        self.starts: list[int] = starts
        _check_nesting(kinds, texts)
        # lines and columns of all tokens at once: a token's line counts the newlines before it
        newlines = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
        offsets = np.array(starts, dtype=np.int64)
        before = np.searchsorted(newlines, offsets)
        line_starts = np.concatenate([[0], newlines + 1])[before]
        #: line and column of each token (its tokens of spans lie on one line: the end column
        #: is the column plus its length)
        self.lines: list[int] = (before + 1).tolist()
        self.columns: list[int] = (offsets - line_starts + 1).tolist()

    def end(self, token: int) -> tuple[int, int]:
        """The line and column just after ``token`` (only an array may span lines)."""
        text = self.texts[token]
        if self.kinds[token] == "array" and "\n" in text:
            return self.lines[token] + text.count("\n"), len(text) - text.rfind("\n")
        return self.lines[token], self.columns[token] + len(text)


def _check_nesting(kinds: list[str], texts: list[str]) -> None:
    """Give up where the post-lexer might refuse the nesting: brackets open plus unary signs,
    'not', 'if' and '^' in a row. Counted as the post-lexer counts them, erring on the deep side
    where a word might be a keyword (the post-lexer tells keywords from names; this cannot)."""
    brackets, nesting, unary_place = 0, 0, True
    for kind, value in zip(kinds, texts, strict=True):
        if kind == "name":
            if value in KEYWORDS:  # a keyword resets nesting; a name keeps it: keep the larger
                nesting += value in NESTING_WORDS
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
            if value in NESTING_WORDS or ((value == "-" or value == "+") and unary_place):
                nesting += 1
            elif kind not in ("(", ")", "[", "]"):
                nesting = 0
            unary_place = kind not in (")", "]")
        if brackets + nesting > MAX_DEPTH - 4:
            raise GiveUp("deep nesting")
