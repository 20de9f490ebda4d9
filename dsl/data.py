"""Data next to the model: sets and params given values by data files (``--data``, ``data
"file"``, ``--set NAME=@FILE``) or by a dict (``mooc.load(..., data={...})``).

The model says what a param is (its index sets); the data says its value. :func:`gather` reads
every source once and files each entry under the set or param it names; lowering then asks for
a set's labels or a param's values along its axes. Every value is checked for shape, type and
finiteness, and becomes a numpy array: never a number at a time through sympy. A mistake is
reported where it is: ``file:row:col`` with a caret in a CSV or JSON file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mooc.dsl import ast
from mooc.dsl.check_expressions import Declaration
from mooc.dsl.data_files import (
    JsonDocument,
    Table,
    check_suffix,
    path_text,
    read_csv,
    read_json,
    read_npy,
    read_parquet,
)
from mooc.errors import DataError, UsageError

#: Labels named in full in a message; more are counted.
_NAMED = 3


@dataclass(frozen=True)
class Axis:
    """One dimension of a param as data sees it: an integer range, or a named set whose
    labels stand at positions ``start``, ``start + 1``, ..."""

    name: str  # the set's name, or the range as written ("1..5")
    start: int
    size: int
    labels: tuple[str, ...] | None = None
    origin: str = ""  # where a set's labels come from, for messages


def _listing(labels: list[str], total: int | None = None) -> str:
    """The first few of ``labels`` (of ``total`` in all) for a message."""
    total = len(labels) if total is None else total
    named = ", ".join(f"'{label}'" for label in labels[:_NAMED])
    return named + (f" and {total - _NAMED} more" if total > _NAMED else "")


def _guess(word: str, candidates: Iterable[str]) -> str:
    found = difflib.get_close_matches(word, list(candidates)[:10_000], n=1)
    return f"; did you mean '{found[0]}'?" if found else ""


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and \
        not isinstance(value, (bool, np.bool_))


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:37] + "..."


class DataValue:
    """A value a data source gives for a name: a set's labels or a param's values."""

    if TYPE_CHECKING:
        where: str  # the source, for messages

    def labels(self, name: str) -> tuple[str, ...]:
        raise DataError(f"'{name}' is a set, but {self.where} gives it no list of labels")

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        raise NotImplementedError


# JSON documents, dicts and arrays -------------------------------------------------------


@dataclass
class TreeValue(DataValue):
    """A value in a JSON document or a Python dict: a number, nested lists, objects keyed by
    labels, a list of labels (a set), or a numpy array."""

    value: Any
    where: str
    path: tuple[object, ...]
    document: JsonDocument | None = None

    def error(self, path: tuple[object, ...], message: str, *, key: bool = False) -> DataError:
        if self.document is not None:
            return self.document.error(path, message, key=key)
        return DataError(f"{self.where}{path_text(path)}: {message}")

    def labels(self, name: str) -> tuple[str, ...]:
        value = self.value
        if not isinstance(value, (list, tuple)) or not value:
            raise self.error(self.path, f"'{name}' is a set: give its labels as a list, as in "
                                        '["bolt", "nut"]')
        labels = []
        for k, item in enumerate(value):
            if isinstance(item, (bool, np.bool_)) or not isinstance(item, (str, int, np.integer)):
                raise self.error((*self.path, k), f"a label of '{name}' is a name or a whole "
                                                  f"number, not {_shown(item)}")
            label = str(item).strip()
            if not label:
                raise self.error((*self.path, k), f"a label of '{name}' is empty")
            labels.append(label)
        return _unique(labels, name, lambda k, message: self.error((*self.path, k), message))

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        return self._values(self.value, name, axes, self.path, 0)

    def _values(self, node: Any, name: str, axes: tuple[Axis, ...], path: tuple[object, ...],
                depth: int) -> Any:
        if not axes:
            if not _is_number(node) or not np.isfinite(float(node)):
                raise self.error(path, f"'{name}' takes a finite number here, but this is "
                                       f"{_shown(node)}")
            return float(node)
        if isinstance(node, np.ndarray):
            return ArrayValue(node, self.where).values(name, axes)
        if isinstance(node, Mapping):
            return self._by_key(node, name, axes, path, depth)
        if isinstance(node, (list, tuple)):
            fast = _regular_numbers(node, axes)
            if fast is not None:
                return fast
            if len(node) != axes[0].size:
                raise self.error(path, f"'{name}' has {axes[0].size} elements along its "
                                       f"{_ordinal(depth)} index ({axes[0].name}), but this list "
                                       f"gives {len(node)}")
            return np.array([self._values(item, name, axes[1:], (*path, k), depth + 1)
                             for k, item in enumerate(node)], dtype=float)
        wanted = "a list or an object by label" if axes[0].labels else "a list"
        raise self.error(path, f"'{name}' has {len(axes)} "
                               f"{'index' if len(axes) == 1 else 'indices'}: expected {wanted}, "
                               f"but this is {_shown(node)}")

    def _by_key(self, node: Mapping, name: str, axes: tuple[Axis, ...],
                path: tuple[object, ...], depth: int) -> np.ndarray:
        axis = axes[0]
        rows: list[Any] = [None] * axis.size
        for key, item in node.items():
            offset = _offset(axis, key)
            if offset is None:
                raise self.error((*path, key), _not_in_axis(key, axis), key=True)
            rows[offset] = self._values(item, name, axes[1:], (*path, key), depth + 1)
        missing = [_axis_label(axis, k) for k, row in enumerate(rows) if row is None]
        if missing:
            raise self.error(path, f"'{name}' has no value for {_listing(missing)} of "
                                   f"{_axis_words(axis)}")
        return np.array(rows, dtype=float)


def _ordinal(depth: int) -> str:
    return ("first", "second", "third")[depth] if depth < 3 else f"{depth + 1}th"


def _axis_words(axis: Axis) -> str:
    return f"the set '{axis.name}'" if axis.labels is not None else f"the range {axis.name}"


def _axis_label(axis: Axis, offset: int) -> str:
    return axis.labels[offset] if axis.labels is not None else str(axis.start + offset)


def _offset(axis: Axis, key: object) -> int | None:
    """The position of ``key`` along ``axis`` from 0, or None when it is not on it."""
    if axis.labels is not None:
        text = str(key).strip() if isinstance(key, (str, int, np.integer)) else None
        lookup = _label_positions(axis.labels)
        return lookup.get(text) if text is not None else None
    try:
        number = float(key.strip() if isinstance(key, str) else key)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not number.is_integer() or not axis.start <= number < axis.start + axis.size:
        return None
    return int(number) - axis.start


_POSITIONS: dict[tuple[str, ...], dict[str, int]] = {}


def _label_positions(labels: tuple[str, ...]) -> dict[str, int]:
    """A set's labels by position (the last few sets' tables are kept)."""
    found = _POSITIONS.get(labels)
    if found is None:
        if len(_POSITIONS) > 8:
            _POSITIONS.clear()
        found = _POSITIONS[labels] = dict(zip(labels, range(len(labels)), strict=True))
    return found


def _not_in_axis(key: object, axis: Axis) -> str:
    if axis.labels is not None:
        origin = f" (its labels are from {axis.origin})" if axis.origin else ""
        return (f"'{key}' is not a label of the set '{axis.name}'{origin}"
                f"{_guess(str(key), axis.labels)}")
    return f"'{key}' is not an index in the range {axis.name}"


def _regular_numbers(node: list | tuple, axes: tuple[Axis, ...]) -> np.ndarray | None:
    """``node`` as an array when it is nested lists of plain finite numbers of exactly the
    axes' sizes (the common case, checked without a Python step per number); else None."""
    if not _plain_numbers(node, len(axes)):
        return None
    try:
        array = np.array(node, dtype=float)
    except ValueError:  # ragged
        return None
    if array.shape != tuple(a.size for a in axes) or not np.isfinite(array).all():
        return None
    return array


