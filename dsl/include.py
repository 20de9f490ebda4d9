"""``include "other.moo"``: splice another model's statements in place, before checking.

A path is relative to the including file; a bare name such as ``"zdt1"`` that is not a file
names a library problem. Statements keep their own file in their spans, so an error inside an
included file points there and lists the chain of includes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mooc.dsl import ast
from mooc.dsl.parser import parse
from mooc.dsl.reads import is_file
from mooc.dsl.source import read_model
from mooc.errors import ModelCheckError, ModelLimitError, MooError

#: Deepest chain of includes accepted.
MAX_INCLUDE_DEPTH = 32
#: Most files one model may include in all, counting a file each time it is included (files
#: that include each other twice over would otherwise fan out exponentially).
MAX_INCLUDED_FILES = 1000

#: Finds a library problem's file by name, or None.
LibraryLookup = Callable[[str], "Path | None"]


def _resolve(node: ast.Include, base: Path, library: LibraryLookup | None) -> Path:
    candidate = base / node.path
    if is_file(candidate):
        return candidate.resolve()
    if library is not None and "/" not in node.path and not node.path.endswith(".moo"):
        found = library(node.path)
        if found is not None:
            return found.resolve()
    if candidate.exists():
        raise ModelCheckError(f"cannot include '{node.path}': {candidate} is not a model file "
                              "(it is a folder or a device)", node.span)
    raise ModelCheckError(f"cannot include '{node.path}': there is no file {candidate} and no "
                          "library problem of that name", node.span)


def expand_includes(model: ast.Model, *, base: Path, library: LibraryLookup | None = None,
                    chain: tuple[tuple[Path, ast.Span], ...] = (),
                    loaded: list[Path] | None = None) -> ast.Model:
    """The model with every include replaced by the included file's statements."""
    statements: list[ast.Statement] = []
    has_header = any(isinstance(s, ast.ProblemHeader) for s in model.statements)
    loaded = [] if loaded is None else loaded
    for statement in model.statements:
        if not isinstance(statement, ast.Include):
            statements.append(statement)
            continue
        included = _load(statement, base, library, chain, loaded)
        for inner in included.statements:
            if isinstance(inner, ast.ProblemHeader) and (has_header or _header_in(statements)):
                continue  # the including model names the problem
            statements.append(inner)
    return ast.Model(model.source, tuple(statements))


def _header_in(statements: list[ast.Statement]) -> bool:
    return any(isinstance(s, ast.ProblemHeader) for s in statements)


def _load(node: ast.Include, base: Path, library: LibraryLookup | None,
          chain: tuple[tuple[Path, ast.Span], ...], loaded: list[Path]) -> ast.Model:
    path = _resolve(node, base, library)
    if any(path == seen for seen, _ in chain):
        raise ModelCheckError(f"'{node.path}' includes itself (through "
                              f"{' -> '.join(p.name for p, _ in chain)} -> {path.name})",
                              node.span)
    if len(chain) >= MAX_INCLUDE_DEPTH:
        raise ModelCheckError(f"includes nested more than {MAX_INCLUDE_DEPTH} deep", node.span)
    loaded.append(path)
    if len(loaded) > MAX_INCLUDED_FILES:
        raise ModelLimitError(f"the includes add up to more than {MAX_INCLUDED_FILES:,} files "
                              "(counting a file each time it is included)",
                              node.span)
    trail = (*chain, (path, node.span))
    places = tuple(f"{span.source.name}:{span.line}:{span.column}" for _, span in reversed(trail))
    shown = _display_name(path, base, node.path)
    try:
        text = read_model(path, shown, included_from=places)
    except MooError as error:
        if error.span is not None:
            raise
        raise ModelCheckError(f"cannot include '{node.path}': {error.message}", node.span) from None
    inner = parse(text, shown, included_from=places)
    return expand_includes(inner, base=path.parent, library=library, chain=trail, loaded=loaded)


def _display_name(path: Path, base: Path, written: str) -> str:
    candidate = base / written
    return str(candidate) if is_file(candidate) else str(path)
