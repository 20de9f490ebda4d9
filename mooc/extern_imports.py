"""The modules of the model's folder that an extern's code imports: found by reading its
import statements (and theirs, in turn), without running any code, so that a checkpoint can
fingerprint them along with the extern's own file (see :mod:`mooc.extern_code`).

Read are ``import a.b``, ``from a import b`` (``b`` a module or not), relative imports in a
package, and ``importlib.import_module("a")`` or ``__import__("a")`` given a name as text,
wherever they stand (at the top or in a function). A name is looked up where the extern's code
finds it first: in the model's folder (a python extern's) or the script's folder (a program
that runs a Python script); one not there (the standard library, an installed package) is not
the model's and not followed. A name computed at run time is not seen.

>>> import tempfile
>>> from pathlib import Path
>>> home = Path(tempfile.mkdtemp()).resolve()
>>> _ = (home / "sim.py").write_text("import json, helper\\ndef f(x): return helper.g(x)\\n")
>>> _ = (home / "helper.py").write_text("from tools import scale\\ndef g(x): return x\\n")
>>> (home / "tools").mkdir()
>>> _ = (home / "tools" / "__init__.py").write_text("")
>>> _ = (home / "tools" / "scale.py").write_text("")
>>> [str(p.relative_to(home)) for p in imported_files(home / "sim.py", home, home)]
['helper.py', 'tools/__init__.py', 'tools/scale.py']
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from importlib.machinery import PathFinder
from pathlib import Path

#: Functions that import the module named by their first argument.
_IMPORTING_CALLS = ("import_module", "__import__")


def imported_files(code_file: Path, search: Path, home: Path) -> list[Path]:
    """The .py files under ``home`` that ``code_file`` imports, directly or through one
    another (not ``code_file`` itself), sorted; absolute imports are looked up in ``search``."""
    seen = {code_file}
    todo = [code_file]
    while todo:
        for path in _imports_of(todo.pop(), search, home):
            if path not in seen:
                seen.add(path)
                todo.append(path)
    return sorted(seen - {code_file})


def _imports_of(file: Path, search: Path, home: Path) -> Iterator[Path]:
    """The files under ``home`` of the modules ``file`` names in its imports."""
    try:
        tree = ast.parse(file.read_bytes(), filename=str(file))
    except (SyntaxError, ValueError, OSError):  # not Python, or unreadable: nothing to follow
        return
    for node in ast.walk(tree):
        for parts, base in _named_modules(node, file, search):
            yield from _module_files(parts, base, home)


def _named_modules(node: ast.AST, file: Path, search: Path
                   ) -> Iterator[tuple[list[str], Path]]:
    """The modules an AST node imports, as their names' parts and the folder looked in."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name.split("."), search
    elif isinstance(node, ast.ImportFrom):
        if node.level > len(file.parents):  # beyond the top: an import that fails
            return
        base = search if node.level == 0 else file.parents[node.level - 1]
        parts = node.module.split(".") if node.module else []
        if parts:
            yield parts, base
        for alias in node.names:  # 'from a import b': b may be a module of the package a
            if alias.name != "*":
                yield [*parts, alias.name], base
    elif isinstance(node, ast.Call) and node.args and _importing(node.func):
        name = node.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value:
            yield name.value.split("."), search


def _importing(function: ast.expr) -> bool:
    """Whether a call's function is importlib.import_module or __import__."""
    if isinstance(function, ast.Attribute):
        return function.attr in _IMPORTING_CALLS
    return isinstance(function, ast.Name) and function.id in _IMPORTING_CALLS


def _module_files(parts: list[str], base: Path, home: Path) -> Iterator[Path]:
    """The source file of each module along the dotted name ``parts`` (a package's
    ``__init__.py``, then its module's file), found in ``base`` as Python would find them
    without running them; it stops where one is not under ``home``."""
    folders = [str(base)]
    for part in parts:
        try:
            spec = PathFinder.find_spec(part, folders)
        except (ImportError, ValueError):
            return
        if spec is None:
            return
        origin = spec.origin
        if origin is not None and origin.endswith(".py"):
            path = Path(origin).resolve()
            if not path.is_relative_to(home) or not path.is_file():
                return
            yield path
        if spec.submodule_search_locations is None:
            return
        folders = list(spec.submodule_search_locations)
