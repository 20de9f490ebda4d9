"""The whole test session compiles through a compile cache of its own (a temporary folder), so
tests neither read nor fill the user's cache; subprocesses inherit it."""

from __future__ import annotations

import os
import shutil
import tempfile

_made: list[str] = []


def pytest_configure(config: object) -> None:
    folder = tempfile.mkdtemp(prefix="mooc-test-cache-")
    _made.append(folder)
    os.environ["MOOC_CACHE_DIR"] = folder


def pytest_unconfigure(config: object) -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)
