"""Reading data files: CSV (and TSV), JSON, Parquet and ``.npy``, bounded in size, with every
mistake located in the file (``file:row:col`` with the line and a caret, for text files).

Reading gives raw tables and JSON documents; what a value means (a set's labels, a param's
array) is decided in :mod:`mooc.dsl.data`, against the model's declarations. Numbers are
converted column by column with numpy; a cell is looked at on its own only to report it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mooc.dsl import ast
from mooc.dsl.reads import note_read
from mooc.dsl.source import decode_model
from mooc.errors import DataError, MooError

#: Largest data file read, in bytes.
MAX_DATA_BYTES = 1 << 30

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")
SUFFIXES = (*TABLE_SUFFIXES, ".json", ".npy")


def read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a data file, refused beyond :data:`MAX_DATA_BYTES`."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_DATA_BYTES + 1)
    except OSError as error:
        raise DataError(f"cannot read the data file '{shown}': {error.strerror or error}") from None
    if len(data) > MAX_DATA_BYTES:
        raise DataError(f"the data file '{shown}' is larger than {MAX_DATA_BYTES >> 20:,} MB")
    note_read(path, data)
    return data


def read_text(path: Path, shown: str) -> str:
    """A text data file as UTF-8 (a byte-order mark accepted); a bad byte is located."""
    data = read_bytes(path, shown)
    try:
        return decode_model(data, shown)
    except MooError as error:
        raise DataError(error.message, error.span) from None


def shown_text(text: str) -> str:
    """A file's ``text`` quoted for a message, cut short (a number may have thousands of
    digits)."""
    return f"'{text}'" if len(text) <= 40 else f"'{text[:37]}...'"


def span_at(source: ast.SourceFile, offset: int, end: int | None = None) -> ast.Span:
    """The span of ``source.text[offset:end]`` (cut at the end of its first line)."""
    text = source.text
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    stop = text.find("\n", offset)
    stop = len(text) if stop < 0 else stop
    end = min(stop, max(end if end is not None else offset + 1, offset + 1))
    return ast.Span(source, line, column, line, column + (end - offset))


# Tables ---------------------------------------------------------------------------------


@dataclass
class Table:
    """A table of a CSV or Parquet file: a header and columns of cells, the first column the
    index. ``cells[c]`` is a list of strings (CSV) or an array (Parquet)."""

    file: str
    header: list[str]
    cells: list[Any]
    source: ast.SourceFile | None = None  # the text, for carets (CSV)
    row_lines: list[int] | None = None  # the line of each row; None: row k is on line k + 2
    delimiter: str = ","
    padded: bool = True  # whether a cell may hold spaces around its text
    #: what an index column maps to (and its labels), kept for the columns that share it
    orders: dict[object, object] = field(default_factory=dict)
    header_line: int = 1  # after blank lines, the header is further down

    @property
    def n_rows(self) -> int:
        return len(self.cells[0]) if self.cells else 0

    def line_of(self, row: int) -> int:
        """The line of data row ``row`` (0-based; -1 is the header)."""
        if row < 0:
            return self.header_line
        return self.row_lines[row] if self.row_lines is not None else row + 2

    def text(self, row: int, column: int) -> str:
        """The cell as written (the header cell for ``row`` -1)."""
        if row < 0:
            return self.header[column]
        value = self.cells[column][row]
        return "" if value is None else str(value)

    def error(self, row: int, column: int, message: str) -> DataError:
        """A DataError at a cell: with a caret under it in a CSV file, else naming row and
        column."""
        if self.source is None:
            place = "the header" if row < 0 else f"row {row + 1}"
            return DataError(f"{self.file}, {place}, column '{self.header[column]}': {message}")
        line = self.line_of(row)
        start, stop = _cell_columns(self.source.line(line), column, self.delimiter)
        return DataError(message, ast.Span(self.source, line, start + 1, line, max(stop, start + 1) + 1))

    def labels(self, column: int) -> list[str]:
        """The cells of ``column`` as labels: stripped, none empty (kept for the next ask)."""
        key = ("labels", column)
        if key in self.orders:
            return self.orders[key]  # type: ignore[return-value]
        cells = self.cells[column]
        if self.source is not None:  # a CSV file's cells are strings
            labels = [c.strip() for c in cells] if self.padded else cells
        else:
            labels = [str(c).strip() if c is not None else "" for c in cells]
        if not all(labels):
            row = labels.index("")
            raise self.error(row, column, "this label is empty")
        self.orders[key] = labels  # type: ignore[assignment]
        return labels

    def numbers(self, column: int) -> np.ndarray:
        """The cells of ``column`` as finite floats."""
        cells = self.cells[column]
        try:
            if isinstance(cells, np.ndarray) and cells.dtype.kind in "iuf":
                values = cells.astype(float)
            else:
                if _holds_bools(cells, self.source is None) or _loose_numbers(cells):
                    raise ValueError  # found and reported cell by cell
                values = np.array(cells, dtype=float)
        except (TypeError, ValueError):
            values = self._numbers_slowly(column)
        bad = ~np.isfinite(values)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            if self.source is None and np.isnan(values[row]):  # a null in a Parquet column
                raise self.error(row, column, "expected a number, but found an empty cell")
            raise self.error(row, column, f"expected a finite number, but found "
                                          f"{shown_text(self.text(row, column).strip())}")
        return values

    def _numbers_slowly(self, column: int) -> np.ndarray:
        """Cell by cell, to find the one that is not a number (and say where)."""
        out = np.empty(self.n_rows)
        for row, cell in enumerate(self.cells[column]):
            text = self.text(row, column).strip()
            shown = shown_text(text)
            if _loose_numbers([cell]):
                raise self.error(row, column, f"expected a number written with the digits 0-9 "
                                              f"(no '_' or other scripts), but found {shown}")
            try:
                if isinstance(cell, (bool, np.bool_)) or cell is None:
                    raise ValueError
                out[row] = float(cell)
            except (TypeError, ValueError):
                found = shown if text else "an empty cell"
                raise self.error(row, column, f"expected a number, but found {found}") from None
        return out


def _holds_bools(cells: Any, typed: bool) -> bool:
    """Whether a column holds booleans (numpy would take them as 1 and 0); only a typed
    table's cells (Parquet, not CSV's strings) can."""
    if isinstance(cells, np.ndarray):
        return cells.dtype.kind == "b"
    return typed and any(isinstance(cell, (bool, np.bool_)) for cell in cells)


def _loose_numbers(cells: Any) -> bool:
    """Whether text cells hold what Python reads as a number but a data file does not write
    one: digit groups with ``_`` (``1_000``) or digits of other scripts (``١٢``, full-width
    ``１２``). Typed cells (Parquet's) are numbers already."""
    text = "".join(cell for cell in cells if isinstance(cell, str))
    return "_" in text or not text.isascii()


def _cell_columns(line: str, column: int, delimiter: str) -> tuple[int, int]:
    """Where cell ``column`` of a CSV line starts and ends (0-based characters)."""
    start, quoted = 0, False
    bounds = [0]
    for k, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            bounds.append(k + 1)
    bounds.append(len(line) + 1)
    if column + 1 >= len(bounds):
        return len(line), len(line)
    start, stop = bounds[column], bounds[column + 1] - 1
    cell = line[start:stop]
    lead = len(cell) - len(cell.lstrip())
    return start + lead, start + len(cell.rstrip())


def _delimiter(path: Path, header_line: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, shown: str) -> Table:
    """A CSV file as a :class:`Table`; its lines may end in CR LF, or in CR alone (Excel's
    "CSV (Macintosh)")."""
    text = read_text(path, shown).replace("\r\n", "\n").replace("\r", "\n")
    content = text.rstrip()
    source = ast.SourceFile(shown, text)
    if not content:
        what = "holds only blank lines" if text else "is empty"
        example = "" if path.suffix.lower() == ".tsv" else ", as in 'products,profit'"
        raise DataError(f"this file {what}: a {path.suffix[1:].upper() or 'CSV'} file starts "
                        f"with a header row that names its columns{example}", span_at(source, 0))
    end = content.find("\n")
    head, body = (content, "") if end < 0 else (content[:end], content[end + 1:])
    delimiter = _delimiter(path, head)
    if '"' in content or "\n\n" in content or not head.strip():
        return _table_by_reader(content, Table(shown, [], [], source, None, delimiter))
    table = Table(shown, [cell.strip() for cell in head.split(delimiter)], [], source, None,
                  delimiter, padded=any(space in content for space in " \t\r\f\v"
                                        if space != delimiter))
    _check_header(table)
    if body and not _same_widths(body, delimiter, len(table.header)):
        # a line of spaces, or a row of another width: the csv module says which
        return _table_by_reader(content, Table(shown, [], [], source, None, delimiter))
    table.cells = _columns_fast(table, body)
    return table


def _table_by_reader(content: str, table: Table) -> Table:
    """A table read by the csv module (quotes, blank lines), with the line each row ends on."""
    reader = csv.reader(io.StringIO(content), delimiter=table.delimiter)
    rows, row_lines = [], []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append(row)
                row_lines.append(reader.line_num)
    except csv.Error as error:
        raise DataError(f"{table.file}, line {reader.line_num}: {error}") from None
    table.header = [cell.strip() for cell in rows[0]]
    table.header_line, table.row_lines = row_lines[0], row_lines[1:]
    _check_header(table)
    _check_widths(table, [len(row) for row in rows[1:]])
    table.cells = [list(column) for column in zip(*rows[1:], strict=True)] if len(rows) > 1 \
        else [[] for _ in table.header]
    return table


def _columns_fast(table: Table, body: str) -> list[list[str]]:
    """The columns of unquoted lines of the header's width: split all at once."""
    width = len(table.header)
    delimiter = table.delimiter
    if not body:
        return [[] for _ in range(width)]
    flat = body.replace("\n", delimiter).split(delimiter)
    return [flat[k::width] for k in range(width)]


def _same_widths(body: str, delimiter: str, width: int) -> bool:
    """Whether every line has ``width - 1`` delimiters (vectorized over the bytes)."""
    data = np.frombuffer(body.encode(), dtype=np.uint8)
    at = np.flatnonzero(data == ord(delimiter))
    ends = np.flatnonzero(data == ord("\n"))
    counts = np.bincount(np.searchsorted(ends, at), minlength=ends.size + 1)
    return bool(counts.size == ends.size + 1 and np.all(counts == width - 1))


def _check_header(table: Table) -> None:
    for column, name in enumerate(table.header):
        if not name and column > 0:
            raise table.error(-1, column, "this column has no name in the header row")
        if name and table.header.index(name) != column:
            raise table.error(-1, column, f"the column '{name}' appears twice in the header row")


def _check_widths(table: Table, widths: list[int]) -> None:
    width = len(table.header)
    for row, count in enumerate(widths):
        if count != width:
            raise table.error(row, width if count > width else max(count - 1, 0),
                              f"this row has {count} cell{'s' if count != 1 else ''}, but the "
                              f"header has {width}")


def read_parquet(path: Path, shown: str) -> Table:
    """A Parquet file as a :class:`Table` (needs pandas and pyarrow)."""
    try:
        import pandas
    except ImportError:
        raise DataError(f"reading '{shown}' needs pandas and pyarrow: pip install pandas "
                        "pyarrow") from None
    data = read_bytes(path, shown)  # read once: the size limit, and the bytes the cache noted
    try:
        frame = pandas.read_parquet(io.BytesIO(data))
    except ImportError:
        raise DataError(f"reading '{shown}' needs pyarrow: pip install pyarrow") from None
    except Exception as error:  # the file is not Parquet: pyarrow raises several kinds
        raise DataError(f"cannot read the Parquet file '{shown}': {error}") from None
    if not isinstance(frame.index, pandas.RangeIndex):
        frame = frame.reset_index()
    header = [str(name).strip() for name in frame.columns]
    cells = [_parquet_cells(frame[name]) for name in frame.columns]
    table = Table(shown, header, cells)
    _check_header(table)
    return table


def _parquet_cells(series: Any) -> Any:
    values = series.to_numpy()
    if values.dtype.kind in "iuf":
        return values
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in values.tolist()]


# Other ----------------------------------------------------------------------------------


def read_npy(path: Path, shown: str) -> np.ndarray:
    """A ``.npy`` array (never with pickled objects)."""
    data = read_bytes(path, shown)
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:  # EOFError: an empty or cut-short file
        raise DataError(f"cannot read the .npy file '{shown}': {error}") from None
    if not isinstance(array, np.ndarray):
        raise DataError(f"'{shown}' holds no single array")
    return array


def check_suffix(path: Path, shown: str, allowed: tuple[str, ...] = SUFFIXES) -> str:
    """The file's kind by its suffix; DataError naming the kinds read otherwise."""
    suffix = path.suffix.lower()
    if suffix not in allowed:
        kinds = ", ".join(allowed)
        raise DataError(f"'{shown}' is not a data file mooc reads (by its suffix: {kinds})")
    return suffix