def _plain_numbers(node: object, depth: int) -> bool:
    if not isinstance(node, list):
        return False
    if depth == 1:
        return all(type(v) is float or type(v) is int for v in node)
    return all(_plain_numbers(item, depth - 1) for item in node)


@dataclass
class ArrayValue(DataValue):
    """A numpy array (a ``.npy`` file, or an array in a dict): taken as it is, if its shape
    and type fit."""

    array: np.ndarray
    where: str

    def values(self, name: str, axes: tuple[Axis, ...]) -> float | np.ndarray:
        array = self.array
        if array.dtype.kind not in "iuf":
            raise DataError(f"{self.where}: '{name}' takes numbers, but the array holds "
                            f"{array.dtype}")
        shape = tuple(a.size for a in axes)
        if array.shape != shape:
            raise DataError(f"{self.where}: '{name}' has shape {shape}, but the array has "
                            f"shape {array.shape}")
        values = array.astype(float)
        bad = ~np.isfinite(values)
        if bad.any():
            at = tuple(int(i) for i in np.argwhere(bad)[0])
            raise DataError(f"{self.where}: '{name}' takes finite numbers, but the element at "
                            f"{list(at)} is {values[at]}")
        return float(values) if not axes else values


# Tables ---------------------------------------------------------------------------------


