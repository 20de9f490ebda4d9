"""The library of classic problems shipped in mooc.stdlib."""

from __future__ import annotations

import os
from pathlib import Path


def _library_dir() -> Path:
    from importlib.util import find_spec

    spec = find_spec("mooc.stdlib")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def library_names() -> list[str]:
    return sorted(p.stem for p in _library_dir().glob("*.moo"))


def library_path(name: str) -> Path | None:
    candidate = _library_dir() / f"{name.lower()}.moo"
    return candidate if os.path.exists(candidate) else None  # never OSError: a long name


def library_summaries() -> list[tuple[str, str]]:
    """Each library problem's name and the first comment line of its file."""
    out = []
    for name in library_names():
        text = (_library_dir() / f"{name}.moo").read_text(encoding="utf-8")
        first = next((line.lstrip("# ").strip() for line in text.splitlines()
                      if line.startswith("#")), "")
        out.append((name, first))
    return out
