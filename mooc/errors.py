"""One exception root for everything a user can get wrong, with one way to point at the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mooc.dsl.ast import Span


class MooError(Exception):
    """Root of mooc's errors: a mistake in a model file, a parameter or a command line."""

    exit_code = 2

    def __init__(self, message: str, span: Span | None = None, *, notes: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.span = span
        self.notes = notes

    def __str__(self) -> str:
        return format_error(self.message, self.span, self.notes)


class ModelSyntaxError(MooError):
    """The text does not follow the grammar."""


class ModelCheckError(MooError):
    """The text parses but means nothing: unknown names, bad bounds, wrong sizes."""


class ModelLimitError(ModelCheckError):
    """The model is too large or too deeply nested to compile."""


class ParameterError(MooError):
    """A parameter override names nothing or has a bad value."""


class DataError(MooError):
    """A data file or a data value is wrong: unreadable, of the wrong shape or type, or naming
    something the model does not declare. Located in the data file (``file:row:col``) when it
    is text."""


class UsageError(MooError):
    """A command-line or API argument is wrong."""


class EvaluationError(MooError):
    """Evaluating the model failed for a reason other than a domain fault."""


class MooWarning(UserWarning):
    """Something went wrong that did not stop the run, e.g. a checkpoint that could not be
    saved. ``final`` says it concerns the run's last save, so the result is not kept there."""

    def __init__(self, message: str, *, final: bool = False):
        super().__init__(message)
        self.final = final


def format_error(message: str, span: Span | None, notes: tuple[str, ...] = ()) -> str:
    """``file:line:col: error: message``, the source line and a caret under the span."""
    if span is None:
        head = f"error: {message}"
        return "\n".join((head, *notes))
    head = f"{span.source.name}:{span.line}:{span.column}: error: {message}"
    line = visible_text(span.source.line(span.line).expandtabs(1))
    end = span.end_column if span.end_line == span.line else len(line) + 1
    width = max(1, min(end, len(line) + 1) - span.column)
    shown, column = _window(line, span.column)
    caret = " " * (column - 1) + "^" * min(width, len(shown) + 1 - (column - 1))
    chain = tuple(f"  included from {place}" for place in span.source.included_from)
    return "\n".join((head, "    " + shown, "    " + caret, *chain, *notes))


def visible_text(line: str) -> str:
    """``line`` with each control character as one visible one (a carriage return as ␍, an
    escape as ␛, ...), so the caret stays under its column and the terminal is not steered: a
    lone carriage return in a JSON string sent the cursor back over the line shown."""
    if line.isprintable():
        return line
    return "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else "␡" if ord(c) == 0x7F
                   else "?" if 0x80 <= ord(c) < 0xA0 else c for c in line)


#: Longest source line shown whole under an error; longer ones are cut around the caret.
_SHOWN = 100


def _window(line: str, column: int) -> tuple[str, int]:
    """The part of a long ``line`` around ``column`` (1-based), and the column within it."""
    if len(line) <= _SHOWN:
        return line, column
    start = max(0, min(column - 1 - _SHOWN // 2, len(line) - _SHOWN))
    prefix = "..." if start else ""
    suffix = "..." if start + _SHOWN < len(line) else ""
    return prefix + line[start:start + _SHOWN] + suffix, column - start + len(prefix)
