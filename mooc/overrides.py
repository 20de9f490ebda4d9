"""``--set NAME=VALUE``: param overrides from the command line, read as JSON numbers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mooc.errors import ParameterError


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; a value is a number or a JSON list of numbers (never code)."""
    overrides: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"--set takes NAME=VALUE, but was given '{item}'")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = None
        if not _is_numeric(value):
            raise ParameterError(f"--set {name}: '{text}' is not a number or a list of numbers")
        overrides[name] = value
    return overrides


def _is_numeric(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_numeric(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)
