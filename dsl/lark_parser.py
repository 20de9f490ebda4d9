"""Stage 1, Lark's way: a Lark LALR parser (its tree becomes typed nodes in
:mod:`mooc.dsl.lark_transform`) and friendly syntax errors. :func:`mooc.dsl.parser.parse` comes
here for what the fast parser leaves."""

from __future__ import annotations

import difflib
import threading
from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from mooc.dsl import ast
from mooc.dsl.fast_lexer import MAX_DEPTH, NESTING_WORDS
from mooc.dsl.lark_transform import ToAst, span_of, token_span
from mooc.errors import ModelLimitError, ModelSyntaxError

#: Words and operators that nest what follows them one level deeper (besides brackets).

STATEMENT_KEYWORDS = (
    "problem", "include", "param", "var", "let", "minimize", "maximize", "constraint", "soft",
    "solver", "set", "data",
)


class _BracketNewlines:
    """Post-lexer: newlines inside ( ) and [ ] continue the statement; remembers recent tokens."""

    # NAME everywhere, so that 'varr' lexes as one misspelled word rather than 'var' + 'r'.
    always_accept = ("_NL", "NAME")

    def __init__(self) -> None:
        self.recent: deque[Token] = deque(maxlen=2)
        self.open_brackets: list[Token] = []
        self.source: ast.SourceFile | None = None

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        self.recent.clear()
        self.open_brackets.clear()
        nesting = 0  # unary signs, 'not', '^' and 'if' since the last binary operator
        for token in stream:
            if token.type == "_NL" and self.open_brackets:
                continue
            if token.value in ("(", "["):
                self.open_brackets.append(token)
            elif token.value in (")", "]") and self.open_brackets:
                self.open_brackets.pop()
            nesting = nesting + 1 if self._nests(token) else (
                nesting if token.type in ("NAME", "NUMBER") or token.value in "()[]" else 0)
            if len(self.open_brackets) + nesting > MAX_DEPTH:
                self._too_deep(token)
            self.recent.append(token)
            yield token

    def _nests(self, token: Token) -> bool:
        """Whether ``token`` opens a level of nesting in the expression tree."""
        if token.value in NESTING_WORDS:
            return True
        previous = self.recent[-1] if self.recent else None
        unary_place = previous is None or previous.type not in ("NAME", "NUMBER") and \
            previous.value not in (")", "]")
        return token.value in ("-", "+") and unary_place

    def _too_deep(self, token: Token) -> None:
        """Refuse a nest deeper than MAX_DEPTH as soon as the lexer meets it, rather than after
        parsing all of it (a 100,000-deep nest took seconds to parse)."""
        assert self.source is not None
        raise ModelLimitError(f"expression nested too deeply: more than {MAX_DEPTH} levels; "
                              "split it with 'let' statements", token_span(token, self.source))


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, _BracketNewlines]:
    postlexer = _BracketNewlines()
    grammar = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")
    parser = Lark(grammar, parser="lalr", lexer="contextual", propagate_positions=True,
                  postlex=postlexer, maybe_placeholders=True, cache=True)
    return parser, postlexer


_PARSE_LOCK = threading.Lock()


def parse_with_lark(source: ast.SourceFile) -> ast.Model:
    """Parse ``source`` into an :class:`ast.Model`; raise ModelSyntaxError on bad input."""
    with _PARSE_LOCK:
        return _parse_locked(source)


def _parse_locked(source: ast.SourceFile) -> ast.Model:
    text = source.text
    parser, postlexer = _parser()
    postlexer.source = source
    try:
        tree = parser.parse(text if text.endswith("\n") else text + "\n")
    except UnexpectedInput as error:
        if isinstance(error, UnexpectedToken) and error.token.type == "$END" and postlexer.open_brackets:
            opener = postlexer.open_brackets[-1]
            closer = ")" if opener.value == "(" else "]"
            raise ModelSyntaxError(f"'{opener.value}' is never closed: expected '{closer}'",
                                   token_span(opener, source)) from None
        raise _syntax_error(error, source, parser, list(postlexer.recent),
                            list(postlexer.open_brackets)) from None
    _check_depth(tree, source)
    return ast.Model(source, tuple(ToAst(source).transform(tree).children))


def _check_depth(tree: Tree, source: ast.SourceFile) -> None:
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            span = span_of(node.meta, source)
            raise ModelLimitError(
                f"expression nested too deeply: more than {MAX_DEPTH} levels; "
                "split it with 'let' statements", span)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


# Syntax errors ---------------------------------------------------------------------------

