"""The compile cache: compiled models kept on disk, so that compiling an unchanged model again
takes milliseconds and imports neither sympy nor lark.

An entry is keyed by a hash of everything a compile depends on: the model's text and file name,
the current folder (relative includes and data files are found from it), the params and data
given, and the versions of mooc's compiler (its files' sizes and times of change), Python, numpy, sympy and
lark. The files a compile reads (includes, data files, ``@FILE`` params) and looks for are
recorded in the entry with a digest of their bytes; the entry is used only while each is
unchanged.

An entry is one ``.npz`` file of numpy arrays and a JSON document (see
:mod:`mooc.dsl.cache_format`; no pickle), written to a temporary file and renamed, so readers
in other processes see a whole entry or none. It holds a digest of its contents and the full
request it answers: a corrupt, truncated or foreign entry is ignored and compiled again. The
generated source it holds is compiled and run as a fresh compile's is, after these checks, and
only from a folder and file owned by the user that nobody else may write to. The folder keeps
at most :data:`MAX_ENTRIES` entries and :data:`MAX_BYTES` bytes; the least recently used go
first.

The folder: ``$MOOC_CACHE_DIR`` if set, else the platform's user cache folder (XDG:
``$XDG_CACHE_HOME/mooc``, by default ``~/.cache/mooc``; ``~/Library/Caches/mooc`` on macOS;
``%LOCALAPPDATA%\\mooc\\Cache`` on Windows).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import zipfile
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from mooc.dsl.cache_format import Decoder, Encoder, Uncacheable, canonical, dumps, payload_digest
from mooc.dsl.generated import CompiledModel, GeneratedCode, load_code, probe
from mooc.dsl.layout import ModelLayout
from mooc.dsl.reads import Dependency, recording, unchanged

#: The layout of entries; an entry of another format is ignored.
FORMAT = 1
#: At most this many entries, and this many bytes in all, are kept.
MAX_ENTRIES = 256
MAX_BYTES = 256 * 2**20
#: A compiled model larger than this (its constants: data) is not stored.
MAX_ENTRY_BYTES = 64 * 2**20
#: Temporary files older than this are left over from a killed process, and removed.
STALE_SECONDS = 3600.0


def cache_folder() -> Path:
    """Where compiled models are kept (see the module)."""
    chosen = os.environ.get("MOOC_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "mooc" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "mooc"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "mooc"


def _models_folder(create: bool) -> Path | None:
    """The folder of entries, if it may be used: made if asked, owned by this user and
    writable by nobody else (else None, and the cache is not used)."""
    folder = cache_folder() / "models"
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder if _private(folder.stat()) else None
    except OSError:
        return None


def _private(stat: os.stat_result) -> bool:
    if not hasattr(os, "getuid"):  # Windows: the user's own profile folder
        return True
    return stat.st_uid == os.getuid() and not stat.st_mode & 0o022


# keys ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _compiler_digest() -> str:
    """A digest of the compiler's files (the dsl package and the modules it uses: names, sizes
    and times of change), so that an entry written by other code is never used."""
    import mooc

    dsl = Path(__file__).resolve().parent
    here = Path(mooc.__file__).resolve().parent
    files = sorted(dsl.glob("*.py")) + sorted(dsl.glob("*.lark")) + \
        [here / name for name in ("errors.py", "extern_calls.py", "library.py", "__init__.py")]
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _installed(package: str) -> list[Any]:
    """Which installation of ``package`` is used (its file, size and time of change), without
    importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return [package, None]
    stat = os.stat(spec.origin)
    return [package, spec.origin, stat.st_size, stat.st_mtime_ns]


@lru_cache(maxsize=1)
def _versions() -> list[Any]:
    import mooc

    return [mooc.__version__, _compiler_digest(), sys.implementation.name,
            list(sys.version_info[:3]), np.__version__, _installed("sympy"), _installed("lark")]


def request(text: str, filename: str, params: Any, data: Any) -> dict[str, Any]:
    """Everything a compile of ``text`` depends on besides the files it reads; Uncacheable
    when that cannot be told (a value of an unknown kind, no current folder)."""
    try:
        versions, folder = _versions(), os.getcwd()
    except (OSError, ValueError) as error:
        raise Uncacheable(str(error)) from None
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {"format": FORMAT, "versions": versions, "folder": folder, "filename": filename,
            "text": digest, "params": canonical(dict(params or {})), "data": canonical(data)}


def key_of(asked: dict[str, Any]) -> str:
    """The cache key of a compile; Uncacheable when ``asked`` has no text (an int of more
    digits than Python writes out: the compile then says what is wrong with it)."""
    try:
        return hashlib.sha256(dumps(asked)).hexdigest()
    except ValueError as error:
        raise Uncacheable(str(error)) from None


# reading and writing ---------------------------------------------------------------------


