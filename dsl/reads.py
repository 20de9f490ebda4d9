"""Which files a compile read, and which it looked for: the compile cache records them, so that
an entry is used only while each file read is unchanged and each file looked for is still
there (or still missing).

Recording is per context (thread), and costs nothing when nobody records.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

#: ("read", absolute path, sha256 of the bytes) or ("probe", absolute path, "file"/"none")
Dependency = tuple[str, str, str]

_RECORDERS: ContextVar[tuple[list[Dependency], ...]] = ContextVar("mooc_reads", default=())


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def note_read(path: str | os.PathLike[str], data: bytes) -> None:
    """``data`` was read from ``path``."""
    recorders = _RECORDERS.get()
    if recorders:
        entry = ("read", os.path.abspath(path), digest(data))
        for recorder in recorders:
            recorder.append(entry)


def is_file(path: str | os.PathLike[str]) -> bool:
    """``Path(path).is_file()``, recorded."""
    found = Path(path).is_file()
    recorders = _RECORDERS.get()
    if recorders:
        entry = ("probe", os.path.abspath(path), "file" if found else "none")
        for recorder in recorders:
            recorder.append(entry)
    return found


@contextmanager
def recording() -> Iterator[list[Dependency]]:
    """Record, within the block, every file read and looked for (in this context)."""
    found: list[Dependency] = []
    token = _RECORDERS.set((*_RECORDERS.get(), found))
    try:
        yield found
    finally:
        _RECORDERS.reset(token)


def unchanged(dependency: Dependency) -> bool:
    """Whether the file read has the same bytes, or the file looked for is still (not) there."""
    kind, path, value = dependency
    if kind == "probe":
        return ("file" if Path(path).is_file() else "none") == value
    try:
        with open(path, "rb") as stream:
            return digest(stream.read()) == value
    except OSError:
        return False
