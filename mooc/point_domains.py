"""Whether points a user gives lie in the model's domain: each value within its variable's
bounds, whole for integer, binary and choice variables, and not blank (NaN or None) where
the variable exists.

Checked where points come in from outside (``Problem.evaluate``, ``jacobian``, ``active``, the
initial points of a run, ``Optimizer.tell``), never on the solver's own points in a run. A
value off by a rounding error (within :data:`ROUNDING`, relative) is moved in: clipped to its
bound, or rounded to the whole number. Where a variable declared with ``when`` does not
exist, its value is ignored (evaluating does not read it), so any value, or a blank, is
accepted there.

>>> import mooc, numpy as np
>>> problem = mooc.compile("var n int in [0, 5]\\nvar x in [0, 1]\\nminimize f: n + x\\n"
...                        "minimize g: 5 - n")
>>> def place(row): return f"'X' row {row}"
>>> in_domain(problem, np.array([[2.0, 1 + 1e-15]]), place=place).tolist()
[[2.0, 1.0]]
>>> in_domain(problem, np.array([[2.5, 0.5]]), place=place)
Traceback (most recent call last):
mooc.errors.UsageError: error: 'X' row 0: 'n' is an integer in [0, 5], but is 2.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mooc.errors import UsageError

#: A value this far (relative to the size of its variable's bounds, or of a whole number)
#: outside a bound or off a whole number is a rounding error: moved in, not refused.
ROUNDING = 1e-12
#: Values per block of rows whose columns' extremes are taken together (about 2 MB).
_BLOCK_VALUES = 1 << 18
#: The kinds of variable whose values are whole numbers.
WHOLE_KINDS = ("int", "bin", "choice")


def in_domain(problem: Any, points: np.ndarray, /, *, place: Callable[[int], str]
              ) -> np.ndarray:
    """``points`` (float, shape (N, n_var), NaN for blank) with values a rounding error off
    their domain moved in; a UsageError names the first value (by row, then variable) that is
    not in its variable's domain: where its row is (``place(row)``: ``'X' row 0``), the
    variable, its domain and the value."""
    if not points.size or _plainly_inside(problem, points):
        return points
    blank = np.isnan(points)
    slack = ROUNDING * _bound_sizes(problem.lower, problem.upper)
    wrong = (points < problem.lower - slack) | (points > problem.upper + slack)  # NaN: False
    whole = np.array([kind in WHOLE_KINDS for kind in problem.kinds])
    nearest = points
    if whole.any():
        nearest = np.where(whole, np.rint(points), points)
        with np.errstate(invalid="ignore"):  # inf - inf where a value is infinite
            off = np.abs(points - nearest) > ROUNDING * np.maximum(1.0, np.abs(points))
        wrong |= whole & off & ~blank
    moved = np.clip(nearest, problem.lower, problem.upper)  # NaN stays NaN
    if problem.conditional and (wrong.any() or blank.any()):
        exists = problem.active_at(moved)  # what does not exist at a point is ignored there
        wrong, blank = wrong & exists, blank & exists
    if wrong.any() or blank.any():
        _refuse(problem, points, wrong | blank, place)
    return moved


def _plainly_inside(problem: Any, points: np.ndarray) -> bool:
    """Whether every value lies within its bounds and is whole where it must be, with no
    blank: the usual case, told from each column's least and greatest value (two passes, no
    array as large as ``points`` made), so that checking costs little beside evaluating."""
    least, greatest = _column_extremes(points)
    if not (np.all(least >= problem.lower) and np.all(greatest <= problem.upper)):
        return False
    whole = np.flatnonzero([kind in WHOLE_KINDS for kind in problem.kinds])
    if not whole.size:
        return True
    columns = points[:, whole]
    return bool(np.all(columns == np.rint(columns)))


def _column_extremes(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's least and greatest value (NaN if it holds one), a block of rows at a
    time: the second reduction reads the block from the cache, not from memory again."""
    rows = max(1, _BLOCK_VALUES // points.shape[1])
    least, greatest = points[:rows].min(axis=0), points[:rows].max(axis=0)
    for start in range(rows, points.shape[0], rows):
        block = points[start:start + rows]
        np.minimum(least, block.min(axis=0), out=least)  # a NaN stays: minimum keeps it
        np.maximum(greatest, block.max(axis=0), out=greatest)
    return least, greatest


def _bound_sizes(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Per variable, the larger of its finite bounds' sizes: what ROUNDING is relative to."""
    return np.maximum(np.where(np.isfinite(lower), np.abs(lower), 0.0),
                      np.where(np.isfinite(upper), np.abs(upper), 0.0))


def _refuse(problem: Any, points: np.ndarray, wrong: np.ndarray,
            place: Callable[[int], str]) -> None:
    row, column = (int(k) for k in np.argwhere(wrong)[0])
    value = points[row, column]
    shown = number_text(value)
    if np.isnan(value):
        shown = ("blank (NaN or None: only a variable that does not exist at the point may be "
                 "blank)" if problem.conditional else "blank (NaN or None)")
    raise UsageError(f"{place(row)}: {domain_text(problem, column)}, but is {shown}")


def domain_text(problem: Any, column: int) -> str:
    """The variable of ``column`` and its domain in words: ``'n' is an integer in [0, 5]``."""
    variable = problem.variable_names[column]
    kind = problem.kinds[column]
    bounds = f"[{number_text(problem.lower[column])}, {number_text(problem.upper[column])}]"
    if kind == "choice":
        labels = problem.choice_labels[column]
        return (f"'{variable}' is a choice of {', '.join(labels)} (a label, or its index 0 to "
                f"{len(labels) - 1})")
    if kind == "bin":
        return f"'{variable}' is binary (0 or 1)"
    if kind == "int":
        return f"'{variable}' is an integer in {bounds}"
    return f"'{variable}' is a number in {bounds}" + (" (log scale)" if kind == "log" else "")


def number_text(value: float) -> str:
    """``5`` for a whole number, else the shortest text that reads back as ``value``."""
    value = float(value)
    if np.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
