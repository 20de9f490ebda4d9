"""``mooc.load`` and ``mooc.compile``: from a file or a string to a :class:`mooc.Problem`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mooc.errors import UsageError
from mooc.problem import Problem


def resolve_path(name: str | Path) -> Path:
    """A model path; a library name (``zdt1``) is looked up in the stdlib when no file exists."""
    path = Path(name)
    if path.exists():
        return path
    from mooc.library import library_path

    found = library_path(str(name))
    if found is not None:
        return found
    raise UsageError(f"no model file '{name}' (and no library problem of that name; "
                     "'mooc list' shows them)")


def load(path: str | Path, params: dict[str, Any] | None = None) -> Problem:
    """Compile the model in ``path`` (or a library problem's name) with param overrides."""
    from mooc.dsl.compiler import compile_text

    resolved = resolve_path(path)
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read '{resolved}': {error}") from None
    return Problem(compile_text(text, str(path), params), path=str(resolved.resolve()),
                   params=params)


def compile(text: str, params: dict[str, Any] | None = None, *,  # noqa: A001 - public name
            filename: str = "<string>") -> Problem:
    """Compile a model from its text."""
    from mooc.dsl.compiler import compile_text

    return Problem(compile_text(text, filename, params), params=params)