def _read(path: Path, asked: dict[str, Any]
          ) -> tuple[ModelLayout, GeneratedCode, list[Dependency]] | None:
    """The entry at ``path`` if it is whole, answers ``asked`` and its files are unchanged; and
    the files it depends on."""
    try:
        if not _private(path.stat()):
            return None
        with open(path, "rb") as stream, np.load(stream, allow_pickle=False) as stored:
            document = stored["entry"].tobytes()
            digest = stored["digest"].tobytes().decode()
            count = int(stored["arrays"])
            arrays = [stored[f"a{k}"] for k in range(count)]
    except (OSError, KeyError, ValueError, EOFError, UnicodeDecodeError, zipfile.BadZipFile):
        return None
    if payload_digest(document, arrays) != digest:
        return None
    try:  # whole and ours by its digest; anything odd in it all the same: not used
        entry = json.loads(document)
        if entry["format"] != FORMAT or entry["request"] != asked:
            return None
        if not all(unchanged((kind, path, value)) for kind, path, value in entry["dependencies"]):
            return None
        decoder = Decoder(arrays, entry["sources"])
        layout, code = decoder.decode(entry["layout"]), decoder.decode(entry["code"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OSError):
        return None
    if not isinstance(layout, ModelLayout) or not isinstance(code, GeneratedCode):
        return None
    return layout, code, [list(dependency) for dependency in entry["dependencies"]]


def _write(folder: Path, key: str, asked: dict[str, Any], compiled: CompiledModel,
           dependencies: list[Dependency]) -> None:
    """Store ``compiled`` under ``key`` (atomically); nothing when it cannot be stored."""
    encoder = Encoder()
    try:
        layout, code = encoder.encode(compiled.layout), encoder.encode(compiled.code)
    except Uncacheable:
        return
    if sum(a.nbytes for a in encoder.arrays) > MAX_ENTRY_BYTES:
        return
    document = dumps({"format": FORMAT, "request": asked, "dependencies": dependencies,
                      "sources": encoder.encoded_sources(), "layout": layout, "code": code})
    digest = payload_digest(document, encoder.arrays).encode()
    members = {f"a{k}": array for k, array in enumerate(encoder.arrays)}
    members.update(entry=np.frombuffer(document, dtype=np.uint8),
                   arrays=np.array(len(encoder.arrays)), digest=np.frombuffer(digest, np.uint8))
    temporary: Path | None = None
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", suffix=".npz",
                                         delete=False) as stream:
            temporary = Path(stream.name)
            np.savez(stream, **members)  # type: ignore[arg-type]
        os.replace(temporary, folder / f"{key}.npz")
    except OSError:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return
    _evict(folder)


def _evict(folder: Path) -> None:
    """Remove the least recently used entries beyond the bounds, and stale temporary files."""
    entries = []
    now = time.time()
    try:
        for path in folder.iterdir():
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.name.startswith(".tmp-"):
                if now - stat.st_mtime > STALE_SECONDS:
                    path.unlink(missing_ok=True)
            elif path.suffix == ".npz":
                entries.append((stat.st_mtime, stat.st_size, path))
        entries.sort(reverse=True)  # most recently used first
        total = 0
        for count, (_, size, path) in enumerate(entries, start=1):
            total += size
            if count > MAX_ENTRIES or total > MAX_BYTES:
                path.unlink(missing_ok=True)
    except OSError:
        return


# compiling through the cache ---------------------------------------------------------


def _fresh(text: str, filename: str, params: Any, data: Any) -> CompiledModel:
    from mooc.dsl.compiler import compile_text

    return compile_text(text, filename, params, data)


def compile_model(text: str, filename: str = "<string>", params: dict[str, Any] | None = None,
                  data: Any = None, *, cache: bool = True) -> CompiledModel:
    """Compile a model's text (as :func:`mooc.dsl.compiler.compile_text`), through the compile
    cache unless ``cache`` is False."""
    started = time.perf_counter()
    folder = _models_folder(create=True) if cache else None
    try:
        asked = request(text, filename, params, data) if folder is not None else None
        key = None if asked is None else key_of(asked)
    except Uncacheable:
        asked = key = None
    if folder is None or asked is None or key is None:
        return _fresh(text, filename, params, data)
    path = folder / f"{key}.npz"
    found = _read(path, asked)
    if found is not None:
        layout, code, dependencies = found
        try:
            evaluate = load_code(code, layout.name, layout.externs)
            probe(evaluate, layout, code)
        except Exception:  # noqa: BLE001 - a bad entry is compiled again, which reports errors
            found = None
        else:
            _touch(path)
            return CompiledModel(layout, code, evaluate, time.perf_counter() - started,
                                 rebuild=partial(_fresh, text, filename, params, data),
                                 cached=True, store=partial(_write, folder, key, asked,
                                                            dependencies=dependencies))
    with recording() as dependencies:
        compiled = _fresh(text, filename, params, data)
    _write(folder, key, asked, compiled, dependencies)
    compiled.store = partial(_write, folder, key, asked, dependencies=dependencies)
    return compiled


def _touch(path: Path) -> None:
    """Mark an entry as used now (eviction removes the least recently used)."""
    try:
        os.utime(path)
    except OSError:
        pass
