"""Points as the user writes them: choice variables by label, integers as integers.

The solver works on floats (a choice variable's value is its label's index); these functions
turn rows the user gives (labels or indices) into that form and back.

>>> import mooc
>>> problem = mooc.compile("var n int in [1, 3]\\nvar c choice {red, blue}\\n"
...                        "minimize f: n\\nminimize g: if c == red then 1 else 2")
>>> encode_points(problem, [[2, "blue"], [1, 0]]).tolist()
[[2.0, 1.0], [1.0, 0.0]]
>>> decode_points(problem, [[2.0, 1.0]])
[[2, 'blue']]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from mooc.errors import UsageError

#: Where a row of points is, for an error: ``'X' row 0``, ``points.csv:2``.
Place = Callable[[int], str]

#: numpy's warning on dropping imaginary parts (numpy.exceptions from numpy 1.25 on)
_COMPLEX_WARNING: type[Warning] = getattr(np, "exceptions", np).ComplexWarning


def _plain(value: float, kind: str) -> Any:
    return int(value) if kind in ("int", "bin") else float(value)


def decode_points(problem: Any, X: Any, /) -> list[list[Any]]:
    """Rows of ``X`` with each choice variable's label, integers as ``int``, and None for a
    variable that does not exist at that point (NaN: declared with ``when``)."""
    labels = problem.choice_labels
    kinds = problem.kinds
    return [[None if v != v else labels[j][int(v)] if j in labels else _plain(v, kinds[j])
             for j, v in enumerate(row)]
            for row in np.asarray(X, dtype=float)]


def user_points(problem: Any, X: Any, /, *, name: str = "X",
                place: Place | None = None) -> np.ndarray:
    """``X`` as :func:`encode_points` gives it, each value checked against its variable's
    domain (see :mod:`mooc.point_domains`): for points a user gives, not for those a run
    made."""
    from mooc.point_domains import in_domain

    place = place or row_of(name)
    return in_domain(problem, encode_points(problem, X, name=name, place=place), place=place)


def row_of(name: str) -> Place:
    """How an error names a row of the argument ``name``: ``'X' row 0``."""
    return lambda row: f"'{name}' row {row}"


def encode_points(problem: Any, X: Any, /, *, name: str = "X",
                  place: Place | None = None) -> np.ndarray:
    """``X`` (rows of numbers, or of labels for choice variables) as a float array of shape
    (N, n_var), None or a blank for a variable that does not exist (NaN); a UsageError names
    a wrong shape, or an unknown label and its row (``place(row)`` says where that is; by
    default ``'X' row 0``). The values are not checked against the domain: see
    :func:`user_points`."""
    labels = problem.choice_labels
    _refuse_complex(X, name)
    try:
        with warnings.catch_warnings():  # a complex number in a list: refused cell by cell
            warnings.simplefilter("error", _COMPLEX_WARNING)
            return _as_points(np.asarray(X, dtype=float), problem.n_var, name)
    except (ValueError, TypeError, _COMPLEX_WARNING):
        pass  # labels, or something that is not a number: see which, cell by cell
    try:
        rows = np.asarray(X, dtype=object)
    except ValueError:
        rows = None
    if rows is None or (rows.ndim == 1 and any(np.ndim(row) for row in rows)):  # ragged rows
        raise UsageError(f"'{name}' must hold one row of {problem.n_var} values per point, "
                         "but its rows differ in length")
    if rows.ndim == 1:
        rows = rows[None, :]
    if rows.ndim != 2 or rows.shape[1] != problem.n_var:
        raise UsageError(f"'{name}' must have shape (N, {problem.n_var}), but has shape "
                         f"{rows.shape}")
    place = place or row_of(name)
    out = np.empty(rows.shape)
    for j in range(problem.n_var):
        out[:, j] = [_cell(value, labels.get(j), problem.variable_names[j], place(i))
                     for i, value in enumerate(rows[:, j])]
    return out


def _refuse_complex(values: Any, name: str) -> None:
    """A complex array is refused (numpy would drop the imaginary parts, with a warning);
    Python complex numbers in lists are refused where they are converted."""
    if getattr(getattr(values, "dtype", None), "kind", None) == "c":
        raise UsageError(f"'{name}' must hold real numbers, but holds complex ones")


def float_array(values: Any, name: str) -> np.ndarray:
    """``values`` (numbers, nested lists of them) as a float array; a UsageError naming
    ``name`` when they are not real numbers."""
    _refuse_complex(values, name)
    try:
        return np.asarray(values, dtype=float)
    except (ValueError, TypeError):
        raise UsageError(f"'{name}' must hold numbers only, one row per point") from None


def _as_points(points: np.ndarray, n_var: int, name: str) -> np.ndarray:
    if points.ndim == 1:
        points = points[None, :]
    if points.ndim != 2 or points.shape[1] != n_var:
        raise UsageError(f"'{name}' must have shape (N, {n_var}), but has shape {points.shape}")
    return points


def _cell(value: Any, labels: tuple[str, ...] | None, variable: str, place: str) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return float("nan")  # a variable that does not exist: as decode_points writes it
    if labels is not None and isinstance(value, str):
        if value not in labels:
            raise UsageError(f"{place}: '{value}' is not a label of {variable} "
                             f"({', '.join(labels)})")
        return float(labels.index(value))
    try:
        if isinstance(value, complex):
            raise TypeError(value)
        return float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{place}: {value!r} is not a value of {variable}") from None


def read_points(path: str, problem: Any, /) -> np.ndarray:
    """The points in the CSV file ``path``: a header row naming the variables (other columns,
    say a front's objectives, are ignored), then a row per point; labels for choice
    variables. A UsageError says what is wrong."""
    import csv
    import io

    from mooc.inputs import read_capped

    data = read_capped(path, "--initial")  # not /dev/zero read for ever
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"cannot read the initial points '{path}': {error}") from None
    if not rows:
        raise UsageError(f"the initial points '{path}' are empty: expected a header row naming "
                         f"the variables ({', '.join(problem.variable_names)})")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in problem.variable_names if name not in header]
    if missing:
        raise UsageError(f"the initial points '{path}' have no column {', '.join(missing)} "
                         f"(the header row names the variables: "
                         f"{', '.join(problem.variable_names)})")
    columns = [header.index(name) for name in problem.variable_names]
    lines, body = [], []  # each point's line in the file, and its cells
    for line, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            lines.append(line)
            body.append(row)
    short = [line for line, row in zip(lines, body, strict=True) if len(row) < len(header)]
    if short:
        raise UsageError(f"{path}:{short[0]}: the row has fewer cells than the header")
    points = [[row[c].strip() for c in columns] for row in body]
    if not points:
        return np.empty((0, problem.n_var))
    return user_points(problem, [[_number_or_label(v) for v in row] for row in points],
                       name=path, place=lambda row: f"{path}:{lines[row]}")


def _number_or_label(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text
