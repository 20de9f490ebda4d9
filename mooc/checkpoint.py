"""Checkpoints of a solve: the solver's state, what the model was, and every finished extern
call, in one file written atomically; and going on from one.

The solver's state is saved after a generation when ``every`` seconds have passed since the
last save (``every=0``: after each generation), and always after the last one. Finished extern
calls are saved as they come in, on the same schedule, so a long generation of expensive calls
loses at most ``every`` seconds of them. A resumed run replays the generation it was in:
finished calls are answered from the checkpoint, the rest are made, and the run ends with the
same front as one never stopped.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from dataclasses import dataclass
from typing import Any

from mooc.errors import MooWarning, UsageError
from mooc.externs import ExternRunner, Failure
from mooc.solver.checkpoint import SolverState, load_checkpoint, save_checkpoint

#: The settings a resumed run may change: its limits.
LIMITS = ("generations", "max_evaluations", "timeout", "stall_generations")


@dataclass
class Resumed:
    """What a checkpoint holds, ready to go on with."""

    state: SolverState | None
    model: str  # a path, or a library problem's name
    source: str | None  # the model's text when it came from no file (mooc.compile)
    overrides: dict[str, Any]
    model_hash: str
    data: list[Any]  # the data files (absolute paths) and dicts the model was given
    settings: dict[str, Any]
    finished: dict[str, Any]
    failures: list[Failure]
    note: dict[str, Any]  # the caller's, e.g. the command line's outputs
    told: list[list[float]] = dataclasses.field(default_factory=list)  # ask/tell: see optimizer


class RunCheckpoint:
    """The checkpoint hook of a solve (see the module)."""

    def __init__(self, path: str | os.PathLike[str], problem: Any, settings: dict[str, Any], *,
                 every: float = 60.0, note: dict[str, Any] | None = None):
        from mooc import __version__
        from mooc.result import jsonable, recorded_settings

        self.path, self.every = path, every
        self.runner: ExternRunner = problem.extern_runner
        self.header = {
            "mooc": __version__, "model": problem.path or problem.name,
            "source": None if problem.path else problem.source,
            "overrides": problem.overrides, "data": jsonable(problem.data),
            "model_hash": problem.model_hash,
            "settings": recorded_settings(settings),
            "note": note or {},
        }
        self.state: SolverState | None = None
        self.failures: list[dict[str, Any]] = []  # as of self.state
        self.more: dict[str, Any] = {}  # saved along (an ask/tell optimizer's told values)
        self.written = time.monotonic()
        self.warned = False  # a failed save was reported

    def __call__(self, state: SolverState, final: bool) -> None:
        self.state = state
        self.failures = [dataclasses.asdict(f) for f in self.runner.failures]
        self.save(final=final)

    def save(self, *, force: bool = False, final: bool = False) -> None:
        """Write the file if ``every`` seconds have passed since the last write, or ``force``
        (``final``: the run's last save). A save that fails warns (a :class:`MooWarning`)
        the first time and when it is the last; the run goes on."""
        if force or final or time.monotonic() - self.written >= self.every:
            finished = [[key, values, reason] for key, (values, reason) in self.runner.finished.items()]
            try:
                save_checkpoint(self.path, self.state, {**self.header, **self.more,
                                                        "failures": self.failures,
                                                        "finished": finished})
            except OSError as error:
                self._failed(error, final=final)
            self.written = time.monotonic()

    def _failed(self, error: OSError, *, final: bool) -> None:
        reason = error.strerror or str(error)
        if final:
            warnings.warn(MooWarning(f"cannot save the checkpoint '{self.path}' at the end of "
                                     f"the run: {reason}; it cannot be resumed from there",
                                     final=True), stacklevel=2)
        elif not self.warned:
            warnings.warn(MooWarning(f"cannot save the checkpoint '{self.path}': {reason}; the "
                                     "run goes on, trying again at each save"), stacklevel=2)
        self.warned = True


def read_checkpoint(path: str | os.PathLike[str]) -> Resumed:
    """The run saved in ``path``; UsageError when it cannot be read."""
    from mooc.inputs import MAX_CHECKPOINT_BYTES, check_input_file

    if os.path.exists(path):
        check_input_file(str(path), "the checkpoint", MAX_CHECKPOINT_BYTES)
    try:
        state, extra = load_checkpoint(path)
        return Resumed(
            state=state, model=extra["model"], source=extra["source"], overrides=dict(extra["overrides"]),
            model_hash=extra["model_hash"], data=list(extra.get("data", [])),
            settings=dict(extra["settings"]),
            finished={key: (values, reason) for key, values, reason in extra["finished"]},
            failures=[Failure(**f) for f in extra["failures"]], note=dict(extra.get("note", {})),
            told=list(extra.get("told", [])),
        )
    except FileNotFoundError:
        raise UsageError(f"cannot resume: there is no checkpoint '{path}'") from None
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot resume from '{path}': {error}") from None


def resume_settings(resumed: Resumed, options: dict[str, Any]) -> dict[str, Any]:
    """The recorded settings with new limits from ``options``; other changes are refused."""
    settings = dict(resumed.settings)
    for key, value in options.items():
        if value is None or key in ("callback",):
            continue
        if key not in LIMITS and settings.get(key) != value:
            raise UsageError(f"a resumed run keeps its settings: '{key}' was "
                             f"{settings.get(key)!r}; only {', '.join(LIMITS)} can change")
        settings[key] = value
    return settings


def seeded(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with a seed drawn when none is given, so a checkpoint can record it
    before the first generation is done."""
    from mooc.solver.nsga2 import fresh_seed

    if settings.get("seed") is not None:
        return settings
    return {**settings, "seed": fresh_seed()}
