"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless one: ``1 variable``, ``3 rows``.

    >>> counted(1, "row"), counted(0, "point"), counted(1200, "evaluation")
    ('1 row', '0 points', '1200 evaluations')
    """
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_cell(value: Any) -> str:
    if value is None:  # a variable that does not exist at this point
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Right-aligned columns under a header and a rule."""
    cells = [[format_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[k]) for r in cells]) for k, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
