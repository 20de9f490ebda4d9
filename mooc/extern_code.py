"""Where an extern's code lives: the file a checkpoint fingerprints, and loading a python
extern's module that is a file in the model's folder.

Such a module (``MODULE.py`` next to the .moo file) is loaded from that file rather than
imported by name: two models whose externs name modules of the same name in different folders
each get their own folder's module, and a model loaded again after the file was edited gets the
new code. It is registered under its own name while no other module holds that name (the
newest load of a file takes it over from an older one), so that other processes find it by
name; else under a name made of its name, its path and the hash of its bytes. The bytes run are
those hashed when the model was loaded (:func:`fingerprint`): a process that loads the module
later (a spawned worker, a Dask worker) refuses a file that changed since
(:class:`CodeChanged`), so every call of a run runs the same code. Other modules (installed
ones, packages) are imported by name, as Python does.

A checkpoint records each extern's code file and its fingerprint (the sha256 of its bytes), and
a resume refuses code that changed: a python extern's module source (a package's
``__init__.py``; an extension or built-in module has no source and is not checked), a program
extern's program, or the script it runs, when that is a file in the model's folder; and the
files of the model's folder that this file imports (:mod:`mooc.extern_imports`).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import shlex
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

#: Modules loaded from their files, by path and fingerprint (also in sys.modules, by name).
_loaded: dict[tuple[str, str], ModuleType] = {}
#: The modules loaded here under their own names (see _name_for), by name.
_named: dict[str, ModuleType] = {}
_lock = threading.Lock()


class CodeChanged(Exception):
    """A module file changed between the model's load and the loading of its code."""


def fingerprint(path: str | Path) -> str:
    """The sha256 of the file's bytes, in hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def own_module_file(module: str, folder: str) -> Path | None:
    """The file ``MODULE.py`` in the model's folder, which is loaded from there; else None."""
    if not module.isidentifier():  # a dotted name is a package's module: imported by name
        return None
    path = Path(folder) / f"{module}.py"
    return path.resolve() if path.is_file() else None


def module_source(module: str, folder: str) -> Path | None:
    """The .py file Python would import ``module`` from, looking in ``folder`` first (a
    package's ``__init__.py``), found without running any code; None when it has none."""
    from importlib.machinery import PathFinder

    parts = module.split(".")
    try:
        found = PathFinder.find_spec(parts[0], [folder]) or importlib.util.find_spec(parts[0])
        for part in parts[1:]:  # each package's submodules, without importing the package
            if found is None or found.submodule_search_locations is None:
                return None
            found = PathFinder.find_spec(part, list(found.submodule_search_locations))
    except (ImportError, ValueError):  # a module in sys.modules without a spec
        return None
    origin = None if found is None else found.origin
    if origin is None or not origin.endswith(".py") or not Path(origin).is_file():
        return None
    return Path(origin).resolve()


def program_file(command: str, folder: str) -> Path | None:
    """The file in ``folder`` a program extern runs: its program, or else the script its
    program (an interpreter) is given first; None when neither is a file in the folder."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    options = [word for word in words[1:] if not word.startswith("-")]
    home = Path(folder).resolve()
    for word in words[:1] + options[:1]:
        path = (home / word).resolve()
        if "{" not in word and path.is_file() and path.is_relative_to(home):
            return path
    return None


def load_module_file(module: str, path: str, digest: str) -> ModuleType | None:
    """The module ``module`` loaded from ``path``, whose bytes must have the sha256 ``digest``
    (else :class:`CodeChanged`). None when the model's folder does not exist here (a remote
    Dask worker): then the module is imported by name, as given to the worker."""
    key = (path, digest)
    with _lock:
        loaded = _loaded.get(key)
        if loaded is not None:
            return loaded
        try:
            source = Path(path).read_bytes()
        except FileNotFoundError:
            if not Path(path).parent.is_dir():
                return None
            raise CodeChanged(f"'{path}' is gone since the model was loaded") from None
        if hashlib.sha256(source).hexdigest() != digest:
            raise CodeChanged(f"'{path}' changed since the model was loaded; load the model "
                              "again to run the new code")
        loaded = _run_module(module, path, digest, source)
        _loaded[key] = loaded
        return loaded


def _run_module(module: str, path: str, digest: str, source: bytes) -> ModuleType:
    """Run ``source`` as a new module, registered in sys.modules (pickle and dataclasses look a
    module up there) under the name :func:`_name_for` gives it."""
    name = _name_for(module, path, digest)
    loader = _HashedSource(name, path, source)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None  # a .py file always has one
    loaded = importlib.util.module_from_spec(spec)
    before = sys.modules.get(name)
    sys.modules[name] = loaded
    try:
        loader.exec_module(loaded)  # as an import runs a module, on the bytes given
    except BaseException:
        if before is None:
            del sys.modules[name]
        else:
            sys.modules[name] = before
        raise
    if name == module:
        _named[module] = loaded
    return loaded


class _HashedSource(importlib.machinery.SourceFileLoader):
    """Python's loader of a source file, given the file's bytes as they were hashed (a file
    changed on disk after its check is not run) and without a bytecode cache."""

    def __init__(self, name: str, path: str, source: bytes):
        super().__init__(name, path)
        self.source = source

    def get_data(self, path: str) -> bytes:
        if path == self.path:
            return self.source
        raise OSError(f"only {self.path} is read")

    def path_stats(self, path: str) -> Mapping[str, Any]:
        raise OSError("no bytecode cache: the bytes given are compiled")


def _name_for(module: str, path: str, digest: str) -> str:
    """The module's own name (``sim``) while no other module holds it, or an earlier load of
    the same file does: other processes then find the module by name (the processes of a pool
    the extern starts itself, given its functions by name). Else a name unique to the file's
    path and bytes: the first model's module keeps its own."""
    held = sys.modules.get(module)
    if held is None or (held is _named.get(module) and held.__file__ == path):
        return module
    tag = hashlib.sha256(f"{path}\0{digest}".encode()).hexdigest()[:16]
    return f"{module}__mooc_{tag}"
