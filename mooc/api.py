"""``mooc.load`` and ``mooc.compile``: from a file or a string to a :class:`mooc.Problem`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mooc.errors import UsageError
from mooc.problem import Problem


def resolve_path(name: str | Path) -> Path:
    """A model path; a library name (``zdt1``) is looked up in the stdlib when no file exists."""
    path = Path(name)
    if os.path.exists(path):  # False, not OSError, for a name too long to be a file's
        return path
    from mooc.library import library_path

    found = library_path(str(name))
    if found is not None:
        return found
    raise UsageError(f"no model file '{name}' (and no library problem of that name; "
                     "'mooc list' shows them)")


def _data_list(data: Any) -> list[Any]:
    """``data`` as a list of sources, files made absolute (so a rerun or a resume finds them
    from anywhere)."""
    if data is None:
        return []
    from mooc.dsl.data import as_sources

    as_sources(data)  # refuses what is no data source
    items = data if isinstance(data, (list, tuple)) else [] if data is None else [data]
    return [str(Path(item).resolve()) if isinstance(item, (str, os.PathLike)) else item
            for item in items]


def _check_given(params: Any, data: Any) -> None:
    """``params`` and ``data`` of a kind and a nesting that the compile (and its cache key)
    can walk."""
    if data is None and (params is None or isinstance(params, Mapping) and not params):
        return  # nothing to walk: the data readers are not imported (a cached start)
    from mooc.dsl.data import check_nesting
    from mooc.dsl.data_values import shown_value

    if params is not None and not isinstance(params, Mapping):
        raise UsageError(f"'params' takes a dict of values by name, but was given "
                         f"{shown_value(params)}")
    check_nesting(params, data)


def load(path: str | Path, params: dict[str, Any] | None = None, *,
         data: Any = None, allow_extern: bool = False, cache: bool = True) -> Problem:
    """Compile the model in ``path`` (or a library problem's name) with param overrides.

    ``data`` gives sets and params their values: a data file's path (CSV, JSON, Parquet), a
    dict of values by name, or a list of these. A param override may be ``"@FILE"``, to read
    that param from a file of its own. ``allow_extern`` lets the model's ``extern``
    declarations run their code. ``cache=False`` compiles without the compile cache (see
    :mod:`mooc.dsl.cache`), which otherwise answers an unchanged model in milliseconds.
    """
    from mooc.dsl.cache import compile_model
    from mooc.dsl.source import read_model

    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"load() takes a model file's path or a library problem's name, but "
                         f"was given {path!r}")
    _check_given(params, data)
    resolved = resolve_path(path)
    shown = str(path) if os.path.exists(path) else str(resolved)
    text = read_model(resolved, shown)
    return Problem(compile_model(text, shown, params, data, cache=cache),
                   path=str(resolved.resolve()), params=params, allow_extern=allow_extern,
                   data=_data_list(data))


def compile(text: str, params: dict[str, Any] | None = None, *,  # noqa: A001 - public name
            filename: str = "<string>", data: Any = None, allow_extern: bool = False,
            cache: bool = True) -> Problem:
    """Compile a model from its text (includes, data and externs are found from the current
    folder); ``data`` and ``cache`` as for :func:`load`."""
    from mooc.dsl.cache import compile_model

    if not isinstance(text, str):
        raise UsageError(f"compile() takes the model's text as a str, but was given "
                         f"{type(text).__name__}" + (" (decode it first, or use mooc.load with "
                                                     "its file)" if isinstance(text, bytes) else ""))
    _check_given(params, data)
    return Problem(compile_model(text, filename, params, data, cache=cache), params=params,
                   allow_extern=allow_extern, data=_data_list(data))


def resume(checkpoint: str | Path, *, allow_extern: bool = False, **options: Any) -> Any:
    """Go on with the run saved in ``checkpoint`` (written by ``solve(checkpoint=...)``) and
    return its :class:`mooc.Result`: the same front as a run never stopped.

    The model is compiled again from its file, which must be unchanged. ``options`` may raise
    the limits (generations, max_evaluations, timeout, stall_generations) and take workers,
    dask, callback, checkpoint (default: the same file) and checkpoint_every.
    """
    from mooc.checkpoint import read_checkpoint
    from mooc.solve import solve_problem

    resumed = read_checkpoint(checkpoint)
    problem = resumed_problem(resumed, checkpoint, allow_extern=allow_extern)
    options.setdefault("checkpoint", checkpoint)
    return solve_problem(problem, resumed=resumed, **options)


def resumed_problem(resumed: Any, path: str | os.PathLike[str], *,
                    allow_extern: bool = False, cache: bool = True) -> Any:
    """The model of a saved run, compiled again (through the compile cache unless ``cache`` is
    False); UsageError when it, or the code of one of its externs, changed since."""
    from mooc.checkpoint import check_same_code

    data = resumed.data or None
    if resumed.source is not None:
        problem = compile(resumed.source, resumed.overrides, filename=resumed.model, data=data,
                          allow_extern=allow_extern, cache=cache)
    else:
        problem = load(resumed.model, resumed.overrides, data=data, allow_extern=allow_extern,
                       cache=cache)
    now = problem.model_hash
    if now != resumed.model_hash:
        raise UsageError(f"cannot resume from '{path}': the model '{resumed.model}' or its params "
                         f"changed since the checkpoint (hash {resumed.model_hash}, now {now})")
    check_same_code(resumed, problem.externs, path)
    return problem
