"""Reading a model file: bounded in size, UTF-8 (a byte-order mark is accepted), and a byte that
is not UTF-8 reported at its line and column like any other mistake in the text."""

from __future__ import annotations

from pathlib import Path

from mooc.dsl.reads import note_read
from mooc.dsl.span import SourceFile, Span
from mooc.errors import ModelLimitError, ModelSyntaxError, UsageError

#: Largest model file read, in bytes; larger input (or a device such as /dev/zero) is refused.
MAX_MODEL_BYTES = 64 * 2**20

_BOM = "\ufeff"


def read_model(path: Path, shown: str, *, included_from: tuple[str, ...] = ()) -> str:
    """The text of the model file ``path`` (reported as ``shown``)."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_MODEL_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read '{shown}': {error.strerror or error}") from None
    if len(data) > MAX_MODEL_BYTES:
        raise ModelLimitError(f"'{shown}' is larger than {MAX_MODEL_BYTES // 2**20} MB; a model "
                              "file is text of a few kilobytes (large data belongs in params)")
    note_read(path, data)
    return decode_model(data, shown, included_from=included_from)


def decode_model(data: bytes, shown: str, *, included_from: tuple[str, ...] = ()) -> str:
    """``data`` as UTF-8 text without a byte-order mark; a bad byte is a located error."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _bad_byte(data, error, shown, included_from) from None
    return text[1:] if text.startswith(_BOM) else text


def _bad_byte(data: bytes, error: UnicodeDecodeError, shown: str,
              included_from: tuple[str, ...]) -> ModelSyntaxError:
    before = data[:error.start].decode("utf-8", errors="replace")
    if before.startswith(_BOM):
        before = before[1:]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    text = data.decode("utf-8", errors="replace").removeprefix(_BOM)
    source = SourceFile(shown, text, included_from)
    span = Span(source, line, column, line, column + 1)
    return ModelSyntaxError(f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot "
                            "start or continue a character here; save the file as UTF-8",
                            span)
