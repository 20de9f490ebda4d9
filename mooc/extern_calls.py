"""One extern (:class:`ExternSpec`, as a model declares it) and making one call of it: a
python function in this process, in a child process killed after
its timeout, or in a reused timed worker (:func:`serve`, see :mod:`mooc.timed_workers`); a
program with the point as JSON on its standard input. What a call returns becomes its values,
and whatever goes wrong its recorded reason (:func:`failure_reason`); :mod:`mooc.externs`
decides which calls to make and keeps what they give.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import numbers
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mooc.exit_guard import ExternExited, exits_refused
from mooc.extern_code import (
    fingerprint,
    load_module_file,
    module_source,
    own_module_file,
    program_file,
)
from mooc.extern_programs import run_program


@dataclass(frozen=True)
class ExternSpec:
    """One ``extern`` declaration, resolved to where its code lives."""

    name: str
    kind: str  # "python" or "program"
    target: str  # "module:function", or a command line
    args: tuple[str, ...]
    returns: tuple[str, ...]
    vectorized: bool = False
    timeout: float | None = None
    folder: str = "."  # the .moo file's folder: modules and programs are looked up there first
    # Found when the model is loaded (see located): the file of its code and the sha256 of its
    # bytes, and whether the module is loaded from that file (see mooc.extern_code).
    code_file: str | None = None
    code_hash: str | None = None
    from_file: bool = False
    #: the files of the model's folder its code imports, and their sha256 (see located)
    imported: tuple[tuple[str, str], ...] = ()


_MISSING = object()


def located(spec: ExternSpec) -> ExternSpec:
    """``spec`` with the file of its code and that file's fingerprint, and those of the files
    of the model's folder it imports, as they are now."""
    if spec.kind == "python":
        module = spec.target.partition(":")[0]
        own = own_module_file(module, spec.folder)
        path = own or module_source(module, spec.folder)
    else:
        own, path = None, program_file(spec.target, spec.folder)
    try:
        digest = None if path is None else fingerprint(path)
        imported = () if path is None else _imported(spec, path)
    except OSError:  # unreadable: not checked, and imported by name
        return spec
    return dataclasses.replace(spec, code_file=None if digest is None else str(path),
                               code_hash=digest, from_file=own is not None, imported=imported)


def _imported(spec: ExternSpec, code_file: Path) -> tuple[tuple[str, str], ...]:
    """The files of the model's folder ``code_file`` imports (see :mod:`mooc.extern_imports`)
    with their sha256. A python extern's imports are looked up in the model's folder (first on
    its path), a Python script's in its own folder."""
    from mooc.extern_imports import imported_files

    home = Path(spec.folder).resolve()
    if not code_file.is_relative_to(home):  # an installed module: its imports are not the model's
        return ()
    if spec.kind == "program" and code_file.suffix != ".py":  # a program, not a Python script
        return ()
    search = home if spec.kind == "python" else code_file.parent
    return tuple((str(path), fingerprint(path)) for path in imported_files(code_file, search, home))


def load_function(spec: ExternSpec) -> Callable[..., Any]:
    """Import ``module:function``, looking next to the model first: a module file there is
    loaded from the file as it was when the model was loaded (see :mod:`mooc.extern_code`)."""
    module_name, _, function_name = spec.target.partition(":")
    if not module_name or not function_name:
        raise ValueError(f"expected 'module:function', got {spec.target!r}")
    if spec.folder not in sys.path:  # the module's own imports find its neighbours
        sys.path.insert(0, spec.folder)
    module = None
    if spec.from_file and spec.code_file is not None and spec.code_hash is not None:
        module = load_module_file(module_name, spec.code_file, spec.code_hash)
    if module is None:
        module = importlib.import_module(module_name)
    function = getattr(module, function_name, _MISSING)
    if function is _MISSING:  # named as the user named it (not by its name in sys.modules)
        raise AttributeError(f"module {module_name!r} has no attribute {function_name!r}")
    if not callable(function):
        raise TypeError(f"{spec.target} is not callable")
    return function  # type: ignore[no-any-return]


def _by_name(spec: ExternSpec, raw: dict[Any, Any]) -> list[Any]:
    """The values of a returned dict in ``returns`` order; ValueError naming those missing."""
    missing = [name for name in spec.returns if name not in raw]
    if missing:
        raise ValueError(f"the result has no {', '.join(missing)}")
    return [raw[name] for name in spec.returns]


