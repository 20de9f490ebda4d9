"""Solving a compiled problem: settings merged and checked, the method chosen by the solving
chain (:mod:`mooc.chain`), and its runner called; errors in the user's words."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from mooc.checkpoint import Resumed, resume_settings, resumed_initial
from mooc.dsl.names import CONSTRAINT_MODES, METHOD_SETTINGS, SOLVER_SETTINGS, did_you_mean
from mooc.errors import UsageError
from mooc.options import SETTING_RULES, check_run_options, check_settings
from mooc.result import UNRECORDED


def solver_settings(problem: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The file's solver block overridden by ``options``, with ``method`` (the file's, or the
    ``method`` option); unknown or bad values raise UsageError. ``initial`` points come back
    in the solver's form, checked against the model's domain."""
    settings = dict(problem.settings)
    settings["method"] = problem.method
    for key, value in options.items():
        if key not in SOLVER_SETTINGS and key not in UNRECORDED and key != "method":
            raise UsageError(f"unknown solver option '{key}'{did_you_mean(key, SOLVER_SETTINGS)}")
        if value is not None:
            settings[key] = value
    settings = check_settings(settings)
    mode = settings.get("constraints", "feasibility")
    if mode not in CONSTRAINT_MODES:
        raise UsageError(f"constraint handling '{mode}' is not one of "
                         f"{', '.join(CONSTRAINT_MODES)}")
    for key, kind in SOLVER_SETTINGS.items():  # settings without a rule of mooc.options
        value = settings.get(key)
        if value is None or kind in ("mode", "switch") or key in SETTING_RULES:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise UsageError(f"'{key}' takes a number, but was given {value!r}")
        if kind == "integer" and float(value) != int(value):
            raise UsageError(f"'{key}' takes a whole number, but was given {value!r}")
        if kind == "integer":
            settings[key] = int(value)
    if settings.get("initial") is not None:  # whichever method runs: a mistake is said now
        from mooc.points import user_points

        settings["initial"] = user_points(problem, settings["initial"], name="initial")
    return settings


def _method_settings(settings: dict[str, Any], options: dict[str, Any], name: str,
                     requested: str) -> dict[str, Any]:
    """The settings of method ``name``; a setting of another method given as an option is an
    error when the method was asked for by name (under ``auto`` it is meant for the other)."""
    own = METHOD_SETTINGS[name]
    foreign = [key for key, value in options.items()
               if value is not None and key in SOLVER_SETTINGS and key not in own]
    if requested != "auto" and foreign:
        raise UsageError(f"'{foreign[0]}' is not a setting of {name} (which takes "
                         f"{', '.join(own)})")
    return {key: value for key, value in settings.items() if key in own or key in UNRECORDED}


def _resumed_method(resumed: Resumed) -> str:
    """The method of the run ``resumed`` holds, which it goes on with: only the evolutionary
    methods write checkpoints, and one saved before the first generation (no solver state)
    says it in its settings (a checkpoint of an older mooc said it nowhere: NSGA-II)."""
    if resumed.state is not None:
        return str(resumed.state.settings.get("method", "nsga2"))
    return str(resumed.settings.get("method") or "nsga2")


def solve_problem(problem: Any, *, workers: int = 1, dask: Any = None,
                  checkpoint: str | os.PathLike[str] | None = None, checkpoint_every: float = 60.0,
                  checkpoint_note: dict[str, Any] | None = None, resumed: Resumed | None = None,
                  evaluations: bool | str | os.PathLike[str] | None = None,
                  **options: Any) -> Any:
    """Solve a :class:`mooc.Problem`; return a :class:`mooc.Result` in the user's directions.

    ``method`` (an option, else the file's solver block, else ``auto``) picks the method; see
    :func:`mooc.chain.choose_method`. ``workers`` spreads per-point extern calls over local
    processes; ``dask`` over a Dask cluster: a ``dask.distributed.Client``, a scheduler
    address, or ``"local:N"``. ``checkpoint`` names a file an NSGA-II run is saved to (see
    :mod:`mooc.checkpoint`) every ``checkpoint_every`` seconds; ``resumed`` is a run read
    from one, to go on with. ``evaluations`` keeps every evaluation of an NSGA-II run: True in
    memory, a .csv or .parquet path streamed there (see :mod:`mooc.evaluations`).
    """
    from mooc.chain import choose_method

    if resumed is not None:
        callback = options.pop("callback", None)
        settings = solver_settings(problem, resume_settings(resumed, options))
        settings["callback"] = callback
        if resumed.state is None and resumed.initial is not None:  # no first population yet
            settings["initial"] = resumed_initial(resumed)
        settings["method"] = _resumed_method(resumed)
    else:
        settings = solver_settings(problem, options)
    check_run_options(workers=workers, dask=dask, checkpoint_every=checkpoint_every,
                      checkpoint=checkpoint, callback=settings.get("callback"),
                      evaluations=evaluations)
    requested = str(settings.pop("method") or "auto")
    choice = choose_method(problem, requested, settings=settings)
    settings = _method_settings(settings, options, choice.method.name, requested)
    result = choice.method.run(problem, settings, workers=workers, dask=dask,
                               checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                               checkpoint_note=checkpoint_note, resumed=resumed,
                               evaluations=evaluations)
    result.method_note = choice.why
    return result
