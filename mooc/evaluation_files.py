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

    writer = None
    try:
        for data in log.chunks(n_rows):
            rows = list(log._table(data, marker).rows())
            columns = [list(column) for column in zip(*rows, strict=True)]
            table = pyarrow.table(dict(zip(names, columns, strict=True)))
            if writer is None:
                writer = parquet.ParquetWriter(path, table.schema)
            writer.write_table(table.cast(writer.schema))
        if writer is None:
            parquet.write_table(pyarrow.table({n: [] for n in names}), path)
    finally:
        if writer is not None:
            writer.close()
