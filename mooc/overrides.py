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
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if not _is_numeric(value):
            raise ParameterError(f"--set {name}: '{text}' is not a number or a list of numbers; "
                                 "give a number, a JSON list or object of numbers, or @FILE")
        from mooc.options import check_param_value

        check_param_value(name, value, text.strip())
        overrides[name] = value
    return overrides


def _is_numeric(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_numeric(v) for v in value)
    if isinstance(value, dict):  # a table by label
        return all(_is_numeric(v) for v in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool)
