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


#: Significant digits a float is shown with: 6, more where 6 would show two different values
#: of a column alike, up to 17, where it is shown as repr shows it (which tells every two
#: floats apart, in the fewest digits that do).
SHORT_DIGITS, ALL_DIGITS = 6, 17


def format_cell(value: Any, digits: int = SHORT_DIGITS) -> str:
    """One cell: a float to ``digits`` significant digits (as repr, at :data:`ALL_DIGITS`), a
    bool as yes or no, None (a variable that does not exist at this point) empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(float(value)) if digits >= ALL_DIGITS else f"{value:.{digits}g}"
    return str(value)


def format_point(values: Any) -> str:
    """A point's coordinates as ``[a, b]``, each to 6 significant digits (numpy's own printing
    pads them to a common width: ``[3.28887 , 3.561991]``).

    >>> format_point([3.288871, 3.5619912, 1e7])
    '[3.28887, 3.56199, 1e+07]'
    """
    return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"


def column_digits(values: Sequence[Any]) -> int:
    """The fewest significant digits, from :data:`SHORT_DIGITS`, that show the different floats
    among ``values`` differently: 1e7 and 1e7 + 2 are both ``1e+07`` to 6.

    >>> column_digits([0.5, 1e7]), column_digits([1e7, 1e7 + 2]), column_digits([0.1, 0.1 + 2**-55])
    (6, 8, 17)
    """
    floats = {float(v).hex(): v for v in values if isinstance(v, float)}  # NaNs alike
    for digits in range(SHORT_DIGITS, ALL_DIGITS):
        if len({format_cell(v, digits) for v in floats.values()}) == len(floats):
            return digits
    return ALL_DIGITS


def format_columns(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """The cells of ``rows``, each column's floats to its :func:`column_digits`."""
    digits = [column_digits(column) for column in zip(*rows, strict=True)]
    return [[format_cell(v, d) for v, d in zip(row, digits, strict=True)] for row in rows]


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Right-aligned columns under a header and a rule; two different values of a column are
    never shown alike."""
    cells = format_columns(rows)
    widths = [max([len(h)] + [len(r[k]) for r in cells]) for k, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)
