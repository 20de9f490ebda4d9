"""``--set NAME=VALUE``: param overrides from the command line, read as JSON numbers (never
code), or ``@FILE`` for a value read from a data file."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from mooc.errors import ParameterError


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; a value is a number or a JSON list (or object, for a table) of
    numbers, or ``@FILE``: the param's value read from a data file (kept as ``"@"`` and its
    absolute path)."""
    overrides: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--set takes NAME=VALUE, but was given '{item}'")
        if text.startswith("@"):
            if not text[1:].strip():
                raise ParameterError(f"--set {name}=@ names no file: give --set {name}=@FILE")
            overrides[name] = "@" + os.path.abspath(text[1:])
            continue
        try:
            overrides[name] = _parsed_value(name, text)
        except RecursionError:  # deeper than Python's JSON reader follows
            raise _too_deep(name) from None
    return overrides


def _too_deep(name: str) -> ParameterError:
    from mooc.dsl.data_nesting import MAX_JSON_DEPTH

    return ParameterError(f"--set {name}: the value is nested more than {MAX_JSON_DEPTH - 1} "
                          "levels deep, as a data file's may not be; a param takes a number or "
                          "a list (of lists) of numbers, one level per index")


def _parsed_value(name: str, text: str) -> Any:
    """``text`` as a finite number or a (nested) list or object of them; ParameterError
    otherwise. An integer of more digits than Python converts (4,300 unless set otherwise) is
    taken as the float it is beyond the range of, so it is refused as not finite, as a long
    one is."""
    from mooc.dsl.data_nesting import MAX_JSON_DEPTH, nesting_fault
    from mooc.dsl.written_numbers import json_int, written_float  # as a data file's

    try:
        value = json.loads(text, parse_int=json_int, parse_float=written_float)
    except ValueError:  # JSONDecodeError included
        value = None
    if nesting_fault(value, MAX_JSON_DEPTH - 1) is not None:  # before walking it
        raise _too_deep(name)
    if not _is_numeric(value):
        raise ParameterError(f"--set {name}: '{text}' is not a number or a list of numbers; "
                             "give a number, a JSON list or object of numbers, or @FILE")
    from mooc.options import check_param_value

    check_param_value(name, value, text.strip())
    return value


def _is_numeric(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_numeric(v) for v in value)
    if isinstance(value, dict):  # a table by label
        return all(_is_numeric(v) for v in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool)
