"""``mooc.load`` and ``mooc.compile``: from a file or a string to a :class:`mooc.Problem`."""

from __future__ import annotations

import os
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


def load(path: str | Path, params: dict[str, Any] | None = None, *,
         allow_extern: bool = False) -> Problem:
    """Compile the model in ``path`` (or a library problem's name) with param overrides.

    ``allow_extern`` lets the model's ``extern`` declarations run their code.
    """
    from mooc.dsl.compiler import compile_text

    resolved = resolve_path(path)
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read '{resolved}': {error}") from None
    shown = str(path) if Path(path).exists() else str(resolved)
    return Problem(compile_text(text, shown, params), path=str(resolved.resolve()),
                   params=params, allow_extern=allow_extern)


def compile(text: str, params: dict[str, Any] | None = None, *,  # noqa: A001 - public name
            filename: str = "<string>", allow_extern: bool = False) -> Problem:
    """Compile a model from its text (includes and externs are found from the current folder)."""
    from mooc.dsl.compiler import compile_text

    return Problem(compile_text(text, filename, params), params=params,
                   allow_extern=allow_extern)


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
                    allow_extern: bool = False) -> Any:
    """The model of a saved run, compiled again; UsageError when it changed since."""
    if resumed.source is not None:
        problem = compile(resumed.source, resumed.overrides, filename=resumed.model,
                          allow_extern=allow_extern)
    else:
        problem = load(resumed.model, resumed.overrides, allow_extern=allow_extern)
    now = problem.model_hash
    if now != resumed.model_hash:
        raise UsageError(f"cannot resume from '{path}': the model '{resumed.model}' or its params "
                         f"changed since the checkpoint (hash {resumed.model_hash}, now {now})")
    return problem