def extern_values(spec: ExternSpec, raw: Any) -> list[float]:
    """The returned values in ``returns`` order; raises ValueError when unusable. A numpy
    array counts as the list (or, 0-d, the number) it holds."""
    if isinstance(raw, np.ndarray):
        raw = raw.tolist()
    if isinstance(raw, dict):
        values = _by_name(spec, raw)
    elif isinstance(raw, (list, tuple)):
        values = list(raw)
    else:
        values = [raw]
    if len(values) != len(spec.returns):
        got = f"{len(values)}: {shown(raw)}" if isinstance(raw, (list, tuple)) else shown(raw)
        raise ValueError(f"expected {len(spec.returns)} values ({', '.join(spec.returns)}), "
                         f"got {got}")
    out = [_number(value) for value in values]
    problem = not_finite(spec, out)
    if problem is not None:
        raise ValueError(problem)
    return out


def not_finite(spec: ExternSpec, values: Sequence[float]) -> str | None:
    """What is wrong with the first value (in ``returns`` order) that is NaN or infinite, or
    None: a point whose extern gives one fails, as one that raises does (it is worst, never in
    the front, and counted and reported among the failures)."""
    for name, value in zip(spec.returns, values, strict=True):
        if not math.isfinite(value):
            return f"expected finite numbers, got {value} for '{name}'"
    return None


def vectorized_values(spec: ExternSpec, raw: Any, n: int) -> np.ndarray:
    """A vectorized extern's values for ``n`` points, shape (n, len(returns)); raises
    ValueError when unusable. It returns a dict of columns by name, a list or tuple of columns
    in ``returns`` order (a column: n numbers, or one for all), or an (n, len(returns)) array
    (one value: also an array of n)."""
    k = len(spec.returns)
    if isinstance(raw, dict):
        columns = _by_name(spec, raw)
    elif isinstance(raw, (list, tuple)):
        if len(raw) != k:
            raise ValueError(f"a list or tuple holds one column per returned value ("
                             f"{', '.join(spec.returns)}): expected {k}, got {len(raw)}")
        columns = list(raw)
    else:
        array = _numbers_array(np.nan if raw is None else raw)
        if array.shape == (n, k):
            return array
        if k == 1 and array.shape in ((), (n,)):
            return np.broadcast_to(array, (n,)).reshape(n, 1).copy()
        raise ValueError(f"expected an array of shape ({n}, {k}): a row per point, a column "
                         f"per returned value ({', '.join(spec.returns)}), got shape "
                         f"{array.shape}")
    out = np.empty((n, k))
    for j, (name, column) in enumerate(zip(spec.returns, columns, strict=True)):
        values = _numbers_array(column)
        if values.shape not in ((), (n,)):
            raise ValueError(f"expected {n} values of '{name}', got shape {values.shape}")
        out[:, j] = values
    return out


def _numbers_array(raw: Any) -> np.ndarray:
    """``raw`` as an array of floats; ValueError for booleans, text or numbers out of range."""
    array = np.asarray(raw)
    if array.dtype.kind == "b" or array.dtype.kind not in "iufO":
        raise ValueError(f"expected numbers, got {shown(raw)}")
    try:
        return array.astype(float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"expected numbers, got {shown(raw)}") from None


def _number(value: Any) -> float:
    """One returned value as a float: any real number but a bool; ValueError otherwise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"expected numbers, got {shown(value)}")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        raise ValueError(f"expected numbers in the float range, got {shown(value)}") from None


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)``, shortened to about ``limit`` characters (a result may be huge)."""
    try:
        text = repr(value)
    except Exception:  # an int too long to print, or a broken __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _call_in_thread(spec: ExternSpec, point: dict[str, Any]) -> Any:
    """Call with a timeout in a thread: for daemonic processes, which cannot have children.
    A call that times out is abandoned, not stopped: it runs on until it returns."""
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(load_function(spec), **point)
    pool.shutdown(wait=False)
    try:
        return future.result(timeout=spec.timeout)
    except FutureTimeout:
        raise subprocess.TimeoutExpired(spec.target, spec.timeout or 0) from None