_WORDS = {
    "NAME": "a name", "NUMBER": "a number", "STRING": "a quoted string", "_NL": "end of line",
    "$END": "end of file", "COMPARE": "a comparison", "ADDOP": "'+' or '-'",
    "MULOP": "'*' or '/'", "POWOP": "'^'", "MINIMIZE": "'minimize'", "MAXIMIZE": "'maximize'",
    "SOFT": "'soft'", "LOG": "'log'", "NUMBER_ARRAY": "'['",
}
_EXPRESSION_STARTS = {"NAME", "NUMBER"}
_OPERATOR_VALUES = {"+", "-", "*", "/", "^", "**", "<=", ">=", "==", "!=", "<", ">", "=", "(",
                    "[", ",", ":", "..", "and", "or", "not", "if", "then", "else", "tol", "weight"}


def _describe_expected(name: str, parser: Lark) -> str:
    if name in _WORDS:
        return _WORDS[name]
    if name == "an operator":
        return name
    try:
        pattern = parser.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    return f"'{pattern.value}'"


def _describe_token(token: Token) -> str:
    if token.type == "_NL":
        return "end of line"
    if token.type == "$END":
        return "end of file"
    if token.type == "NUMBER_ARRAY":  # an array literal lexed whole: name its bracket
        return "'['"
    return f"'{token.value}'"


def _expected_list(expected: set[str], parser: Lark) -> str:
    words = sorted({_describe_expected(name, parser) for name in expected})
    if len(words) > 6:
        words = words[:6] + ["..."]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _syntax_error(error: UnexpectedInput, source: ast.SourceFile, parser: Lark,
                  recent: list[Token], open_brackets: list[Token]) -> ModelSyntaxError:
    line, column = max(error.line or 1, 1), max(error.column or 1, 1)
    span = ast.Span(source, line, column, line, column + 1)
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = source.text[position] if position < len(source.text) else "?"
        shown = f'"{char}"' if char == "'" else f"'{char}'" if char.isprintable() else repr(char)
        return ModelSyntaxError(f"unexpected character {shown}", span)
    if isinstance(error, UnexpectedEOF):
        return ModelSyntaxError("unexpected end of file", span)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    if token.type not in ("$END",) and token.line is not None:
        span = token_span(token, source)
        if token.type in ("_NL", "NUMBER_ARRAY"):
            span = ast.Span(source, token.line, token.column, token.line, token.column + 1)
    # accepts: what the parser state takes after reductions; expected also holds terminals the
    # post-lexer always lets through (end of line, a name), which would mislead
    expected = set(error.accepts or error.expected)
    message = _token_message(token, expected, parser, recent, open_brackets)
    return ModelSyntaxError(message, span)


def _token_message(token: Token, expected: set[str], parser: Lark, recent: list[Token],
                   open_brackets: list[Token]) -> str:
    previous = recent[-2] if len(recent) >= 2 and recent[-1] is token else (
        recent[-1] if recent and recent[-1] is not token else None)
    found = _describe_token(token)
    if "PARAM" in expected or "VAR" in expected:
        if token.type == "NAME":
            guess = difflib.get_close_matches(token.value, STATEMENT_KEYWORDS, n=1)
            hint = f"; did you mean '{guess[0]}'?" if guess else "."
            return (f"unknown statement '{token.value}'{hint} A statement starts with "
                    "param, var, let, minimize, maximize, constraint, soft constraint or solver")
        return f"expected a statement, but found {found}"
    if expected & _EXPRESSION_STARTS and previous is not None and previous.value in _OPERATOR_VALUES:
        message = f"expected an expression after '{previous.value}', but found {found}"
        if previous.value in ("if", "not") and \
                token.type not in (*_EXPRESSION_STARTS, "_NL", "$END"):  # as a name, say x[if]
            label = f'; a label \'{previous.value}\' is written quoted: ["{previous.value}"]' \
                if open_brackets and open_brackets[-1].value == "[" else ""
            message += (f" ('{previous.value}' begins a condition where an expression begins: "
                        f"a name '{previous.value}' is read only after an operator{label})")
        elif token.type == "STRING":
            message += f" (a label written quoted stands only as an index, as in x[{token.value}])"
        return message
    if token.type == "_NL" and previous is not None:
        return (f"the statement is incomplete after '{previous.value}': expected "
                f"{_expected_list(expected, parser)}")
    ends_value = previous is not None and (previous.type in _EXPRESSION_STARTS
                                           or previous.value in (")", "]"))
    if ends_value and previous is not None and token.type in _EXPRESSION_STARTS \
            and "ADDOP" in expected:
        # After a complete value: a missing operator, separator or closing bracket.
        missing = ["an operator"] + ["','"] * ("COMMA" in expected)
        if open_brackets:
            closer, terminal = ("')'", "RPAR") if open_brackets[-1].value == "(" else ("']'", "RSQB")
            missing += [closer] * (terminal in expected)
        listing = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        return f"unexpected {found} after '{previous.value}': is {listing} missing?"
    operators = {"ADDOP", "MULOP", "POWOP", "COMPARE"}
    if expected & operators:
        expected = (expected - operators) | {"an operator"}
    after = f" after '{previous.value}'" if previous is not None and previous.type != "_NL" else ""
    return f"unexpected {found}{after}; expected {_expected_list(expected, parser)}"
