"""Data next to the model: sets and params given values by data files (``--data``, ``data
"file"``, ``--set NAME=@FILE``) or by a dict (``mooc.load(..., data={...})``).

The model says what a param is (its index sets); the data says its value. :func:`gather` reads
every source once and files each entry under the set or param it names; lowering then asks for
a set's labels or a param's values along its axes. Every value is checked for shape, type and
finiteness, and becomes a numpy array: never a number at a time through sympy. A mistake is
reported where it is: ``file:row:col`` with a caret in a CSV or JSON file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from mooc.dsl import ast
from mooc.dsl.check_expressions import Declaration
from mooc.dsl.data_files import Table, check_suffix, read_csv, read_npy, read_parquet
from mooc.dsl.data_json import JsonDocument, path_text, read_json
from mooc.dsl.data_nesting import MAX_JSON_DEPTH, nesting_fault, nesting_message
from mooc.dsl.data_tables import ColumnValue, IndexColumn, MatrixValue
from mooc.dsl.data_values import ArrayValue, Axis, DataValue, TreeValue, shown_value
from mooc.dsl.names import did_you_mean
from mooc.errors import DataError, ParameterError, UsageError

__all__ = ["Axis", "DataBundle", "DataSource", "TreeValue", "as_sources", "check_nesting",
           "gather", "read_param_file"]

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
                     f"them, but was given {shown_value(data)}")


def check_nesting(params: Mapping[str, Any] | None, data: object) -> None:
    """Refuse a ``params=`` or ``data=`` value nested deeper than a JSON data file may be, or
    holding itself, naming it (``data['cost']``): before anything walks it by recursion."""
    for name, value in (params or {}).items():
        fault = nesting_fault(name, MAX_JSON_DEPTH - 1) or \
            nesting_fault(value, MAX_JSON_DEPTH - 1)
        if fault is not None:
            raise ParameterError(f"params{path_text((name,))}: {nesting_message(fault)}")
    fault = nesting_fault(data, MAX_JSON_DEPTH, (list, tuple))
    if fault is not None:
        what = "holds itself" if fault == "itself" else \
            f"nests lists more than {MAX_JSON_DEPTH} levels deep"
        raise UsageError(f"'data' takes a data file's path, a dict of values by name or a list "
                         f"of them, but the list given {what}")
    for source in as_sources(data):
        for name, value in (source.values or {}).items():
            fault = nesting_fault(name, MAX_JSON_DEPTH - 1) or \
                nesting_fault(value, MAX_JSON_DEPTH - 1)
            if fault is not None:
                raise DataError(f"{source.shown}{path_text((name,))}: {nesting_message(fault)}")


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
        raise fail(f"'{name}' is not a param or set of the model{what}{did_you_mean(name, names)}")
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
