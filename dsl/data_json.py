"""Reading JSON data files, and locating a value in one to report a mistake there
(``file:row:col`` with the line and a caret). Part of :mod:`mooc.dsl.data_files`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mooc.dsl import ast
from mooc.dsl.data_files import read_text, span_at
from mooc.dsl.data_nesting import MAX_JSON_DEPTH
from mooc.dsl.written_numbers import json_int, written_float
from mooc.errors import DataError


@dataclass
class JsonDocument:
    """A JSON data file: its parsed value, and its text to locate values in."""

    file: str
    value: Any
    source: ast.SourceFile

    def error(self, path: tuple[object, ...], message: str, *, key: bool = False) -> DataError:
        """A DataError at the value (or, with ``key``, the object key) that ``path`` leads to."""
        try:
            start, end = locate(self.source.text, path, key=key)
        except (ValueError, IndexError):
            return DataError(f"{self.file}, at {path_text(path)}: {message}")
        return DataError(message, span_at(self.source, start, end))


def path_text(path: tuple[object, ...]) -> str:
    """A JSON path as Python would index it: ``['use']['machine'][2]``."""
    return "".join(f"[{step!r}]" for step in path) or "the top level"


#: Text in which a JSON number may be beyond the float range or round to 0: an exponent of
#: three digits, or hundreds of digits in a row. Without it the reader's own float is used.
_FLOAT_TROUBLE = re.compile(r"[eE][+-]?\d{3}|\d{300}")


class _DuplicateKey(ValueError):
    """A key given twice in one object (which ``json`` would take the last of, silently)."""

    def __init__(self, key: str):
        super().__init__(f"the key {key!r} appears twice in one object")
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def _second_key(text: str) -> tuple[int, int]:
    """Where the first key given twice in one object of the (valid) JSON ``text`` is, the
    second time: read again from the start, as :func:`locate` does."""
    decoder = json.JSONDecoder(parse_int=json_int)

    def skip(position: int) -> int:
        return _SPACE.match(text, position).end()  # type: ignore[union-attr]

    def value(position: int) -> int:
        position = skip(position)
        if text[position] not in "{[":
            return decoder.raw_decode(text, position)[1]
        closing, seen = ("}" if text[position] == "{" else "]"), set()
        position = skip(position + 1)
        while text[position] != closing:
            if closing == "}":
                key, end = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
                if key in seen:
                    raise _Found(position, end)
                seen.add(key)
                position = skip(end) + 1  # past ':'
            position = skip(value(position))
            if text[position] == ",":
                position = skip(position + 1)
        return position + 1

    try:
        value(0)
    except _Found as found:
        return found.start, found.end
    raise ValueError("no key given twice")


class _Found(Exception):
    def __init__(self, start: int, end: int):
        super().__init__()
        self.start, self.end = start, end


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_BRACKET_OR_STRING = re.compile(_STRING.pattern + r"|[\[\]{}]")


def _check_depth(source: ast.SourceFile) -> None:
    """Refuse lists and objects nested deeper than :data:`MAX_JSON_DEPTH`, at the bracket that
    opens the level too many: Python's reader would fail with its own words (or a later step
    with a traceback). Checked without a Python step per value, so a large file stays fast."""
    text = source.text
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text))
    steps = np.frombuffer(brackets.encode(), dtype=np.uint8)
    depth = np.cumsum(np.where((steps == ord("[")) | (steps == ord("{")), 1, -1))
    if depth.size == 0 or depth.max() <= MAX_JSON_DEPTH:
        return
    level = 0
    for match in _BRACKET_OR_STRING.finditer(text):  # where, exactly: only for the message
        level += {"[": 1, "{": 1, "]": -1, "}": -1}.get(match.group(), 0)
        if level > MAX_JSON_DEPTH:
            raise DataError(f"lists and objects are nested more than {MAX_JSON_DEPTH} levels "
                            "deep here; a param's value nests one level per index",
                            span_at(source, match.start()))


def read_json(path: Path, shown: str) -> JsonDocument:
    """A JSON data file."""
    text = read_text(path, shown)
    source = ast.SourceFile(shown, text)
    if not text.strip():
        what = "holds only blank lines" if text else "is empty"
        raise DataError(f"this file {what}: a JSON data file holds an object of values by name, "
                        'as in {"profit": {"bolt": 3}}', span_at(source, 0))
    _check_depth(source)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=json_int,
                           parse_float=written_float if _FLOAT_TROUBLE.search(text) else float)
    except json.JSONDecodeError as error:
        span = span_at(source, min(error.pos, max(len(text) - 1, 0)))
        raise DataError(f"this is not valid JSON: {_syntax_message(error, text)}", span) from None
    except _DuplicateKey as error:
        try:
            start, end = _second_key(text)
        except (ValueError, IndexError, RecursionError):
            raise DataError(f"{shown}: {error}") from None
        raise DataError(f"the key {error.key!r} appears twice in one object",
                        span_at(source, start, end)) from None
    except ValueError as error:
        raise DataError(f"{shown}: {error}") from None
    except RecursionError:
        raise DataError(f"{shown}: the JSON is nested too deeply") from None
    return JsonDocument(shown, value, source)


_CONTROL_CHARACTERS = {"\n": ("a line break", "\\n"), "\r": ("a carriage return", "\\r"),
                       "\t": ("a tab", "\\t")}


def _syntax_message(error: json.JSONDecodeError, text: str) -> str:
    """What Python's JSON reader found wrong, in words that need no "at ..." after them (its
    messages for a control character or an open string end in "at", the place cut off)."""
    if error.msg.startswith("Invalid control character"):
        char = text[error.pos]
        what, escape = _CONTROL_CHARACTERS.get(char, ("a control character",
                                                      f"\\u{ord(char):04x}"))
        missing = " (or is the closing '\"' missing?)" if char == "\n" else ""
        return f"a string holds {what} here: write it as {escape}{missing}"
    if error.msg.startswith("Unterminated string"):
        return "a string starts here and has no closing '\"'"
    if error.msg == "Invalid \\escape":
        return (f"'{text[error.pos:error.pos + 2]}' is no escape JSON knows (\\\\, \\\", \\/, \\b, "
                "\\f, \\n, \\r, \\t or \\u and four hex digits)")
    if error.msg == "Invalid \\uXXXX escape":
        return "\\u takes four hex digits, as in \\u00e9"
    if error.msg == "Extra data":
        return "the file goes on after its value has ended; a data file holds one object"
    return error.msg


_SPACE = re.compile(r"[ \t\n\r]*")


def locate(text: str, path: tuple[object, ...], *, key: bool = False) -> tuple[int, int]:
    """Start and end offsets in the JSON ``text`` of the value ``path`` leads to (of its key,
    with ``key``). Only used to report an error, so it reads the text again from the start."""
    decoder = json.JSONDecoder(parse_int=json_int)
    position = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    key_at = (position, position)
    for step in path:
        if isinstance(step, str):
            key_at, position = _member(text, position, step, decoder)
        else:
            position = _element(text, position, int(step), decoder)  # type: ignore[call-overload]
    if key:
        return key_at
    _, end = decoder.raw_decode(text, position)
    return position, end


def _member(text: str, position: int, name: str, decoder: json.JSONDecoder
            ) -> tuple[tuple[int, int], int]:
    """(where the key ``name`` is, where its value starts) in the object at ``position``."""
    if text[position] != "{":
        raise ValueError("not an object")
    position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
    while text[position] == '"':
        found, end = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
        start = position
        position = _SPACE.match(text, end).end() + 1  # type: ignore[union-attr]  # past ':'
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if found == name:
            return (start, end), position
        _, position = decoder.raw_decode(text, position)
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text[position] == ",":
            position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
    raise ValueError(f"no key {name!r}")


def _element(text: str, position: int, index: int, decoder: json.JSONDecoder) -> int:
    """Where element ``index`` of the list at ``position`` starts."""
    if text[position] != "[":
        raise ValueError("not a list")
    position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
    for _ in range(index):
        _, position = decoder.raw_decode(text, position)
        position = _SPACE.match(text, position).end() + 1  # type: ignore[union-attr]  # past ','
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
    return position
