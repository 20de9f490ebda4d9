"""Files ``mooc solve`` reads besides the model: a reference front (``--reference``), an earlier
output (``--rerun``) and a checkpoint (``--resume``). Each is read only up to a stated size,
so a wrong path (``/dev/zero``, a huge log) is refused instead of read for minutes, and a
reference front that is not one (text, a wrong column count, NaN) gets a clear error.
"""

from __future__ import annotations

import io
import os
import stat
import warnings

import numpy as np

from mooc.errors import UsageError

#: The largest reference front or earlier output read (a CSV front of a million points of
#: ten columns is smaller).
MAX_INPUT_BYTES = 256 * 1024 * 1024
#: The largest checkpoint read (a run's whole state: a population of 100,000 points of 100
#: variables with a million evaluations recorded takes under 200 MB).
MAX_CHECKPOINT_BYTES = 4 * 1024 * 1024 * 1024


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def read_capped(path: str, flag: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of ``path`` (a file, or a pipe such as ``<(command)``), refused with a
    UsageError naming ``flag`` when there are more than ``limit``."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise UsageError(f"cannot read {flag} '{path}': {error.strerror or error}") from None
    if len(data) > limit:
        raise UsageError(f"{flag} '{path}' holds more than {_size_text(limit)}; mooc reads at "
                         f"most that much")
    return data


def check_input_file(path: str, flag: str, limit: int | None = MAX_INPUT_BYTES) -> None:
    """Refuse ``path`` unless it is a regular file of at most ``limit`` bytes (None: any
    size): these files are read more than once, or by a library that reads to the end."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise UsageError(f"cannot read {flag} '{path}': {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{flag} takes a file, but '{path}' is "
                         f"{'a folder' if stat.S_ISDIR(info.st_mode) else 'not a regular file'}")
    if limit is not None and info.st_size > limit:
        raise UsageError(f"{flag} '{path}' holds {_size_text(info.st_size)}, more than the "
                         f"{_size_text(limit)} mooc reads")


def read_front(path: str, n_obj: int) -> np.ndarray:
    """A reference front: a CSV file of objective vectors, one per line (``#`` comments and a
    header line of names allowed); UsageError saying what is wrong otherwise."""
    data = read_capped(path, "--reference")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"the reference front '{path}' is not text (a byte that is not UTF-8 "
                         f"at offset {error.start})") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if lines and not _numeric_row(lines[0]):
        lines = lines[1:]  # a header of names
    if not lines:
        raise UsageError(f"the reference front '{path}' holds no points")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy's own complaints become this error
            front = np.loadtxt(io.StringIO("\n".join(lines)), delimiter=",", ndmin=2)
    except (ValueError, UserWarning) as error:
        raise UsageError(f"the reference front '{path}' is not a CSV file of numbers: "
                         f"{error}") from None
    if front.shape[1] != n_obj:
        raise UsageError(f"the reference front '{path}' has {front.shape[1]} columns, but the "
                         f"problem has {n_obj} objectives")
    bad = ~np.isfinite(front).all(axis=1)
    if bad.any():
        row = int(bad.nonzero()[0][0])
        raise UsageError(f"the reference front '{path}' has a value that is not a finite number "
                         f"in point {row + 1}: {lines[row].strip()[:80]}")
    return front


def _numeric_row(line: str) -> bool:
    try:
        [float(cell) for cell in line.split(",")]
    except ValueError:
        return False
    return True