def _unique(labels: list[str], name: str, error: Any) -> tuple[str, ...]:
    """``labels`` as a tuple; ``error(k, message)`` for the first one given twice."""
    found = tuple(labels)
    if len(set(found)) != len(found):
        seen: set[str] = set()
        for k, label in enumerate(labels):
            if label in seen:
                raise error(k, f"'{label}' appears twice among the labels of '{name}'")
            seen.add(label)
    return found


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
            raise table.error(row, column, _not_in_axis(table.text(row, column).strip(), axis))
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
    lookup = _label_positions(axis.labels or ())
    try:
        return np.fromiter(map(lookup.__getitem__, cells), dtype=np.intp, count=len(cells))
    except KeyError:
        row = next(k for k, cell in enumerate(cells) if cell not in lookup)
        raise table.error(row, column, _not_in_axis(cells[row], axis)) from None


def _check_once(table: Table, column: int, axis: Axis, offsets: np.ndarray) -> None:
    counts = np.bincount(offsets, minlength=axis.size)
    if (counts > 1).any():
        twice = int(np.flatnonzero(counts > 1)[0])
        row = int(np.flatnonzero(offsets == twice)[1])
        raise table.error(row, column, f"'{_axis_label(axis, twice)}' appears twice in this "
                                       "column")
    if (counts == 0).any():
        missing = [_axis_label(axis, int(k)) for k in np.flatnonzero(counts == 0)[:_NAMED]]
        listing = _listing(missing, int((counts == 0).sum()))
        raise table.error(-1, column, f"{table.file} has no row for {listing} of "
                                      f"{_axis_words(axis)}")


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
        return _unique(labels, name, lambda row, message: self.table.error(row, 0, message))

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
        offset = _offset(axis, table.header[column])
        if offset is None:
            raise table.error(-1, column, _not_in_axis(table.header[column], axis))
        offsets.append(offset)
    array = np.array(offsets, dtype=np.intp)
    counts = np.bincount(array, minlength=axis.size)
    if (counts == 0).any():
        missing = [_axis_label(axis, int(k)) for k in np.flatnonzero(counts == 0)]
        raise table.error(-1, 0, f"{table.file} has no column for {_listing(missing)} of "
                                 f"{_axis_words(axis)}")
    return array


# Gathering the sources ------------------------------------------------------------------


@dataclass(frozen=True)
class DataSource:
    """A data file (``path``, reported as ``shown``; ``span`` is the ``data`` statement that
    names it, if any) or a dict of values."""

    shown: str
    path: Path | None = None
    values: Mapping[str, Any] | None = None
    span: ast.Span | None = None


@dataclass
class DataBundle:
    """Every value the data sources give, by the name it is for."""

    files: list[str] = field(default_factory=list)
    params: dict[str, DataValue] = field(default_factory=dict)
    sets: dict[str, DataValue] = field(default_factory=dict)
    #: tables whose first column is named after a set, in the order read
    index_columns: dict[str, list[IndexColumn]] = field(default_factory=dict)

    def read_text(self) -> str:
        """The data read, for messages."""
        return ", ".join(self.files) if self.files else "none"


def as_sources(data: object) -> list[DataSource]:
    """``data`` as a list of sources: None, a file's path, a dict of values by name, or a list
    of these (files relative to the current folder)."""
    if data is None:
        return []
    if isinstance(data, (str, PathLike)):
        return [DataSource(str(data), Path(data))]
    if isinstance(data, Mapping):
        return [DataSource("data", values=data)]
    if isinstance(data, (list, tuple)):
        return [source for item in data for source in as_sources(item)]
    raise UsageError(f"'data' takes a data file's path, a dict of values by name or a list of "
                     f"them, but was given {_shown(data)}")


def gather(sources: list[DataSource], scope: Mapping[str, Declaration]) -> DataBundle:
    """Read every source and file each value under the name it gives a value for."""
    bundle = DataBundle()
    seen: set[Path] = set()
    for source in sources:
        bundle.files.append(source.shown)
        if source.path is not None:
            resolved = source.path.resolve()
            if resolved in seen:
                raise DataError(f"the data file '{source.shown}' is given twice", source.span)
            seen.add(resolved)
        try:
            _gather_one(bundle, source, scope)
        except DataError as error:
            if error.span is None and source.span is not None:
                raise DataError(error.message, source.span) from None
            raise
    return bundle


