"""Writing a run's evaluations file (see :mod:`mooc.evaluations`): CSV or Parquet, a chunk of
the spool at a time, to a temporary name renamed at the end, so a stopped run never leaves half
a file."""

from __future__ import annotations

import csv
from typing import Any

from mooc.errors import UsageError


def require_pyarrow() -> Any:
    """pyarrow, or a UsageError saying how to install it."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise UsageError("a .parquet evaluations file needs pyarrow (pip install pandas pyarrow); "
                         "or write a .csv file") from None
    return pyarrow


def write_file(log: Any, marker: Any, n_rows: int, names: list[str]) -> None:
    """Write the log's rows (``names`` its columns), ``on_front`` from ``marker``, to its target
    (a temporary file renamed at the end)."""
    assert log.target is not None
    from mooc.solver.checkpoint import atomic_path

    with atomic_path(log.target) as temporary:
        if log.target.suffix == ".parquet":
            _write_parquet(log, marker, n_rows, names, temporary)
        else:
            _write_csv(log, marker, n_rows, names, temporary)


def _csv_cell(value: Any) -> Any:
    return repr(value) if isinstance(value, float) else value


def _write_csv(log: Any, marker: Any, n_rows: int, names: list[str], path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(names)
        for data in log.chunks(n_rows):
            table = log._table(data, marker)
            writer.writerows([_csv_cell(v) for v in row] for row in table.rows())


def _write_parquet(log: Any, marker: Any, n_rows: int, names: list[str], path: str) -> None:
    pyarrow = require_pyarrow()
    import pyarrow.parquet as parquet

    schema = parquet_schema(pyarrow, log.problem, names)
    with parquet.ParquetWriter(path, schema) as writer:
        for data in log.chunks(n_rows):
            rows = list(log._table(data, marker).rows())
            if rows:
                columns = [list(column) for column in zip(*rows, strict=True)]
                writer.write_table(pyarrow.table(dict(zip(names, columns, strict=True)),
                                                 schema=schema))


def parquet_schema(pyarrow: Any, problem: Any, names: list[str]) -> Any:
    """The evaluations file's column types, from the model: not from the values of the first
    chunk of rows, where a variable declared with ``when`` may exist in no row (a column of
    nulls, to which the later rows that hold it could not be cast)."""
    kinds = {"int": pyarrow.int64(), "bin": pyarrow.int64(), "choice": pyarrow.string()}
    types = [pyarrow.int64(), pyarrow.int64()]  # number, generation
    types += [kinds.get(kind, pyarrow.float64()) for kind in problem.kinds]
    types += [pyarrow.float64()] * (problem.n_obj + problem.n_hard + problem.n_soft)
    types += [pyarrow.bool_(), pyarrow.bool_(), pyarrow.string()]  # feasible, on_front, failure
    return pyarrow.schema(list(zip(names, types, strict=True)))
