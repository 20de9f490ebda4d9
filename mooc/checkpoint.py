"""Checkpoints of a solve: the solver's state, what the model was, and every finished extern
call, in one file written atomically; and going on from one.

The solver's state is saved after a generation when ``every`` seconds have passed since the
last save (``every=0``: after each generation), and always after the last one. Finished extern
calls are saved as they come in, on the same schedule, so a long generation of expensive calls
loses at most ``every`` seconds of them. A resumed run replays the generation it was in:
finished calls are answered from the checkpoint, the rest are made, and the run ends with the
same front as one never stopped.

A checkpoint records the code each extern runs (its file and that file's sha256, see
:mod:`mooc.extern_code`, and the files of the model's folder it imports, see
:mod:`mooc.extern_imports`), and a resume refuses code that changed since: the finished calls
it holds were made by the old code. A checkpoint saved before this was recorded resumes with a
warning that the code could not be checked.
"""

from __future__ import annotations

import dataclasses
import os
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

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
    #: each extern's code file and its sha256 by extern (see code_record); None: not recorded
    code: dict[str, list[str] | None] | None = None
    #: the files of the model's folder each extern's code imports, with their sha256 (see
    #: imports_record); None: not recorded
    imported: dict[str, list[list[str]]] | None = None
    #: the points the first population was seeded with (solver form; None: none)
    initial: list[list[float]] | None = None