def _gather_one(bundle: DataBundle, source: DataSource, scope: Mapping[str, Declaration]) -> None:
    if source.values is not None:
        for name, value in source.values.items():
            _file_entry(bundle, scope, str(name), TreeValue(value, source.shown, (name,)), None)
        return
    assert source.path is not None
    suffix = check_suffix(source.path, source.shown)
    if suffix == ".json":
        _gather_json(bundle, read_json(source.path, source.shown), scope)
    elif suffix == ".npy":
        raise DataError(f"'{source.shown}' holds one array with no name: give it to one param "
                        "with --set NAME=@FILE.npy (Python: params={'NAME': '@FILE.npy'})")
    else:
        reader = read_parquet if suffix in (".parquet", ".pq") else read_csv
        _gather_table(bundle, reader(source.path, source.shown), scope)


def _gather_json(bundle: DataBundle, document: JsonDocument, scope: Mapping[str, Declaration]
                 ) -> None:
    if not isinstance(document.value, dict):
        raise document.error((), 'a JSON data file holds an object of values by name, as in '
                                 '{"profit": {"bolt": 3}}')
    for name, value in document.value.items():
        entry = TreeValue(value, document.file, (name,), document)
        _file_entry(bundle, scope, name, entry,
                    lambda message, name=name: document.error((name,), message, key=True))


def _gather_table(bundle: DataBundle, table: Table, scope: Mapping[str, Declaration]) -> None:
    top = table.header[0] if table.header else ""
    declared = scope.get(top)
    if declared is not None and declared.kind == "param":
        if declared.n_dims != 2:
            raise table.error(-1, 0, f"'{top}' is a param with {declared.n_dims} "
                                     f"{'index' if declared.n_dims == 1 else 'indices'}; a table "
                                     "with a param's name in its top-left cell is for a param "
                                     "with two")
        _file_entry(bundle, scope, top, MatrixValue(table),
                    lambda message: table.error(-1, 0, message))
        return
    if declared is not None and declared.kind == "set":
        bundle.index_columns.setdefault(top, []).append(IndexColumn(table))
    for column in range(1, len(table.header)):
        name = table.header[column]
        if name in scope and scope[name].kind == "set":
            raise table.error(-1, column, f"'{name}' is a set: its labels are a table's first "
                                          "column, or a list in a JSON file")
        _file_entry(bundle, scope, name, ColumnValue(table, column),
                    lambda message, column=column: table.error(-1, column, message))


def _file_entry(bundle: DataBundle, scope: Mapping[str, Declaration], name: str,
                value: DataValue, error: Any) -> None:
    """File ``value`` under ``name``: a param or a set of the model, given once."""
    def fail(message: str) -> DataError:
        return error(message) if error is not None else DataError(f"{value.where}: {message}")

    declared = scope.get(name)
    if declared is None or declared.kind not in ("param", "set"):
        names = [n for n, d in scope.items() if d.kind in ("param", "set")]
        what = "" if declared is None else f" (it is {_kind_word(declared.kind)})"
        raise fail(f"'{name}' is not a param or set of the model{what}{_guess(name, names)}")
    into = bundle.sets if declared.kind == "set" else bundle.params
    if name in into:
        raise fail(f"'{name}' is given twice: in {into[name].where} and in {value.where}")
    into[name] = value


def _kind_word(kind: str) -> str:
    from mooc.dsl.check_expressions import KIND_WORDS

    return KIND_WORDS.get(kind, kind)


# One param from one file: --set NAME=@FILE ----------------------------------------------


def read_param_file(path: Path, shown: str, name: str, axes: tuple[Axis, ...]
                    ) -> float | np.ndarray:
    """The value of param ``name`` from a file of its own (``--set NAME=@FILE``): a JSON
    value, a ``.npy`` array, or a table (a column over an index; a matrix for two indices)."""
    suffix = check_suffix(path, shown)
    if suffix == ".json":
        document = read_json(path, shown)
        return TreeValue(document.value, shown, (), document).values(name, axes)
    if suffix == ".npy":
        return ArrayValue(read_npy(path, shown), shown).values(name, axes)
    table = (read_parquet if suffix in (".parquet", ".pq") else read_csv)(path, shown)
    if len(axes) == 2:
        return MatrixValue(table).values(name, axes)
    if len(axes) != 1:
        raise DataError(f"'{name}' is a single number: give it as --set {name}=NUMBER, or in a "
                        "JSON file")
    if name in table.header[1:]:
        return ColumnValue(table, table.header.index(name)).values(name, axes)
    if len(table.header) == 2:
        return ColumnValue(table, 1).values(name, axes)
    raise table.error(-1, 0, f"{shown} has {len(table.header) - 1} columns of values and none "
                             f"is named '{name}'")
