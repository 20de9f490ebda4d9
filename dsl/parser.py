"""Stage 1: text -> AST. The hand-written parser (:mod:`mooc.dsl.fast_parser`) parses what it
is sure of, and Lark (:mod:`mooc.dsl.lark_parser`, imported only then) the rest: every syntax
error is Lark's, with its message. Both give the same AST."""

from __future__ import annotations

import re

from mooc.dsl import ast
from mooc.dsl.fast_lexer import MAX_DEPTH
from mooc.dsl.fast_parser import fast_parse

__all__ = ["MAX_DEPTH", "parse"]

_LONE_CR = re.compile(r"\r(?!\n)")


def parse(text: str, filename: str = "<string>", *, included_from: tuple[str, ...] = ()
          ) -> ast.Model:
    """Parse a model's text into an :class:`ast.Model`; raise ModelSyntaxError on bad input.

    ``included_from`` lists the includes that led to this file, for error messages. A
    carriage return not followed by a newline (old Mac line endings) ends a line, as it does
    for Python and for editors that show it so; every offset stays as it was.
    """
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)
    source = ast.SourceFile(filename, text, included_from)
    fast = fast_parse(source)
    if fast is not None:
        return fast
    from mooc.dsl.lark_parser import parse_with_lark

    return parse_with_lark(source)