class RunCheckpoint:
    """The checkpoint hook of a solve (see the module), of a ``resumed`` run if given. It holds
    the file's lock (see :mod:`mooc.checkpoint_lock`) from its making until :meth:`release`: a
    second run on the same file is refused at its start."""

    def __init__(self, path: str | os.PathLike[str], problem: Any, settings: dict[str, Any], *,
                 every: float = 60.0, note: dict[str, Any] | None = None,
                 resumed: Resumed | None = None):
        from mooc import __version__
        from mooc.checkpoint_lock import CheckpointLock
        from mooc.result import jsonable, recorded_settings

        self.lock = CheckpointLock(path)  # one run at a time writes the file
        self.path, self.every = path, every
        self.runner: ExternRunner = problem.extern_runner
        self.header = {
            "mooc": __version__, "model": problem.path or problem.name,
            "source": None if problem.path else problem.source,
            "overrides": problem.overrides, "data": jsonable(problem.data),
            "model_hash": problem.model_hash, "code": code_record(problem.externs),
            "imported": imports_record(problem.externs),
            "settings": recorded_settings(settings),
            # a run stopped before its first generation was done needs them to go on, and a
            # resumed run's outputs record them (its settings hold none once it has a state)
            "initial": jsonable(settings.get("initial")) if resumed is None else resumed.initial,
            "note": note or {},
        }
        # a resumed run's state until its first generation: a save before then (a Ctrl-C as it
        # starts) must keep the run the checkpoint holds, not replace it with no run at all
        self.state: SolverState | None = None if resumed is None else resumed.state
        self.failures: list[dict[str, Any]] = (  # as of self.state
            [] if resumed is None else [dataclasses.asdict(f) for f in resumed.failures])
        # saved along: an ask/tell optimizer's told values (a resumed one's, until it tells more)
        self.more: dict[str, Any] = {"told": resumed.told} if resumed and resumed.told else {}
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
        if self.lock.released:  # another run may be writing the file by now
            return
        if force or final or time.monotonic() - self.written >= self.every:
            finished = [[key, values, reason] for key, (values, reason) in self.runner.finished.items()]
            try:
                save_checkpoint(self.path, self.state, {**self.header, **self.more,
                                                        "failures": self.failures,
                                                        "finished": finished})
            except OSError as error:
                self._failed(error, final=final)
            self.written = time.monotonic()

    def release(self) -> None:
        """Let another run write the file; this one saves no more."""
        self.lock.release()

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

    if not isinstance(path, (str, os.PathLike)):  # an int would be read as a file descriptor
        raise UsageError(f"cannot resume: the checkpoint takes a file's path, but was given "
                         f"{path!r}")
    if os.path.exists(path):
        check_input_file(str(path), "the checkpoint", MAX_CHECKPOINT_BYTES)
        _refuse_while_written(path)
    try:
        state, extra = load_checkpoint(path)
        return Resumed(
            state=state, model=extra["model"], source=extra["source"], overrides=dict(extra["overrides"]),
            model_hash=extra["model_hash"], data=list(extra.get("data", [])),
            settings=dict(extra["settings"]),
            finished={key: (values, reason) for key, values, reason in extra["finished"]},
            failures=[Failure(**f) for f in extra["failures"]], note=dict(extra.get("note", {})),
            told=list(extra.get("told", [])), code=_read_code(extra.get("code")),
            imported=_read_imported(extra.get("imported")), initial=extra.get("initial"),
        )
    except FileNotFoundError:
        raise UsageError(f"cannot resume: there is no checkpoint '{path}'") from None
    except OSError as error:  # a name too long, a file not to be read
        raise UsageError(f"cannot resume from '{path}': {error.strerror or error}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"cannot resume from '{path}': {error}") from None


def _refuse_while_written(path: str | os.PathLike[str]) -> None:
    """UsageError when another run is writing ``path``: its state is about to change."""
    from mooc.checkpoint_lock import check_not_being_written

    try:
        check_not_being_written(path)
    except UsageError as error:
        raise UsageError(f"cannot resume: {error.message}") from None


def code_record(specs: Any) -> dict[str, list[str] | None]:
    """Each extern's code file and its sha256 (None when it has none that can be checked)."""
    return {spec.name: None if spec.code_hash is None else [spec.code_file, spec.code_hash]
            for spec in specs}


def imports_record(specs: Any) -> dict[str, list[list[str]]]:
    """The files of the model's folder each extern's code imports, and their sha256."""
    return {spec.name: [[path, digest] for path, digest in spec.imported] for spec in specs}


def _read_imported(recorded: Any) -> dict[str, list[list[str]]] | None:
    if recorded is None:
        return None
    if not isinstance(recorded, dict) or not all(
            isinstance(files, list) and all(
                isinstance(pair, list) and len(pair) == 2
                and all(isinstance(part, str) for part in pair) for pair in files)
            for files in recorded.values()):
        raise ValueError("its record of the modules the externs import is damaged")
    return recorded


def _read_code(recorded: Any) -> dict[str, list[str] | None] | None:
    if recorded is None:
        return None
    if not isinstance(recorded, dict) or not all(
            value is None or (isinstance(value, list) and len(value) == 2
                              and all(isinstance(part, str) for part in value))
            for value in recorded.values()):
        raise ValueError("its record of the externs' code is damaged")
    return recorded


def check_same_code(resumed: Resumed, specs: Any, path: str | os.PathLike[str]) -> None:
    """UsageError when an extern's code changed since the checkpoint; a warning when the
    checkpoint did not record it (saved by an older mooc) and some could be checked."""
    now = code_record(specs)
    if resumed.code is None:
        files = [record[0] for record in now.values() if record is not None]
        if files:
            warnings.warn(MooWarning(
                f"the checkpoint '{path}' was saved by an older mooc, which did not record the "
                f"externs' code: a change to {', '.join(map(repr, files))} since then cannot "
                "be noticed, and the finished calls are answered from the checkpoint"),
                stacklevel=3)
        return
    imported = imports_record(specs)
    for name, record in now.items():
        change = _code_change(name, resumed.code.get(name), record)
        if change is None and resumed.imported is not None:
            change = _imports_change(name, resumed.imported.get(name, []), imported[name])
        if change is not None:
            raise UsageError(f"cannot resume from '{path}': {change}; the calls the checkpoint "
                             "holds were made by the old code. Restore the file as it was to "
                             "resume, or start the run afresh (without --resume)")
    if resumed.imported is None:
        _warn_imports_unchecked(specs, path)


def _warn_imports_unchecked(specs: Any, path: str | os.PathLike[str]) -> None:
    """A checkpoint of a mooc that recorded the externs' code but not what it imports."""
    files = [file for spec in specs for file, _ in spec.imported]
    if files:
        warnings.warn(MooWarning(
            f"the checkpoint '{path}' was saved by an older mooc, which did not record the "
            f"modules the externs import: a change to {', '.join(map(repr, files))} since then "
            "cannot be noticed, and the finished calls are answered from the checkpoint"),
            stacklevel=4)


def _imports_change(name: str, before: list[list[str]], now: list[list[str]]) -> str | None:
    """How the files extern ``name``'s code imports changed between two records, in words;
    None if they did not."""
    old = {file: digest for file, digest in before}
    new = {file: digest for file, digest in now}
    for file in sorted(old.keys() | new.keys()):
        if file not in new:
            return (f"extern '{name}' imported '{file}' when the checkpoint was saved, and now "
                    "does not (the file is gone, or no longer imported)")
        if file not in old:
            return (f"extern '{name}' now imports '{file}', which it did not when the "
                    "checkpoint was saved")
        if old[file] != new[file]:
            return (f"extern '{name}' imports '{file}', which changed since the checkpoint "
                    f"(sha256 {old[file][:12]}, now {new[file][:12]})")
    return None


def _code_change(name: str, before: list[str] | None, now: list[str] | None) -> str | None:
    """How extern ``name``'s code changed between two records, in words; None if it did not."""
    if before == now or (before and now and before[1] == now[1]):  # the same bytes
        return None
    saved = "when the checkpoint was saved"
    if before is None:
        assert now is not None
        return f"extern '{name}' now runs '{now[0]}', which it did not {saved}"
    if now is None:
        return f"extern '{name}' ran '{before[0]}' {saved}, and no longer does"
    if before[0] != now[0]:
        return f"extern '{name}' ran '{before[0]}' {saved}, and now runs '{now[0]}'"
    return (f"extern '{name}' runs '{now[0]}', which changed since the checkpoint (sha256 "
            f"{before[1][:12]}, now {now[1][:12]})")


def resumed_initial(resumed: Resumed) -> np.ndarray | None:
    """The points a resumed run was first seeded with (solver form), or None."""
    return None if resumed.initial is None else np.asarray(resumed.initial, dtype=float)


def resume_settings(resumed: Resumed, options: dict[str, Any]) -> dict[str, Any]:
    """The recorded settings with new limits from ``options``; other changes are refused."""
    settings = dict(resumed.settings)
    for key, value in options.items():
        if value is None or key in ("callback",):
            continue
        if key == "initial":  # an array: no comparing it
            raise UsageError("a resumed run keeps its first population: give it no initial "
                             "points")
        recorded = settings.get(key)
        if recorded is None:  # not given to the run: it took the default
            recorded = _default_setting(key)
        if key not in LIMITS and recorded != value:
            raise UsageError(f"a resumed run keeps its settings: '{key}' was "
                             f"{recorded!r}; only {', '.join(LIMITS)} can change")
        settings[key] = value
    return settings


def _default_setting(key: str) -> Any:
    """The solver's default of the setting ``key`` (None where it has none)."""
    import inspect

    from mooc.solver import nsga2

    parameter = inspect.signature(nsga2).parameters.get(key)
    return None if parameter is None or parameter.default is inspect.Parameter.empty \
        else parameter.default


def seeded(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with the default seed when none is given, so a checkpoint records the
    seed before the first generation is done."""
    from mooc.solver.nsga2 import DEFAULT_SEED

    if settings.get("seed") is not None:
        return settings
    return {**settings, "seed": DEFAULT_SEED}
