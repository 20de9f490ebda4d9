"""Every model the project ships, as text: the examples, the library and the docs' blocks.

Shared by the determinism and fuzz tests, which compile each one (or a mutant of it) again and
again.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).parents[2]
_FENCE = re.compile(r"^```moo(?P<info>(?: [\w ]+)?)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def _files(folder: Path) -> list[tuple[str, str, str]]:
    return [(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), str(path))
            for path in sorted(folder.rglob("*.moo"))]


def _doc_blocks() -> list[tuple[str, str, str]]:
    found = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((f"{doc.relative_to(ROOT)}:{line}", match["body"], str(doc)))
    return found


#: (id, text, filename) of every shipped model; the filename lets includes resolve.
CORPUS = _files(ROOT / "examples") + _files(ROOT / "stdlib") + _doc_blocks()

_RUN_DATA = re.compile(r"^# Run: .*$", re.MULTILINE)


@functools.cache
def data_for(filename: str) -> list[str]:
    """The data files a shipped model is run with: the ``--data FILE`` of its ``# Run:``
    comment line (paths from the project's root)."""
    path = Path(filename)
    if path.suffix != ".moo" or not path.is_file():
        return []
    runs = _RUN_DATA.findall(path.read_text(encoding="utf-8"))
    return [str(ROOT / found) for line in runs for found in re.findall(r"--data (\S+)", line)]


def points_within_bounds(compiled, n: int = 6, seed: int = 0) -> np.ndarray:
    """``n`` points inside a compiled model's bounds, whole where the kind is discrete."""
    lowered = compiled.lowered
    lower = np.concatenate([b.lower for b in lowered.variables])
    upper = np.concatenate([b.upper for b in lowered.variables])
    kinds = [b.kind for b in lowered.variables for _ in range(b.size)]
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):
        X = lower + rng.random((n, lower.size)) * (upper - lower)
        X = np.where(np.isfinite(X), X, np.clip(0.0, lower, upper))
    for column, kind in enumerate(kinds):
        if kind in ("int", "bin", "choice"):
            X[:, column] = np.clip(np.round(X[:, column]), np.ceil(lower[column]),
                                   np.floor(upper[column]))
    return X
