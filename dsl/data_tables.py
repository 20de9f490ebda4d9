"""Values from tables (CSV, Parquet): a param's column over the table's first column, a matrix
with a param's name in its top-left cell, and a set's labels from a first column. Each index
cell maps to a position along the param's axis; every position must come exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mooc.dsl.data_files import Table
from mooc.dsl.data_values import (
    NAMED,
    Axis,
    DataValue,
    axis_label,
    axis_words,
    checked_labels,
    listing,
    not_on_axis,
    offset_on,
)


def _table_order(table: Table, column: int, axis: Axis) -> np.ndarray:
    """For each row of ``table``, the position (from 0) along ``axis`` that its cell in
    ``column`` names; every position exactly once."""
    key = (column, axis)
    if key in table.orders:
        return table.orders[key]  # type: ignore[return-value]
    if axis.labels is not None:
        cells = table.labels(column)
        if len(cells) == len(axis.labels) and cells == list(axis.labels):  # the set's own order
            offsets = np.arange(len(cells))
        else:
            offsets = _label_offsets(table, column, cells, axis)
    elif _counts_up(table, column, axis):  # the range's own order, written out
        offsets = np.arange(axis.size)
    else:
        numbers = table.numbers(column)
        whole = numbers == np.round(numbers)
        inside = whole & (numbers >= axis.start) & (numbers < axis.start + axis.size)
        if not inside.all():
            row = int(np.flatnonzero(~inside)[0])
            raise table.error(row, column, not_on_axis(table.text(row, column).strip(), axis))
        offsets = (numbers - axis.start).astype(np.intp)
    _check_once(table, column, axis, offsets)
    table.orders[key] = offsets
    return offsets


def _counts_up(table: Table, column: int, axis: Axis) -> bool:
    """Whether the column holds the range's numbers in order, written plainly (1, 2, 3, ...)."""
    cells = table.cells[column]
    if not isinstance(cells, list) or len(cells) != axis.size or table.padded:
        return False
    return bool(cells == list(map(str, range(axis.start, axis.start + axis.size))))


def _label_offsets(table: Table, column: int, cells: list[str], axis: Axis) -> np.ndarray:
    lookup = axis.positions
    try:
        return np.fromiter(map(lookup.__getitem__, cells), dtype=np.intp, count=len(cells))
    except KeyError:
        row = next(k for k, cell in enumerate(cells) if cell not in lookup)
        raise table.error(row, column, not_on_axis(cells[row], axis)) from None


def _check_once(table: Table, column: int, axis: Axis, offsets: np.ndarray) -> None:
    counts = np.bincount(offsets, minlength=axis.size)
    if (counts > 1).any():
        twice = int(np.flatnonzero(counts > 1)[0])
        row = int(np.flatnonzero(offsets == twice)[1])
        raise table.error(row, column, f"'{axis_label(axis, twice)}' appears twice in this "
                                       "column")
    if (counts == 0).any():
        missing = [axis_label(axis, int(k)) for k in np.flatnonzero(counts == 0)[:NAMED]]
        named = listing(missing, int((counts == 0).sum()))
        raise table.error(-1, column, f"{table.file} has no row for {named} of "
                                      f"{axis_words(axis)}")


@dataclass
class IndexColumn(DataValue):
    """The first column of a table whose header names a set: the set's labels."""

    table: Table

    @property
    def where(self) -> str:  # type: ignore[override]
        return self.table.file

    def labels(self, name: str) -> tuple[str, ...]:
        labels = self.table.labels(0)
        if not labels:
            raise self.table.error(-1, 0, f"the set '{name}' has no labels: this file has no "
                                          "rows")
        return checked_labels(labels, name, lambda row, message: self.table.error(row, 0, message))

    def check(self, axis: Axis) -> None:
        """The column holds exactly the set's labels (any order)."""
        _table_order(self.table, 0, axis)


@dataclass
class ColumnValue(DataValue):
    """A column of a table: a param with one index, over the table's first column."""

    table: Table
    column: int

    @property
    def where(self) -> str:  # type: ignore[override]
        return self.table.file

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        if len(axes) != 1:
            hint = (f"write it as a table with '{name}' in its top-left cell, its rows and "
                    "columns labelled" if len(axes) == 2 else "give it in a JSON file")
            raise self.table.error(-1, self.column, f"'{name}' has {len(axes)} indices, but a "
                                                    f"column gives one value per row: {hint}")
        order = _table_order(self.table, 0, axes[0])
        out = np.empty(axes[0].size)
        out[order] = self.table.numbers(self.column)
        return out


@dataclass
class MatrixValue(DataValue):
    """A table with a param's name in its top-left cell: rows along the param's first index
    (the first column), columns along its second (the header)."""

    table: Table

    @property
    def where(self) -> str:  # type: ignore[override]
        return self.table.file

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        table = self.table
        if len(axes) != 2:
            raise table.error(-1, 0, f"'{name}' has {len(axes)} "
                                     f"{'index' if len(axes) == 1 else 'indices'}; a table with "
                                     "a param's name in its top-left cell gives a param with two")
        rows = _table_order(table, 0, axes[0])
        columns = _header_order(table, axes[1])
        out = np.empty((axes[0].size, axes[1].size))
        for k, position in enumerate(columns, start=1):
            out[rows, position] = table.numbers(k)
        return out


def _header_order(table: Table, axis: Axis) -> np.ndarray:
    """The position along ``axis`` of each header cell after the first."""
    offsets = []
    for column in range(1, len(table.header)):
        offset = offset_on(axis, table.header[column])
        if offset is None:
            raise table.error(-1, column, not_on_axis(table.header[column], axis))
        offsets.append(offset)
    array = np.array(offsets, dtype=np.intp)
    counts = np.bincount(array, minlength=axis.size)
    if (counts > 1).any():  # "1" and "01": one element, given twice
        twice = int(np.flatnonzero(counts > 1)[0])
        first, column = (int(k) + 1 for k in np.flatnonzero(array == twice)[:2])
        raise table.error(-1, column, f"'{table.header[column]}' and '{table.header[first]}' "
                                      f"are the same element '{axis_label(axis, twice)}' of "
                                      f"{axis_words(axis)}")
    if (counts == 0).any():
        missing = [axis_label(axis, int(k)) for k in np.flatnonzero(counts == 0)]
        raise table.error(-1, 0, f"{table.file} has no column for {listing(missing)} of "
                                 f"{axis_words(axis)}")
    return array