def _call_in_child(spec: ExternSpec, point: dict[str, Any]) -> Any:
    """Call a python extern in a child process that is killed after ``spec.timeout``."""
    import multiprocessing

    if is_daemonic():
        return _call_in_thread(spec, point)
    load_function(spec)  # import here, once, so each forked child starts with the module loaded
    context: Any = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_call, args=(spec, point, sender), daemon=True)
    child.start()
    sender.close()
    try:
        ready = receiver.poll(spec.timeout)
        if not ready:
            raise subprocess.TimeoutExpired(spec.target, spec.timeout or 0)
        try:
            ok, value = receiver.recv()
        except EOFError:  # the child ended without a word (a crash, or exit from C)
            child.join(1.0)
            ok, value = False, f"the extern's process ended (exit code {child.exitcode})"
    finally:  # also on Ctrl-C: the child must not outlive its call
        if child.is_alive():
            child.kill()
        child.join()
    if not ok:
        raise ChildFailed(value)
    return value


def is_daemonic() -> bool:
    """Whether this is a daemonic process, which cannot start processes of its own."""
    import multiprocessing

    return bool(multiprocessing.current_process().daemon)


class ChildFailed(Exception):
    """The extern raised in its child process; the message is its reason as recorded."""


#: How often a worker looks whether the main process is still there, in seconds.
ORPHAN_CHECK_SECONDS = 0.25


def become_worker() -> None:
    """For worker processes: Ctrl-C is the main process's to handle, SIGTERM (the main
    process's way to stop them) ends them (a forked worker would inherit the command's
    handler, which takes SIGTERM as Ctrl-C), and so does the main process's end, however it
    ends: a worker of a run killed with SIGKILL would otherwise wait for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    import multiprocessing

    main = multiprocessing.parent_process()
    if main is not None:
        threading.Thread(target=_end_with, args=(main.pid,), daemon=True,
                         name="mooc-end-with-main-process").start()


def _end_with(main: int) -> None:
    """End this process as soon as the process ``main`` that started it is gone (this one is
    then another's child)."""
    while os.getppid() == main:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


def _child_call(spec: ExternSpec, point: dict[str, Any], sender: Any) -> None:
    become_worker()
    try:
        with exits_refused():
            value = load_function(spec)(**point)
        sender.send((True, value))
    except BaseException as error:  # reported to the parent, which records the failure
        sender.send((False, failure_reason(error)))


def serve(connection: Any) -> None:
    """A timed worker's loop (see :mod:`mooc.timed_workers`): call the extern on each
    ``(spec, point)`` received and send back ``(True, value)`` or ``(False, reason)``."""
    become_worker()
    while True:
        try:
            spec, point = connection.recv()
        except (EOFError, OSError):  # the main process closed the pipe, or is gone
            return
        try:
            with exits_refused():
                reply = (True, load_function(spec)(**point))
        except BaseException as error:  # reported to the main process, which records it
            reply = (False, failure_reason(error))
        try:
            connection.send(reply)
        except Exception as error:  # a value that cannot be sent back (not picklable)
            connection.send((False, failure_reason(error)))


def call_point(spec: ExternSpec, point: dict[str, Any], *,
               isolated: bool = False) -> tuple[list[float] | None, str]:
    """Call a per-point extern on one point: (values, "") or (None, reason). Never raises
    (but for Ctrl-C), never ends the process: ``sys.exit`` and ``os._exit`` in the extern
    fail its point. ``isolated``: a python extern runs in a process of its own even without
    a timeout."""
    try:
        with exits_refused():  # also around the import of the extern's module
            if spec.kind == "python" and (spec.timeout is not None or isolated):
                raw = _call_in_child(spec, point)
            elif spec.kind == "python":
                raw = load_function(spec)(**point)
            else:
                raw = run_program(spec.target, spec.folder, point, spec.timeout)
        return extern_values(spec, raw), ""
    except subprocess.TimeoutExpired:
        return None, f"timed out after {spec.timeout:g} s"
    except ChildFailed as error:
        return None, str(error)
    except (Exception, SystemExit) as error:  # the user's code may raise anything; the run goes on
        return None, failure_reason(error)


def failure_reason(error: BaseException) -> str:
    """A failed call's reason as recorded."""
    if isinstance(error, ExternExited):
        return str(error)
    if isinstance(error, SystemExit):
        return f"the extern called sys.exit({error.code!r})"
    return f"{type(error).__name__}: {error}"


def python_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value
