"""Running the solver on a compiled problem: settings merged, errors in the user's words."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from mooc.dsl.check import did_you_mean
from mooc.dsl.names import CONSTRAINT_MODES, SOLVER_SETTINGS
from mooc.errors import UsageError

_PASSED_THROUGH = ("initial", "callback", "rng")


def solver_settings(problem: Any, options: dict[str, Any]) -> dict[str, Any]:
    """The file's solver block overridden by ``options``; unknown or bad values raise UsageError."""
    settings = dict(problem.settings)
    for key, value in options.items():
        if key not in SOLVER_SETTINGS and key not in _PASSED_THROUGH:
            raise UsageError(f"unknown solver option '{key}'{did_you_mean(key, SOLVER_SETTINGS)}")
        if value is not None:
            settings[key] = value
    mode = settings.get("constraints", "feasibility")
    if mode not in CONSTRAINT_MODES:
        raise UsageError(f"constraint handling '{mode}' is not one of "
                         f"{', '.join(CONSTRAINT_MODES)}")
    for key, kind in SOLVER_SETTINGS.items():
        value = settings.get(key)
        if value is None or kind == "mode":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise UsageError(f"'{key}' takes a number, but was given {value!r}")
        if kind == "integer" and float(value) != int(value):
            raise UsageError(f"'{key}' takes a whole number, but was given {value!r}")
        if kind == "integer":
            settings[key] = int(value)
    return settings


def solve_problem(problem: Any, **options: Any) -> Any:
    """Solve a :class:`mooc.Problem`; return a :class:`mooc.Result` in the user's directions."""
    from mooc.result import Result
    from mooc.solver import nsga2

    settings = solver_settings(problem, options)
    started = time.time()
    try:
        raw = nsga2(problem.as_solver_problem(), **settings)
    except ValueError as error:  # the solver names the bad argument
        raise UsageError(str(error)) from None
    return Result.from_solver(problem, raw, settings=settings, started=started)
